"""A consumer's cards: apply, see, history, password, online top-up; others' cards are 404."""

import pytest

from accounts.models import Role
from loyalty.errors import PasswordWrong
from loyalty.models import CardStatus, MembershipCard
from loyalty.services import card_password_check, card_purchase_record
from payments.models import Payment, PaymentStatus
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

from .factories import PIN, card_create_for, key, program_create, shop_for

CARDS = "/api/v1/me/cards/"


@pytest.fixture
def holder(db):
    program = program_create()
    card = card_create_for(program)
    return program, card, client_for(card.consumer)


def test_applying_at_a_shop_gives_one_card_per_program(db):
    program = program_create()
    shop = shop_for(program)
    consumer = UserFactory(role=Role.CONSUMER)
    client = client_for(consumer)
    created = client.post(CARDS, {"shop": shop.pk})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "active"
    assert body["level"]["name"] == "普通卡"
    assert body["qr_payload"].startswith("O2O:M:" + body["number"] + ":")
    again = client.post(CARDS, {"shop": shop.pk})
    assert again.status_code == 409
    assert again.json()["code"] == "card_already_held"
    assert [c["id"] for c in client.get(CARDS).json()["results"]] == [body["id"]]


def test_a_program_that_approves_by_hand_leaves_the_card_pending(db):
    program = program_create(auto_approve=False)
    shop = shop_for(program)
    consumer = UserFactory(role=Role.CONSUMER)
    card = client_for(consumer).post(CARDS, {"shop": shop.pk}).json()
    assert card["status"] == "pending"
    owner = client_for(program.merchant.owner)
    pending = owner.get("/api/v1/merchant/cards/", {"status": "pending"}).json()["results"]
    assert [c["id"] for c in pending] == [card["id"]]
    approved = owner.post(f"/api/v1/merchant/cards/{card['id']}/status/", {"status": "active"})
    assert approved.json()["status"] == "active"


def test_a_shop_outside_the_program_cannot_issue_its_card(db):
    program = program_create()
    listed, unlisted = shop_for(program), shop_for(program)
    program.shops.set([listed])
    client = client_for(UserFactory(role=Role.CONSUMER))
    refused = client.post(CARDS, {"shop": unlisted.pk})
    assert refused.json()["code"] == "card_not_valid_here"


def test_my_history_lists_every_movement_newest_first(holder):
    program, card, client = holder
    shop = shop_for(program)
    for amount in (1_000, 2_000):
        card_purchase_record(
            card_id=card.pk,
            amount_fen=amount,
            shop=shop,
            by=program.merchant.owner,
            idempotency_key=key(),
        )
    entries = client.get(f"{CARDS}{card.pk}/entries/").json()["results"]
    assert [(e["kind"], e["amount_fen"], e["points_delta"]) for e in entries] == [
        ("earn", 2_000, 20),
        ("earn", 1_000, 10),
    ]
    assert entries[0]["points_after"] == 30
    assert entries[0]["shop_name"] == shop.name


def test_another_consumers_card_is_not_found(holder):
    _program, card, _ = holder
    stranger = client_for(UserFactory(role=Role.CONSUMER))
    for path in ("", "entries/", "image.png"):
        assert stranger.get(f"{CARDS}{card.pk}/{path}").status_code == 404
    put = stranger.put(
        f"{CARDS}{card.pk}/password/", {"password": "246813", "login_password": PASSWORD}
    )
    assert put.status_code == 404
    other_owner = client_for(program_create().merchant.owner)
    assert other_owner.get(f"/api/v1/merchant/cards/{card.pk}/").status_code == 404
    assert other_owner.get(f"/api/v1/merchant/cards/{card.pk}/entries/").status_code == 404


def test_resetting_the_password_needs_the_login_password_and_lifts_the_lock(holder):
    _program, card, client = holder
    MembershipCard.objects.filter(pk=card.pk).update(
        password_failures=5, spending_locked_until="2100-01-01T00:00:00Z"
    )
    url = f"{CARDS}{card.pk}/password/"
    wrong = client.put(url, {"password": "246813", "login_password": "not-my-password"})
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "login_password_wrong"
    weak = client.put(url, {"password": "111111", "login_password": PASSWORD})
    assert weak.status_code == 400
    done = client.put(url, {"password": "246813", "login_password": PASSWORD})
    assert done.status_code == 204
    card.refresh_from_db()
    assert card.spending_locked_until is None
    card_password_check(card_id=card.pk, password="246813")  # the new one works
    with pytest.raises(PasswordWrong):
        card_password_check(card_id=card.pk, password=PIN)


def test_online_top_up_through_the_sandbox_gateway(holder):
    _program, card, client = holder
    url = f"{CARDS}{card.pk}/top-ups/"
    paid = client.post(
        url, {"amount_fen": 50_000, "method": "sandbox"}, HTTP_IDEMPOTENCY_KEY="pay-00000001"
    )
    assert paid.status_code == 201, paid.json()
    assert paid.json()["bonus_fen"] == 5_000
    payment = Payment.objects.get(pk=paid.json()["payment_id"])
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.external_reference.startswith("sbx_")
    assert (payment.payer, payment.created_by, payment.backend) == (
        card.consumer,
        card.consumer,
        "sandbox",
    )
    declined = client.post(
        url,
        {"amount_fen": 10_000, "method": "sandbox", "payment_token": "sandbox-decline"},
        HTTP_IDEMPOTENCY_KEY="pay-00000002",
    )
    assert declined.status_code == 402
    assert declined.json()["code"] == "payment_declined"
    assert (
        Payment.objects.filter(status=PaymentStatus.FAILED, failure_code="card_declined").count()
        == 1
    )
    unavailable = client.post(
        url,
        {"amount_fen": 10_000, "method": "sandbox", "payment_token": "sandbox-unavailable"},
        HTTP_IDEMPOTENCY_KEY="pay-00000003",
    )
    assert unavailable.status_code == 503
    cash = client.post(
        url, {"amount_fen": 10_000, "method": "cash"}, HTTP_IDEMPOTENCY_KEY="pay-00000004"
    )
    assert cash.status_code == 400  # cash is taken by staff at the counter
    card.refresh_from_db()
    assert card.balance_fen == 55_000


def test_a_frozen_card_cannot_be_used(holder):
    _program, card, client = holder
    MembershipCard.objects.filter(pk=card.pk).update(status=CardStatus.FROZEN)
    response = client.post(
        f"{CARDS}{card.pk}/top-ups/",
        {"amount_fen": 10_000, "method": "sandbox"},
        HTTP_IDEMPOTENCY_KEY="pay-00000001",
    )
    assert response.json()["code"] == "card_not_active"
