"""A backing service that does not answer (PostgreSQL, Redis, the broker) is an outage, not a
bug: the client gets 503 `service_unavailable` in the error shape and may retry; the next
request reconnects (CONN_HEALTH_CHECKS; redis-py's pool reconnects by itself)."""

import logging

from django.db import InterfaceError, OperationalError, connections
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("core.faults")

# psycopg2's connection refused/reset and server-closed-the-connection surface as Django's
# OperationalError or InterfaceError; so do statement timeouts and deadlocks, which a retry
# may also cure.
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerError,
)
RETRY_AFTER_SECONDS = 5


def is_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, UNAVAILABLE)


def unavailable_noted(error: BaseException) -> None:
    """Log the outage in one line (no traceback per request) and drop broken connections."""
    logger.warning("service unavailable: %s: %s", type(error).__name__, str(error).strip()[:200])
    if isinstance(error, OperationalError | InterfaceError):
        for connection in connections.all(initialized_only=True):
            if not connection.is_usable():
                connection.close()
