"""Purchases on a card: at the counter (offline) or from an order (online), and reversals.

For the orders app:

- `card_purchase_record(..., channel=Channel.ONLINE, reference="order:123",
  idempotency_key="order:123")` records an order's purchase: member price, optional points and
  balance used (check the consumption password first with `card_password_check`), points earned
  on what is left. The same key never records twice: the second call returns the first result.
- `card_online_purchase_earn(card=, amount_fen=, reference="order:123")`: earning only, for an
  order paid outside the card (the amount is what the customer paid); idempotent per reference.
- `card_reference_reverse(reference="order:123")`: a refund. Every row of the reference not yet
  reversed gets a `reverse` row: spent points and balance come back first, then earned points
  are taken back. Earned points already spent are not driven below zero: the result's
  `points_unrecovered` (and `points_unrecovered_value_fen` at the redeem rate) tell the caller
  what could not be taken back, so it may withhold that value from a cash refund. Calling it
  again reverses nothing more.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from core import events
from merchants.models import Shop

from ..errors import CardNotUsable, CardNotValidHere, InvalidRedemption
from ..locks import card_lock, cards_lock
from ..models import CardStatus, Channel, EntryKind, LedgerEntry, MembershipCard
from ..selectors import (
    PurchaseQuote,
    points_for_fen,
    points_value_fen,
    program_valid_at,
    purchase_quote,
)
from .ledger import (
    Movement,
    card_points_expire_due,
    entry_reverse,
    points_credit,
    points_debit,
)
from .levels import card_level_review


@dataclass
class PurchaseResult:
    card: MembershipCard
    quote: PurchaseQuote
    balance_used_fen: int
    cash_due_fen: int  # what the cashier collects in money
    entries: list[LedgerEntry]
    replayed: bool = False


def card_usable_check(card: MembershipCard, shop: Shop | None) -> None:
    if card.status != CardStatus.ACTIVE:
        raise CardNotUsable()
    if shop is not None and not program_valid_at(card.program, shop):
        raise CardNotValidHere()


def earlier_purchase(card: MembershipCard, key: str) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(
            card=card, idempotency_key=key, kind__in=[EntryKind.SPEND, EntryKind.EARN]
        ).order_by("pk")
    )


def purchase_replayed(
    card: MembershipCard, amount_fen: int, done: list[LedgerEntry]
) -> PurchaseResult:
    """The result of a purchase already recorded under this key, from its own rows (the
    card's level or the program may have changed since)."""
    spend = next((e for e in done if e.kind == EntryKind.SPEND), None)
    earn = next(e for e in done if e.kind == EntryKind.EARN)
    points_used = -spend.points_delta if spend else 0
    balance_used = -spend.balance_delta_fen if spend else 0
    value = points_value_fen(card.program, points_used)
    quote = PurchaseQuote(
        amount_fen=amount_fen,
        member_price_fen=earn.amount_fen,
        discount_fen=amount_fen - earn.amount_fen,
        points_used=points_used,
        points_value_fen=value,
        to_pay_fen=earn.amount_fen - value,
        points_to_earn=earn.points_delta,
    )
    return PurchaseResult(
        card, quote, balance_used, quote.to_pay_fen - balance_used, done, replayed=True
    )


def purchase_entries_write(
    card: MembershipCard,
    quote: PurchaseQuote,
    *,
    points_to_use: int,
    balance_to_use_fen: int,
    common: dict,
) -> list[LedgerEntry]:
    """A purchase's rows: one `spend` for the points and balance used (if any), then the `earn`
    row for the member price with the points earned on what was paid otherwise."""
    entries = []
    if points_to_use or balance_to_use_fen:
        entries.append(
            points_debit(
                card,
                Movement(
                    kind=EntryKind.SPEND,
                    points_delta=-points_to_use,
                    balance_delta_fen=-balance_to_use_fen,
                    **common,
                ),
            )
        )
    entries.append(
        points_credit(
            card,
            Movement(
                kind=EntryKind.EARN,
                points_delta=quote.points_to_earn,
                amount_fen=quote.member_price_fen,
                **common,
            ),
        )
    )
    return entries


@transaction.atomic
def card_purchase_record(
    *,
    card_id: int,
    amount_fen: int,
    idempotency_key: str,
    by: User | None,
    shop: Shop | None = None,
    points_to_use: int = 0,
    balance_to_use_fen: int = 0,
    channel: str = Channel.COUNTER,
    reference: str = "",
) -> PurchaseResult:
    """Record a purchase of `amount_fen` (list price): the level's discount, then points and
    balance used (in one `spend` row), then an `earn` row for the purchase with the points
    earned on what was paid with balance or money. The consumption password must have been
    checked by the caller when points or balance are used. Locks: the card row."""
    if amount_fen <= 0 or points_to_use < 0 or balance_to_use_fen < 0:
        raise InvalidRedemption()
    card = card_lock(card_id)
    card_usable_check(card, shop)
    if done := earlier_purchase(card, idempotency_key):
        return purchase_replayed(card, amount_fen, done)
    quote = purchase_quote(
        card=card,
        amount_fen=amount_fen,
        points_to_use=points_to_use,
        online=channel == Channel.ONLINE,
    )
    if balance_to_use_fen > quote.to_pay_fen:
        raise InvalidRedemption(fields={"balance_fen": [_("余额支付不能超过应付金额。")]})
    entries = purchase_entries_write(
        card,
        quote,
        points_to_use=points_to_use,
        balance_to_use_fen=balance_to_use_fen,
        common={
            "channel": channel,
            "reference": reference,
            "idempotency_key": idempotency_key,
            "shop": shop,
            "by": by,
        },
    )
    card_level_review(card)
    if channel != Channel.ONLINE:  # online purchases reach the CRM as consumed orders
        events.publish(
            "customer_touched",
            merchant_id=card.program.merchant_id,
            consumer_id=card.consumer_id,
            kind="purchase",
            reference=f"card:{card.pk}:{idempotency_key}",
            amount_fen=quote.member_price_fen,
            summary=f"会员卡消费 ¥{quote.member_price_fen / 100:.2f}",
        )
    return PurchaseResult(
        card, quote, balance_to_use_fen, quote.to_pay_fen - balance_to_use_fen, entries
    )


def card_online_purchase_earn(
    *, card: MembershipCard, amount_fen: int, reference: str, by: User | None = None
) -> LedgerEntry:
    """Points for an order paid outside the card (`amount_fen` = what was paid); idempotent
    per reference. The amount is not discounted again: the order already applied the level."""
    with transaction.atomic():
        card = card_lock(card.pk)
        card_usable_check(card, None)
        earlier = LedgerEntry.objects.filter(
            card=card, kind=EntryKind.EARN, idempotency_key=reference
        ).first()
        if earlier:
            return earlier
        points = points_for_fen(card.program, card.level, amount_fen)
        entry = points_credit(
            card,
            Movement(
                kind=EntryKind.EARN,
                points_delta=points if card.program.earn_online else 0,
                amount_fen=amount_fen,
                channel=Channel.ONLINE,
                reference=reference,
                idempotency_key=reference,
                by=by,
            ),
        )
        card_level_review(card)
        return entry


@dataclass
class ReferenceReversal:
    entries: list[LedgerEntry] = field(default_factory=list)
    points_unrecovered: int = 0
    points_unrecovered_value_fen: int = 0


@transaction.atomic
def card_reference_reverse(
    *, reference: str, by: User | None = None, note: str = ""
) -> ReferenceReversal:
    """Reverse every not-yet-reversed row of `reference` (see the module docstring).
    Locks: the cards of those rows, in primary-key order."""
    if not reference:
        raise ValueError("a reference is required")
    open_rows = Q(reference=reference, reversed_by__isnull=True) & ~Q(
        kind__in=[EntryKind.REVERSE, EntryKind.EXPIRE]
    )
    card_ids = sorted(set(LedgerEntry.objects.filter(open_rows).values_list("card_id", flat=True)))
    result = ReferenceReversal()
    for card in cards_lock(card_ids):
        rows = list(LedgerEntry.objects.filter(open_rows, card=card).select_related("lot"))
        # Give back what was spent before taking back what was earned: fewer points are lost.
        rows.sort(key=lambda row: (row.points_delta + row.balance_delta_fen >= 0, row.pk))
        unrecovered = 0
        for row in rows:
            reversal = entry_reverse(card, row, by=by, note=note)
            result.entries.append(reversal.entry)
            unrecovered += reversal.points_unrecovered
        card_level_review(card)
        result.points_unrecovered += unrecovered
        result.points_unrecovered_value_fen += points_value_fen(card.program, unrecovered)
    return result


@transaction.atomic
def card_adjust(
    *,
    card_id: int,
    by: User,
    note: str,
    points_delta: int = 0,
    balance_delta_fen: int = 0,
    idempotency_key: str = "",
) -> LedgerEntry:
    """A manual correction by the merchant, with its reason; never below zero."""
    card = card_lock(card_id)
    movement = Movement(
        kind=EntryKind.ADJUST,
        points_delta=points_delta,
        balance_delta_fen=balance_delta_fen,
        by=by,
        note=note,
        channel=Channel.COUNTER,
        idempotency_key=idempotency_key,
    )
    if points_delta < 0 or balance_delta_fen < 0:
        if points_delta > 0:
            raise InvalidRedemption(fields={"points": [_("积分与余额调整请分开进行。")]})
        return points_debit(card, movement)
    return points_credit(card, movement)


def card_points_expire(*, card_id: int) -> LedgerEntry | None:
    with transaction.atomic():
        return card_points_expire_due(card_lock(card_id))
