from celery import shared_task
from django.conf import settings

from .services import flash_deal_fan_out as fan_out
from .services import flash_deals_due


@shared_task(acks_late=True, queue="fanout")
def flash_deal_fan_out(deal_id: int) -> dict:
    """Idempotent; acks_late, so a worker killed mid-way leaves the task to be redelivered."""
    return fan_out(deal_id=deal_id).__dict__


@shared_task(acks_late=True)
def flash_deals_fan_out_due() -> int:
    ids = flash_deals_due()
    for deal_id in ids:
        flash_deal_fan_out.apply_async([deal_id], queue=settings.FLASH_DEAL_FANOUT_QUEUE)
    return len(ids)
