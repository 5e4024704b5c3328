"""The ledger's primitives: every change to a card's points or stored value goes through here.

Lock rule: a caller locks the card row (`locks.card_lock`) before calling anything below, and keeps
the lock until its transaction commits. Under that lock the cached `points` / `balance_fen`,
the new ledger row (with the figures after it) and the points lots change together, so
cached = sum of the ledger = sum of the lots' remaining, always. The database's check
constraints (never negative) are the last line behind the checks made here.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from merchants.models import Shop

from ..errors import InsufficientBalance, InsufficientPoints, ReversalNotPossible
from ..models import Channel, EntryKind, LedgerEntry, MembershipCard, PointsLot

CREDIT_LOT_KINDS = (EntryKind.EARN, EntryKind.ADJUST)


@dataclass
class Movement:
    """What a row does; `entry_append` fills in the figures after it."""

    kind: str
    points_delta: int = 0
    balance_delta_fen: int = 0
    amount_fen: int = 0
    channel: str = Channel.COUNTER
    reference: str = ""
    reverses: LedgerEntry | None = None
    idempotency_key: str = ""
    shop: Shop | None = None
    by: User | None = None
    note: str = ""


def entry_append(card: MembershipCard, movement: Movement, lots_used=None) -> LedgerEntry:
    """Append one row and move the cached figures with it. The card must be locked."""
    card.points += movement.points_delta
    card.balance_fen += movement.balance_delta_fen
    if card.points < 0:
        raise InsufficientPoints()
    if card.balance_fen < 0:
        raise InsufficientBalance()
    card.save(update_fields=["points", "balance_fen"])
    return LedgerEntry.objects.create(
        card=card,
        kind=movement.kind,
        channel=movement.channel,
        points_delta=movement.points_delta,
        balance_delta_fen=movement.balance_delta_fen,
        points_after=card.points,
        balance_after_fen=card.balance_fen,
        amount_fen=movement.amount_fen,
        reference=movement.reference,
        reverses=movement.reverses,
        lots_used=lots_used or [],
        idempotency_key=movement.idempotency_key,
        shop=movement.shop,
        created_by=movement.by,
        note=movement.note,
    )


def points_credit(card: MembershipCard, movement: Movement) -> LedgerEntry:
    """A row that adds points as a new lot, expiring after the program's period."""
    entry = entry_append(card, movement)
    if movement.points_delta > 0:
        days = card.program.points_expiry_days
        PointsLot.objects.create(
            card=card,
            entry=entry,
            points=movement.points_delta,
            remaining=movement.points_delta,
            expires_at=entry.created_at + timedelta(days=days) if days else None,
        )
    return entry


def open_lots(card: MembershipCard, *, first: int | None = None) -> list[PointsLot]:
    """Lots with points left, soonest-expiring first (never-expiring last), then oldest;
    `first` (a lot id) is taken before the others."""
    lots = list(
        PointsLot.objects.filter(card=card, remaining__gt=0).order_by(
            F("expires_at").asc(nulls_last=True), "pk"
        )
    )
    if first is not None:
        lots.sort(key=lambda lot: lot.pk != first)
    return lots


def lots_take(card: MembershipCard, points: int, *, first: int | None = None) -> list[list[int]]:
    """Take `points` from the open lots (all or nothing); returns [[lot id, points], ...]."""
    taken: list[list[int]] = []
    left = points
    for lot in open_lots(card, first=first):
        if left == 0:
            break
        take = min(lot.remaining, left)
        lot.remaining -= take
        lot.save(update_fields=["remaining"])
        taken.append([lot.pk, take])
        left -= take
    if left:
        raise InsufficientPoints()
    return taken


def points_debit(
    card: MembershipCard, movement: Movement, *, first_lot: int | None = None
) -> LedgerEntry:
    """A row that takes points (and/or balance): points come from the soonest-expiring lots.
    Points already past their expiry are expired first, so they cannot be spent."""
    card_points_expire_due(card)
    taken = (
        lots_take(card, -movement.points_delta, first=first_lot) if movement.points_delta else []
    )
    return entry_append(card, movement, lots_used=taken)


def card_points_expire_due(card: MembershipCard) -> LedgerEntry | None:
    """Expire what is left of the lots past their expiry in one `expire` row. Card locked."""
    now = timezone.now()
    due = list(
        PointsLot.objects.filter(card=card, remaining__gt=0, expires_at__lte=now).order_by("pk")
    )
    if not due:
        return None
    total = sum(lot.remaining for lot in due)
    PointsLot.objects.filter(pk__in=[lot.pk for lot in due]).update(remaining=0)
    return entry_append(
        card,
        Movement(kind=EntryKind.EXPIRE, points_delta=-total, channel=Channel.SYSTEM),
        lots_used=[[lot.pk, lot.remaining] for lot in due],
    )


@dataclass
class Reversal:
    entry: LedgerEntry
    # Earned points that could not be taken back because they were already spent.
    points_unrecovered: int = 0


def entry_reverse(
    card: MembershipCard, entry: LedgerEntry, *, by: User | None, note: str = ""
) -> Reversal:
    """Undo one row with a `reverse` row that refers to it. The card must be locked.

    - A spend: its points go back into the lots they came from (and expire at once if those
      lots have expired since), its balance back to the card.
    - An earn (or a positive adjust): its points are taken back, from its own lot first. Points
      already spent cannot be taken back below zero: what is missing is reported in
      `points_unrecovered` and the row takes only what is there.
    - A top-up or bonus: the stored value is taken back whole; if it has been spent the
      reversal is refused (money is never written off silently).
    """
    movement = Movement(
        kind=EntryKind.REVERSE,
        reverses=entry,
        reference=entry.reference,
        channel=entry.channel,
        shop=entry.shop,
        by=by,
        note=note,
    )
    if entry.points_delta < 0 or entry.balance_delta_fen < 0:  # a spend or negative adjust
        for lot_id, points in entry.lots_used:
            PointsLot.objects.filter(pk=lot_id).update(remaining=F("remaining") + points)
        movement.points_delta = -entry.points_delta
        movement.balance_delta_fen = -entry.balance_delta_fen
        row = entry_append(card, movement)
        card_points_expire_due(card)
        return Reversal(row)
    if entry.balance_delta_fen > card.balance_fen:
        raise ReversalNotPossible()
    card_points_expire_due(card)
    own_lot = getattr(entry, "lot", None)
    recoverable = min(entry.points_delta, card.points)
    taken = lots_take(card, recoverable, first=own_lot.pk if own_lot else None)
    movement.points_delta = -recoverable
    movement.balance_delta_fen = -entry.balance_delta_fen
    movement.amount_fen = -entry.amount_fen  # the purchase no longer counts towards upgrades
    row = entry_append(card, movement, lots_used=taken)
    return Reversal(row, points_unrecovered=entry.points_delta - recoverable)
