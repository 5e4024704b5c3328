"""What a browser's push subscription must look like before we store it and POST to it.

The endpoint is a URL our workers will call, so it must be a push service's: https to one of
the hosts in WEBPUSH_PUSH_SERVICES (the browsers' own push services), never any other host,
so the server cannot be made to call into its own network (and the backend follows no
redirect).
Plain http to 127.0.0.1 only with DEBUG or WEBPUSH_ALLOW_LOCAL_HTTP (the tests' fake push
service). The keys must be what RFC 8291 encrypts for: an uncompressed P-256 point and a
16-byte secret, so a broken subscription is refused here, not at every send.
"""

import base64
import binascii
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOCAL_HOSTS = {"127.0.0.1"}


def _base64url(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValidationError(_("不是有效的 base64url 编码。")) from error


def web_push_endpoint(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError as error:
        raise ValidationError(_("推送地址不是有效的网址。")) from error
    local_allowed = settings.DEBUG or settings.WEBPUSH_ALLOW_LOCAL_HTTP
    if parts.scheme == "http" and host in LOCAL_HOSTS and local_allowed:
        return
    named = parts.scheme == "https" and port in (None, 443) and push_service(host)
    if not named or parts.username or parts.password:
        raise ValidationError(_("推送地址必须是浏览器推送服务的 https 网址。"))


def push_service(host: str) -> bool:
    """Whether the host is one of WEBPUSH_PUSH_SERVICES ("*.example.com": any host below it)."""
    return any(
        host.endswith(pattern[1:]) if pattern.startswith("*.") else host == pattern
        for pattern in settings.WEBPUSH_PUSH_SERVICES
    )


def web_subscription_key(value: str) -> None:
    raw = _base64url(value)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as error:
        raise ValidationError(_("p256dh 必须是浏览器的 P-256 公钥。")) from error
    if len(raw) != 65:  # uncompressed (0x04, x, y), as PushSubscription gives it
        raise ValidationError(_("p256dh 必须是浏览器的 P-256 公钥。"))


def web_auth_secret(value: str) -> None:
    if len(_base64url(value)) != 16:
        raise ValidationError(_("auth 必须是 16 字节的密钥。"))
