"""The counter: redeem a coupon exactly once, and reverse a mistaken redemption.

Redeem-once has three lines of defence: the coupon row is locked (SELECT ... FOR UPDATE) while
it is checked, the state changes by a conditional UPDATE (`WHERE status = 'available'`), and a
partial unique index allows one standing redemption per coupon. Locks are taken coupon first,
then redemption, in both operations.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import events
from merchants.models import Shop

from ..errors import AlreadyReversed, ReversalWindowClosed
from ..locks import coupon_for_counter_lock, redemption_lock
from ..models import Coupon, CouponStatus, Redemption
from ..selectors import already_redeemed, coupon_check, reversal_window


@transaction.atomic
def coupon_redeem(
    *,
    shop: Shop,
    staff: User,
    code: str,
    order_amount_fen: int | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> Redemption:
    """Use the coupon with `code` at `shop`; raises the counter's errors (see coupon_check)."""
    now = now or timezone.now()
    coupon = coupon_for_counter_lock(merchant_id=shop.merchant_id, code=code)
    check = coupon_check(coupon=coupon, shop=shop, now=now, order_amount_fen=order_amount_fen)
    if check.problem is not None:
        raise check.problem
    used = Coupon.objects.filter(pk=coupon.pk, status=CouponStatus.AVAILABLE).update(
        status=CouponStatus.REDEEMED, redeemed_at=now
    )
    if not used:  # cannot happen under the row lock; the unique index would stop it anyway
        raise already_redeemed(coupon)
    applied = check.applied
    events.publish(
        "customer_touched",
        merchant_id=shop.merchant_id,
        consumer_id=coupon.holder_id,
        kind="coupon",
        reference=f"coupon:{coupon.code}",
        at=now,
        campaign_id=coupon.campaign_id,
        summary=f"核销优惠券「{coupon.campaign.title}」",
    )
    return Redemption.objects.create(
        coupon=coupon,
        campaign=coupon.campaign,
        shop=shop,
        staff=staff,
        idempotency_key=idempotency_key,
        order_amount_fen=applied.order_amount_fen,
        discount_fen=applied.discount_fen,
        payable_fen=applied.payable_fen,
        redeemed_at=now,
    )


@transaction.atomic
def redemption_reverse(
    *, redemption: Redemption, by: User, reason: str = "", now: datetime | None = None
) -> Redemption:
    """Undo a redemption made by mistake, within the reversal window: the coupon can be used
    again, and the redemption stays on record marked reversed (by whom, when, why)."""
    now = now or timezone.now()
    redemption = redemption_lock(redemption)
    if redemption.reversed_at is not None:
        raise AlreadyReversed()
    if now - redemption.redeemed_at > reversal_window():
        minutes = settings.COUPON_REVERSAL_WINDOW_MINUTES
        raise ReversalWindowClosed(_("核销 %(minutes)s 分钟后不能再撤销。") % {"minutes": minutes})
    redemption.reversed_at, redemption.reversed_by, redemption.reversal_reason = now, by, reason
    redemption.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    Coupon.objects.filter(pk=redemption.coupon_id, status=CouponStatus.REDEEMED).update(
        status=CouponStatus.AVAILABLE, redeemed_at=None
    )
    return redemption
