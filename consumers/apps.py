from django.apps import AppConfig


class ConsumersConfig(AppConfig):
    name = "consumers"
    verbose_name = "消费者"

    def ready(self):
        from moderation import registry

        from .services.reviews import REVIEW, review_text_apply

        registry.register(REVIEW, review_text_apply)
