"""Channel backends, chosen in settings as Django chooses EMAIL_BACKEND:

    NOTIFICATION_SMS_BACKEND = "notifications.backends.console.ConsoleBackend"
    NOTIFICATION_PUSH_BACKEND = "notifications.backends.file.FileBackend"

A real SMS gateway or push service subclasses `base.ChannelBackend` and implements `send`.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ChannelBackend, PermanentFailure, TemporaryFailure

SETTINGS = {"sms": "NOTIFICATION_SMS_BACKEND", "push": "NOTIFICATION_PUSH_BACKEND"}

__all__ = ["ChannelBackend", "PermanentFailure", "TemporaryFailure", "backend_for"]


def backend_for(channel: str) -> ChannelBackend:
    return import_string(getattr(settings, SETTINGS[channel]))()
