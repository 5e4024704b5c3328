from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "merchants"
    verbose_name = "商户与门店"

    def ready(self):
        from moderation import registry

        from .services import service_text_apply, shop_text_apply

        registry.register("merchants.shop", shop_text_apply)
        registry.register("merchants.service", service_text_apply)

        from PIL import Image

        from .images import MAX_PIXELS

        # Every Image.open in the process (Django's ImageField check, stored card images):
        # past twice this Pillow refuses to open at all, past it warns (images.py refuses).
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
