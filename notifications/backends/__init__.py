"""Channel backends, chosen in settings as Django chooses EMAIL_BACKEND:

    NOTIFICATION_SMS_BACKEND = "notifications.backends.console.ConsoleBackend"
    NOTIFICATION_PUSH_BACKEND = "notifications.backends.file.FileBackend"

A real SMS gateway subclasses `base.ChannelBackend` and implements `send`; a push service
implements `send_push`, which gets the recipient's active device tokens and reports the ones the
service no longer knows.

Push is a channel per device platform (PUSH_SETTINGS): browsers' subscriptions go through
NOTIFICATION_WEB_PUSH_BACKEND (Web Push), whatever native push service (JPush...) carries the
apps' pushes through NOTIFICATION_PUSH_BACKEND.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import (
    ChannelBackend,
    OutgoingMessage,
    PermanentFailure,
    PushReceipt,
    PushToken,
    TemporaryFailure,
)

SETTINGS = {"sms": "NOTIFICATION_SMS_BACKEND", "push": "NOTIFICATION_PUSH_BACKEND"}
# Device platforms whose pushes take another backend than NOTIFICATION_PUSH_BACKEND.
PUSH_SETTINGS = {"web": "NOTIFICATION_WEB_PUSH_BACKEND"}
# The SMS gateways whose callbacks we read, by the name in their callback URL.
SMS_GATEWAYS = {
    "aliyun": "notifications.backends.aliyun.AliyunSmsBackend",
    "tencent": "notifications.backends.tencent.TencentSmsBackend",
}

__all__ = [
    "SMS_GATEWAYS",
    "ChannelBackend",
    "OutgoingMessage",
    "PermanentFailure",
    "PushReceipt",
    "PushToken",
    "TemporaryFailure",
    "backend_for",
    "backend_named",
    "push_backend_setting",
]


def backend_for(channel: str) -> ChannelBackend:
    return backend_named(SETTINGS[channel])


def backend_named(setting: str) -> ChannelBackend:
    """A new instance of the backend the setting `setting` names."""
    return import_string(getattr(settings, setting))()


def push_backend_setting(platform: str) -> str:
    """The setting naming the backend that pushes to devices of `platform`."""
    return PUSH_SETTINGS.get(platform, SETTINGS["push"])
