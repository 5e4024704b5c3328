from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "merchants"
    verbose_name = "商户与门店"

    def ready(self):
        from moderation import registry

        from .services import service_text_apply, shop_text_apply

        registry.register("merchants.shop", shop_text_apply)
        registry.register("merchants.service", service_text_apply)
