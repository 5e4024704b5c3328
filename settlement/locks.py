"""Row locks of the settlement app (ARCHITECTURE.md, "locks.py")."""

from django.db.models import QuerySet

from .models import SettlementEntry


def entries_lock(entries: QuerySet[SettlementEntry]) -> list[SettlementEntry]:
    """The entries, locked in primary-key order: concurrent batch runs over overlapping
    entries queue on the first one instead of deadlocking."""
    return list(entries.order_by("pk").select_for_update(of=("self",)))
