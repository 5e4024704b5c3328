from django.db.models import Count, Q

from accounts.models import User
from coupons.models import Redemption
from crm.selectors import audience_consumer_ids
from geo.matching import shop_category_ids, subscribers_near
from loyalty.models import CardStatus, MembershipCard
from merchants.models import Shop
from notifications.models import InboxMessage, OutboxMessage

from .models import DealRecipient, FlashDeal


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


def radius_audience_count(
    *, shop: Shop, radius_m: int, category_ids: list[int] | None = None
) -> int:
    """How many consumers a radius deal from `shop` would reach now: active accounts with a
    subscription covering the shop (to `category_ids`, by default the shop's categories and
    their parents, or to the shop itself) whose place is within `radius_m`. Reads only: the
    composer shows it before anything is sent (the same match as the fan-out's resolver)."""
    ids = subscribers_near(
        shop_id=shop.pk,
        lng=shop.location.x,
        lat=shop.location.y,
        category_ids=shop_category_ids(shop) if category_ids is None else category_ids,
        radius_m=radius_m,
    )
    return User.objects.filter(pk__in=list(ids), is_active=True).count()


def levels_audience_count(*, levels) -> int:
    """Consumers holding an active card of one of `levels` (the levels target's reach)."""
    return (
        MembershipCard.objects.filter(level__in=levels, status=CardStatus.ACTIVE)
        .values("consumer_id")
        .distinct()
        .count()
    )


def segments_audience_count(*, merchant, segments: list[str]) -> int:
    """The merchant's customers with an account in one of the CRM segments (the segments
    target's reach)."""
    return audience_consumer_ids(merchant, *segments).distinct().count()
