"""Reads of the loyalty app, for its API and for the orders app.

For orders (bookings and purchases):

- `card_for_purchase(consumer=, shop=)`: the consumer's active card valid at that shop, or None.
- `purchase_quote(card=, amount_fen=, points_to_use=)`: the member price (the level's
  discount), the money value of the points offered and the points the rest would earn; the
  figures `loyalty.services.card_purchase_record` will apply.
- `points_value_fen(program, points)`: what points are worth at the program's redeem rate
  (e.g. to withhold the value of earned points that a refunded customer already spent).
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.codes import InvalidCode, qr_payload_read, short_code_normalize
from core.errors import NotFound
from merchants.models import Merchant, Shop

from .errors import InvalidRedemption
from .models import (
    CardInvitation,
    CardProgram,
    CardStatus,
    InvitationStatus,
    LedgerEntry,
    Level,
    MembershipCard,
    PointsRounding,
)


def program_valid_at(program: CardProgram, shop: Shop) -> bool:
    """A program is valid in all its merchant's shops, or only the ones it lists."""
    if shop.merchant_id != program.merchant_id:
        return False
    chosen = program.shops.values_list("pk", flat=True)
    return not chosen or shop.pk in chosen


def card_for_purchase(*, consumer: User, shop: Shop) -> MembershipCard | None:
    card = (
        MembershipCard.objects.select_related("program", "level")
        .filter(consumer=consumer, program__merchant_id=shop.merchant_id, status=CardStatus.ACTIVE)
        .first()
    )
    return card if card and program_valid_at(card.program, shop) else None


def card_number_from_code(code: str) -> str:
    """A scanned QR payload (`O2O:M:<number>:<sig>`) or a typed number -> the stored number;
    InvalidCode for a forged payload or another kind of code."""
    if code.strip().upper().startswith("O2O:"):
        kind, number = qr_payload_read(code)
        if kind != "M":
            raise InvalidCode()
        return number
    return short_code_normalize(code)


def merchant_card_by_code(*, merchant: Merchant, code: str) -> MembershipCard:
    """A card of this merchant's program; another merchant's card is not found."""
    card = (
        MembershipCard.objects.select_related("program", "level", "consumer")
        .filter(program__merchant=merchant, number=card_number_from_code(code))
        .first()
    )
    if card is None:
        raise NotFound()
    return card


def card_number_held(*, user: User, shop: Shop, value: str) -> bool:
    """The counter's finder for typed codes (core.codes.scan_resolve): a card of this merchant."""
    return MembershipCard.objects.filter(
        number=value, program__merchant_id=shop.merchant_id
    ).exists()


def top_up_card(payment) -> MembershipCard | None:
    """The card a top-up payment is for (its reference is `card:<id>`), of the payment's
    merchant; None for a payment that is not a top-up."""
    kind, _sep, card_id = payment.reference.partition(":")
    if kind != "card" or not card_id.isdigit():
        return None
    return (
        MembershipCard.objects.select_related("consumer", "program")
        .filter(pk=int(card_id), program__merchant_id=payment.merchant_id)
        .first()
    )


def merchant_cards(merchant: Merchant) -> QuerySet[MembershipCard]:
    return MembershipCard.objects.filter(program__merchant=merchant).select_related(
        "level", "consumer", "program"
    )


def consumer_cards(consumer: User) -> QuerySet[MembershipCard]:
    return MembershipCard.objects.filter(consumer=consumer).select_related(
        "level", "program", "program__merchant"
    )


def program_shop_ids(program: CardProgram | None) -> list[int]:
    """The shops a program is valid at (empty: every shop of its merchant)."""
    return list(program.shops.values_list("pk", flat=True)) if program else []


def consumer_invitations(consumer: User) -> QuerySet[CardInvitation]:
    """Pending card invitations to the consumer's phone, once the account proved the phone (by
    SMS code): until then nothing addressed to the number reaches it."""
    if not consumer.phone_verified:
        return CardInvitation.objects.none()
    return CardInvitation.objects.filter(
        phone=consumer.phone, status=InvitationStatus.PENDING
    ).select_related("program__merchant", "level")


def card_entries(card: MembershipCard) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(card=card).select_related("shop")


def member_price_fen(level: Level, amount_fen: int) -> int:
    """The level's price for a list amount, rounded half up to the fen."""
    return (amount_fen * (100 - level.percent_off) + 50) // 100


def points_for_fen(program: CardProgram, level: Level, paid_fen: int) -> int:
    exact = Decimal(paid_fen) * level.points_per_yuan / 100
    rounding = ROUND_HALF_UP if program.points_rounding == PointsRounding.HALF_UP else ROUND_FLOOR
    return int(exact.to_integral_value(rounding=rounding))


def points_value_fen(program: CardProgram, points: int) -> int:
    """Money off for `points` at the redeem rate (points are used in whole units)."""
    return points // program.redeem_points * program.redeem_fen


@dataclass(frozen=True)
class PurchaseQuote:
    amount_fen: int  # the list price
    member_price_fen: int  # after the level's discount
    discount_fen: int
    points_used: int
    points_value_fen: int
    to_pay_fen: int  # what is left to pay with balance or money
    points_to_earn: int  # on `to_pay_fen`, at the level's rate, if the channel earns


def purchase_quote(
    *, card: MembershipCard, amount_fen: int, points_to_use: int = 0, online: bool = False
) -> PurchaseQuote:
    program, level = card.program, card.level
    price = member_price_fen(level, amount_fen)
    if points_to_use % program.redeem_points:
        raise InvalidRedemption(
            fields={
                "points": [_("积分须按 %(unit)s 的整数倍使用。") % {"unit": program.redeem_points}]
            }
        )
    value = points_value_fen(program, points_to_use)
    if value > price:
        raise InvalidRedemption(fields={"points": [_("抵扣金额不能超过应付金额。")]})
    earns = program.earn_online if online else program.earn_offline
    to_pay = price - value
    return PurchaseQuote(
        amount_fen=amount_fen,
        member_price_fen=price,
        discount_fen=amount_fen - price,
        points_used=points_to_use,
        points_value_fen=value,
        to_pay_fen=to_pay,
        points_to_earn=points_for_fen(program, level, to_pay) if earns else 0,
    )


def top_up_bonus_fen(program: CardProgram, amount_fen: int) -> int:
    tier = program.bonus_tiers.filter(min_amount_fen__lte=amount_fen).order_by("-min_amount_fen")
    best = tier.first()
    return best.bonus_fen if best else 0


LEDGER_CHECK_SQL = """
WITH sums AS (
    SELECT card_id, SUM(points_delta) AS points, SUM(balance_delta_fen) AS balance
    FROM loyalty_ledgerentry GROUP BY card_id
), lots AS (
    SELECT card_id, SUM(remaining) AS points FROM loyalty_pointslot GROUP BY card_id
)
SELECT card.id
FROM loyalty_membershipcard card
LEFT JOIN sums ON sums.card_id = card.id
LEFT JOIN lots ON lots.card_id = card.id
WHERE card.points <> COALESCE(sums.points, 0)
   OR card.balance_fen <> COALESCE(sums.balance, 0)
   OR card.points <> COALESCE(lots.points, 0)
   OR card.points < 0 OR card.balance_fen < 0
"""


def ledger_violations_check() -> list[int]:
    """Cards whose cached points or balance differ from their ledger's sums or their lots, or
    are negative: always none (checked by `make bench` after its load, usable in operations)."""
    with connection.cursor() as cursor:
        cursor.execute(LEDGER_CHECK_SQL)
        return [row[0] for row in cursor.fetchall()]


def level_names_by_consumer(*, merchant_ids, consumer_ids) -> dict[int, str]:
    """Consumer id -> the level name of their card with one of the merchants (the CRM shows
    it beside each customer)."""
    cards = MembershipCard.objects.filter(
        consumer_id__in=consumer_ids, program__merchant_id__in=merchant_ids
    ).values_list("consumer_id", "level__name")
    return dict(cards)
