from django.apps import AppConfig


class CrmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crm"
    verbose_name = "客户关系"

    def ready(self):
        # The apps below crm tell it about a card, a purchase, an order, a redemption, a review
        # or a dispute by an event, and ask who is in a segment through core.segments; neither
        # imports crm (ARCHITECTURE: Layout).
        from core import events, segments

        from .models import Customer
        from .services.feed import customer_touch

        events.subscribe("customer_touched", customer_touch)
        segments.directory_register(Customer.objects.all)
