"""Settlement: entries per order, weekly payout batches that reconcile to the fen."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from accounts.models import User
from consumers.models import Dispute, Order, OrderState, ShopOrderPolicy
from consumers.services import (
    dispute_open,
    dispute_resolve,
    order_cancel_by_consumer,
    order_consume,
    order_mark_no_show,
)
from loyalty.models import EntryKind, LedgerEntry, MembershipCard
from loyalty.selectors import member_price_fen
from loyalty.services import card_adjust
from payments.models import Payment, Refund
from settlement.models import CommissionRate, PayoutBatch, SettlementEntry
from settlement.services import batch_totals_check, commission_of, payout_batches_create
from tests.concurrency import run_concurrently
from tests.conftest import client_for
from tests.consumers.conftest import shift
from tests.consumers.factories import BookableServiceFactory, SlotFactory, booking
from tests.factories import MerchantFactory, ShopFactory
from tests.loyalty.factories import card_create_for, ledger_violations, program_create

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_commission_rounds_half_up_to_the_fen():
    assert commission_of(8800, 600) == 528
    assert commission_of(1, 600) == 0  # 0.06 fen
    assert commission_of(9, 600) == 1  # 0.54 fen
    assert commission_of(25, 200) == 1  # 0.5 fen rounds up
    assert commission_of(0, 600) == 0


def members_of(rng: random.Random, merchant) -> list[MembershipCard]:
    """A card program for the merchant and a few members at each level, with points."""
    program = program_create(merchant=merchant, points_expiry_days=365)
    cards = []
    for rank in (0, 1, 1, 2, 2):
        card = card_create_for(program, pin=None)
        MembershipCard.objects.filter(pk=card.pk).update(level=program.levels.get(rank=rank))
        points = rng.randint(0, 3_000) * 100
        card_adjust(card_id=card.pk, points_delta=points, by=merchant.owner, note="开卡赠送")
        cards.append(card)
    return cards


def points_to_spend(rng: random.Random, card: MembershipCard, list_fen: int) -> int:
    """Some of the card's points, in whole redeem units, never more than the member price."""
    card = MembershipCard.objects.select_related("program", "level").get(pk=card.pk)
    price = member_price_fen(card.level, list_fen)
    units = min(card.points, price) // 100
    return rng.randint(0, units) * 100 if rng.random() < 0.6 else 0


def month_of_orders(rng: random.Random, merchants: list) -> None:
    """A month of orders for several merchants: consumed, cancelled late, no-shows, refunds
    after consumption, cancellations free of charge; entries dated across the month. Half the
    orders are placed by card members: member prices, points spent and earned."""
    staff = User.objects.create_superuser("+8613700008888", "x")
    start = datetime(2026, 10, 1, tzinfo=SHANGHAI)
    members = {merchant.pk: members_of(rng, merchant) for merchant in merchants}
    for day in range(31):
        for merchant in merchants:
            shop = merchant.shops.first()
            for _ in range(rng.randint(1, 4)):
                service = BookableServiceFactory(shop=shop, price_fen=rng.randint(1, 99999))
                slot = SlotFactory(service=service, capacity=3)
                quantity = rng.randint(1, 3)
                if rng.random() < 0.5:
                    card = rng.choice(members[merchant.pk])
                    points = points_to_spend(rng, card, service.price_fen * quantity)
                    order = booking(
                        slot=slot, quantity=quantity, consumer=card.consumer, points=points
                    )
                else:
                    order = booking(slot=slot, quantity=quantity)
                fate = rng.choice(["consumed"] * 6 + ["late", "no_show", "refund", "free"])
                if fate in ("consumed", "refund"):
                    order_consume(order=order, via="counter", actor=merchant.owner)
                    if fate == "refund":
                        dispute = dispute_open(
                            order=order, opened_by=order.consumer, side="consumer", reason="x"
                        )
                        dispute_resolve(dispute=dispute, staff=staff, for_consumer=True)
                elif fate == "late":
                    shift(order, hours=-23)  # within the 2-hour cut-off
                    order_cancel_by_consumer(order=order, actor=order.consumer)
                elif fate == "no_show":
                    shift(order, hours=-25)
                    order_mark_no_show(order=order, actor=merchant.owner)
                else:
                    order_cancel_by_consumer(order=order, actor=order.consumer)
                moment = start + timedelta(days=day, hours=rng.randint(8, 22))
                SettlementEntry.objects.filter(order=order).update(created_at=moment)


@pytest.mark.django_db
def test_a_month_of_payout_batches_reconciles_to_the_orders_to_the_fen():
    rng = random.Random(2026)  # noqa: S311
    merchants = []
    for rate in (600, 350, 1234):
        merchant = MerchantFactory()
        ShopFactory(merchant=merchant)
        CommissionRate.objects.create(merchant=merchant, rate_bp=rate)
        merchants.append(merchant)
    for merchant in merchants:
        ShopOrderPolicy.objects.create(
            shop=merchant.shops.first(), late_cancel_fee_percent=30, no_show_fee_percent=100
        )
    month_of_orders(rng, merchants)

    # Weekly batches on Mondays, then one at the month's end.
    mondays = [datetime(2026, 10, d, tzinfo=SHANGHAI) for d in (5, 12, 19, 26)]
    for until in [*mondays, datetime(2026, 11, 1, tzinfo=SHANGHAI)]:
        payout_batches_create(until=until)
    assert payout_batches_create(until=datetime(2026, 11, 1, tzinfo=SHANGHAI)) == []  # rerun

    for merchant in merchants:
        orders = Order.objects.filter(merchant=merchant)
        # What the merchant earned, from the orders alone: consumed amounts plus fees kept.
        earned = sum(o.amount_fen for o in orders if o.state == OrderState.CONSUMED) + sum(
            o.fee_fen for o in orders
        )
        batches = PayoutBatch.objects.filter(merchant=merchant)
        assert batches.count() >= 4
        paid = batches.aggregate(a=Sum("amount_fen"), c=Sum("commission_fen"), p=Sum("payable_fen"))
        assert paid["a"] == earned
        assert paid["p"] == paid["a"] - paid["c"]
        # Commission: each entry at the merchant's rate, reversals cancelling exactly.
        rate = merchant.commission.rate_bp
        expected_commission = sum(
            commission_of(o.amount_fen, rate) for o in orders if o.state == OrderState.CONSUMED
        ) + sum(commission_of(o.fee_fen, rate) for o in orders if o.fee_fen)
        assert paid["c"] == expected_commission
        for batch in batches:
            assert batch_totals_check(batch)
        assert not SettlementEntry.objects.filter(merchant=merchant, batch__isnull=True).exists()
        refunded = orders.filter(state=OrderState.REFUNDED)
        assert refunded.exists()
        for order in refunded:
            assert order.settlement_entries.aggregate(s=Sum("amount_fen"))["s"] == 0
        # The money: what the payments took less what they gave back is what was settled.
        payments = Payment.objects.filter(merchant=merchant)
        assert payments.count() == orders.exclude(amount_fen=0).count()
        kept = payments.aggregate(a=Sum("amount_fen"), r=Sum("refunded_fen"))
        assert kept["a"] - kept["r"] == paid["a"]
        assert Refund.objects.filter(payment__merchant=merchant).aggregate(s=Sum("amount_fen"))[
            "s"
        ] == sum(o.refunded_fen for o in orders)
        for order in orders.select_related("payment"):
            if order.payment:
                assert order.payment.amount_fen == order.amount_fen
                assert order.payment.refunded_fen == order.refunded_fen
        # Discounts and points were really in play, and every closed order gave its points back.
        assert orders.filter(member_discount_fen__gt=0).exists()
        assert orders.filter(points_used__gt=0, state=OrderState.CONSUMED).exists()
        assert orders.filter(points_used__gt=0, state=OrderState.REFUNDED).exists()
        for order in orders.filter(points_used__gt=0):
            spent = LedgerEntry.objects.filter(reference=order.reference).exclude(
                kind__in=[EntryKind.EARN]
            )
            spent = spent.exclude(kind=EntryKind.REVERSE, reverses__kind=EntryKind.EARN)
            net = spent.aggregate(s=Sum("points_delta"))["s"]
            assert net == (-order.points_used if order.state == OrderState.CONSUMED else 0)
    assert ledger_violations() == []


@pytest.mark.django_db
def test_disputed_orders_wait_for_the_decision_before_payout():
    order = booking()
    order_consume(order=order, via="counter", actor=order.merchant.owner)
    dispute_open(order=order, opened_by=order.consumer, side="consumer", reason="没做完")
    later = datetime(2100, 1, 1, tzinfo=SHANGHAI)
    assert payout_batches_create(until=later) == []
    staff = User.objects.create_superuser("+8613700008887", "x")
    dispute_resolve(dispute=Dispute.objects.get(), staff=staff, for_consumer=False)
    [batch] = payout_batches_create(until=later)
    assert batch.amount_fen == order.amount_fen


@pytest.mark.django_db(transaction=True)
def test_concurrent_batch_runs_never_pay_an_entry_twice():
    for _ in range(5):
        order = booking(slot=SlotFactory(service=BookableServiceFactory()))
        order_consume(order=order, via="counter", actor=order.merchant.owner)
    until = datetime(2100, 1, 1, tzinfo=SHANGHAI)
    run_concurrently(lambda _: payout_batches_create(until=until), n=4, raise_errors=True)
    assert PayoutBatch.objects.count() == 5  # one per merchant, never two
    assert (
        PayoutBatch.objects.aggregate(a=Sum("amount_fen"))["a"]
        == SettlementEntry.objects.aggregate(a=Sum("amount_fen"))["a"]
    )


@pytest.mark.django_db
def test_merchants_see_only_their_own_settlement():
    order = booking()
    order_consume(order=order, via="counter", actor=order.merchant.owner)
    payout_batches_create(until=datetime(2100, 1, 1, tzinfo=SHANGHAI))
    mine = client_for(order.merchant.owner)
    entries = mine.get("/api/v1/merchant/settlement/entries/").json()["results"]
    assert [(e["order"], e["amount_fen"], e["kind"]) for e in entries] == [
        (order.pk, order.amount_fen, "sale")
    ]
    [batch] = mine.get("/api/v1/merchant/payouts/").json()["results"]
    assert batch["payable_fen"] == order.amount_fen - commission_of(order.amount_fen, 600)
    other = client_for(MerchantFactory().owner)
    assert other.get("/api/v1/merchant/settlement/entries/").json()["results"] == []
    assert other.get(f"/api/v1/merchant/payouts/{batch['id']}/").status_code == 404
