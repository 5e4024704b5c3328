from celery import shared_task

from .services import deletion, export, retention


@shared_task(acks_late=True)
def data_export_prepare(export_id: int) -> None:
    export.data_export_prepare_by_id(export_id=export_id)


@shared_task(acks_late=True)
def deletions_due_run() -> int:
    """Erase the accounts whose waiting period is over (idempotent)."""
    return deletion.deletions_due_erase()


@shared_task(acks_late=True)
def locations_retention_purge() -> int:
    """Delete raw check-ins and precise locations older than PRIVACY_LOCATION_RETENTION_DAYS."""
    return retention.locations_purge()


@shared_task(acks_late=True)
def exports_expire() -> int:
    """Delete the files of exports left undownloaded past PRIVACY_EXPORT_KEEP_DAYS."""
    return retention.exports_expire()
