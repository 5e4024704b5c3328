"""Merchants set up their program, invite customers by phone, adjust; staff need manage_cards."""

import pytest

from accounts.models import Role
from loyalty.models import CardProgram, EntryKind, LedgerEntry, MembershipCard
from loyalty.services import card_top_up
from tests.conftest import client_for
from tests.factories import StaffFactory, UserFactory

from .factories import card_create_for, program_create

PROGRAM = "/api/v1/merchant/card-program/"
BODY = {
    "name": "鑫悦会员卡",
    "points_expiry_days": 365,
    "redeem_points": 100,
    "redeem_fen": 100,
    "upgrade_basis": "points",
    "upgrade_window_days": 180,
    "downgrade_enabled": True,
    "top_up_enabled": True,
    "levels": [
        {
            "name": "普通卡",
            "rank": 0,
            "points_per_yuan": "1.00",
            "price_percent": 100,
            "threshold": 0,
        },
        {
            "name": "贵宾卡",
            "rank": 1,
            "points_per_yuan": "2.00",
            "price_percent": 90,
            "threshold": 5000,
        },
    ],
    "bonus_tiers": [{"min_amount_fen": 50_000, "bonus_fen": 5_000}],
}


def test_the_owner_creates_then_edits_the_program(merchant, owner_client):
    assert owner_client.get(PROGRAM).json()["code"] == "no_card_program"
    created = owner_client.put(PROGRAM, BODY)
    assert created.status_code == 200, created.json()
    assert [level["name"] for level in created.json()["levels"]] == ["普通卡", "贵宾卡"]
    level_ids = [level["id"] for level in created.json()["levels"]]
    edited = owner_client.put(
        PROGRAM, {**BODY, "levels": [{**BODY["levels"][0]}, {**BODY["levels"][1], "name": "VIP"}]}
    )
    assert [level["id"] for level in edited.json()["levels"]] == level_ids  # kept, renamed
    assert edited.json()["levels"][1]["name"] == "VIP"
    assert CardProgram.objects.filter(merchant=merchant).count() == 1


@pytest.mark.parametrize(
    "levels",
    [
        [{"name": "银卡", "rank": 1, "threshold": 0}],  # ranks must start at 0
        [{"name": "a", "rank": 0, "threshold": 0}, {"name": "b", "rank": 1, "threshold": 0}],
    ],
)
def test_levels_must_climb(owner_client, levels):
    response = owner_client.put(PROGRAM, {**BODY, "levels": levels})
    assert response.json()["code"] == "invalid_card_program"


def test_one_bonus_tier_per_top_up_amount(owner_client):
    tiers = [{"min_amount_fen": 50_000, "bonus_fen": 5_000}] * 2
    response = owner_client.put(PROGRAM, {**BODY, "bonus_tiers": tiers})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_card_program")
    assert response.json()["fields"]["bonus_tiers"] == ["同一充值金额只能设一档赠送。"]


def test_a_level_cards_hold_cannot_be_dropped(db):
    card = card_create_for(program_create())
    owner = client_for(card.program.merchant.owner)
    response = owner.put(PROGRAM, {**BODY, "levels": BODY["levels"][:1]})
    program = owner.get(PROGRAM).json()
    assert response.status_code == 200  # ranks 1 and 2 go; nobody holds them
    assert len(program["levels"]) == 1
    card.refresh_from_db()
    assert card.level.rank == 0


def test_staff_need_manage_cards_and_see_only_their_merchant(db):
    program = program_create()
    redeem_only = StaffFactory(merchant=program.merchant, permissions=["redeem"])
    manager = StaffFactory(merchant=program.merchant, permissions=["manage_cards"])
    assert client_for(redeem_only.user).get(PROGRAM).status_code == 403
    assert client_for(manager.user).get(PROGRAM).json()["id"] == program.pk
    other = program_create()
    card_create_for(other)
    assert client_for(manager.user).get("/api/v1/merchant/cards/").json()["results"] == []
    consumer = client_for(UserFactory(role=Role.CONSUMER))
    assert consumer.get(PROGRAM).status_code == 403


def test_a_card_offered_by_phone_is_an_invitation_that_reveals_nothing(db):
    program = program_create()
    owner = client_for(program.merchant.owner)
    customer = UserFactory(role=Role.CONSUMER, name="张三")
    vip = program.levels.get(rank=2)
    answers = [
        owner.post("/api/v1/merchant/cards/", {"phone": phone, "level": vip.pk})
        for phone in (str(customer.phone), "+8613012345678")  # registered, and nobody's
    ]
    assert [a.status_code for a in answers] == [201, 201]
    for answer in answers:
        body = answer.json()
        assert set(body) == {"id", "phone", "level", "status", "created_at"}
        assert body["status"] == "pending"
    assert "张三" not in answers[0].content.decode()
    assert MembershipCard.objects.filter(consumer=customer).count() == 0  # nothing forced
    assert owner.get("/api/v1/merchant/cards/").json()["results"] == []

    me = client_for(customer)
    invitations = me.get("/api/v1/me/card-invitations/").json()["results"]
    assert [(i["merchant_name"], i["level_name"]) for i in invitations] == [
        (program.merchant.name, "VIP")
    ]
    stranger = client_for(UserFactory(role=Role.CONSUMER))
    accept = f"/api/v1/me/card-invitations/{invitations[0]['id']}/accept/"
    assert stranger.post(accept).status_code == 404  # not their phone
    accepted = me.post(accept)
    assert accepted.status_code == 201
    assert (accepted.json()["level"]["name"], accepted.json()["status"]) == ("VIP", "active")
    assert me.post(accept).status_code == 404  # answered already
    assert me.get("/api/v1/me/card-invitations/").json()["results"] == []
    assert [c["holder_name"] for c in owner.get("/api/v1/merchant/cards/").json()["results"]] == [
        "张三"
    ]  # once accepted, the holder is the merchant's customer


def test_a_declined_invitation_makes_no_card(db):
    program = program_create()
    owner = client_for(program.merchant.owner)
    customer = UserFactory(role=Role.CONSUMER)
    owner.post("/api/v1/merchant/cards/", {"phone": str(customer.phone)})
    again = owner.post("/api/v1/merchant/cards/", {"phone": str(customer.phone)})
    me = client_for(customer)
    invitations = me.get("/api/v1/me/card-invitations/").json()["results"]
    assert [i["id"] for i in invitations] == [again.json()["id"]]  # one pending per phone
    decline = f"/api/v1/me/card-invitations/{again.json()['id']}/decline/"
    assert me.post(decline).status_code == 204
    assert MembershipCard.objects.filter(consumer=customer).count() == 0
    assert me.get("/api/v1/me/card-invitations/").json()["results"] == []


def test_inviting_by_phone_has_the_sign_in_rate(db):
    program = program_create()
    owner = client_for(program.merchant.owner)
    statuses = [
        owner.post("/api/v1/merchant/cards/", {"phone": f"+86130000{n:05d}"}).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [201] * 10
    assert statuses[10:] == [429, 429]
    refused = owner.post("/api/v1/merchant/cards/", {"phone": "+8613000099999"})
    assert refused.json()["code"] == "throttled"
    assert owner.get("/api/v1/merchant/cards/").status_code == 200  # reading is not limited


def test_an_adjustment_is_a_ledger_row_with_its_reason_and_never_below_zero(db):
    card = card_create_for(program_create())
    owner = client_for(card.program.merchant.owner)
    url = f"/api/v1/merchant/cards/{card.pk}/adjustments/"
    added = owner.post(
        url, {"points_delta": 300, "note": "开业赠送"}, HTTP_IDEMPOTENCY_KEY="adj-00000001"
    )
    assert added.status_code == 201, added.json()
    too_much = owner.post(
        url, {"points_delta": -500, "note": "x"}, HTTP_IDEMPOTENCY_KEY="adj-00000002"
    )
    assert too_much.json()["code"] == "insufficient_points"
    entry = LedgerEntry.objects.get(card=card)
    assert (entry.kind, entry.note, entry.created_by) == (
        EntryKind.ADJUST,
        "开业赠送",
        card.program.merchant.owner,
    )
    assert entry.idempotency_key == "adj-00000001"


def test_the_merchant_refunds_a_top_up_only_while_its_balance_is_unspent(db):
    card = card_create_for(program_create())
    owner = client_for(card.program.merchant.owner)
    top_up = card_top_up(
        card=card,
        amount_fen=50_000,
        backend="cash",
        by=card.program.merchant.owner,
        idempotency_key="t-1",
    )
    url = f"/api/v1/merchant/card-top-ups/{top_up.payment.pk}/refund/"
    other = client_for(program_create().merchant.owner)
    assert other.post(url, {"reason": "x"}, HTTP_IDEMPOTENCY_KEY="refund-0001").status_code == 404
    refunded = owner.post(url, {"reason": "顾客退卡"}, HTTP_IDEMPOTENCY_KEY="refund-0001")
    assert refunded.status_code == 200, refunded.json()
    assert refunded.json()["refunded_fen"] == 50_000
    card.refresh_from_db()
    assert card.balance_fen == 0
    kinds = list(LedgerEntry.objects.filter(card=card).values_list("kind", flat=True))
    assert kinds == ["top_up", "bonus", "reverse", "reverse"]
    again = owner.post(url, {"reason": "顾客退卡"}, HTTP_IDEMPOTENCY_KEY="refund-0002")
    assert again.json()["code"] == "refund_exceeds_payment"


def test_my_card_lists_the_online_top_up_methods(db):
    card = card_create_for(program_create())
    mine = client_for(card.consumer).get(f"/api/v1/me/cards/{card.pk}/").json()
    assert mine["top_up_methods"] == ["sandbox"]
