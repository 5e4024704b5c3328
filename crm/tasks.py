"""CRM background work: the feed when CRM_FEED_ASYNC (and its net), and the nightly recompute."""

from celery import shared_task

from merchants.models import Merchant

from .services import customers_recompute
from .services.feed import pending_touch_apply, pending_touches_due


@shared_task(acks_late=True)
def customer_touch_apply_task(pending_id: int) -> bool:
    return pending_touch_apply(pending_id)


@shared_task(acks_late=True)
def pending_touches_apply() -> int:
    """Beat, every minute: the touches a lost enqueue left pending, applied here in order."""
    return sum(pending_touch_apply(pending_id) for pending_id in pending_touches_due())


@shared_task(acks_late=True)
def customers_recompute_merchant(merchant_id: int) -> int:
    merchant = Merchant.objects.filter(pk=merchant_id).first()
    return customers_recompute(merchant=merchant) if merchant else 0


@shared_task(acks_late=True)
def customers_recompute_all() -> int:
    """Nightly: one task per merchant with customers, so one big merchant does not hold up the
    others and a failure is retried alone."""
    ids = list(
        Merchant.objects.filter(customers__isnull=False).distinct().values_list("pk", flat=True)
    )
    for merchant_id in ids:
        customers_recompute_merchant.delay(merchant_id)
    return len(ids)
