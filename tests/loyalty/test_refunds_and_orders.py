"""What the orders app relies on: the card valid at a shop, quotes, earning per reference and
reversing a reference (refunds), plus top-up refunds and level changes."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from loyalty.errors import ReversalNotPossible
from loyalty.models import EntryKind, LedgerEntry, MembershipCard
from loyalty.selectors import card_for_purchase, purchase_quote
from loyalty.services import (
    card_online_purchase_earn,
    card_purchase_record,
    card_reference_reverse,
    card_top_up,
    card_top_up_refund,
)
from loyalty.tasks import levels_review
from payments.models import PaymentStatus
from tests.factories import UserFactory

from .factories import card_create_for, key, ledger_violations, program_create, shop_for


@pytest.fixture
def card(db):
    return card_create_for(program_create(points_expiry_days=365))


def test_the_card_valid_at_a_shop_and_its_quote(card):
    shop = shop_for(card.program)
    assert card_for_purchase(consumer=card.consumer, shop=shop) == card
    stranger_shop = shop_for(program_create())
    assert card_for_purchase(consumer=card.consumer, shop=stranger_shop) is None
    assert card_for_purchase(consumer=UserFactory(role=Role.CONSUMER), shop=shop) is None
    MembershipCard.objects.filter(pk=card.pk).update(level=card.program.levels.get(rank=2))
    card.refresh_from_db()
    quote = purchase_quote(card=card, amount_fen=10_000, points_to_use=1_000, online=True)
    assert (quote.member_price_fen, quote.points_value_fen, quote.to_pay_fen) == (
        8_800,
        1_000,
        7_800,
    )
    assert quote.points_to_earn == 156  # 78 yuan x 2


def test_online_earning_is_idempotent_per_reference(card):
    first = card_online_purchase_earn(card=card, amount_fen=12_345, reference="order:7")
    again = card_online_purchase_earn(card=card, amount_fen=12_345, reference="order:7")
    assert first.pk == again.pk
    card.refresh_from_db()
    assert card.points == 123
    assert first.channel == "online"


def test_a_refund_gives_back_what_was_spent_and_takes_back_what_was_earned(card):
    shop = shop_for(card.program)
    by = card.program.merchant.owner
    card_online_purchase_earn(card=card, amount_fen=90_000, reference="order:1")  # 900 points
    card_top_up(card=card, amount_fen=20_000, backend="cash", by=by, idempotency_key=key())
    card_purchase_record(
        card_id=card.pk,
        amount_fen=30_000,
        points_to_use=500,
        balance_to_use_fen=10_000,
        shop=shop,
        by=by,
        idempotency_key="order:2",
        reference="order:2",
        channel="online",
    )
    card.refresh_from_db()
    before = (card.points, card.balance_fen)
    assert before == (900 - 500 + 295, 10_000)
    result = card_reference_reverse(reference="order:2", by=by)
    card.refresh_from_db()
    assert (card.points, card.balance_fen) == (900, 20_000)
    assert result.points_unrecovered == 0
    assert {e.reverses.kind for e in result.entries} == {EntryKind.SPEND, EntryKind.EARN}
    assert card_reference_reverse(reference="order:2", by=by).entries == []  # nothing twice
    assert ledger_violations([card.pk]) == []


def test_a_refund_of_points_already_spent_never_goes_below_zero(card):
    shop = shop_for(card.program)
    by = card.program.merchant.owner
    card_online_purchase_earn(card=card, amount_fen=80_000, reference="order:1")  # 800 points
    card_purchase_record(
        card_id=card.pk,
        amount_fen=10_000,
        points_to_use=700,
        shop=shop,
        by=by,
        idempotency_key=key(),
    )  # 800 - 700 + 93
    result = card_reference_reverse(reference="order:1", by=by)
    card.refresh_from_db()
    assert card.points == 0
    assert result.points_unrecovered == 800 - 193
    assert result.points_unrecovered_value_fen == 600  # 607 points, in whole units of 100
    assert ledger_violations([card.pk]) == []


def test_a_top_up_refund_takes_back_the_bonus_too_unless_it_was_spent(card):
    shop = shop_for(card.program)
    by = card.program.merchant.owner
    top_up = card_top_up(card=card, amount_fen=50_000, backend="cash", by=by, idempotency_key=key())
    refunded = card_top_up_refund(payment=top_up.payment, by=by, reason="顾客退卡")
    card.refresh_from_db()
    assert card.balance_fen == 0
    assert refunded.refunded_fen == 50_000 and refunded.refunds.count() == 1
    second = card_top_up(card=card, amount_fen=50_000, backend="cash", by=by, idempotency_key=key())
    card_purchase_record(
        card_id=card.pk,
        amount_fen=10_000,
        balance_to_use_fen=10_000,
        shop=shop,
        by=by,
        idempotency_key=key(),
    )
    with pytest.raises(ReversalNotPossible):
        card_top_up_refund(payment=second.payment, by=by)
    second.payment.refresh_from_db()
    assert (second.payment.status, second.payment.refunded_fen) == (PaymentStatus.SUCCEEDED, 0)
    card.refresh_from_db()
    assert card.balance_fen == 45_000


def test_the_ledger_is_append_only_in_the_database(card):
    entry = card_online_purchase_earn(card=card, amount_fen=1_000, reference="order:1")
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE loyalty_ledgerentry SET points_delta = 999 WHERE id = %s", [entry.pk]
        )


def test_levels_go_up_with_spend_and_down_when_the_window_moves_on(db):
    program = program_create(downgrade_enabled=True, upgrade_window_days=30)
    card = card_create_for(program)
    card_online_purchase_earn(card=card, amount_fen=120_000, reference="order:1")
    card.refresh_from_db()
    assert card.level.name == "银卡"
    later = timezone.now() + timedelta(days=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        levels_review()
    card.refresh_from_db()
    assert card.level.name == "普通卡"
    assert LedgerEntry.objects.filter(card=card).count() == 1


def test_recording_an_order_twice_returns_the_first_result_even_after_an_upgrade(card):
    shop = shop_for(card.program)
    by = card.program.merchant.owner
    first = card_purchase_record(
        card_id=card.pk,
        amount_fen=150_000,
        shop=shop,
        by=by,
        idempotency_key="order:9",
        reference="order:9",
        channel="online",
    )
    again = card_purchase_record(
        card_id=card.pk,
        amount_fen=150_000,
        shop=shop,
        by=by,
        idempotency_key="order:9",
        reference="order:9",
        channel="online",
    )
    assert again.replayed and not first.replayed
    assert again.quote == first.quote  # the silver price would be lower now
    assert LedgerEntry.objects.filter(card=card).count() == 1


def test_a_program_can_earn_offline_only(db):
    program = program_create(earn_online=False)
    card = card_create_for(program)
    shop = shop_for(program)
    online = card_online_purchase_earn(card=card, amount_fen=10_000, reference="order:1")
    offline = card_purchase_record(
        card_id=card.pk,
        amount_fen=10_000,
        shop=shop,
        by=program.merchant.owner,
        idempotency_key=key(),
    )
    assert (online.points_delta, online.amount_fen) == (0, 10_000)  # the purchase still counts
    assert offline.entries[-1].points_delta == 100
