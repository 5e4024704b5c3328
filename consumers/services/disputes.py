"""Disputes: either side says the order did not go as recorded; platform staff decide."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from consumers.errors import DisputeNotAllowed, DisputeOpen
from consumers.locks import dispute_lock, order_lock
from consumers.models import (
    ActorRole,
    ConsumedVia,
    Dispute,
    DisputeStatus,
    Order,
    OrderState,
)
from core import events

from .orders import order_consume, order_refund

DISPUTABLE = {OrderState.CONFIRMED, OrderState.CONSUMED, OrderState.NO_SHOW}


@transaction.atomic
def dispute_open(*, order: Order, opened_by: User, side: str, reason: str) -> Dispute:
    """Record a dispute. A confirmed order under dispute is not auto-confirmed, and a settled
    one is held out of payouts, until the platform decides."""
    order = order_lock(order)
    if order.state not in DISPUTABLE:
        raise DisputeNotAllowed()
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                order=order, opened_by=opened_by, side=side, reason=reason
            )
    except IntegrityError as error:  # the partial unique index: one open dispute per order
        raise DisputeOpen() from error
    if side == ActorRole.CONSUMER:  # the customer complains: the merchant's CRM follows it up
        events.publish(
            "customer_touched",
            merchant_id=order.merchant_id,
            consumer_id=order.consumer_id,
            kind="complaint",
            reference=f"dispute:{dispute.pk}",
            summary=reason,
        )
    return dispute


@transaction.atomic
def dispute_resolve(
    *, dispute: Dispute, staff: User, for_consumer: bool, note: str = ""
) -> Dispute:
    """For the consumer: the order is refunded in full. For the merchant: a confirmed order
    counts as consumed; a consumed or no-show order stays as it is."""
    dispute = dispute_lock(dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        return dispute
    dispute.status = DisputeStatus.FOR_CONSUMER if for_consumer else DisputeStatus.FOR_MERCHANT
    dispute.resolution_note, dispute.resolved_by = note, staff
    dispute.resolved_at = timezone.now()
    dispute.save()
    order = dispute.order
    if for_consumer:
        order_refund(order=order, actor=staff, note=note or "争议裁定：支持用户")
    elif order.state == OrderState.CONFIRMED:
        order_consume(order=order, via=ConsumedVia.PLATFORM, actor=staff)
    return dispute
