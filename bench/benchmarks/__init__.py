from .discovery import discovery
from .foundation import auth_and_health

BENCHMARKS = {
    "auth_and_health": auth_and_health,
    "discovery": discovery,
}
