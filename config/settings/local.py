"""`make run`: a developer's or evaluator's machine."""

from .base import *  # noqa: F403
from .base import PAYMENT_BACKENDS, env, secrets_check

# `make run`'s local development shows Django's debug pages; docker compose turns DEBUG off
# unless asked for (DEBUG=1).
DEBUG = env.bool("DEBUG", default=True)
secrets_check(globals())

# The sandbox gateway (payments.backends.sandbox): declines on request, takes no money.
PAYMENT_BACKENDS = {**PAYMENT_BACKENDS, "sandbox": "payments.backends.sandbox.SandboxBackend"}
