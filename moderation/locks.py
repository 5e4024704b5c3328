"""Row locks of the moderation app (ARCHITECTURE.md, "locks.py")."""

from .models import ModerationItem


def moderation_item_lock(pk: int) -> ModerationItem:
    """The queue item, locked: two staff deciding it at once decide it once."""
    return ModerationItem.objects.select_for_update(of=("self",)).get(pk=pk)
