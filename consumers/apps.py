from django.apps import AppConfig


class ConsumersConfig(AppConfig):
    name = "consumers"
    verbose_name = "消费者"

    def ready(self):
        from moderation import registry

        from .services.reviews import REVIEW, review_text_apply

        registry.register(REVIEW, review_text_apply)

        from consumers.billing import ORDER_PURPOSE
        from consumers.services.orders import order_payment_closed, order_payment_paid
        from payments.purposes import purpose_register

        purpose_register(ORDER_PURPOSE, paid=order_payment_paid, closed=order_payment_closed)
