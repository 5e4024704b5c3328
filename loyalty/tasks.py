"""Periodic work: points past their expiry, and level reviews for programs that downgrade.
Both are idempotent: a card with nothing due is left alone."""

from celery import shared_task
from django.utils import timezone

from .models import MembershipCard, PointsLot
from .services import card_level_review_by_id, card_points_expire
from .services.levels import programs_with_downgrades


@shared_task(acks_late=True)
def points_expire_due() -> int:
    card_ids = (
        PointsLot.objects.filter(remaining__gt=0, expires_at__lte=timezone.now())
        .values_list("card_id", flat=True)
        .distinct()
    )
    expired = 0
    for card_id in card_ids.iterator():
        expired += card_points_expire(card_id=card_id) is not None
    return expired


@shared_task(acks_late=True)
def levels_review() -> int:
    """Downgrades happen as time passes (the window slides), so they are reviewed daily."""
    card_ids = MembershipCard.objects.filter(program_id__in=programs_with_downgrades()).values_list(
        "pk", flat=True
    )
    for card_id in card_ids.iterator():
        card_level_review_by_id(card_id=card_id)
    return len(card_ids)
