"""Races against the real database: threads, each on its own connection."""

from unittest import mock

import pytest

from loyalty.errors import InsufficientBalance, PasswordWrong, SpendingLocked
from loyalty.models import EntryKind, LedgerEntry, MembershipCard
from loyalty.services import card_password_check, card_purchase_record, card_top_up
from loyalty.services.password import CardPinHasher
from tests.concurrency import run_concurrently
from tests.conftest import client_for
from tests.factories import StaffFactory

from .factories import card_create_for, key, ledger_violations, program_create, shop_for


@pytest.mark.django_db(transaction=True)
def test_concurrent_spends_never_overdraw_the_balance():
    program = program_create(bonus_tiers=[])
    shop = shop_for(program)
    card = card_create_for(program)
    card_top_up(
        card=card,
        amount_fen=10_000,
        backend="cash",
        by=program.merchant.owner,
        idempotency_key=key(),
    )

    def spend(_):
        return card_purchase_record(
            card_id=card.pk,
            amount_fen=3_000,
            balance_to_use_fen=3_000,
            shop=shop,
            by=program.merchant.owner,
            idempotency_key=key(),
        )

    outcomes = run_concurrently(spend, n=8)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(e, InsufficientBalance) for e in errors), errors
    assert len(outcomes) - len(errors) == 3  # 3 x 30 yuan fit in 100 yuan, the 4th does not
    card.refresh_from_db()
    assert card.balance_fen == 1_000
    assert ledger_violations([card.pk]) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_check_at_most_five_guesses():
    card = card_create_for(program_create())
    checked = []
    real_check = CardPinHasher.pepper_matching

    def counting_check(self, password, encoded):
        checked.append(password)
        return real_check(self, password, encoded)

    with mock.patch.object(CardPinHasher, "pepper_matching", counting_check):
        outcomes = run_concurrently(
            lambda i: card_password_check(card_id=card.pk, password=f"{100000 + i}"), n=12
        )
    assert len(checked) == 5
    assert sum(isinstance(o, PasswordWrong) for o in outcomes) == 4
    assert sum(isinstance(o, SpendingLocked) for o in outcomes) == 8
    card.refresh_from_db()
    assert card.spending_locked_until is not None
    with pytest.raises(SpendingLocked):  # even the right password waits out the lock
        card_password_check(card_id=card.pk, password="135790")


@pytest.mark.django_db(transaction=True)
def test_one_idempotency_key_sent_concurrently_records_one_purchase():
    program = program_create()
    shop = shop_for(program)
    card = card_create_for(program)
    staff = StaffFactory(merchant=program.merchant, permissions=["redeem"])
    staff.shops.add(shop)
    body = {"code": card.number, "shop": shop.pk, "amount_fen": 12_300}

    def post(_):
        response = client_for(staff.user).post(
            "/api/v1/merchant/counter/purchases/", body, HTTP_IDEMPOTENCY_KEY="till-1-sale-0001"
        )
        return response.status_code, response.json()

    outcomes = run_concurrently(post, n=6)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert {status for status, _ in outcomes} == {201}
    assert all(body == outcomes[0][1] for _, body in outcomes)
    assert LedgerEntry.objects.filter(card=card, kind=EntryKind.EARN).count() == 1
    assert MembershipCard.objects.get(pk=card.pk).points == 123
