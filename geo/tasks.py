from celery import shared_task

from .services import activity_areas_refresh_recent


@shared_task(acks_late=True)
def activity_areas_refresh() -> int:
    """Re-infer the activity areas of consumers active in the last day (idempotent)."""
    return activity_areas_refresh_recent()
