"""Subscribers placed at a distance from a shop, and flash deals made through the services."""

import math

from accounts.models import Role
from deals.models import FlashDeal
from deals.services import flash_deal_create
from geo.models import PlaceKind
from geo.services import place_create, subscription_create
from merchants.models import Category
from notifications.services import preference_update
from tests.factories import ShopFactory, UserFactory

SHOP_LAT, SHOP_LNG = 31.2286, 121.4481


def offset(north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    lat = SHOP_LAT + north_m / 111_320
    lng = SHOP_LNG + east_m / (111_320 * math.cos(math.radians(SHOP_LAT)))
    return lat, lng


def hotpot_shop(merchant=None, **kwargs):
    extra = {"merchant": merchant} if merchant else {}
    return ShopFactory(
        lat=SHOP_LAT,
        lng=SHOP_LNG,
        categories=[Category.objects.get(slug="hotpot")],
        **extra,
        **kwargs,
    )


def subscriber(
    *, north_m=0.0, east_m=0.0, category="hotpot", shop=None, radius_m=2000, **preferences
):
    """A consumer with a home `north_m`/`east_m` from the test shop, subscribed around it."""
    consumer = UserFactory(role=Role.CONSUMER)
    lat, lng = offset(north_m, east_m)
    home = place_create(consumer=consumer, kind=PlaceKind.HOME, lat=lat, lng=lng)
    subscription_create(
        consumer=consumer,
        category=None if shop else Category.objects.get(slug=category),
        shop=shop,
        place=home,
        radius_m=radius_m,
    )
    if preferences:
        preference_update(user=consumer, **preferences)
    return consumer


def deal_for(shop, *, target="radius", radius_m=3000, **kwargs) -> FlashDeal:
    terms = {
        "title": "午市火锅立减 30 元",
        "benefit_kind": "amount_off",
        "amount_off_fen": 3000,
        "total_quantity": 100,
        "duration_minutes": 120,
        **kwargs,
    }
    return flash_deal_create(
        merchant=shop.merchant,
        shop=shop,
        target=target,
        radius_m=radius_m if target == "radius" else None,
        **terms,
    )
