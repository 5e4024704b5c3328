"""Orders and money: the charge through the payment backend, the member price and points of the
consumer's card, points earned on consumption, and refunds that reverse payment and points."""

import pytest
from django.db.models import Sum
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from consumers import billing
from consumers.models import Order, OrderState, ShopOrderPolicy, TimeSlot
from consumers.services import (
    dispute_open,
    dispute_resolve,
    order_cancel_by_consumer,
    order_cancel_by_merchant,
    order_consume,
    order_mark_no_show,
    order_refund,
)
from loyalty.errors import InsufficientPoints, InvalidRedemption
from loyalty.models import EntryKind, LedgerEntry, MembershipCard
from loyalty.services import card_adjust
from payments.errors import PaymentDeclined, PaymentGatewayUnavailable
from payments.models import Payment, Refund
from settlement.models import SettlementEntry
from tests.concurrency import run_concurrently
from tests.conftest import client_for
from tests.factories import ShopFactory
from tests.loyalty.factories import PIN, card_create_for, ledger_violations, program_create

from .conftest import key, shift
from .factories import BookableServiceFactory, SlotFactory, booking, consumer_new, purchase

ORDERS = "/api/v1/me/orders/"


def member_at(shop, *, points=2_000, rank=2, consumer=None) -> MembershipCard:
    """A card of the shop's merchant at level `rank` (2 = VIP: 88% price, 2 points a yuan),
    holding `points` (100 points take 1 yuan off)."""
    program = program_create(merchant=shop.merchant, points_expiry_days=365)
    card = card_create_for(program, consumer)
    MembershipCard.objects.filter(pk=card.pk).update(level=program.levels.get(rank=rank))
    if points:
        card_adjust(card_id=card.pk, points_delta=points, by=shop.merchant.owner, note="赠送")
    return MembershipCard.objects.select_related("program", "level").get(pk=card.pk)


def points_of(card) -> int:
    return MembershipCard.objects.get(pk=card.pk).points


def rows(order, kind=None):
    entries = LedgerEntry.objects.filter(reference=order.reference).order_by("pk")
    return entries.filter(kind=kind) if kind else entries


@pytest.fixture
def shop(db):
    return ShopFactory()


@pytest.fixture
def slot(shop):
    return SlotFactory(service=BookableServiceFactory(shop=shop, price_fen=10_000), capacity=2)


@pytest.fixture
def card(shop):
    return member_at(shop)


def test_a_purchase_is_charged_through_the_payment_backend(shop):
    order = purchase(service=BookableServiceFactory(shop=shop, bookable=False, price_fen=3_500))
    payment = Payment.objects.get()
    assert order.payment == payment
    assert (payment.amount_fen, payment.status, payment.backend) == (3_500, "succeeded", "sandbox")
    assert (payment.purpose, payment.reference) == ("order", f"order:{order.pk}")
    assert payment.payer == order.consumer and payment.merchant == order.merchant
    assert payment.external_reference.startswith("sbx_")


def test_member_price_and_points_are_applied_in_the_quote_and_the_order(slot, card):
    quote = billing.member_quote(
        consumer=card.consumer, shop=slot.shop, amount_fen=10_000, points=1_000
    )
    assert quote.card == card
    assert (quote.member_discount_fen, quote.points_discount_fen) == (1_200, 1_000)

    order = booking(slot=slot, consumer=card.consumer, points=1_000)
    assert (order.list_amount_fen, order.member_discount_fen) == (10_000, 1_200)
    assert (order.points_used, order.points_discount_fen, order.amount_fen) == (1_000, 1_000, 7_800)
    assert Payment.objects.get().amount_fen == 7_800  # what was left after discount and points
    [spend] = rows(order)
    assert (spend.kind, spend.points_delta, spend.channel) == ("spend", -1_000, "online")
    assert spend.idempotency_key == order.reference
    assert points_of(card) == 1_000


def test_points_need_a_card_valid_at_the_shop_and_whole_redeem_units(slot, card):
    with pytest.raises(InvalidRedemption):
        booking(slot=slot, points=100)  # a consumer without a card here
    with pytest.raises(InvalidRedemption):
        booking(slot=slot, consumer=card.consumer, points=150)
    with pytest.raises(InsufficientPoints):
        booking(slot=slot, consumer=card.consumer, points=2_100)
    assert not Order.objects.exists() and not Payment.objects.exists()
    assert points_of(card) == 2_000


def test_points_paying_everything_leave_no_payment(shop):
    service = BookableServiceFactory(shop=shop, bookable=False, price_fen=1_000)
    card = member_at(shop, rank=0)  # list price
    order = purchase(service=service, consumer=card.consumer, points=1_000)
    assert (order.amount_fen, order.payment) == (0, None)
    assert not Payment.objects.exists()
    order_cancel_by_consumer(order=order, actor=card.consumer)
    assert points_of(card) == 2_000


def test_points_are_earned_on_consumption_at_the_card_levels_rate(slot, card):
    order = booking(slot=slot, consumer=card.consumer, points=1_000)
    assert not rows(order, EntryKind.EARN).exists()  # not before the service is delivered
    order_consume(order=order, via="counter", actor=order.merchant.owner)
    [earn] = rows(order, EntryKind.EARN)
    assert (earn.points_delta, earn.amount_fen) == (156, 7_800)  # 78 yuan paid x 2
    assert points_of(card) == 1_000 + 156
    entry = SettlementEntry.objects.get(order=order)
    assert entry.amount_fen == 7_800  # settled on what was paid


def test_a_refund_reverses_the_payment_and_the_points_spent_and_earned(slot, card):
    order = booking(slot=slot, consumer=card.consumer, points=1_000)
    order_consume(order=order, via="counter", actor=order.merchant.owner)
    staff = User.objects.create_superuser("+8613700009999", "x")
    dispute = dispute_open(order=order, opened_by=card.consumer, side="consumer", reason="没做")
    dispute_resolve(dispute=dispute, staff=staff, for_consumer=True)

    order.refresh_from_db()
    assert (order.state, order.refunded_fen) == (OrderState.REFUNDED, 7_800)
    payment = Payment.objects.get()
    assert payment.refunded_fen == 7_800
    assert list(Refund.objects.values_list("amount_fen", flat=True)) == [7_800]
    spend, earn, *reversals = rows(order)
    assert (spend.kind, earn.kind) == ("spend", "earn")  # never changed, only reversed
    assert sorted((r.reverses_id, r.points_delta) for r in reversals) == [
        (spend.pk, 1_000),
        (earn.pk, -156),
    ]
    assert points_of(card) == 2_000
    assert ledger_violations() == []
    assert order.settlement_entries.aggregate(s=Sum("amount_fen"))["s"] == 0


def test_a_late_cancellation_refunds_all_but_the_fee_and_gives_the_points_back(slot, card):
    ShopOrderPolicy.objects.create(shop=slot.shop, late_cancel_fee_percent=20)
    order = shift(booking(slot=slot, consumer=card.consumer, points=1_000), hours=-23)
    order = order_cancel_by_consumer(order=order, actor=card.consumer)
    assert (order.fee_fen, order.refunded_fen) == (1_560, 6_240)  # 20% of 78 yuan paid
    payment = Payment.objects.get()
    assert (payment.amount_fen, payment.refunded_fen) == (7_800, 6_240)
    assert [r.amount_fen for r in payment.refunds.all()] == [6_240]
    assert points_of(card) == 2_000
    [reversal] = rows(order, EntryKind.REVERSE)
    assert reversal.points_delta == 1_000
    fee = SettlementEntry.objects.get(order=order)
    assert (fee.kind, fee.amount_fen) == ("fee", 1_560)


def test_a_repeated_refund_never_refunds_twice(slot, card):
    order = booking(slot=slot, consumer=card.consumer, points=1_000)
    order_cancel_by_merchant(order=order, actor=order.merchant.owner)
    order.refresh_from_db()
    billing.order_refund(order=order, by=order.merchant.owner)  # a retry of the refund
    billing.order_refund(order=order, by=order.merchant.owner)
    assert Refund.objects.aggregate(s=Sum("amount_fen"))["s"] == 7_800
    assert rows(order, EntryKind.REVERSE).count() == 1
    assert points_of(card) == 2_000


def test_a_no_show_then_a_platform_refund_pays_back_only_the_rest(slot, card):
    ShopOrderPolicy.objects.create(shop=slot.shop, no_show_fee_percent=50)
    order = shift(booking(slot=slot, consumer=card.consumer, points=1_000), hours=-25)
    order_mark_no_show(order=order, actor=order.merchant.owner)
    assert Payment.objects.get().refunded_fen == 3_900
    staff = User.objects.create_superuser("+8613700009998", "x")
    order_refund(order=order, actor=staff, note="平台退款")
    assert [r.amount_fen for r in Refund.objects.order_by("pk")] == [3_900, 3_900]
    assert Payment.objects.get().refunded_fen == 7_800
    assert rows(order, EntryKind.REVERSE).count() == 1
    assert order.settlement_entries.aggregate(s=Sum("amount_fen"))["s"] == 0


@pytest.mark.parametrize(
    ("token", "code"),
    [("sandbox-decline", "card_declined"), ("sandbox-insufficient", "insufficient_funds")],
)
def test_a_declined_payment_leaves_no_order_no_place_taken_and_no_points_spent(
    slot, card, token, code
):
    with pytest.raises(PaymentDeclined) as declined:
        booking(slot=slot, consumer=card.consumer, points=1_000, payment_token=token)
    assert declined.value.fields == {"payment": [code]}
    assert not Order.objects.exists()
    assert TimeSlot.objects.get(pk=slot.pk).booked == 0
    assert points_of(card) == 2_000
    assert not LedgerEntry.objects.filter(kind=EntryKind.SPEND).exists()
    assert not Payment.objects.exists()


def test_an_unreachable_gateway_leaves_nothing_either(slot):
    with pytest.raises(PaymentGatewayUnavailable):
        booking(slot=slot, payment_token="sandbox-unavailable")
    assert not Order.objects.exists() and TimeSlot.objects.get(pk=slot.pk).booked == 0


def test_the_api_charges_applies_the_card_and_answers_402_on_a_decline(slot, card):
    client = client_for(card.consumer)
    body = {"service": slot.service_id, "slot": slot.pk, "points": 1_000}
    wrong = client.post(ORDERS, {**body, "card_password": "000000"}, **key())
    assert (wrong.status_code, wrong.json()["code"]) == (403, "card_password_wrong")
    declined = client.post(
        ORDERS, {**body, "card_password": PIN, "payment_token": "sandbox-decline"}, **key()
    )
    assert declined.status_code == 402
    assert declined.json()["code"] == "payment_declined"
    assert declined.json()["fields"] == {"payment": ["card_declined"]}
    assert not Order.objects.exists() and points_of(card) == 2_000
    unknown = client.post(ORDERS, {**body, "card_password": PIN, "payment_method": "cash"}, **key())
    assert (unknown.status_code, list(unknown.json()["fields"])) == (400, ["payment_method"])

    attempt = key()
    response = client.post(ORDERS, {**body, "card_password": PIN}, **attempt)
    assert response.status_code == 201, response.json()
    order = response.json()
    retried = client.post(ORDERS, {**body, "card_password": PIN}, **attempt)
    assert retried.json()["id"] == order["id"]  # the retry replays, never charges again
    assert Payment.objects.count() == 1 and points_of(card) == 1_000
    assert {
        name: order[name]
        for name in (
            "list_amount_fen",
            "member_discount_fen",
            "points_used",
            "points_discount_fen",
            "amount_fen",
            "paid_fen",
            "payment_method",
        )
    } == {
        "list_amount_fen": 10_000,
        "member_discount_fen": 1_200,
        "points_used": 1_000,
        "points_discount_fen": 1_000,
        "amount_fen": 7_800,
        "paid_fen": 7_800,
        "payment_method": "sandbox",
    }
    merchant_view = client_for(slot.shop.merchant.owner).get(
        f"/api/v1/merchant/orders/{order['id']}/"
    )
    assert merchant_view.json()["paid_fen"] == 7_800
    cancelled = client.post(f"{ORDERS}{order['id']}/cancel/", **key())
    assert cancelled.json()["refunded_fen"] == 7_800
    assert points_of(card) == 2_000


def test_the_schema_documents_the_price_breakdown_and_the_payment_errors():
    document = SchemaGenerator().get_schema(request=None, public=True)
    order = document["components"]["schemas"]["Order"]["properties"]
    for name in ("list_amount_fen", "member_discount_fen", "points_used", "points_discount_fen"):
        assert order[name]["description"]
    assert {"amount_fen", "paid_fen", "payment_method"} <= set(order)
    create = document["paths"]["/api/v1/me/orders/"]["post"]
    assert {"402", "409", "423", "503"} <= set(create["responses"])
    request = document["components"]["schemas"]["OrderCreateRequest"]["properties"]
    assert {"points", "card_password", "payment_method", "payment_token"} <= set(request)


@pytest.mark.django_db(transaction=True)
def test_two_orders_at_once_never_spend_the_same_points_twice():
    shop = ShopFactory()
    card = member_at(shop, points=1_000)
    slot = SlotFactory(service=BookableServiceFactory(shop=shop, price_fen=10_000), capacity=10)
    outcomes = run_concurrently(
        lambda _: booking(slot=slot, consumer=card.consumer, points=600), n=2
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["InsufficientPoints", "Order"], outcomes
    assert points_of(card) == 400
    assert Order.objects.count() == 1 == Payment.objects.count()
    assert TimeSlot.objects.get(pk=slot.pk).booked == 1
    assert ledger_violations() == []


def test_a_frozen_card_still_lets_the_order_be_consumed(slot, card):
    order = booking(slot=slot, consumer=card.consumer)
    MembershipCard.objects.filter(pk=card.pk).update(status="frozen")
    order = order_consume(order=order, via="consumer", actor=card.consumer)
    assert order.state == OrderState.CONSUMED
    assert not rows(order, EntryKind.EARN).exists()


def test_merchants_and_consumers_see_only_their_own_payments_in_orders(slot, card):
    order = booking(slot=slot, consumer=card.consumer)
    other = client_for(consumer_new())
    assert other.get(f"{ORDERS}{order.pk}/").status_code == 404
    stranger = client_for(ShopFactory().merchant.owner)
    assert stranger.get(f"/api/v1/merchant/orders/{order.pk}/").status_code == 404
