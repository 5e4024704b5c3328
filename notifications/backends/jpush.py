"""JPush (极光推送) through its SDK, jpush: one push per registered device (its registration
id), so the one JPush does not know can be named. JPush refuses a push whose registration ids
are all unknown with error 1011 ("cannot find user by this audience"): that device's token is
reported invalid, and the outbox deactivates the device.

The SDK picks its URL from `jpush.common.ZONES`; JPUSH_API_URL adds a zone of ours, so the
tests' fake server (or a regional endpoint) stands in for api.jpush.cn.
"""

import jpush
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jpush import common

from .base import (
    ChannelBackend,
    OutgoingMessage,
    PermanentFailure,
    PushReceipt,
    PushToken,
    TemporaryFailure,
)

ZONE = "O2O"
PLATFORMS = {"ios": "ios", "android": "android", "harmony": "hmos"}
UNKNOWN_AUDIENCE = 1011


class JPushBackend(ChannelBackend):
    def client(self) -> jpush.JPush:
        key, secret = settings.JPUSH_APP_KEY, settings.JPUSH_MASTER_SECRET
        if not (key and secret):
            raise ImproperlyConfigured("Set JPUSH_APP_KEY and JPUSH_MASTER_SECRET.")
        base = settings.JPUSH_API_URL.rstrip("/") + "/"
        common.ZONES[ZONE] = {**common.ZONES["DEFAULT"], "PUSH": base}
        return jpush.JPush(key, secret, timeout=10, zone=ZONE)

    def send_push(self, message: OutgoingMessage, tokens: list[PushToken]) -> PushReceipt:
        client = self.client()
        ids, invalid = [], set()
        for token in tokens:
            try:
                ids.append(self._push_one(client, message, token))
            except common.JPushFailure as failure:
                if failure.error_code == UNKNOWN_AUDIENCE:
                    invalid.add(token.token)
                    continue
                status = failure.response.status_code if failure.response is not None else 0
                if status == 429 or status >= 500:
                    raise TemporaryFailure(f"jpush {failure.error_code}") from failure
                raise PermanentFailure(
                    f"jpush {failure.error_code}: {failure.details}"
                ) from failure
            except common.Unauthorized as error:
                raise PermanentFailure("jpush: app key or master secret refused") from error
            except (common.APIConnectionException, common.APIRequestException) as error:
                raise TemporaryFailure(f"jpush unreachable: {error}") from error
        return PushReceipt(",".join(ids)[:100], frozenset(invalid))

    def _push_one(self, client: jpush.JPush, message: OutgoingMessage, token: PushToken) -> str:
        push = client.create_push()
        push.audience = jpush.audience(jpush.registration_id(token.token))
        extras = {"data": message.data, "kind": message.kind}
        platform = PLATFORMS.get(token.platform, "android")
        push.platform = jpush.platform(platform)
        overrides = {
            "ios": lambda: jpush.ios(
                alert={"title": message.title, "body": message.body}, extras=extras
            ),
            "android": lambda: jpush.android(
                alert=message.body, title=message.title, extras=extras
            ),
            "hmos": lambda: jpush.hmos(alert=message.body, title=message.title, extras=extras),
        }
        push.notification = jpush.notification(
            alert=message.body or message.title, **{platform: overrides[platform]()}
        )
        push.options = {
            "apns_production": settings.JPUSH_APNS_PRODUCTION,
            "time_to_live": 86400,
        }
        return str(push.send().payload["msg_id"])
