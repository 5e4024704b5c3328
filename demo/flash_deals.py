"""Demo flash deals for `manage.py seed_demo`: the demo consumer lives near the demo merchant's
first shop, subscribes to its category, has check-ins (so an activity area), and receives a
published flash deal in their inbox. Idempotent: skipped once the merchant has flash deals."""

from django.db import transaction

from accounts.models import User
from deals.models import FlashDeal
from deals.services import flash_deal_create, flash_deal_fan_out, flash_deal_publish
from geo.services import (
    activity_area_refresh,
    check_in_create,
    location_consent_grant,
    place_create,
    subscription_create,
)
from merchants.models import Merchant

NORTH_1KM = 1000 / 111_320  # degrees of latitude


def demo_deals_load(*, merchant: Merchant, consumer: User) -> int:
    """The number of flash deals made (0 when they were already there)."""
    if FlashDeal.objects.filter(merchant=merchant).exists():
        return 0
    shop = merchant.shops.order_by("pk").first()
    category = shop.categories.order_by("pk").first()
    with transaction.atomic():
        home = place_create(
            consumer=consumer,
            kind="home",
            name="家",
            lat=shop.location.y + NORTH_1KM,
            lng=shop.location.x,
        )
        subscription_create(consumer=consumer, category=category, place=home, radius_m=3000)
        location_consent_grant(consumer=consumer, channel="demo")  # the demo consumer agreed
        subscription_create(consumer=consumer, shop=shop, radius_m=5000)  # the activity area
        for step in range(4):
            check_in_create(
                consumer=consumer,
                lat=shop.location.y + step * 0.0005,
                lng=shop.location.x + step * 0.0004,
                shop=shop,
            )
        activity_area_refresh(consumer=consumer)
        nearby = flash_deal_create(
            merchant=merchant,
            shop=shop,
            title=f"{shop.name} 闪购：立减 15 元",
            description="两小时内到店有效，满 60 元可用。",
            benefit_kind="amount_off",
            amount_off_fen=1500,
            min_spend_fen=6000,
            total_quantity=100,
            duration_minutes=120,
            target="radius",
            radius_m=3000,
        )
        flash_deal_publish(deal=nearby)
        flash_deal_create(  # a draft to publish from the API
            merchant=merchant,
            shop=shop,
            title="老顾客专享 8 折",
            benefit_kind="percent_off",
            percent_off=20,
            total_quantity=50,
            duration_minutes=180,
            target="customer_list",
            customer_phones=[consumer.phone],
            sms=True,
        )
    flash_deal_fan_out(deal_id=nearby.pk)  # what the worker does; its own task then finds it done
    return 2
