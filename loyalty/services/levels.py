"""Automatic upgrade (and, when the program allows it, downgrade) by the rolling window."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from ..locks import card_lock
from ..models import CardProgram, EntryKind, LedgerEntry, Level, MembershipCard, UpgradeBasis


def window_figure(card: MembershipCard) -> int:
    """What the program counts in its window: spend (fen paid, refunds netted out) or points
    earned (reversed earnings netted out)."""
    program = card.program
    since = timezone.now() - timedelta(days=program.upgrade_window_days)
    rows = LedgerEntry.objects.filter(card=card, created_at__gte=since)
    if program.upgrade_basis == UpgradeBasis.SPEND:
        rows = rows.filter(kind__in=[EntryKind.EARN, EntryKind.REVERSE])
        return rows.aggregate(total=Sum("amount_fen"))["total"] or 0
    rows = rows.filter(Q(kind=EntryKind.EARN) | Q(kind=EntryKind.REVERSE, reverses__kind="earn"))
    return rows.aggregate(total=Sum("points_delta"))["total"] or 0


def card_level_review(card: MembershipCard) -> Level:
    """Move a locked card to the highest level its window figure reaches; down only when the
    program allows downgrades."""
    figure = window_figure(card)
    reached = (
        Level.objects.filter(program_id=card.program_id, threshold__lte=figure)
        .order_by("-rank")
        .first()
    )
    if reached is None or reached.pk == card.level_id:
        return card.level
    if reached.rank > card.level.rank or card.program.downgrade_enabled:
        card.level = reached
        card.save(update_fields=["level"])
    return card.level


@transaction.atomic
def card_level_review_by_id(*, card_id: int) -> Level:
    return card_level_review(card_lock(card_id))


def programs_with_downgrades() -> list[int]:
    return list(CardProgram.objects.filter(downgrade_enabled=True).values_list("pk", flat=True))
