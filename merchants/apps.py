from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "merchants"
    verbose_name = "商户与门店"

    def ready(self):
        from moderation import registry

        from .models import Service, Shop
        from .services import service_text_apply, shop_text_apply

        def owner_of(queryset):
            return lambda object_id, field: (
                queryset.filter(pk=object_id).values_list("merchant__owner_id", flat=True).first()
            )

        registry.register("merchants.shop", shop_text_apply, owner_of(Shop.objects))
        registry.register(
            "merchants.service",
            service_text_apply,
            lambda object_id, field: (
                Service.objects.filter(pk=object_id)
                .values_list("shop__merchant__owner_id", flat=True)
                .first()
            ),
        )

        from PIL import Image

        from .images import MAX_PIXELS

        # Every Image.open in the process (Django's ImageField check, stored card images):
        # past twice this Pillow refuses to open at all, past it warns (images.py refuses).
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
