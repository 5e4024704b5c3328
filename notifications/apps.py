from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "通知"

    def ready(self):
        from core import events

        from .services import moderation_decision_notify

        events.subscribe("moderation_decided", moderation_decision_notify)
