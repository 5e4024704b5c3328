"""`manage.py check_invariants`: a clear report, and a failing exit when data is inconsistent."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from consumers.models import Order
from coupons.models import Coupon, Redemption
from loyalty.models import LedgerEntry, MembershipCard
from merchants.models import Shop
from settlement.models import PayoutBatch
from tests.factories import MerchantFactory, ServiceFactory, ShopFactory, StaffFactory
from tests.reliability.world import World

pytestmark = pytest.mark.django_db


def check(*only) -> str:
    out = io.StringIO()
    call_command("check_invariants", *only, stdout=out)
    return out.getvalue()


def test_consistent_data_passes_every_check(merchant):
    member = StaffFactory(merchant=merchant)
    member.shops.set([ShopFactory(merchant=merchant)])
    ServiceFactory(shop=ShopFactory(merchant=merchant))
    report = check()
    assert "FAIL" not in report
    assert "merchants.category_links_carry_shop_location" in report
    assert report.strip().endswith("invariants hold")


def test_broken_data_is_reported_and_fails(merchant):
    moved, rated = ShopFactory(merchant=merchant), ShopFactory(merchant=merchant)
    with connection.cursor() as cursor:  # what a bad hand-written UPDATE would do
        cursor.execute(
            "UPDATE merchants_shop SET location = 'SRID=4326;POINT(121.5 31.3)' WHERE id = %s",
            [moved.pk],
        )
    Shop.objects.filter(pk=rated.pk).update(rating=7.5, rating_count=3)
    member = StaffFactory(merchant=merchant)
    member.shops.set([ShopFactory(merchant=MerchantFactory())])
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"3 of .* invariants broken") as error:
        call_command("check_invariants", stdout=out)
    report = out.getvalue()
    assert f"shop {moved.pk}: category link" in report
    assert f"shop {rated.pk}: rating 7.5" in report
    assert f"staff {member.pk} assigned to shop" in report
    assert "merchants.rating_within_0_to_5" in str(error.value)


def test_checks_can_be_chosen_by_prefix():
    report = check("core.")
    assert "core.idempotency_answer_stored" in report
    assert "merchants." not in report
    with pytest.raises(CommandError, match="no invariant"):
        check("nothing.")


def test_the_money_invariants_hold_over_a_world_of_cards_coupons_and_orders():
    """The access table's world: top-ups, redemptions, consumed orders, a payout batch."""
    World()
    report = check("loyalty.", "coupons.", "settlement.")
    for name in [
        "loyalty.card_equals_ledger_sums",
        "loyalty.ledger_rows_chain",
        "loyalty.lots_hold_the_points",
        "coupons.redeemed_exactly_once",
        "coupons.issued_count_matches",
        "coupons.redeemed_in_own_shops",
        "settlement.batches_reconcile",
        "settlement.entries_match_orders",
        "settlement.consumed_orders_earned",
    ]:
        assert f"ok    {name}" in report, report


def broken(*only) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError, match="invariants broken"):
        call_command("check_invariants", *only, stdout=out)
    return out.getvalue()


def test_a_card_off_its_ledger_is_reported():
    world = World()
    card = world.card_a
    MembershipCard.objects.filter(pk=card.pk).update(balance_fen=F("balance_fen") + 1)
    card.refresh_from_db()
    report = broken("loyalty.")
    assert f"card {card.number}: points {card.points}, balance {card.balance_fen} fen; " in report
    assert f"the ledger sums to {card.points} points, {card.balance_fen - 1} fen" in report
    assert f"card {card.number}: its last entry" in report
    entry = LedgerEntry.objects.filter(card=card).first()
    with connection.cursor() as cursor:  # an operator's UPDATE past the append-only trigger
        cursor.execute("SET LOCAL session_replication_role = replica")
    LedgerEntry.objects.filter(pk=entry.pk).update(points_after=5)
    assert f"entry {entry.pk} does not follow" in broken("loyalty.ledger_rows_chain")


def test_coupons_redeemed_without_a_standing_redemption_or_elsewhere_are_reported():
    """The database refuses a second standing redemption; what is left to check is the
    coupon's state against its redemptions, and where they happened."""
    world = World()
    used = world.redemption_a.coupon
    Coupon.objects.filter(pk=world.coupon_a.pk).update(
        status="redeemed", redeemed_at=timezone.now()
    )
    Redemption.objects.filter(pk=world.redemption_a.pk).update(shop=world.shop_b)
    report = broken("coupons.")
    assert f"coupon {world.coupon_a.code} is redeemed with 0 standing" in report
    assert f"redemption {world.redemption_a.pk} in shop {world.shop_b.pk} of another" in report
    Redemption.objects.filter(pk=world.redemption_a.pk).update(  # reversed, coupon not freed
        reversed_at=timezone.now(), reversed_by=world.users["owner_a"]
    )
    assert f"coupon {used.code} is redeemed with 0 standing" in broken("coupons.")


def test_a_payout_batch_that_does_not_add_up_is_reported():
    world = World()
    batch = world.payout_batch_a
    PayoutBatch.objects.filter(pk=batch.pk).update(
        amount_fen=F("amount_fen") + 100, payable_fen=F("payable_fen") + 100
    )
    Order.objects.filter(pk=world.order_a.pk).update(state="consumed")
    report = broken("settlement.")
    assert f"payout batch {batch.pk}:" in report
    assert f"consumed order {world.order_a.code}: 0 sale entries" in report
