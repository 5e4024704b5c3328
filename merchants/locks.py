"""Row locks of the merchants app (ARCHITECTURE.md, "locks.py")."""

from .models import Shop


def shop_lock(pk: int) -> Shop:
    """The shop, locked: its edits and the counts kept on it (reviews, rating) queue here."""
    return Shop.objects.select_for_update(of=("self",)).get(pk=pk)
