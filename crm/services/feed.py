"""The directory fills itself: the write services of loyalty, consumers and coupons publish
"customer_touched" (core.events; crm subscribes `customer_touch` in CrmConfig.ready) after a
card, a purchase, an order, a redemption, a review or a dispute. They sit below crm and do not
import it.

With CRM_FEED_ASYNC the touch is written as a PendingTouch in the caller's transaction and
applied on commit by a Celery task (crm.tasks.customer_touch_apply_task), so the counter's
transaction never waits on CRM work and no touch is lost with an enqueue: beat applies the ones
left pending. Otherwise it runs in the caller's transaction (tests, small installs). Either way
it is idempotent: a reference is recorded once.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from ..locks import customers_locking, pending_touch_claim
from ..models import (
    Complaint,
    ContactChannel,
    Customer,
    CustomerSource,
    Interaction,
    InteractionKind,
    PendingTouch,
    Purchase,
)

PENDING_GRACE = timedelta(minutes=1)  # an on-commit task normally takes far less


@dataclass
class Touch:
    merchant_id: int
    consumer_id: int
    kind: str  # InteractionKind
    reference: str
    at: str  # ISO datetime: the payload crosses the broker as JSON
    amount_fen: int = 0
    service_name: str = ""
    summary: str = ""
    satisfaction: int | None = None
    campaign_id: int | None = None


SOURCE_OF_KIND = {
    InteractionKind.PURCHASE: CustomerSource.ORDER,
    InteractionKind.CARD: CustomerSource.CARD,
    InteractionKind.COUPON: CustomerSource.COUPON,
    InteractionKind.REVIEW: CustomerSource.REVIEW,
    InteractionKind.COMPLAINT: CustomerSource.COMPLAINT,
}


def customer_touch(
    *,
    merchant_id: int,
    consumer_id: int | None,
    kind: str,
    reference: str,
    at: datetime | None = None,
    amount_fen: int = 0,
    service_name: str = "",
    summary: str = "",
    satisfaction: int | None = None,
    campaign_id: int | None = None,
) -> None:
    """Record that a consumer met a merchant; called by other apps' services."""
    if consumer_id is None:
        return
    touch = Touch(
        merchant_id=merchant_id,
        consumer_id=consumer_id,
        kind=kind,
        reference=reference,
        at=(at or timezone.now()).isoformat(),
        amount_fen=amount_fen,
        service_name=service_name[:100],
        summary=summary[:200],
        satisfaction=satisfaction,
        campaign_id=campaign_id,
    )
    if settings.CRM_FEED_ASYNC:
        from ..tasks import customer_touch_apply_task

        pending = PendingTouch.objects.create(payload=asdict(touch))
        # robust: a broker outage at commit must not undo the caller; beat applies it later.
        transaction.on_commit(lambda: customer_touch_apply_task.delay(pending.pk), robust=True)
    else:
        customer_touch_apply(touch)


def pending_touch_apply(pending_id: int) -> bool:
    """Apply one pending touch and delete it, together; False if it is gone (applied) or being
    applied by another worker right now."""
    with transaction.atomic():
        pending = pending_touch_claim(pending_id)
        if pending is None:
            return False
        customer_touch_apply(Touch(**pending.payload))
        pending.delete()
    return True


def pending_touches_due(*, now: datetime | None = None) -> list[int]:
    """Touches still pending after PENDING_GRACE: their task was never enqueued or was lost."""
    cutoff = (now or timezone.now()) - PENDING_GRACE
    return list(
        PendingTouch.objects.filter(created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def customer_for_consumer(*, merchant_id: int, consumer: User, source: str) -> Customer:
    """The merchant's customer for this consumer, locked: found by account, else by the phone
    a hand-added or imported row carries (then linked), else created."""
    customers = customers_locking()
    found = customers.filter(merchant_id=merchant_id, consumer=consumer).first()
    if found:
        return found
    phone_rows = customers.filter(merchant_id=merchant_id, phone=consumer.phone)
    if consumer.phone_verified:  # only an account that proved the phone takes over its row
        by_phone = phone_rows.filter(consumer__isnull=True).first()
        if by_phone:
            by_phone.consumer = consumer
            by_phone.save(update_fields=["consumer"])
            return by_phone
    # An unproven phone on a hand-added row stays that row's; this customer goes without it.
    phone = consumer.phone if consumer.phone_verified or not phone_rows.exists() else None
    try:
        with transaction.atomic():
            Customer.objects.create(
                merchant_id=merchant_id,
                consumer=consumer,
                phone=phone,
                name=consumer.name,
                source=source,
            )
    except IntegrityError:
        pass  # a concurrent touch made it first (or the phone is on a linked row)
    return customers.get(merchant_id=merchant_id, consumer=consumer)


@transaction.atomic
def customer_touch_apply(touch: Touch) -> Interaction | None:
    consumer = User.objects.filter(pk=touch.consumer_id).first()
    if consumer is None:
        return None
    customer = customer_for_consumer(
        merchant_id=touch.merchant_id,
        consumer=consumer,
        source=SOURCE_OF_KIND.get(touch.kind, CustomerSource.ORDER),
    )
    at = datetime.fromisoformat(touch.at)
    if Interaction.objects.filter(
        customer=customer, kind=touch.kind, reference=touch.reference
    ).exists():
        return None  # replayed
    interaction = Interaction.objects.create(
        customer=customer,
        kind=touch.kind,
        at=at,
        summary=touch.summary,
        satisfaction=touch.satisfaction,
        reference=touch.reference,
        campaign_id=touch.campaign_id,
    )
    if touch.kind == InteractionKind.PURCHASE:
        purchase_record(
            customer=customer,
            at=at,
            amount_fen=touch.amount_fen,
            service_name=touch.service_name,
            reference=touch.reference,
        )
    if touch.kind == InteractionKind.REVIEW and touch.satisfaction:
        customer.satisfaction = touch.satisfaction
        customer.save(update_fields=["satisfaction"])
    if touch.kind == InteractionKind.COMPLAINT:
        Complaint.objects.get_or_create(
            merchant_id=touch.merchant_id,
            reference=touch.reference,
            defaults={
                "customer": customer,
                "channel": ContactChannel.WECHAT,
                "content": touch.summary or "平台争议",
                "owner": customer.owner,
                "respond_by": at + response_time(touch.merchant_id),
            },
        )
    return interaction


def response_time(merchant_id: int) -> timedelta:
    from ..selectors import settings_of_merchant_id

    return timedelta(hours=settings_of_merchant_id(merchant_id).complaint_response_hours)


def purchase_record(
    *, customer: Customer, at: datetime, amount_fen: int, service_name: str, reference: str
) -> Purchase | None:
    """Append a purchase and move the customer's totals (under the customer's row lock)."""
    purchase, made = Purchase.objects.get_or_create(
        customer=customer,
        reference=reference,
        defaults={"at": at, "amount_fen": amount_fen, "service_name": service_name},
    )
    if not made:
        return None
    Customer.objects.filter(pk=customer.pk).update(
        spend_fen=F("spend_fen") + amount_fen, visits=F("visits") + 1
    )
    customer.refresh_from_db(fields=["spend_fen", "visits", "first_visit_at", "last_visit_at"])
    changed = []
    if customer.first_visit_at is None or at < customer.first_visit_at:
        customer.first_visit_at = at
        changed.append("first_visit_at")
    if customer.last_visit_at is None or at > customer.last_visit_at:
        customer.last_visit_at = at
        changed.append("last_visit_at")
    if changed:
        customer.save(update_fields=changed)
    return purchase
