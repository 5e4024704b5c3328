"""Row locks of the loyalty app (ARCHITECTURE.md, "locks.py").

A card's cached points and balance change only under its row lock (services/ledger.py). Cards
are locked one at a time, or several at once in primary-key order, so two purchases or
expiries that touch the same cards queue instead of deadlocking.
"""

from merchants.models import Merchant

from .models import CardDesign, CardInvitation, CardProgram, InvitationStatus, MembershipCard


def card_lock(card_id: int) -> MembershipCard:
    """The card row, locked until the transaction ends."""
    return (
        MembershipCard.objects.select_for_update(of=("self",))
        .select_related("program", "level", "consumer")
        .get(pk=card_id)
    )


def cards_lock(card_ids: list[int]) -> list[MembershipCard]:
    return list(
        MembershipCard.objects.select_for_update(of=("self",))
        .select_related("program", "level")
        .filter(pk__in=card_ids)
        .order_by("pk")
    )


def card_program_lock(*, merchant: Merchant, name: str) -> CardProgram:
    """The merchant's program, locked; created (named `name`) if it has none yet."""
    program, _created = CardProgram.objects.select_for_update(of=("self",)).get_or_create(
        merchant=merchant, defaults={"name": name}
    )
    return program


def card_design_lock(pk: int) -> CardDesign:
    return CardDesign.objects.select_for_update(of=("self",)).get(pk=pk)


def pending_invitation_lock(*, invitation_id: int, phone: str) -> CardInvitation | None:
    return (
        CardInvitation.objects.select_for_update(of=("self",))
        .filter(pk=invitation_id, phone=phone, status=InvitationStatus.PENDING)
        .select_related("program", "level")
        .first()
    )
