"""Row locks of the coupons app (ARCHITECTURE.md, "locks.py").

Tables are locked in one order: campaign, then coupon, then redemption; a redemption's coupon
is locked before the redemption, in redeeming and reversing alike.
"""

from .errors import CouponNotFound
from .models import Campaign, Coupon, Redemption
from .selectors import counter_coupons


def campaign_lock(pk: int) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).get(pk=pk)


def coupon_for_counter_lock(*, merchant_id: int, code: str) -> Coupon:
    """coupon_for_counter, locked while the counter checks and redeems it."""
    coupons = counter_coupons(merchant_id=merchant_id, code=code)
    coupon = coupons.select_for_update(of=("self",)).first()
    if coupon is None:
        raise CouponNotFound()
    return coupon


def redemption_lock(redemption: Redemption) -> Redemption:
    """The redemption re-read, locked after its coupon."""
    Coupon.objects.select_for_update(of=("self",)).filter(pk=redemption.coupon_id).get()
    return Redemption.objects.select_for_update(of=("self",)).get(pk=redemption.pk)
