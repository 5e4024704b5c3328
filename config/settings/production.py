"""Production: secrets must come from the environment; refuses to start with unsafe values."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALIPAY_APP_PRIVATE_KEY,
    ALIPAY_APPID,
    ALIPAY_PUBLIC_KEY,
    NOTIFICATION_PUSH_BACKEND,
    NOTIFICATION_SMS_BACKEND,
    NOTIFICATION_WEB_PUSH_BACKEND,
    ORDER_PAYMENT_BACKEND,
    PAYMENT_BACKENDS,
    PAYMENT_NOTIFY_ORIGIN,
    WEBPUSH_ENABLED,
    WEBPUSH_VAPID_PRIVATE_KEY,
    WEBPUSH_VAPID_SUBJECT,
    WECHATPAY_APIV3_KEY,
    WECHATPAY_MCHID,
    WECHATPAY_PUBLIC_KEY_ID,
    env,
    secrets_check,
)

if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured("DEBUG must be off in production.")
secrets_check(globals(), minimum_length=50)

for _setting, _backend in (
    ("NOTIFICATION_SMS_BACKEND", NOTIFICATION_SMS_BACKEND),
    ("NOTIFICATION_PUSH_BACKEND", NOTIFICATION_PUSH_BACKEND),
    ("NOTIFICATION_WEB_PUSH_BACKEND", NOTIFICATION_WEB_PUSH_BACKEND),
):
    if _backend.startswith(("notifications.backends.console.", "notifications.backends.file.")):
        raise ImproperlyConfigured(f"{_setting}: choose a real gateway in production.")

# Web Push needs its VAPID key and a real contact for the push services (RFC 8292 "sub").
if WEBPUSH_ENABLED and not WEBPUSH_VAPID_PRIVATE_KEY:
    raise ImproperlyConfigured(
        "WEBPUSH_ENABLED: set WEBPUSH_VAPID_PRIVATE_KEY (and WEBPUSH_VAPID_PUBLIC_KEY), or turn "
        "web push off with WEBPUSH_ENABLED=0."
    )
if WEBPUSH_ENABLED and WEBPUSH_VAPID_SUBJECT.endswith("@localhost"):
    raise ImproperlyConfigured("Set WEBPUSH_VAPID_SUBJECT to mailto: an address you read.")
WEBPUSH_ALLOW_LOCAL_HTTP = False

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Real money only: the sandbox takes none, and gateways need their secrets from the environment.
if any("sandbox" in path for path in PAYMENT_BACKENDS.values()):
    raise ImproperlyConfigured("The sandbox payment backend is refused in production.")
if ORDER_PAYMENT_BACKEND not in PAYMENT_BACKENDS:
    raise ImproperlyConfigured(
        "Set ORDER_PAYMENT_BACKEND to one of PAYMENT_GATEWAYS (e.g. wechatpay or alipay)."
    )
if any(name.startswith("wechatpay") for name in PAYMENT_BACKENDS) and not (
    WECHATPAY_MCHID and WECHATPAY_PUBLIC_KEY_ID and len(WECHATPAY_APIV3_KEY) == 32
):
    raise ImproperlyConfigured("Set the WECHATPAY_* settings (public-key mode) for WeChat Pay.")
if any(name.startswith("alipay") for name in PAYMENT_BACKENDS) and not (
    ALIPAY_APPID and ALIPAY_APP_PRIVATE_KEY and ALIPAY_PUBLIC_KEY
):
    raise ImproperlyConfigured("Set the ALIPAY_* settings for Alipay.")
if not PAYMENT_NOTIFY_ORIGIN.startswith("https://"):
    raise ImproperlyConfigured("Set PAYMENT_NOTIFY_ORIGIN to the public https origin.")
