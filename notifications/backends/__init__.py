"""Channel backends, chosen in settings as Django chooses EMAIL_BACKEND:

    NOTIFICATION_SMS_BACKEND = "notifications.backends.console.ConsoleBackend"
    NOTIFICATION_PUSH_BACKEND = "notifications.backends.file.FileBackend"

A real SMS gateway subclasses `base.ChannelBackend` and implements `send`; a push service
implements `send_push`, which gets the recipient's active device tokens and reports the ones the
service no longer knows.
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
]


def backend_for(channel: str) -> ChannelBackend:
    return import_string(getattr(settings, SETTINGS[channel]))()
