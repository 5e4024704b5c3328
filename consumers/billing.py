"""Where orders meet money and membership: payments and the loyalty card's discount and points.

Every call names the order by its reference (`order:<id>`), the key payments and the points
ledger use, so a refund or a reversal finds what the order charged or earned.

- `member_quote`: the consumer's card valid at the shop gives its level's member price, and
  points (in the program's redeem units) take money off what is left.
- `order_charge`: in the order's transaction, the points are spent (a `spend` ledger row), then
  the rest is charged through the payment backend (ORDER_PAYMENT_BACKEND unless the consumer
  chooses another online one). A decline raises `PaymentDeclined` (402): the caller's
  transaction rolls back, so no order, no slot place and no points are left behind. The charge
  comes last because it is the one step that reaches outside the database. Through a real
  gateway the order then awaits payment, holding its slot places and points until paid or
  closed (`order_points_release`).
- `order_refund`: brings what the payment gave back up to the order's `refunded_fen` (so a
  repeated call refunds nothing more) and reverses the order's points rows (spent points come
  back, earned points are taken back) with append-only `reverse` rows.
- `order_points_earn`: on consumption, points on what was paid, at the card level's rate.

Points spent are always given back when an order is refunded or cancelled, even when the
shop keeps a fee: the fee is a percentage of the money paid (`amount_fen`). Earned points the
consumer has already spent cannot be taken back below zero; the merchant's program absorbs
them (loyalty's `points_unrecovered`), the money refund is not reduced.
"""

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from consumers.locks import order_payment_lock
from loyalty.errors import CardNotUsable, InsufficientPoints, InvalidRedemption
from loyalty.locks import card_lock
from loyalty.models import Channel, EntryKind, MembershipCard
from loyalty.selectors import card_for_purchase, purchase_quote
from loyalty.services.ledger import Movement, points_debit
from loyalty.services.purchases import (
    card_online_purchase_earn,
    card_reference_reverse,
    card_usable_check,
)
from merchants.models import Shop
from payments.backends import PayRequest
from payments.errors import PaymentDeclined
from payments.models import Payment, PaymentStatus
from payments.services import payment_charge, payment_refund

ORDER_PURPOSE = "order"


@dataclass(frozen=True)
class MemberQuote:
    card: MembershipCard | None = None
    member_discount_fen: int = 0
    points_used: int = 0
    points_discount_fen: int = 0


def member_quote(*, consumer: User, shop: Shop, amount_fen: int, points: int) -> MemberQuote:
    """The member price of `amount_fen` for the consumer's card valid at `shop`, with `points`
    taking money off at the program's redeem rate. Without such a card: the list price, and
    points are refused. The points are checked here without a lock to refuse early; the spend
    checks again under the card's lock."""
    card = card_for_purchase(consumer=consumer, shop=shop)
    if card is None:
        if points:
            raise InvalidRedemption(fields={"points": [_("您在该门店没有可用积分的会员卡。")]})
        return MemberQuote()
    quote = purchase_quote(card=card, amount_fen=amount_fen, points_to_use=points, online=True)
    if points > card.points:
        raise InsufficientPoints(
            fields={"points": [_("可用积分 %(points)s。") % {"points": card.points}]}
        )
    return MemberQuote(
        card=card,
        member_discount_fen=quote.discount_fen,
        points_used=points,
        points_discount_fen=quote.points_value_fen,
    )


def order_points_spend(order) -> None:
    """The order's points, in one `spend` row under the card's lock (never below zero)."""
    card = card_lock(order.card_id)
    card_usable_check(card, order.shop)
    points_debit(
        card,
        Movement(
            kind=EntryKind.SPEND,
            points_delta=-order.points_used,
            channel=Channel.ONLINE,
            reference=order.reference,
            idempotency_key=order.reference,
            shop=order.shop,
            by=order.consumer,
        ),
    )


def order_charge(
    *, order, method: str | None = None, token: str = "", pay: PayRequest | None = None
) -> Payment | None:
    """Spend the order's points and charge what is left to pay (`amount_fen`), inside the
    order's transaction. Raises PaymentDeclined (402) on a decline, PaymentGatewayUnavailable
    (503) when the gateway cannot be reached; the caller's transaction then rolls back. An
    order with nothing left to pay has no payment. A gateway that answers at once (the
    sandbox) has paid the order (`consumers.services.order_payment_paid`) when this returns;
    a real one leaves it awaiting payment with the payment's `pay_params` for the app."""
    if order.points_used:
        order_points_spend(order)
    if order.amount_fen == 0:
        return None
    payment = payment_charge(
        payer=order.consumer,
        merchant=order.merchant,
        amount_fen=order.amount_fen,
        purpose=ORDER_PURPOSE,
        reference=order.reference,
        backend=method or settings.ORDER_PAYMENT_BACKEND,
        created_by=order.consumer,
        shop=order.shop,
        request=pay or PayRequest(token=token, description=order.service.name[:127]),
    )
    if payment.status == PaymentStatus.FAILED:
        raise PaymentDeclined(fields={"payment": [payment.failure_code or "declined"]})
    type(order).objects.filter(pk=order.pk).update(payment=payment)
    return payment


def order_points_release(order) -> None:
    """Give back the points an unpaid order spent (append-only `reverse` rows)."""
    if order.card_id is not None:
        card_reference_reverse(reference=order.reference, by=None, note="未支付，订单关闭")


def order_refund(*, order, by: User | None = None, reason: str = "") -> None:
    """Make the money given back equal the order's `refunded_fen` (set by the caller under the
    order's lock) and reverse the order's points rows. Idempotent: called again, it finds
    nothing left to refund and no row left to reverse."""
    payment = order_payment_lock(order)
    if payment is not None:
        due = order.refunded_fen - payment.refunded_fen
        if due > 0:
            payment_refund(
                payment=payment,
                amount_fen=due,
                created_by=by or order.consumer,
                reason=reason or f"{order.reference} 退款",
            )
    if order.card_id is not None:
        card_reference_reverse(reference=order.reference, by=by, note=reason[:200])


def order_points_earn(*, order) -> None:
    """Points for a consumed order on what was paid, at the card level's rate (if the program
    earns online). A card frozen since the order earns nothing; consumption goes on."""
    if order.card_id is None:
        return
    with contextlib.suppress(CardNotUsable):
        card_online_purchase_earn(
            card=order.card, amount_fen=order.amount_fen, reference=order.reference
        )
