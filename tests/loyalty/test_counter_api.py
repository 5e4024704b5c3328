"""The counter: look a card up by scanned QR or typed number, record purchases, spend behind
the consumption password, take cash top-ups. Staff need `redeem` in their shop."""

import pytest

from core.codes import qr_payload, short_code_format
from core.redaction import phone_masked
from loyalty.models import EntryKind, LedgerEntry, MembershipCard
from tests.conftest import client_for
from tests.factories import StaffFactory

from .factories import PIN, card_create_for, ledger_violations, program_create, shop_for

LOOKUP = "/api/v1/merchant/counter/card/"
PURCHASE = "/api/v1/merchant/counter/purchases/"
TOP_UP = "/api/v1/merchant/counter/top-ups/"


@pytest.fixture
def setup(db):
    program = program_create()
    shop = shop_for(program)
    staff = StaffFactory(merchant=program.merchant, permissions=["redeem"])
    staff.shops.add(shop)
    card = card_create_for(program)
    return program, shop, client_for(staff.user), card


def post(client, url, body, key):
    return client.post(url, body, HTTP_IDEMPOTENCY_KEY=key)


def test_lookup_by_scanned_qr_or_typed_number_shows_what_the_cashier_needs(setup):
    _program, shop, cashier, card = setup
    scanned = cashier.get(LOOKUP, {"code": qr_payload("M", card.number), "shop": shop.pk})
    typed = cashier.get(LOOKUP, {"code": short_code_format(card.number).lower(), "shop": shop.pk})
    assert scanned.status_code == typed.status_code == 200
    assert scanned.json() == typed.json()
    body = scanned.json()
    assert body["holder_name"] == card.consumer.name
    assert body["phone_masked"] == phone_masked(card.consumer.phone)
    assert body["phone_masked"].count("*") == 4 and not body["phone_masked"].startswith("+")
    assert body["level"]["name"] == "普通卡"
    assert (body["points"], body["balance_fen"]) == (0, 0)
    assert body["password_set"] and body["password_required"] and body["valid_here"]
    assert not body["spending_locked"]


def test_a_forged_qr_or_another_merchants_card_is_refused(setup):
    _program, shop, cashier, card = setup
    forged = qr_payload("M", card.number)[:-2] + "xx"
    assert cashier.get(LOOKUP, {"code": forged, "shop": shop.pk}).json()["code"] == "invalid_code"
    coupon = cashier.get(LOOKUP, {"code": qr_payload("C", card.number), "shop": shop.pk})
    assert coupon.json()["code"] == "invalid_code"
    stranger = card_create_for(program_create())
    assert cashier.get(LOOKUP, {"code": stranger.number, "shop": shop.pk}).status_code == 404


def test_staff_need_redeem_in_their_own_shop(setup):
    program, shop, _, card = setup
    no_permission = StaffFactory(merchant=program.merchant, permissions=["manage_shops"])
    no_permission.shops.add(shop)
    other_shop = shop_for(program)
    response = client_for(no_permission.user).get(LOOKUP, {"code": card.number, "shop": shop.pk})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    cashier_elsewhere = StaffFactory(merchant=program.merchant, permissions=["redeem"])
    cashier_elsewhere.shops.add(other_shop)
    client = client_for(cashier_elsewhere.user)
    assert client.get(LOOKUP, {"code": card.number, "shop": shop.pk}).status_code == 404
    foreign = shop_for(program_create())
    assert client.get(LOOKUP, {"code": card.number, "shop": foreign.pk}).status_code == 404


def test_a_purchase_earns_points_at_the_level_rate_and_upgrades_the_card(setup):
    _program, shop, cashier, card = setup
    first = post(
        cashier, PURCHASE, {"code": card.number, "shop": shop.pk, "amount_fen": 88_850}, "sale-0001"
    )
    assert first.status_code == 201, first.json()
    assert first.json()["points_earned"] == 888  # 1 point a yuan, rounded down
    assert first.json()["cash_due_fen"] == 88_850
    # 888.5 + 150 yuan passes the silver threshold (1,000 yuan in the window).
    post(
        cashier, PURCHASE, {"code": card.number, "shop": shop.pk, "amount_fen": 15_000}, "sale-0002"
    )
    card.refresh_from_db()
    assert card.level.name == "银卡"
    silver = post(
        cashier, PURCHASE, {"code": card.number, "shop": shop.pk, "amount_fen": 10_000}, "sale-0003"
    )
    body = silver.json()
    assert body["member_price_fen"] == 9_500  # 95折
    assert body["points_earned"] == 142  # 95 yuan x 1.5, rounded down
    assert ledger_violations([card.pk]) == []


def test_spending_points_and_balance_needs_the_password_and_shows_the_split(setup):
    _program, shop, cashier, card = setup
    post(cashier, TOP_UP, {"code": card.number, "shop": shop.pk, "amount_fen": 50_000}, "top-0001")
    post(
        cashier, PURCHASE, {"code": card.number, "shop": shop.pk, "amount_fen": 60_000}, "sale-0001"
    )
    card.refresh_from_db()
    assert (card.points, card.balance_fen) == (600, 55_000)  # 500 + 50 bonus yuan
    spend = {
        "code": card.number,
        "shop": shop.pk,
        "amount_fen": 20_000,
        "points": 500,
        "balance_fen": 10_000,
    }
    missing = post(cashier, PURCHASE, spend, "sale-0002")
    assert missing.status_code == 403
    assert missing.json()["code"] == "card_password_required"
    wrong = post(cashier, PURCHASE, {**spend, "password": "000001"}, "sale-0002")
    assert wrong.json()["code"] == "card_password_wrong"
    assert "4" in wrong.json()["fields"]["password"][0]
    paid = post(cashier, PURCHASE, {**spend, "password": PIN}, "sale-0002")
    assert paid.status_code == 201, paid.json()
    body = paid.json()
    assert (body["points_value_fen"], body["balance_used_fen"]) == (500, 10_000)
    assert body["cash_due_fen"] == 20_000 - 500 - 10_000
    assert body["points_earned"] == 195  # on 195 yuan paid with balance and money
    card.refresh_from_db()
    assert (card.points, card.balance_fen) == (600 - 500 + 195, 45_000)
    assert card.password_failures == 0  # a right password clears the count


def test_five_wrong_passwords_lock_spending_for_fifteen_minutes(setup):
    _program, shop, cashier, card = setup
    spend = {"code": card.number, "shop": shop.pk, "amount_fen": 1_000, "balance_fen": 100}
    codes = [
        post(cashier, PURCHASE, {**spend, "password": f"24680{i}"}, f"sale-000{i}").json()["code"]
        for i in range(6)
    ]
    assert codes == ["card_password_wrong"] * 4 + ["card_spending_locked"] * 2
    locked = post(cashier, PURCHASE, {**spend, "password": PIN}, "sale-0009")
    assert locked.status_code == 423
    looked_up = cashier.get(LOOKUP, {"code": card.number, "shop": shop.pk}).json()
    assert looked_up["spending_locked"] is True
    # Earning needs no password and goes on while spending is locked.
    earn = post(
        cashier, PURCHASE, {"code": card.number, "shop": shop.pk, "amount_fen": 1_000}, "sale-0010"
    )
    assert earn.status_code == 201


def test_spending_more_than_the_card_holds_is_refused_and_changes_nothing(setup):
    _program, shop, cashier, card = setup
    body = {
        "code": card.number,
        "shop": shop.pk,
        "amount_fen": 5_000,
        "balance_fen": 100,
        "password": PIN,
    }
    response = post(cashier, PURCHASE, body, "sale-0001")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_balance"
    odd = post(cashier, PURCHASE, {**body, "balance_fen": 0, "points": 150}, "sale-0002")
    assert odd.json()["code"] == "invalid_redemption"  # points go in units of 100
    assert not LedgerEntry.objects.filter(card=card).exists()


def test_a_retry_with_the_same_key_does_not_record_twice(setup):
    _program, shop, cashier, card = setup
    body = {"code": card.number, "shop": shop.pk, "amount_fen": 9_900}
    first = post(cashier, PURCHASE, body, "sale-0001")
    again = post(cashier, PURCHASE, body, "sale-0001")
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert LedgerEntry.objects.filter(card=card, kind=EntryKind.EARN).count() == 1
    assert LedgerEntry.objects.get(card=card).idempotency_key == "sale-0001"


def test_cash_top_up_adds_the_best_bonus_tier_and_is_recorded_as_a_payment(setup):
    _program, shop, cashier, card = setup
    response = post(
        cashier, TOP_UP, {"code": card.number, "shop": shop.pk, "amount_fen": 60_000}, "top-0001"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount_fen"], body["bonus_fen"], body["method"]) == (60_000, 5_000, "cash")
    assert [e["kind"] for e in body["entries"]] == ["top_up", "bonus"]
    card.refresh_from_db()
    assert card.balance_fen == 65_000
    sandbox = post(
        cashier,
        TOP_UP,
        {"code": card.number, "shop": shop.pk, "amount_fen": 1_000, "method": "sandbox"},
        "top-0002",
    )
    assert sandbox.status_code == 400  # the counter takes money in person, not by gateway


def test_a_program_without_stored_value_refuses_top_ups(db):
    program = program_create(top_up_enabled=False)
    shop = shop_for(program)
    card = card_create_for(program)
    owner = client_for(program.merchant.owner)
    response = post(
        owner, TOP_UP, {"code": card.number, "shop": shop.pk, "amount_fen": 10_000}, "top-0001"
    )
    assert response.json()["code"] == "top_up_not_allowed"
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 0


def test_guessing_card_numbers_is_throttled_with_the_devices_other_counter_codes(setup, settings):
    """Card, order and coupon codes share one failure count per counter device."""
    _program, shop, cashier, card = setup
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["counter_code_failures"][:-4])
    for attempt in range(limit - 1):
        guess = cashier.get(LOOKUP, {"code": f"K7QM3XHD{'PQRSTUVWXY'[attempt]}A", "shop": shop.pk})
        assert guess.status_code == 404
    order = cashier.get("/api/v1/merchant/orders/lookup/", {"code": "K7QM3XHDPA", "shop": shop.pk})
    assert order.status_code == 404  # the last failure the device may have this window
    blocked = [
        cashier.get(LOOKUP, {"code": card.number, "shop": shop.pk}),
        post(cashier, PURCHASE, {"code": card.number, "shop": shop.pk, "amount_fen": 100}, "k-1"),
        cashier.get("/api/v1/merchant/orders/lookup/", {"code": "K7QM3XHDPA", "shop": shop.pk}),
        cashier.post("/api/v1/merchant/redemptions/lookup/", {"code": "x", "shop": shop.pk}),
    ]
    assert [(b.status_code, b.json()["code"]) for b in blocked] == [(429, "throttled")] * 4
    owner = client_for(card.program.merchant.owner)  # another device is unaffected
    assert owner.get(LOOKUP, {"code": card.number, "shop": shop.pk}).status_code == 200
