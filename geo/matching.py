"""Who gets a deal pushed from a shop: one index scan over subscription coverages.

`coverage` (a polygon per subscription, GiST-indexed) already includes each subscription's own
radius, so `ST_Intersects(coverage, shop)` walks the index for the shop's point; the deal's own
radius and the category or shop are checked on the rows the index returned.
"""

from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import QuerySet

from merchants.models import Shop, ShopCategory

from .models import Subscription


def shop_category_ids(shop: Shop) -> list[int]:
    """The shop's categories and their parents: a subscription to 餐饮 hears of a 火锅 deal."""
    ids: set[int] = set()
    for category_id, parent_id in ShopCategory.objects.filter(shop=shop).values_list(
        "category_id", "category__parent_id"
    ):
        ids.add(category_id)
        if parent_id:
            ids.add(parent_id)
    return sorted(ids)


def subscribers_near(
    *, shop_id: int, lng: float, lat: float, category_ids: list[int], radius_m: float
) -> QuerySet:
    """Consumer ids with an active subscription covering the shop (to its category or to the
    shop itself) whose place or activity area is within `radius_m` of the shop.

    One statement, a UNION with an arm per category and one for the shop, so that each arm
    walks the (category, coverage) or (shop, coverage) GiST index for the shop's point: an OR
    of the categories would scan every category's coverages around the shop instead."""
    shop_point = Point(lng, lat, srid=4326)
    covering = Subscription.objects.filter(
        active=True, coverage__intersects=shop_point, anchor__dwithin=(shop_point, D(m=radius_m))
    )
    arms = [covering.filter(category_id=category_id) for category_id in category_ids]
    arms.append(covering.filter(shop_id=shop_id))
    first, *others = (arm.values_list("consumer_id", flat=True) for arm in arms)
    return first.union(*others)  # UNION, not UNION ALL: each consumer once


def subscribers_of_shop_deal(*, shop: Shop, radius_m: float) -> list[int]:
    rows = subscribers_near(
        shop_id=shop.pk,
        lng=shop.location.x,
        lat=shop.location.y,
        category_ids=shop_category_ids(shop),
        radius_m=radius_m,
    )
    return sorted(rows)
