"""Periodic order work. Each order is handled in its own transaction by the same service the
API uses, so a task run that dies half way loses nothing and a rerun skips what is done."""

import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from consumers.errors import DisputeOpen, IllegalTransition
from consumers.models import ConsumedVia, Order, OrderKind, OrderState
from consumers.rating import category_priors_refresh, shop_ratings_refresh
from consumers.services import auto_consume_due, order_consume, order_expire

logger = logging.getLogger(__name__)
BATCH = 500


@shared_task(acks_late=True)
def orders_auto_consume() -> int:
    """Confirm consumption of bookings nobody disputed, ORDER_AUTO_CONFIRM_HOURS after the slot."""
    done = 0
    for order_id in auto_consume_due(timezone.now()).values_list("pk", flat=True)[:BATCH]:
        try:
            order_consume(order=order_id, via=ConsumedVia.AUTO, actor=None)
            done += 1
        except (IllegalTransition, DisputeOpen):
            continue  # changed since the scan (cancelled, consumed, disputed): leave it
    return done


def expire_due(now):
    return Order.objects.filter(
        Q(state=OrderState.PENDING, accept_by__lte=now)
        | Q(state=OrderState.CONFIRMED, kind=OrderKind.PURCHASE, valid_until__lte=now)
    )


@shared_task(acks_late=True)
def orders_expire() -> int:
    """Close pending orders past their acceptance deadline and vouchers past their validity."""
    done = 0
    for order_id in expire_due(timezone.now()).values_list("pk", flat=True)[:BATCH]:
        try:
            order_expire(order=order_id)
            done += 1
        except IllegalTransition:
            continue
    return done


@shared_task(acks_late=True)
def rating_priors_refresh() -> int:
    """Recompute the category priors, then every reviewed shop's rating against them."""
    category_priors_refresh()
    return shop_ratings_refresh()
