from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "隐私与合规"

    def ready(self):
        from core import events

        from .services.consents import on_session_opened

        events.subscribe("session_opened", on_session_opened)
