"""Production: secrets must come from the environment; refuses to start with unsafe values."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import NOTIFICATION_PUSH_BACKEND, NOTIFICATION_SMS_BACKEND, env, secrets_check

if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured("DEBUG must be off in production.")
secrets_check(globals(), minimum_length=50)

for _setting, _backend in (
    ("NOTIFICATION_SMS_BACKEND", NOTIFICATION_SMS_BACKEND),
    ("NOTIFICATION_PUSH_BACKEND", NOTIFICATION_PUSH_BACKEND),
):
    if _backend.startswith(("notifications.backends.console.", "notifications.backends.file.")):
        raise ImproperlyConfigured(f"{_setting}: choose a real gateway in production.")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
