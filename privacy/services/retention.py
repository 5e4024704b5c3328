"""Retention: raw check-ins and the precise locations of orders are kept
PRIVACY_LOCATION_RETENTION_DAYS (default 180, the activity area's history window), then purged
by beat. The order itself stays (money record); only its point goes."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from consumers.models import Order
from geo.services import check_ins_purge

from ..models import DataExport, ExportStatus


@transaction.atomic
def locations_purge(*, now: datetime | None = None) -> int:
    before = (now or timezone.now()) - timedelta(days=settings.PRIVACY_LOCATION_RETENTION_DAYS)
    purged = check_ins_purge(before=before)
    purged += Order.objects.filter(created_at__lt=before, location__isnull=False).update(
        location=None
    )
    return purged


def exports_expire(*, now: datetime | None = None) -> int:
    """A ready export nobody downloaded within PRIVACY_EXPORT_KEEP_DAYS is deleted (file)."""
    before = (now or timezone.now()) - timedelta(days=settings.PRIVACY_EXPORT_KEEP_DAYS)
    expired = 0
    for export in DataExport.objects.filter(status=ExportStatus.READY, ready_at__lt=before):
        with transaction.atomic():
            if export.file:
                name, storage = export.file.name, export.file.storage
                transaction.on_commit(lambda n=name, s=storage: s.delete(n))
            export.file, export.status = "", ExportStatus.EXPIRED
            export.save(update_fields=["file", "status"])
            expired += 1
    return expired
