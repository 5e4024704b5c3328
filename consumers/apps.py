from django.apps import AppConfig


class ConsumersConfig(AppConfig):
    name = "consumers"
    verbose_name = "消费者"

    def ready(self):
        from consumers.selectors import order_code_held
        from core.codes import code_kind_register

        code_kind_register("O", order_code_held)

        from moderation import registry

        from .models import Review
        from .services.reviews import REVIEW, review_text_apply

        def review_writer(object_id: int, field: str) -> int | None:
            """The author for the text; the shop's merchant owner for the reply."""
            column = "shop__merchant__owner_id" if field == "reply_text" else "consumer_id"
            return Review.objects.filter(pk=object_id).values_list(column, flat=True).first()

        registry.register(REVIEW, review_text_apply, review_writer)

        from consumers.billing import ORDER_PURPOSE
        from consumers.services.orders import order_payment_closed, order_payment_paid
        from payments.purposes import purpose_register

        purpose_register(ORDER_PURPOSE, paid=order_payment_paid, closed=order_payment_closed)

        from consumers.selectors import orders_held_by_dispute
        from core import events

        events.subscribe("payout_holds", orders_held_by_dispute)
