from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import IdempotencyRecord

# Clients retry within minutes; a day of answers is ample and keeps the table small.
IDEMPOTENCY_KEEP = timedelta(days=1)


@shared_task(acks_late=True)
def ping() -> str:
    """Round trip through broker and worker; used by health checks and tests."""
    return "pong"


@shared_task(acks_late=True)
def idempotency_records_purge() -> int:
    cutoff = timezone.now() - IDEMPOTENCY_KEEP
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
