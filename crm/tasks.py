"""CRM background work: the feed when CRM_FEED_ASYNC, and the nightly recompute."""

from celery import shared_task

from merchants.models import Merchant

from .services import customer_touch_apply, customers_recompute
from .services.feed import Touch


@shared_task(acks_late=True)
def customer_touch_apply_task(payload: dict) -> None:
    customer_touch_apply(Touch(**payload))


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
