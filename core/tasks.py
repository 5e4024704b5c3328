from celery import shared_task


@shared_task(acks_late=True)
def ping() -> str:
    """Round trip through broker and worker; used by health checks and tests."""
    return "pong"
