"""The counter's coupon actions, one service each, called alike by the API and the dashboard:
the code read and found for this shop's merchant, the redemption or its reversal run once per
idempotency key (core.idempotency.Once). The caller only renders: `render` turns the result into
the body that is stored and replayed."""

from collections.abc import Callable

from accounts.models import User
from core.idempotency import Once
from merchants.models import Shop, StaffPermission
from merchants.selectors import merchant_permission_check

from ..models import Redemption
from ..selectors import coupon_code_read, redemption_for_counter
from .redemption import coupon_redeem, redemption_reverse

Render = Callable[[Redemption], tuple[int, dict]]


def coupon_counter_redeem(
    *,
    user: User,
    shop: Shop,
    code: str,
    order_amount_fen: int | None,
    once: Once,
    render: Render,
) -> tuple[int, dict, bool]:
    """Redeem the scanned or typed coupon at `shop` once per key: (status, body, replayed)."""
    code = coupon_code_read(code)

    def perform():
        return render(
            coupon_redeem(
                shop=shop,
                staff=user,
                code=code,
                order_amount_fen=order_amount_fen,
                idempotency_key=once.key,
            )
        )

    return once.run(scope="coupons.redeem", perform=perform)


def redemption_counter_reverse(
    *,
    user: User,
    redemption_id: int,
    shop: Shop | None,
    reason: str,
    once: Once,
    render: Render,
) -> tuple[int, dict, bool]:
    """Undo a redemption of one of the user's shops where the user may redeem (of `shop` when
    the counter names it), once per key."""
    redemption = redemption_for_counter(user=user, redemption_id=redemption_id, shop=shop)
    merchant_permission_check(user=user, permission=StaffPermission.REDEEM, shop=redemption.shop)

    def perform():
        return render(redemption_reverse(redemption=redemption, by=user, reason=reason))

    return once.run(scope="coupons.reverse", perform=perform)
