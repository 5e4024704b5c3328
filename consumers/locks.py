"""Row locks of the consumers app (ARCHITECTURE.md, "locks.py").

Tables are locked in one order: the shop (merchants.locks.shop_lock), then the order, then its
review or dispute, then its payment (payments.locks); each one row at a time.
"""

from merchants.models import Shop
from payments.locks import payment_lock
from payments.models import Payment

from .models import Dispute, Order, Review, ShopOrderPolicy


def order_lock(order: Order | int) -> Order:
    """The order, re-read under a row lock: every transition starts here."""
    pk = order if isinstance(order, int) else order.pk
    return Order.objects.select_for_update(of=("self",)).get(pk=pk)


def order_payment_lock(order: Order) -> Payment | None:
    """The order's payment, locked after the order; None if it was paid without one."""
    if order.payment_id is None:
        return None
    return payment_lock(order.payment_id)


def review_lock(pk: int) -> Review:
    return Review.objects.select_for_update(of=("self",)).get(pk=pk)


def dispute_lock(pk: int) -> Dispute:
    return Dispute.objects.select_for_update(of=("self",)).get(pk=pk)


def order_policy_lock(shop: Shop) -> ShopOrderPolicy:
    """The shop's order policy, locked; created with the defaults if it has none yet."""
    policy, _created = ShopOrderPolicy.objects.select_for_update(of=("self",)).get_or_create(
        shop=shop
    )
    return policy
