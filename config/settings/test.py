"""pytest: the real PostGIS and Redis, isolated in their own database and Redis db number."""

from .base import *  # noqa: F403
from .base import CACHES, PAYMENT_BACKENDS, REDIS_URL, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; not for production
# TEST_REDIS_DB lets several checkouts run their suites side by side on one Redis.
TEST_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/" + env("TEST_REDIS_DB", default="15")
CACHES["default"]["LOCATION"] = TEST_REDIS_URL
CACHES["default"]["KEY_PREFIX"] = "o2o-test"
CELERY_BROKER_URL = TEST_REDIS_URL
CELERY_RESULT_BACKEND = TEST_REDIS_URL
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The sandbox gateway (payments.backends.sandbox): declines on request, takes no money.
PAYMENT_BACKENDS = {**PAYMENT_BACKENDS, "sandbox": "payments.backends.sandbox.SandboxBackend"}

# The customer directory is fed in the writing transaction, so tests see it at once.
CRM_FEED_ASYNC = False

# The SMS gateways' callbacks are open only with this path token (tests post to them).
SMS_CALLBACK_TOKEN = "test-sms-callback-token"  # noqa: S105 (tests only)
