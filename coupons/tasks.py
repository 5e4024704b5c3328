from celery import shared_task

from .services import campaigns_end_past_window


@shared_task(acks_late=True)
def campaigns_end_expired() -> int:
    """End published or paused campaigns whose fixed window is over (idempotent)."""
    return campaigns_end_past_window()
