"""pytest: the real PostGIS and Redis, isolated in their own database and Redis db number."""

from .base import *  # noqa: F403
from .base import CACHES, PAYMENT_BACKENDS, REDIS_URL, SIMPLE_JWT, env

# The only settings with fixed secrets: known to the tests, distinct per purpose, never the
# key this project once published.
SECRET_KEY = "test-only-django-secret-key-0f3c9a7e5b1d"  # noqa: S105
JWT_SIGNING_KEY = "test-only-jwt-signing-key-8b2e6d4a0c9f"
QR_SIGNING_KEY = "test-only-qr-signing-key-5a1f7c3e9d2b"
CARD_PIN_PEPPER = "test-only-card-pin-pepper-3d8b0e6f2a4c"
WEBPUSH_VAPID_PRIVATE_KEY = "QWgHyMzMe6bf_3RIPbJIpfFsbhaxe1d1HuzFd40_dN8"
WEBPUSH_VAPID_SUBJECT = "mailto:push@example.com"
WEBPUSH_ALLOW_LOCAL_HTTP = True  # the fake push service on 127.0.0.1
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": JWT_SIGNING_KEY}

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
