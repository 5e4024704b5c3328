from .churn import churn
from .consumer_app import consumer_app
from .discovery import discovery
from .fanout import fanout
from .foundation import auth_and_health
from .ledger import ledger
from .load import load
from .orders import orders
from .redemption import redemption

BENCHMARKS = {
    "auth_and_health": auth_and_health,
    "discovery": discovery,
    "ledger": ledger,
    "redemption": redemption,
    "orders": orders,
    "load": load,
    "fanout": fanout,
    "churn": churn,
    "consumer_app": consumer_app,
}
