from django.db.models import Count, Q

from accounts.models import User
from coupons.models import Redemption
from geo.matching import subscribers_of_shop_deal
from merchants.models import Shop
from notifications.models import InboxMessage, OutboxMessage

from .models import DealRecipient, FlashDeal
from .targets import level_holder_ids, segment_member_ids


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
