"""Merchant B, working in its own shop, names A's objects in a request body or a filter: the
answer is the same as for objects that do not exist, and lists filtered by A's ids are empty.
(The access table calls every endpoint with A's shop; these call them with B's own.)"""

import pytest
from django.urls import reverse

from tests.reliability.access import IDEMPOTENT
from tests.reliability.test_access import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_b(world):
    return client_as(world, "owner_b")


def post(client, name, body, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), body, format="json", headers=IDEMPOTENT)


def test_b_at_its_own_counter_cannot_find_a_card_coupon_or_order_of_a(world, owner_b):
    shop_b = world.shop_b.pk
    card = {"code": world.card_a.number, "shop": shop_b}
    answers = [
        owner_b.get(reverse("counter-card"), card),
        post(owner_b, "counter-purchase", {**card, "amount_fen": 5000}),
        post(owner_b, "counter-top-up", {**card, "amount_fen": 5000}),
        post(owner_b, "redemption-list", {"shop": shop_b, "code": world.coupon_a.code}),
        post(owner_b, "redemption-lookup", {"shop": shop_b, "code": world.coupon_a.code}),
        post(owner_b, "merchant-order-consume", {"code": world.order_a.code, "shop": shop_b}),
    ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(404, "not_found")] * 6


def test_b_cannot_attach_a_objects_to_its_own(world, owner_b):
    level_a = world.program_a.levels.first().pk
    campaign = {
        "title": "借用",
        "benefit_kind": "free_item",
        "service": world.service_a.pk,
        "valid_days_after_issue": 7,
        "total_quantity": 5,
    }
    answers = {
        "campaign service": post(owner_b, "merchant-campaign-list", campaign),
        "campaign shop": post(
            owner_b,
            "merchant-campaign-list",
            {**campaign, "benefit_kind": "amount_off", "amount_off_fen": 100, "service": None}
            | {"shops": [world.shop_a.pk]},
        ),
        "campaign level": post(
            owner_b,
            "merchant-campaign-list",
            {**campaign, "benefit_kind": "amount_off", "amount_off_fen": 100, "service": None}
            | {"audience": "levels", "levels": [level_a]},
        ),
        "card level": post(
            owner_b,
            "merchant-cards",
            {"phone": str(world.users["consumer_b"].phone), "level": level_a},
        ),
        "program shop": owner_b.put(
            reverse("card-program"),
            {
                "name": "B 卡",
                "shops": [world.shop_a.pk],
                "levels": [
                    {
                        "name": "普通卡",
                        "rank": 0,
                        "points_per_yuan": "1",
                        "percent_off": 0,
                        "threshold": 0,
                    }
                ],
            },
            format="json",
        ),
    }
    refused = {what: (a.status_code, sorted(a.json()["fields"])) for what, a in answers.items()}
    assert refused == {
        "campaign service": (400, ["service"]),
        "campaign shop": (400, ["shops"]),
        "campaign level": (400, ["levels"]),
        "card level": (400, ["level"]),
        "program shop": (400, ["shops"]),
    }
    slot = {
        "shop": world.shop_b.pk,
        "service": world.bookable_a.pk,
        "starts": ["2099-01-02T10:00:00+08:00"],
        "duration_minutes": 30,
        "capacity": 1,
    }
    assert post(owner_b, "merchant-slot-list", slot).status_code == 404


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("merchant-order-list", lambda w: {"shop": w.shop_a.pk}),
        ("merchant-slot-list", lambda w: {"shop": w.shop_a.pk}),
        ("merchant-review-list", lambda w: {"shop": w.shop_a.pk}),
        ("redemption-list", lambda w: {"shop": w.shop_a.pk}),
        ("redemption-list", lambda w: {"campaign": w.campaign_a.pk}),
        ("settlement-entry-list", lambda w: {"batch": w.payout_batch_a.pk}),
        ("merchant-cards", lambda w: {"status": "active"}),
    ],
)
def test_filters_naming_a_objects_give_b_nothing(world, owner_b, name, query):
    owner_a = client_as(world, "owner_a")
    of_a = owner_a.get(reverse(name), query(world)).json()["results"]
    assert of_a, "A sees its own: the filter is not empty by itself"
    assert owner_b.get(reverse(name), query(world)).json()["results"] == []
