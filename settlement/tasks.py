from celery import shared_task
from django.utils import timezone

from .services import payout_batches_create as batches_create


@shared_task(acks_late=True)
def payout_batches_create() -> list[int]:
    """Weekly: a payout batch per merchant for everything payable before today (local
    midnight). Safe to rerun: entries already in a batch are never taken again."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return [batch.pk for batch in batches_create(until=today)]
