from django.apps import AppConfig


class CouponsConfig(AppConfig):
    name = "coupons"
    verbose_name = "优惠券"

    def ready(self):
        from core.codes import code_kind_register
        from moderation import registry

        from .selectors import coupon_code_held

        code_kind_register("C", coupon_code_held)

        from .models import Campaign
        from .services.campaigns import CAMPAIGN, campaign_text_apply

        registry.register(
            CAMPAIGN,
            campaign_text_apply,
            lambda object_id, field: (
                Campaign.objects.filter(pk=object_id)
                .values_list("merchant__owner_id", flat=True)
                .first()
            ),
        )
