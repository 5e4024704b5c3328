from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = "会员卡"

    def ready(self):
        from core.codes import code_kind_register
        from loyalty.selectors import card_number_held

        code_kind_register("M", card_number_held)

        from loyalty.services.top_up import (
            TOP_UP_PURPOSE,
            top_up_payment_closed,
            top_up_payment_paid,
        )
        from payments.purposes import purpose_register

        purpose_register(TOP_UP_PURPOSE, paid=top_up_payment_paid, closed=top_up_payment_closed)
