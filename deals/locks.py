"""Row locks of the deals app (ARCHITECTURE.md, "locks.py")."""

from .models import FlashDeal


def flash_deal_lock(pk: int) -> FlashDeal:
    """The deal, locked (not its merchant, which is only read), with its merchant loaded."""
    return FlashDeal.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=pk)
