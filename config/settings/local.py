"""`make run`: a developer's or evaluator's machine."""

from .base import *  # noqa: F403
from .base import PAYMENT_BACKENDS, env

DEBUG = env.bool("DEBUG", default=True)

# The sandbox gateway (payments.backends.sandbox): declines on request, takes no money.
PAYMENT_BACKENDS = {**PAYMENT_BACKENDS, "sandbox": "payments.backends.sandbox.SandboxBackend"}
