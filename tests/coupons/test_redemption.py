"""The counter: redeem once with the benefit applied, clear errors, reversal, isolation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.codes import qr_payload, short_code_format
from coupons.models import BenefitKind, Coupon, CouponStatus, Redemption
from merchants.models import StaffPermission
from tests.conftest import client_for
from tests.factories import MerchantFactory, ServiceFactory, ShopFactory, StaffFactory

from .factories import CampaignFactory, CouponFactory

pytestmark = pytest.mark.django_db
REDEEM = "/api/v1/merchant/redemptions/"
LOOKUP = "/api/v1/merchant/redemptions/lookup/"


def redeem(client, shop, code, key="key-redeem-0001", **extra):
    return client.post(REDEEM, {"shop": shop.pk, "code": code, **extra}, HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def shop(merchant):
    return ShopFactory(merchant=merchant)


@pytest.fixture
def coupon(merchant):
    return CouponFactory(campaign=CampaignFactory(merchant=merchant))


def test_a_scanned_coupon_is_redeemed_with_the_benefit_applied_and_recorded(merchant, shop, coupon):
    owner = client_for(merchant.owner)
    response = redeem(owner, shop, qr_payload("C", coupon.code), order_amount_fen=15800)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["order_amount_fen"], body["discount_fen"], body["payable_fen"]) == (
        15800,
        2000,
        13800,
    )
    assert body["shop"] == {"id": shop.pk, "name": shop.name}
    assert body["staff"]["id"] == merchant.owner.pk
    assert body["campaign"]["benefit_text"] == "满100元减20元"
    redemption = Redemption.objects.get()
    assert redemption.idempotency_key == "key-redeem-0001"
    assert (redemption.shop, redemption.staff) == (shop, merchant.owner)
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.REDEEMED


def test_a_typed_code_works_however_it_is_typed(merchant, shop, coupon):
    typed = short_code_format(coupon.code).lower().replace("-", " ")
    response = redeem(client_for(merchant.owner), shop, typed, order_amount_fen=10000)
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("terms", "order", "expected"),
    [
        ({"percent_off": 20, "min_spend_fen": 0}, 12345, (12345, 2469, 9876)),
        (
            {"percent_off": 20, "percent_cap_fen": 1500, "min_spend_fen": 0},
            12345,
            (12345, 1500, 10845),
        ),
        ({"amount_off_fen": 5000, "min_spend_fen": 0}, 3000, (3000, 3000, 0)),
        ({"free_item": True}, None, (8800, 8800, 0)),
        ({"free_item": True}, 20000, (20000, 8800, 11200)),
        ({"special_price_fen": 5800}, None, (8800, 3000, 5800)),
    ],
    ids=["percent", "percent-capped", "amount-over-order", "free", "free-in-order", "special"],
)
def test_each_benefit_kind_takes_the_right_amount_off(merchant, shop, terms, order, expected):
    service = ServiceFactory(shop=shop, price_fen=8800)
    fields = {"amount_off_fen": None, "min_spend_fen": terms.get("min_spend_fen", 0)}
    if "percent_off" in terms:
        fields.update(
            benefit_kind=BenefitKind.PERCENT_OFF,
            percent_off=terms["percent_off"],
            percent_cap_fen=terms.get("percent_cap_fen"),
        )
    elif "amount_off_fen" in terms:
        fields.update(amount_off_fen=terms["amount_off_fen"])
    elif "free_item" in terms:
        fields.update(benefit_kind=BenefitKind.FREE_ITEM, service=service)
    else:
        fields.update(
            benefit_kind=BenefitKind.SPECIAL_PRICE,
            service=service,
            special_price_fen=terms["special_price_fen"],
        )
    coupon = CouponFactory(campaign=CampaignFactory(merchant=merchant, **fields))
    extra = {} if order is None else {"order_amount_fen": order}
    body = redeem(client_for(merchant.owner), shop, coupon.code, **extra).json()
    assert (body["order_amount_fen"], body["discount_fen"], body["payable_fen"]) == expected


def test_a_retry_with_the_same_key_replays_and_another_key_is_told_when_and_where(
    merchant, shop, coupon
):
    owner = client_for(merchant.owner)
    first = redeem(owner, shop, coupon.code, key="key-first-0001", order_amount_fen=10000)
    retry = redeem(owner, shop, coupon.code, key="key-first-0001", order_amount_fen=10000)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    again = redeem(owner, shop, coupon.code, key="key-second-001", order_amount_fen=10000)
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "already_redeemed"
    when = timezone.localtime(Redemption.objects.get().redeemed_at).strftime("%Y-%m-%d %H:%M")
    assert when in body["detail"] and shop.name in body["detail"]
    assert body["fields"]["redeemed_shop"] == [shop.name]
    assert Redemption.objects.count() == 1


def test_forged_and_malformed_codes_are_invalid_before_any_lookup(
    merchant, shop, coupon, django_assert_max_num_queries
):
    owner = client_for(merchant.owner)
    altered = qr_payload("C", coupon.code)[:-2] + "xx"
    card_payload = qr_payload("M", coupon.code)
    for bad in [altered, card_payload, "O2O:C:forged", "K7QM-3XHD", "hello!"]:
        response = redeem(owner, shop, bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid_code"
    with django_assert_max_num_queries(1):  # the user behind the token, and no coupon lookup
        redeem(owner, shop, altered)


def test_unknown_code_is_not_found(merchant, shop):
    response = redeem(client_for(merchant.owner), shop, "K7QM3XHDPA")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_shop_outside_the_campaign_is_wrong_shop(merchant, shop):
    accepting = ShopFactory(merchant=merchant)
    coupon = CouponFactory(campaign=CampaignFactory(merchant=merchant, shops=[accepting]))
    response = redeem(client_for(merchant.owner), shop, coupon.code, order_amount_fen=10000)
    assert response.status_code == 403
    assert response.json()["code"] == "wrong_shop"
    ok = redeem(client_for(merchant.owner), accepting, coupon.code, order_amount_fen=10000)
    assert ok.status_code == 201


def test_validity_and_minimum_spend_are_enforced(merchant, shop):
    now = timezone.now()
    owner = client_for(merchant.owner)
    later = CouponFactory(
        campaign=CampaignFactory(merchant=merchant, valid_from=now + timedelta(hours=2))
    )
    over = CouponFactory(
        campaign=CampaignFactory(
            merchant=merchant,
            valid_from=now - timedelta(days=2),
            valid_until=now - timedelta(minutes=1),
        )
    )
    fine = CouponFactory(campaign=CampaignFactory(merchant=merchant))
    for coupon, order, status, code in [
        (later, 10000, 410, "not_yet_valid"),
        (over, 10000, 410, "expired"),
        (fine, 9999, 422, "below_minimum_spend"),
        (fine, None, 400, "order_amount_required"),
    ]:
        extra = {} if order is None else {"order_amount_fen": order}
        response = redeem(owner, shop, coupon.code, key=f"key-{code}", **extra)
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Redemption.objects.exists()


def test_staff_redeem_only_with_the_permission_and_in_their_shops(merchant, shop, coupon):
    other_shop = ShopFactory(merchant=merchant)
    cashier = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    cashier.shops.set([shop])
    no_permission = StaffFactory(merchant=merchant, permissions=[StaffPermission.MANAGE_SHOPS])
    no_permission.shops.set([shop])
    denied = redeem(client_for(no_permission.user), shop, coupon.code, order_amount_fen=10000)
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    elsewhere = redeem(client_for(cashier.user), other_shop, coupon.code, order_amount_fen=10000)
    assert elsewhere.status_code == 404
    response = redeem(client_for(cashier.user), shop, coupon.code, order_amount_fen=10000)
    assert response.status_code == 201
    assert response.json()["staff"] == {"id": cashier.user.pk, "name": cashier.user.name}


def test_another_merchant_can_neither_see_nor_redeem_the_coupon(merchant, shop, coupon):
    other = MerchantFactory()
    their_shop = ShopFactory(merchant=other)
    theirs = client_for(other.owner)
    assert redeem(theirs, their_shop, coupon.code, order_amount_fen=10000).status_code == 404
    lookup = theirs.post(LOOKUP, {"shop": their_shop.pk, "code": coupon.code})
    assert lookup.status_code == 404
    assert redeem(theirs, shop, coupon.code, order_amount_fen=10000).status_code == 404  # A's shop
    mine = redeem(client_for(merchant.owner), shop, coupon.code, order_amount_fen=10000).json()
    assert theirs.get(f"{REDEEM}{mine['id']}/").status_code == 404
    assert theirs.get(REDEEM).json()["results"] == []
    reverse = theirs.post(f"{REDEEM}{mine['id']}/reverse/", {}, HTTP_IDEMPOTENCY_KEY="key-rev-x1")
    assert reverse.status_code == 404


def test_lookup_shows_the_cashier_what_they_need_without_redeeming(merchant, shop):
    accepting = ShopFactory(merchant=merchant, name="静安店")
    coupon = CouponFactory(campaign=CampaignFactory(merchant=merchant, shops=[accepting]))
    owner = client_for(merchant.owner)
    here = owner.post(
        LOOKUP, {"shop": accepting.pk, "code": coupon.code, "order_amount_fen": 12000}
    )
    body = here.json()
    assert body["usable"] is True
    assert body["benefit_text"] == "满100元减20元"
    assert body["title"] == coupon.campaign.title
    assert body["preview"] == {
        "order_amount_fen": 12000,
        "discount_fen": 2000,
        "payable_fen": 10000,
    }
    wrong = owner.post(LOOKUP, {"shop": shop.pk, "code": qr_payload("C", coupon.code)}).json()
    assert (wrong["usable"], wrong["reason_code"]) == (False, "wrong_shop")
    assert "门店" in wrong["reason"]
    no_amount = owner.post(LOOKUP, {"shop": accepting.pk, "code": coupon.code}).json()
    assert (no_amount["usable"], no_amount["reason_code"]) == (True, "order_amount_required")
    redeem(owner, accepting, coupon.code, order_amount_fen=12000)
    used = owner.post(LOOKUP, {"shop": accepting.pk, "code": coupon.code}).json()
    assert (used["usable"], used["reason_code"]) == (False, "already_redeemed")
    assert "静安店" in used["reason"]


def test_a_reversal_within_the_window_makes_the_coupon_usable_again_and_is_kept(
    merchant, shop, coupon, settings
):
    owner = client_for(merchant.owner)
    first = redeem(owner, shop, coupon.code, order_amount_fen=10000).json()
    response = owner.post(
        f"{REDEEM}{first['id']}/reverse/",
        {"reason": "收银员扫错"},
        HTTP_IDEMPOTENCY_KEY="key-rev-01",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["reversed_by"]["id"] == merchant.owner.pk
    assert response.json()["reversal_reason"] == "收银员扫错"
    twice = owner.post(f"{REDEEM}{first['id']}/reverse/", {}, HTTP_IDEMPOTENCY_KEY="key-rev-02")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_reversed")
    again = redeem(owner, shop, coupon.code, key="key-redeem-0002", order_amount_fen=11000)
    assert again.status_code == 201
    assert Redemption.objects.count() == 2  # the reversed one stays on record
    assert owner.get(REDEEM, {"reversed": "true"}).json()["results"][0]["id"] == first["id"]

    Redemption.objects.filter(pk=again.json()["id"]).update(
        redeemed_at=timezone.now() - timedelta(minutes=settings.COUPON_REVERSAL_WINDOW_MINUTES + 1)
    )
    late = owner.post(
        f"{REDEEM}{again.json()['id']}/reverse/", {}, HTTP_IDEMPOTENCY_KEY="key-rev-03"
    )
    assert (late.status_code, late.json()["code"]) == (409, "reversal_window_closed")
    assert Coupon.objects.get().status == CouponStatus.REDEEMED


def test_the_idempotency_key_is_required(merchant, shop, coupon):
    response = client_for(merchant.owner).post(
        REDEEM, {"shop": shop.pk, "code": coupon.code, "order_amount_fen": 10000}
    )
    assert response.json()["code"] == "idempotency_key_required"


def test_repeated_invalid_codes_from_one_device_are_throttled(merchant, shop, coupon, settings):
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["counter_code_failures"]
    limit = int(rate.split("/")[0])
    cashier = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    cashier.shops.set([shop])
    device = client_for(cashier.user)
    for attempt in range(limit):
        guess = device.post(LOOKUP, {"shop": shop.pk, "code": f"K7QM3XHD{'PQRSTUVWXY'[attempt]}A"})
        assert guess.status_code == 404
    blocked = redeem(device, shop, coupon.code, order_amount_fen=10000)
    assert (blocked.status_code, blocked.json()["code"]) == (429, "throttled")
    assert int(blocked["Retry-After"]) > 0
    # Successful work does not count, and another device (the owner's till) is unaffected.
    assert (
        redeem(client_for(merchant.owner), shop, coupon.code, order_amount_fen=10000).status_code
        == 201
    )
