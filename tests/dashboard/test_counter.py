"""The counter page's lookups and one-tap actions reach the coupons, loyalty and orders
services: each acts once per idempotency key, and refusals read in plain Chinese."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consumers.models import OrderState
from core.codes import qr_payload
from coupons.models import CouponStatus, Redemption
from loyalty.models import LedgerEntry, MembershipCard
from merchants.models import StaffPermission
from tests.consumers.factories import SlotFactory, booking
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import ShopFactory
from tests.loyalty.factories import PIN, card_create_for, program_create

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def cashier(merchant, shop):
    return browser_for(staff_member(merchant, [shop], [StaffPermission.REDEEM]).user)


def lookup(client, shop, **data):
    return client.post(
        reverse("dashboard:counter-lookup", args=[shop.pk]), data, HTTP_HX_REQUEST="true"
    )


def act(client, name, shop, **data):
    return client.post(reverse(f"dashboard:{name}", args=[shop.pk]), data, HTTP_HX_REQUEST="true")


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


@pytest.fixture
def coupon(merchant):
    return CouponFactory(campaign=CampaignFactory(merchant=merchant, title="满100减20"))


def test_a_scanned_coupon_is_shown_then_redeemed_once_with_one_tap(cashier, shop, coupon):
    found = lookup(cashier, shop, code=qr_payload("C", coupon.code))
    page = found.content.decode()
    assert found.status_code == 200
    assert "满100元减20元" in page and "二维码有效" in page and "确认核销" in page
    key = hidden(page, "idempotency_key")
    form = {"code": coupon.code, "idempotency_key": key, "order_amount_fen": "128.00"}
    done = act(cashier, "counter-coupon-redeem", shop, **form)
    assert done.status_code == 200
    assert "核销成功" in done.content.decode() and "108.00" in done.content.decode()
    again = act(cashier, "counter-coupon-redeem", shop, **form)  # a double tap
    assert "重复提交，未再次核销" in again.content.decode()
    assert Redemption.objects.filter(coupon=coupon).count() == 1
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.REDEEMED
    used = lookup(cashier, shop, code=coupon.code).content.decode()
    assert "该券已于" in used and "使用过" in used and "确认核销" not in used


def test_coupon_refusals_are_plain_words(cashier, merchant, shop, coupon):
    key = {"idempotency_key": "dash-test-key-1", "code": coupon.code}
    below = act(cashier, "counter-coupon-redeem", shop, order_amount_fen="50", **key)
    assert below.status_code == 422
    assert "该券需消费满 100 元才能使用。" in below.content.decode()
    missing = act(cashier, "counter-coupon-redeem", shop, order_amount_fen="", **key)
    assert "请填写订单金额" in missing.content.decode()

    other_shop = ShopFactory(merchant=merchant)
    elsewhere = CouponFactory(campaign=CampaignFactory(merchant=merchant, shops=[other_shop]))
    wrong = lookup(cashier, shop, code=elsewhere.code).content.decode()
    assert "该券不能在本门店使用" in wrong
    old = CampaignFactory(
        merchant=merchant,
        valid_from=timezone.now() - timedelta(days=9),
        valid_until=timezone.now() - timedelta(days=1),
    )
    expired = lookup(cashier, shop, code=CouponFactory(campaign=old).code)
    assert "该券已于" in expired.content.decode() and "过期" in expired.content.decode()
    stranger = CouponFactory()  # another merchant's: not found, like a wrong code
    unknown = lookup(cashier, shop, code=stranger.code)
    assert unknown.status_code == 422
    assert "未找到该券码" in unknown.content.decode()


@pytest.fixture
def card(merchant):
    return card_create_for(program_create(merchant))


def test_a_card_purchase_spending_balance_needs_the_consumption_password(cashier, shop, card):
    MembershipCard.objects.filter(pk=card.pk).update(balance_fen=0)
    page = lookup(cashier, shop, code=qr_payload("M", card.number)).content.decode()
    assert "记录消费" in page and "消费密码" in page
    top_up_key = re.findall(r'name="idempotency_key" value="([^"]*)"', page)[1]
    topped = act(
        cashier,
        "counter-card-top-up",
        shop,
        code=card.number,
        amount_fen="100",
        idempotency_key=top_up_key,
    )
    assert "充值成功" in topped.content.decode()
    form = {"code": card.number, "amount_fen": "30", "balance_fen": "30", "points": ""}
    form["idempotency_key"] = hidden(page, "idempotency_key")
    no_password = act(cashier, "counter-card-purchase", shop, **form)
    assert no_password.status_code == 422
    assert "使用积分或余额需要输入消费密码。" in no_password.content.decode()
    wrong = act(cashier, "counter-card-purchase", shop, password="000000", **form)
    assert "消费密码错误，还可尝试 4 次。" in wrong.content.decode()
    done = act(cashier, "counter-card-purchase", shop, password=PIN, **form)
    assert done.status_code == 200 and "消费已记录" in done.content.decode()
    act(cashier, "counter-card-purchase", shop, password=PIN, **form)  # a retry
    card.refresh_from_db()
    assert card.balance_fen == 100_00 - 30_00
    assert LedgerEntry.objects.filter(card=card, kind="spend").count() == 1


def test_a_cash_purchase_needs_no_password_and_earns_points(cashier, shop, card):
    response = act(
        cashier,
        "counter-card-purchase",
        shop,
        code=card.number,
        amount_fen="88",
        idempotency_key="dash-cash-purchase-1",
    )
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.points == 88


def test_an_order_is_confirmed_at_its_own_shop_only(cashier, merchant, shop):
    order = booking(slot=SlotFactory(service__shop=shop))
    page = lookup(cashier, shop, code=qr_payload("O", order.code)).content.decode()
    assert "确认已消费" in page
    form = {"code": order.code, "idempotency_key": hidden(page, "idempotency_key")}
    assert "订单已核销" in act(cashier, "counter-order-consume", shop, **form).content.decode()
    assert "重复提交" in act(cashier, "counter-order-consume", shop, **form).content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.CONSUMED
    used = lookup(cashier, shop, code=order.code).content.decode()
    assert "该订单已核销，不能重复使用。" in used

    other = ShopFactory(merchant=merchant, name="另一家店")
    elsewhere = booking(slot=SlotFactory(service__shop=other))
    owner = browser_for(merchant.owner)
    refused = lookup(owner, shop, code=elsewhere.code)
    assert refused.status_code == 422
    assert "该订单属于「另一家店」，请在该门店核销。" in refused.content.decode()


@pytest.mark.parametrize(
    "code",
    [
        qr_payload("C", "K7QM3XHDPA").replace("K7QM3XHDPA", "K7QM3XHDPB"),  # altered
        "O2O:C:K7QM3XHDPA:forged-signature",
        "O2O:X:K7QM3XHDPA:abc",  # unknown kind
        "K7QM-3XHD-P0",  # 0 is not in the alphabet
    ],
)
def test_forged_altered_or_mistyped_codes_are_refused_in_plain_words(cashier, shop, code):
    response = lookup(cashier, shop, code=code)
    assert response.status_code == 422
    assert "无法识别的券码或二维码，请核对后重试。" in response.content.decode()


def test_guessing_codes_on_the_page_is_throttled_like_the_api(cashier, shop, card, settings):
    """The page and the API share the device's failure count (core.throttling)."""
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["counter_code_failures"][:-4])
    for attempt in range(limit):
        guess = lookup(cashier, shop, code=f"K7QM3XHD{'PQRSTUVWXY'[attempt]}A")
        assert "未找到该券码、会员卡或订单，请核对后重试。" in guess.content.decode()
    blocked = lookup(cashier, shop, code=card.number)
    assert blocked.status_code == 422
    assert "无效的码输入过多，请" in blocked.content.decode()
    api = cashier.get("/api/v1/merchant/counter/card/", {"code": card.number, "shop": shop.pk})
    assert api.status_code == 429


def test_an_empty_lookup_asks_for_the_code(cashier, shop):
    response = lookup(cashier, shop, code="")
    assert response.status_code == 422
    assert "该字段是必填项。" in response.content.decode()


def test_staff_without_redeem_cannot_act(merchant, shop, coupon):
    manager = browser_for(staff_member(merchant, [shop], [StaffPermission.MANAGE_SHOPS]).user)
    form = {"code": coupon.code, "idempotency_key": "dash-no-permission", "order_amount_fen": "200"}
    assert act(manager, "counter-coupon-redeem", shop, **form).status_code == 403
    assert not Redemption.objects.exists()


def test_a_mistaken_redemption_is_undone_from_the_page_once(cashier, merchant, shop, coupon):
    found = lookup(cashier, shop, code=coupon.code).content.decode()
    done = act(
        cashier,
        "counter-coupon-redeem",
        shop,
        code=coupon.code,
        idempotency_key=hidden(found, "idempotency_key"),
        order_amount_fen="200",
    ).content.decode()
    redemption = Redemption.objects.get()
    page = cashier.get(reverse("dashboard:counter", args=[shop.pk])).content.decode()
    assert f'data-redemption="{redemption.pk}"' in page  # offered for undo on the page too
    url = reverse("dashboard:counter-coupon-reverse", args=[shop.pk, redemption.pk])
    form = {"idempotency_key": hidden(done, "idempotency_key"), "reason": "点错了"}
    undone = cashier.post(url, form, HTTP_HX_REQUEST="true")
    assert undone.status_code == 200 and "已撤销核销" in undone.content.decode()
    again = cashier.post(url, form, HTTP_HX_REQUEST="true")  # a double tap replays
    assert "重复提交，未再次撤销" in again.content.decode()
    redemption.refresh_from_db()
    coupon.refresh_from_db()
    assert (redemption.reversal_reason, coupon.status) == ("点错了", CouponStatus.AVAILABLE)
    page = cashier.get(reverse("dashboard:counter", args=[shop.pk])).content.decode()
    assert f'data-redemption="{redemption.pk}"' not in page
    late = cashier.post(url, {"idempotency_key": "dash-late-0001"}, HTTP_HX_REQUEST="true")
    assert late.status_code == 422  # already reversed, said in plain words
    other_shop = ShopFactory(merchant=merchant)
    elsewhere = reverse("dashboard:counter-coupon-reverse", args=[other_shop.pk, redemption.pk])
    owner = browser_for(merchant.owner)
    assert owner.post(elsewhere, form, HTTP_HX_REQUEST="true").status_code == 404


def test_the_counter_has_one_field_and_no_kind_to_choose(cashier, shop):
    page = cashier.get(reverse("dashboard:counter", args=[shop.pk])).content.decode()
    assert 'name="kind"' not in page and "会员卡</label>" not in page
    field = re.search(r'<input type="text" name="code"[^>]*>', page, re.S).group(0)
    assert "autofocus" in field and 'autocomplete="off"' in field
    # The field and the result come before the camera: the result is above the fold.
    assert page.index('id="lookup-form"') < page.index('id="counter-result"')
    assert page.index('id="counter-result"') < page.index('id="start-camera"')


def test_each_kind_is_recognised_from_a_typed_code_in_any_form(cashier, shop, coupon, card):
    """A coupon code was answered "未找到该会员卡" when the selector said 会员卡: no selector now,
    the kind comes from the code; case, dashes, spaces and full-width letters do not matter."""
    order = booking(slot=SlotFactory(service__shop=shop))
    value = coupon.code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in value.lower())
    for typed in (value.lower(), f"{value[:4]}-{value[4:8]}-{value[8:]}", f" {full_width} "):
        found = lookup(cashier, shop, code=typed)
        assert found.status_code == 200, typed
        assert 'data-kind="C"' in found.content.decode() and "确认核销" in found.content.decode()
    member = lookup(cashier, shop, code=card.number.lower()).content.decode()
    assert 'data-kind="M"' in member and "记录消费" in member
    booked = lookup(cashier, shop, code=order.code).content.decode()
    assert 'data-kind="O"' in booked and "确认已消费" in booked
