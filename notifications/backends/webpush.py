"""Web Push (RFC 8030) to browsers' subscriptions through pywebpush: the payload encrypted for
the subscription's keys (RFC 8291, aes128gcm), the request signed with our VAPID key (RFC
8292, ES256), a TTL and an urgency. One request per subscription, so the one the push service
no longer knows can be named: it answers 404 or 410 for an expired or unsubscribed endpoint,
and the outbox deactivates that device.

The VAPID key pair comes from the settings (WEBPUSH_VAPID_*); the public key is what the
consumer app subscribes with (`applicationServerKey`), served by /api/v1/me/devices/web-push-key/.
"""

import base64
import json

import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from .base import (
    ChannelBackend,
    OutgoingMessage,
    PermanentFailure,
    PushReceipt,
    PushToken,
    TemporaryFailure,
)

# Subscriptions the push service will never take again: expired or unsubscribed (404, 410:
# RFC 8030 §7.3), made for another VAPID key (403: RFC 8292 §4.2), or malformed (400); and
# any other answer that is no success (a 3xx: we follow no redirect).
DEAD = (300, 301, 302, 303, 307, 308, 400, 403, 404, 410)
# RFC 8030 §5.3: marketing may wait for a charger and Wi-Fi; the rest is normal.
URGENCY = {"flash_deal": "low", "verification": "high"}


def web_push_available() -> bool:
    return bool(settings.WEBPUSH_ENABLED and settings.WEBPUSH_VAPID_PRIVATE_KEY)


def vapid_key() -> Vapid:
    if not web_push_available():
        raise ImproperlyConfigured("Set WEBPUSH_VAPID_PRIVATE_KEY (WEBPUSH_ENABLED is off?).")
    return Vapid.from_string(settings.WEBPUSH_VAPID_PRIVATE_KEY)


def vapid_public_key() -> str:
    """The application server key (RFC 8292 §3.2): the uncompressed P-256 point, base64url.
    Derived from the private key; a configured WEBPUSH_VAPID_PUBLIC_KEY must be the same."""
    point = vapid_key().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    derived = base64.urlsafe_b64encode(point).rstrip(b"=").decode()
    configured = settings.WEBPUSH_VAPID_PUBLIC_KEY.rstrip("=")
    if configured and configured != derived:
        raise ImproperlyConfigured("WEBPUSH_VAPID_PUBLIC_KEY is not the private key's pair.")
    return derived


def web_payload(message: OutgoingMessage) -> str:
    """What the service worker (consumer_app/public/push-handler.js) shows."""
    return json.dumps(
        {
            "title": message.title,
            "body": message.body,
            "kind": message.kind,
            "data": message.data,
            "tag": message.idempotency_key,  # a retried push replaces, never doubles
        },
        ensure_ascii=False,
        default=str,
    )


class NoRedirects(requests.Session):
    """A push service answers our POST itself (201); following a redirect would let whoever
    runs an endpoint send our worker to any address, inside our network too."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


class WebPushBackend(ChannelBackend):
    def send_push(self, message: OutgoingMessage, tokens: list[PushToken]) -> PushReceipt:
        """Each subscription on its own: one the push service refuses for good is deactivated
        and the others still get the message; only our own key refused (401), a message too
        large for every one (413) or a passing failure fails the send."""
        key, payload = vapid_key(), web_payload(message)
        ids, invalid, too_large = [], set(), 0
        with NoRedirects() as session:
            for token in tokens:
                try:
                    ids.append(self._push_one(session, key, payload, message, token))
                except WebPushException as error:
                    status = error.response.status_code if error.response is not None else 0
                    if status in DEAD:
                        invalid.add(token.token)
                    elif status in (0, 408, 429) or status >= 500:
                        raise TemporaryFailure(f"web push {status}") from error
                    elif status == 413:
                        too_large += 1
                    else:  # 401: our VAPID refused, so every subscription refuses it
                        raise PermanentFailure(f"web push {status} at {token.masked}") from error
                except requests.RequestException as error:
                    why = type(error).__name__
                    raise TemporaryFailure(f"web push unreachable: {why}") from error
        if too_large and too_large == len(tokens):
            raise PermanentFailure("web push 413: the message is too large")
        return PushReceipt(",".join(ids)[:100], frozenset(invalid))

    def _push_one(
        self,
        session: requests.Session,
        key: Vapid,
        payload: str,
        message: OutgoingMessage,
        token: PushToken,
    ) -> str:
        response = webpush(
            subscription_info={
                "endpoint": token.token,
                "keys": {"p256dh": token.p256dh, "auth": token.auth},
            },
            data=payload,
            vapid_private_key=key,
            vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},  # aud and exp: pywebpush's
            content_encoding="aes128gcm",
            ttl=settings.WEBPUSH_TTL_SECONDS,
            headers={"Urgency": URGENCY.get(message.kind, "normal")},
            timeout=10,
            requests_session=session,
        )
        # 201 Created with the message's URL (RFC 8030 §5); its last segment names it.
        return response.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
