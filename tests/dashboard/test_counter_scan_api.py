"""`POST /api/v1/merchant/counter/scan/ {shop, code}`: one entry point that recognises a coupon,
a card or an order from a scanned QR or a typed code (any case, dashes optional), answers what
the cashier must see and the actions possible, respects the shop, and counts failed guesses."""

import pytest
from django.urls import reverse

from consumers.models import OrderState
from core.codes import qr_payload, short_code_format
from tests.conftest import client_for
from tests.consumers.factories import BookableServiceFactory, purchase
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import ShopFactory, StaffFactory
from tests.loyalty.factories import card_create_for, program_create, shop_for

from .conftest import browser_for

SCAN = "/api/v1/merchant/counter/scan/"


@pytest.fixture
def counter(db):
    program = program_create()
    shop = shop_for(program)
    staff = StaffFactory(merchant=program.merchant, permissions=["redeem"])
    staff.shops.add(shop)
    card = card_create_for(program)
    coupon = CouponFactory(campaign=CampaignFactory(merchant=program.merchant))
    service = BookableServiceFactory(shop=shop, bookable=False)
    order = purchase(service=service)
    return shop, client_for(staff.user), card, coupon, order


def typed_forms(code: str) -> list[str]:
    shown = short_code_format(code)
    return [code, code.lower(), shown, shown.lower(), f" {shown.replace('-', ' ')} "]


def test_each_kind_is_recognised_from_its_qr_and_from_any_typed_form(counter):
    shop, cashier, card, coupon, order = counter
    cases = [("C", coupon.code, "coupon"), ("M", card.number, "card"), ("O", order.code, "order")]
    for letter, value, kind in cases:
        for code in [qr_payload(letter, value), *typed_forms(value)]:
            answer = cashier.post(SCAN, {"shop": shop.pk, "code": code})
            assert answer.status_code == 200, (kind, code, answer.json())
            assert answer.json()["kind"] == kind


def test_the_answer_shows_what_the_cashier_needs_and_the_actions_possible(counter):
    shop, cashier, card, coupon, order = counter
    body = cashier.post(SCAN, {"shop": shop.pk, "code": coupon.code}).json()
    assert body["coupon"]["title"] == coupon.campaign.title and body["coupon"]["usable"]
    assert [a["action"] for a in body["actions"]] == ["redeem"]
    assert body["actions"][0]["path"] == "/api/v1/merchant/redemptions/"
    assert body["actions"][0]["body"] == {"shop": shop.pk, "code": coupon.code}

    body = cashier.post(SCAN, {"shop": shop.pk, "code": card.number}).json()
    assert body["card"]["holder_name"] == card.consumer.name
    assert [a["action"] for a in body["actions"]] == ["purchase", "top_up"]

    body = cashier.post(SCAN, {"shop": shop.pk, "code": order.code}).json()
    assert body["order"]["can_consume"] is True
    assert [a["action"] for a in body["actions"]] == ["consume"]
    consumed = cashier.post(
        "/api/v1/merchant/orders/consume/",
        body["actions"][0]["body"],
        HTTP_IDEMPOTENCY_KEY="scan-consume-1",
    )
    assert consumed.status_code == 200
    again = cashier.post(SCAN, {"shop": shop.pk, "code": order.code}).json()
    assert again["order"]["can_consume"] is False and again["actions"] == []


def test_an_order_of_another_shop_is_refused_here_and_in_the_order_lookup(counter):
    shop, _cashier, _card, _coupon, _order = counter
    other = ShopFactory(merchant=shop.merchant)
    order = purchase(service=BookableServiceFactory(shop=other, bookable=False))
    owner = client_for(shop.merchant.owner)
    scan = owner.post(SCAN, {"shop": shop.pk, "code": order.code})
    assert (scan.status_code, scan.json()["code"]) == (403, "wrong_shop")
    assert other.name in scan.json()["detail"]
    lookup = owner.get("/api/v1/merchant/orders/lookup/", {"code": order.code, "shop": shop.pk})
    assert (lookup.status_code, lookup.json()["code"]) == (403, "wrong_shop")
    there = owner.get("/api/v1/merchant/orders/lookup/", {"code": order.code, "shop": other.pk})
    assert there.status_code == 200


def test_the_api_refuses_another_shops_order_at_consume_as_the_dashboard_does(counter):
    """One rule for both fronts (consumers.services.order_counter_consume): the cashier's shop
    is always named, and another shop's order is refused there, even to the owner who may
    redeem at both shops; nothing is consumed."""
    shop, _cashier, _card, _coupon, _order = counter
    other = ShopFactory(merchant=shop.merchant)
    order = purchase(service=BookableServiceFactory(shop=other, bookable=False))
    owner = client_for(shop.merchant.owner)
    consume = "/api/v1/merchant/orders/consume/"
    here = owner.post(
        consume, {"code": order.code, "shop": shop.pk}, HTTP_IDEMPOTENCY_KEY="wrong-shop-1"
    )
    assert (here.status_code, here.json()["code"]) == (403, "wrong_shop")
    assert other.name in here.json()["detail"]
    unnamed = owner.post(consume, {"code": order.code}, HTTP_IDEMPOTENCY_KEY="wrong-shop-2")
    assert (unnamed.status_code, unnamed.json()["fields"].keys()) == (400, {"shop"})
    page = browser_for(shop.merchant.owner).post(
        reverse("dashboard:counter-order-consume", args=[shop.pk]),
        {"code": order.code, "idempotency_key": "dash-wrong-shop-1"},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 422 and other.name in page.content.decode()
    order.refresh_from_db()
    assert order.state != OrderState.CONSUMED


def test_forged_unknown_and_foreign_codes_are_refused(counter):
    shop, cashier, _card, coupon, _order = counter
    forged = qr_payload("C", coupon.code)[:-2] + "xx"
    assert cashier.post(SCAN, {"shop": shop.pk, "code": forged}).json()["code"] == "invalid_code"
    assert cashier.post(SCAN, {"shop": shop.pk, "code": "0OIL"}).json()["code"] == "invalid_code"
    assert cashier.post(SCAN, {"shop": shop.pk, "code": "K7QM3XHDPA"}).status_code == 404
    stranger = CouponFactory()  # another merchant's coupon
    assert cashier.post(SCAN, {"shop": shop.pk, "code": stranger.code}).status_code == 404
    other_merchant_shop = ShopFactory()
    answer = cashier.post(SCAN, {"shop": other_merchant_shop.pk, "code": coupon.code})
    assert answer.status_code == 404


def test_failed_guesses_count_with_the_devices_other_counter_codes(counter, settings):
    shop, cashier, card, _coupon, _order = counter
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["counter_code_failures"][:-4])
    for attempt in range(limit):
        guess = cashier.post(SCAN, {"shop": shop.pk, "code": f"K7QM3XHD{'PQRSTUVWXYZ'[attempt]}A"})
        assert guess.status_code == 404
    blocked = [
        cashier.post(SCAN, {"shop": shop.pk, "code": card.number}),
        cashier.get("/api/v1/merchant/counter/card/", {"code": card.number, "shop": shop.pk}),
    ]
    assert [(b.status_code, b.json()["code"]) for b in blocked] == [(429, "throttled")] * 2
