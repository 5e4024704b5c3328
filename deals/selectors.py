from django.db.models import Count, Q

from coupons.models import Redemption
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
