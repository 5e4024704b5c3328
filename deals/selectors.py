from datetime import datetime

from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Count, F, Prefetch, Q, QuerySet

from accounts.models import User
from coupons.models import Campaign, Redemption
from coupons.selectors import campaign_shop_ids, campaigns_for_display, campaigns_open_to
from geo.matching import subscribers_of_shop_deal
from merchants.models import Category, Shop, ShopStatus
from notifications.models import InboxMessage, OutboxMessage

from .models import DealRecipient, DealStatus, FlashDeal
from .targets import level_holder_ids, segment_member_ids


def deal_shop_ids(deal: FlashDeal) -> list[int]:
    """The shops a deal reaches: the shop it is pushed from and its campaign's shops."""
    return [deal.shop_id, *campaign_shop_ids(deal.campaign)]


def flash_deal_stats(deal: FlashDeal) -> dict:
    """Reach (recipients, inbox rows, read), external messages by channel and status, and the
    coupon funnel (claimed, redeemed)."""
    inbox = InboxMessage.objects.filter(dedupe_key=deal.dedupe_key).aggregate(
        delivered=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False))
    )
    channels: dict[str, dict[str, int]] = {}
    for row in (
        OutboxMessage.objects.filter(dedupe_key=deal.dedupe_key)
        .values("channel", "status")
        .annotate(n=Count("pk"))
    ):
        channels.setdefault(row["channel"], {})[row["status"]] = row["n"]
    return {
        "recipients": DealRecipient.objects.filter(deal=deal).count(),
        "inbox_delivered": inbox["delivered"],
        "inbox_read": inbox["read"],
        "push": channels.get("push", {}),
        "sms": channels.get("sms", {}),
        "coupons_claimed": deal.campaign.issued_count,
        "coupons_redeemed": Redemption.objects.filter(
            campaign=deal.campaign, reversed_at__isnull=True
        ).count(),
        "fanout_started_at": deal.fanout_started_at,
        "fanout_finished_at": deal.fanout_finished_at,
    }


def radius_audience_count(*, shop: Shop, radius_m: int) -> int:
    """How many active accounts a radius deal from `shop` would reach now: the fan-out's own
    match (geo.matching), read only, for the composer to show before anything is sent."""
    ids = subscribers_of_shop_deal(shop=shop, radius_m=radius_m)
    return User.objects.filter(pk__in=ids, is_active=True).count()


def levels_audience_count(*, levels) -> int:
    """The levels target's reach."""
    return len(level_holder_ids(levels))


def segments_audience_count(*, merchant, segments: list[str]) -> int:
    """The segments target's reach."""
    return len(segment_member_ids(merchant.pk, segments))


def flash_deals_live(
    *,
    user: User | None,
    now: datetime,
    point: Point | None = None,
    radius_m: float | None = None,
    category: Category | None = None,
) -> QuerySet[FlashDeal]:
    """Deals a consumer may act on now: published, started, not ended, at an active shop, and
    whose campaign the user may still claim (coupons' own rules: not sold out, not over,
    audience includes the user). A radius deal's campaign is for anyone, so it is public; a
    customer-list, levels or segments deal's campaign names its audience, so only its
    recipients see it, as only they may claim it.

    With `point`, nearest first by the KNN operator with the constant point, each row carrying
    `geodesic` (the WGS84 distance); with `radius_m` too, only shops within it (ST_DWithin on
    geography). A category goes through the (category, location) index, where a shop is linked
    to its categories' parents as well. Each deal's campaign carries `claimed_by_me` for a
    signed-in user.
    """
    campaigns = campaigns_open_to(user=user, now=now)
    deals = (
        FlashDeal.objects.filter(
            status=DealStatus.PUBLISHED,
            starts_at__lte=now,
            ends_at__gt=now,
            shop__status=ShopStatus.ACTIVE,
            campaign__in=campaigns.values("pk"),
        )
        .select_related("shop")
        .prefetch_related(
            Prefetch("campaign", queryset=campaigns_for_display(Campaign.objects.all(), user)),
            "shop__categories",
        )
    )
    location, near = "shop__location", {}
    if category is not None:
        location = "shop__category_links__location"
        near["shop__category_links__category"] = category
    if point is not None and radius_m is not None:
        near[f"{location}__dwithin"] = (point, D(m=radius_m))
    deals = deals.filter(**near)  # one filter(): one join of the category links
    if point is None:
        return deals.order_by("pk")
    return deals.annotate(
        distance=GeometryDistance(location, point), geodesic=Distance("shop__location", point)
    ).order_by(F("distance").asc(), "pk")
