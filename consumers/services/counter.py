"""The counter's order action, called alike by the API and the dashboard: the scanned or typed
order found in the cashier's shop (another shop's is `wrong_shop`, another merchant's not
found: consumers.selectors.order_for_counter), consumed once per idempotency key
(core.idempotency.Once). The caller only renders the consumed order."""

from collections.abc import Callable

from accounts.models import User
from core.idempotency import Once
from merchants.models import Shop

from ..models import ConsumedVia, Order
from ..selectors import order_for_counter
from .orders import order_consume


def order_counter_consume(
    *,
    user: User,
    shop: Shop,
    code: str,
    once: Once,
    render: Callable[[Order], tuple[int, dict]],
) -> tuple[int, dict, bool]:
    """Consume the order with `code` at `shop` once per key: (status, body, replayed)."""

    def perform():
        order = order_for_counter(user=user, code=code, shop_id=shop.pk)
        return render(order_consume(order=order, via=ConsumedVia.COUNTER, actor=user))

    return once.run(scope="orders.consume", perform=perform)
