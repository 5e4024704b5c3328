"""The consumer's phone web app (/app/) in Debian's Chromium at 390x844, geolocation granted.

The two-device loops: a consumer opens a QR in one browser context; the test photographs it
(a screenshot of the QR on the phone) into the fake camera of a second context, where a cashier
scans it on the dashboard's counter page; the consumer's screen then shows what the counter did.
"""

import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from deals.services import flash_deal_publish
from merchants.models import Category, StaffPermission
from notifications.models import InboxMessage
from notifications.services import preference_of
from tests.consumers.factories import BookableServiceFactory, SlotFactory
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.deals.factories import deal_for
from tests.factories import PASSWORD, MerchantFactory, ShopFactory, StaffFactory, UserFactory
from tests.loyalty.factories import card_create_for, program_create

from .conftest import phone_page, screenshot
from .test_shop_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# The browser stands at 陆家嘴 (conftest); the shops are a few hundred metres away.
NEAR = {"lat": 31.2405, "lng": 121.5010}
DOCS = Path(settings.BASE_DIR) / "docs" / "screenshots"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def built_app():
    if not (Path(settings.CONSUMER_APP_DIST) / "app" / "index.html").exists():
        pytest.fail("The consumer app is not built: run `make setup`.")


def phone_shot(page, name: str) -> None:
    """A screenshot for tests/e2e/screenshots and, at phone width, for the README."""
    screenshot(page, name)
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=DOCS / f"{name}.png")


@pytest.fixture
def world():
    """A merchant with a hair salon near the browser, a cashier, a campaign and a card program."""
    merchant = MerchantFactory(name="李记生活服务")
    shop = ShopFactory(merchant=merchant, name="鑫悦美发（陆家嘴店）", **NEAR)
    ShopFactory(
        merchant=merchant,
        name="老街火锅",
        categories=[Category.objects.get(slug="hotpot")],
        lat=31.2412,
        lng=121.4985,
    )
    BookableServiceFactory(shop=shop, name="洗剪吹", price_fen=8800, bookable=False)
    cashier = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    cashier.shops.set([shop])
    campaign = CampaignFactory(merchant=merchant, title="新客满100减20", audience="anyone")
    program = program_create(merchant)
    consumer = UserFactory(phone="+8613911112222", name="王小明")
    return {
        "shop": shop,
        "cashier": cashier.user,
        "campaign": campaign,
        "program": program,
        "consumer": consumer,
    }


def login_open(page) -> None:
    """The sign-in page, once it has the current policies (shown to be ticked when any)."""
    with page.expect_response(lambda r: r.url.endswith("/api/v1/policies/")):
        page.goto("/app/login")


def policies_tick(page) -> None:
    ticks = page.locator("[data-test=policies] .van-checkbox__icon")
    if ticks.count():
        ticks.click()


def app_sign_in(page, user, password: str = PASSWORD) -> None:
    login_open(page)
    page.get_by_role("tab", name="密码登录").click()
    page.get_by_label("手机号").fill(str(user.phone))
    page.get_by_label("密码").fill(password)
    policies_tick(page)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).not_to_have_url("/app/login")


def counter_scans(browser, live_server, fake_camera, qr_png: bytes, cashier, shop):
    """A second device: the cashier's phone points its camera at the consumer's screen."""
    fake_camera.show_picture(Image.open(io.BytesIO(qr_png)))
    counter = phone_page(browser, live_server)
    sign_in(counter, cashier)
    counter.goto(f"/dashboard/shops/{shop.pk}/counter/")
    counter.get_by_role("button", name="扫码").click()
    return counter


def qr_shot(page) -> bytes:
    canvas = page.locator("[data-test=qr-canvas]")
    expect(canvas).to_be_visible()
    return canvas.screenshot()


def test_a_claimed_coupon_is_scanned_at_the_counter_and_shows_as_used_within_5_s(
    page, browser, live_server, fake_camera, world
):
    shop = world["shop"]
    app_sign_in(page, world["consumer"])
    expect(page.locator("[data-test=shop]").first).to_be_visible()
    page.locator("[data-test=shop]", has_text=shop.name).click()
    campaigns = page.locator("[data-test=campaigns]")
    expect(campaigns).to_contain_text("新客满100减20")
    expect(campaigns).to_contain_text("满100元减20元")
    phone_shot(page, "app-shop")
    campaigns.get_by_role("button", name="领取").click()
    expect(page.locator("[data-test=qr-code]")).to_be_visible()
    phone_shot(page, "app-coupon-qr")

    qr = qr_shot(page)
    counter = counter_scans(browser, live_server, fake_camera, qr, world["cashier"], shop)
    scanned = counter.locator("#scanned")
    expect(scanned).to_have_attribute("data-kind", "C")
    counter.get_by_label("订单金额（元）").fill("128")
    counter.get_by_role("button", name="确认核销").click()
    expect(counter.locator("#counter-done")).to_contain_text("核销成功")
    counter.context.close()

    used = page.locator("[data-test=coupon-used]")
    expect(used).to_contain_text("已使用", timeout=5_000)
    expect(used).to_contain_text(shop.name)
    phone_shot(page, "app-coupon-used")
    page.goto("/app/coupons")
    page.get_by_role("tab", name="已使用").click()
    expect(page.locator("[data-test=coupon]")).to_contain_text("新客满100减20")


def test_a_purchase_recorded_on_my_card_at_the_counter_shows_on_my_card_within_5_s(
    page, browser, live_server, fake_camera, world
):
    card = card_create_for(world["program"], world["consumer"])
    app_sign_in(page, world["consumer"])
    page.goto("/app/cards")
    expect(page.locator("[data-test=card]")).to_contain_text(card.program.name)
    page.locator("[data-test=card]").click()
    expect(page.locator("[data-test=qr-code]")).to_contain_text(card.number[:4])
    phone_shot(page, "app-card")

    counter = counter_scans(
        browser, live_server, fake_camera, qr_shot(page), world["cashier"], world["shop"]
    )
    expect(counter.locator("#scanned")).to_have_attribute("data-kind", "M")
    counter.get_by_label("消费金额（元）").fill("50")
    counter.get_by_role("button", name="确认消费").click()
    expect(counter.locator("#scanned, #counter-done").first).to_contain_text("50")
    counter.context.close()

    expect(page.locator("[data-test=card-recorded]")).to_contain_text("已记录消费", timeout=5_000)
    expect(page.locator("[data-test=card-figures]")).to_contain_text("50")  # 1 point a yuan
    expect(page.locator("[data-test=entry]").first).to_be_visible()
    phone_shot(page, "app-card-recorded")


def test_a_bought_voucher_is_consumed_at_the_counter_and_my_order_shows_it(
    page, browser, live_server, fake_camera, world
):
    shop = world["shop"]
    app_sign_in(page, world["consumer"])
    page.goto(f"/app/shops/{shop.pk}")
    services = page.locator("[data-test=services]")
    expect(services).to_contain_text("¥88.00")
    services.get_by_role("button", name="购买").click()
    expect(page.locator("[data-test=policy]")).to_contain_text("代金券")
    phone_shot(page, "app-buy")
    page.locator("[data-test=pay]").click()
    expect(page.locator("[data-test=order-state]")).to_contain_text("已确认")
    expect(page.locator("[data-test=qr-code]")).to_be_visible()
    phone_shot(page, "app-order-qr")

    qr = qr_shot(page)
    counter = counter_scans(browser, live_server, fake_camera, qr, world["cashier"], shop)
    expect(counter.locator("#scanned")).to_have_attribute("data-kind", "O")
    counter.get_by_role("button", name="确认已消费").click()
    expect(counter.locator("#scanned, #counter-done").first).to_be_visible()
    counter.context.close()

    expect(page.locator("[data-test=order-state]")).to_contain_text("已消费", timeout=5_000)
    page.get_by_role("button", name="写评价").click()
    page.get_by_label("内容").fill("剪得很好，推荐！")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("button", name="写评价")).to_be_hidden()
    page.goto(f"/app/shops/{shop.pk}")
    expect(page.locator("[data-test=review]").first).to_contain_text("已消费认证")


def test_discover_with_flash_deals_filters_map_and_english(page, world):
    flash_deal_publish(deal=deal_for(world["shop"], title="午市洗剪吹立减 30 元"))
    page.goto("/app/")
    expect(page.locator("[data-test=deals]")).to_contain_text("午市洗剪吹立减 30 元")
    shops = page.locator("[data-test=shop]")
    expect(shops).to_have_count(2)
    expect(shops.first).to_contain_text(" m")  # distance from the browser's location
    phone_shot(page, "app-discover")
    page.get_by_role("button", name="餐饮美食").click()  # a parent category: its children's shops
    expect(shops).to_have_count(1)
    expect(shops.first).to_contain_text("老街火锅")
    page.get_by_role("button", name="全部", exact=True).first.click()
    page.get_by_role("searchbox").fill("xy")  # pinyin initials of 鑫悦
    page.get_by_role("searchbox").press("Enter")
    expect(shops).to_have_count(1)
    expect(shops.first).to_contain_text("鑫悦美发")

    page.get_by_role("button", name="地图").click()
    page.locator("[data-test=search-area]").click()
    expect(page.locator("[data-test=map-shop]")).to_have_count(2)
    expect(page.locator(".leaflet-interactive")).to_have_count(2)  # the pins
    phone_shot(page, "app-map")

    app_sign_in(page, world["consumer"])
    page.goto("/app/me")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/app/")
    expect(page.get_by_text("Flash deals near me")).to_be_visible()


def test_my_inbox_subscriptions_places_area_and_preferences(page, world):
    consumer = world["consumer"]
    InboxMessage.objects.create(
        recipient=consumer, kind="system", title="附近有新的限时抢", body="老街火锅 8 折"
    )
    app_sign_in(page, consumer)
    page.goto("/app/me")
    expect(page.locator("[data-test=unread]")).to_contain_text("1")
    page.locator("[data-test=inbox-link]").click()
    message = page.locator("[data-test=message]")
    expect(message).to_contain_text("附近有新的限时抢")
    phone_shot(page, "app-inbox")
    page.get_by_text("全部已读").click()
    expect(page.get_by_role("navigation").or_(page.locator(".van-nav-bar"))).not_to_contain_text(
        "未读"
    )

    page.goto("/app/me/places")
    page.get_by_label("名称").fill("家附近")
    page.get_by_role("button", name="添加").click()
    expect(page.locator("[data-test=place]")).to_contain_text("家附近")

    page.goto("/app/me/subscriptions")
    page.get_by_label("分类").select_option("hotpot")
    page.get_by_label("半径").fill("1500")
    page.get_by_role("button", name="添加").click()
    # Around my activity area: my location's use is not allowed yet; 隐私与授权 switches it on.
    expect(page.get_by_text("需要先允许使用位置信息")).to_be_visible()
    page.goto("/app/me/privacy")
    page.locator("[data-test=location-switch]").click()
    expect(page.locator("[data-test=location-switch]")).to_have_attribute("aria-checked", "true")
    page.goto("/app/me/subscriptions")
    page.get_by_label("分类").select_option("hotpot")
    page.get_by_label("半径").fill("1500")
    page.get_by_role("button", name="添加").click()
    expect(page.locator("[data-test=subscription]")).to_contain_text("1500 m")
    expect(page.locator("[data-test=subscriptions-map] path.leaflet-interactive")).to_have_count(1)
    phone_shot(page, "app-subscriptions")

    page.goto("/app/me/area")
    page.get_by_role("button", name="保存").click()  # my own area around the map's centre
    expect(page.locator("[data-test=clusters]")).to_contain_text("1 ×")
    page.get_by_role("switch").click()
    expect(page.get_by_role("switch")).to_have_attribute("aria-checked", "false")

    page.goto("/app/me/notifications")
    page.get_by_label("每日推送上限").fill("2")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存")).to_be_visible()
    assert preference_of(consumer).max_pushes_per_day == 2


def test_my_coupon_qr_shows_offline_and_sign_out_leaves_nothing_of_mine(page, world):
    consumer = world["consumer"]
    coupon = CouponFactory(campaign=world["campaign"], holder=consumer)
    app_sign_in(page, consumer)
    page.goto(f"/app/coupons/{coupon.pk}")
    expect(page.locator("[data-test=qr-code]")).to_contain_text(coupon.code[:4])
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-test=qr-code]")).to_contain_text(coupon.code[:4])
    expect(page.locator("[data-test=offline]")).to_contain_text("离线显示")
    phone_shot(page, "app-coupon-offline")

    page.context.set_offline(False)
    page.goto("/app/me")
    page.locator("[data-test=sign-out]").click()
    expect(page).to_have_url(f"{live_url(page)}/app/")
    kept = page.evaluate("JSON.stringify(Object.keys(localStorage))")
    assert [k for k in json.loads(kept) if k != "o2o:lang"] == []

    other = UserFactory(phone="+8613933334444")
    app_sign_in(page, other)
    page.context.set_offline(True)
    page.goto(f"/app/coupons/{coupon.pk}")
    expect(page.locator("[data-test=failure]")).to_contain_text("网络不可用")
    expect(page.locator("[data-test=qr-code]")).to_have_count(0)
    page.context.set_offline(False)


def test_errors_are_plain_words_and_503_is_retried(page, world):
    login_open(page)
    page.get_by_role("tab", name="密码登录").click()
    page.get_by_label("手机号").fill("13900009999")
    page.get_by_label("密码").fill("wrong-password")
    policies_tick(page)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("手机号或密码不对")

    answers = {"n": 0}

    def busy_once(route):
        answers["n"] += 1
        if answers["n"] == 1:
            busy = {"code": "service_unavailable", "detail": "", "fields": {}}
            route.fulfill(status=503, json=busy)
        else:
            route.continue_()

    page.route("**/api/v1/shops/*/", busy_once)
    page.goto(f"/app/shops/{world['shop'].pk}")
    expect(page.locator("h1")).to_contain_text(world["shop"].name)
    assert answers["n"] == 2  # one 503, then the retry went through

    page.unroute("**/api/v1/shops/*/")
    page.route("**/api/v1/shops/*/", lambda route: route.fulfill(status=404, json={
        "code": "not_found", "detail": "未找到。", "fields": {}}))  # fmt: skip
    page.goto("/app/shops/999999")
    expect(page.locator("[data-test=failure]")).to_contain_text("找不到该内容")
    expect(page.get_by_role("button", name="重试")).to_be_visible()


def live_url(page) -> str:
    return page.url.split("/app/")[0]


def test_the_demo_consumer_sees_their_card_coupons_and_orders(page):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    login_open(page)
    page.get_by_role("tab", name="密码登录").click()
    page.get_by_label("手机号").fill("13900000000")
    page.get_by_label("密码").fill("O2O-demo-2026")
    policies_tick(page)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("[data-test=shop]").first).to_be_visible()
    page.goto("/app/cards")
    expect(page.locator("[data-test=card]").first).to_contain_text("李记生活服务")
    phone_shot(page, "app-cards")
    page.goto("/app/coupons")
    expect(page.locator("[data-test=coupon]").first).to_be_visible()
    page.goto("/app/orders")
    page.get_by_role("tab", name="全部订单").click()
    expect(page.locator("[data-test=order]").first).to_be_visible()
    phone_shot(page, "app-orders")


def test_the_list_scrolls_on_past_the_first_page_by_its_cursor(page):
    merchant = MerchantFactory()
    for n in range(25):
        ShopFactory(merchant=merchant, name=f"连锁洗衣{n:02d}", lat=31.2400 + n * 0.0002, lng=121.5)
    page.goto("/app/")
    shops = page.locator("[data-test=shop]")
    expect(shops).to_have_count(20)  # the first page
    shops.last.scroll_into_view_if_needed()
    expect(shops).to_have_count(25)
    expect(page.get_by_text("没有更多了")).to_be_visible()
    names = [shops.nth(i).locator("h3").inner_text() for i in range(25)]
    assert len(set(names)) == 25  # no shop twice across the pages


def test_booking_a_slot_shows_places_left_member_price_and_points_before_paying(page, world):
    shop, program, consumer = world["shop"], world["program"], world["consumer"]
    vip = program.levels.get(rank=2)  # 88%
    card_create_for(program, consumer, level=vip)
    slot = SlotFactory(
        service=BookableServiceFactory(shop=shop, name="烫发", price_fen=30000), capacity=3
    )
    app_sign_in(page, consumer)
    page.goto(f"/app/shops/{shop.pk}")
    page.locator("[data-test=services]").get_by_role("button", name="预约").click()
    page.get_by_role("button", name=slot.starts_at.astimezone(SHANGHAI).strftime("%m-%d")).click()
    slots = page.locator("[data-test=slots]")
    expect(slots).to_contain_text("剩余 3")
    slots.get_by_role("button").first.click()
    price = page.locator("[data-test=price]")
    expect(price).to_contain_text("¥300.00")
    expect(price).to_contain_text("会员价 · VIP")
    expect(price).to_contain_text("-¥36.00")
    expect(page.locator("[data-test=policy]")).to_contain_text("取消免费")
    phone_shot(page, "app-book")
    page.locator("[data-test=pay]").click()
    expect(page.locator("[data-test=order-state]")).to_contain_text("已确认")
    expect(page.get_by_text("¥264.00")).to_be_visible()  # what was paid
    slot.refresh_from_db()
    assert slot.booked == 1


def test_i_top_up_my_card_set_its_password_and_cancel_a_voucher(page, world):
    card = card_create_for(world["program"], world["consumer"], pin=None)
    app_sign_in(page, world["consumer"])
    page.goto(f"/app/cards/{card.pk}")
    page.get_by_role("button", name="充值").click()
    page.get_by_label("充值金额").fill("500")
    page.get_by_role("button", name="去支付").click()
    figures = page.locator("[data-test=card-figures]")
    expect(figures).to_contain_text("¥550.00")  # 充 500 送 50
    expect(page.locator("[data-test=card-recorded]")).to_have_count(0)  # mine, not the counter's
    page.get_by_role("button", name="设置消费密码").click()
    page.get_by_label("新消费密码").fill("246810")
    page.get_by_label("登录密码").fill("wrong-password")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("登录密码不对")
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存")).to_be_visible()
    card.refresh_from_db()
    assert card.balance_fen == 55_000 and card.password

    page.goto(f"/app/shops/{world['shop'].pk}")
    page.locator("[data-test=services]").get_by_role("button", name="购买").click()
    page.locator("[data-test=pay]").click()
    expect(page.locator("[data-test=order-state]")).to_contain_text("已确认")
    page.get_by_role("button", name="取消订单").click()
    page.get_by_role("dialog").get_by_role("button", name="确定").click()
    expect(page.locator("[data-test=order-state]")).to_contain_text("用户已取消")
    expect(page.locator("[data-test=qr-code]")).to_have_count(0)


def test_an_expired_access_token_is_refreshed_and_a_revoked_one_signs_me_out(page, world):
    CouponFactory(campaign=world["campaign"], holder=world["consumer"])
    app_sign_in(page, world["consumer"])
    spoil = """(refresh) => {
        const s = JSON.parse(localStorage.getItem('o2o:session'));
        s.access = 'expired'; if (refresh) s.refresh = refresh;
        localStorage.setItem('o2o:session', JSON.stringify(s));
    }"""
    page.evaluate(spoil, None)
    page.goto("/app/coupons")
    expect(page.locator("[data-test=coupon]")).to_contain_text("新客满100减20")
    assert "expired" not in page.evaluate("localStorage.getItem('o2o:session')")

    page.evaluate(spoil, "revoked")
    page.goto("/app/orders")
    expect(page).to_have_url(f"{live_url(page)}/app/login?next=/orders")
    assert page.evaluate("localStorage.getItem('o2o:session')") is None


def test_a_slow_earlier_answer_does_not_join_a_newer_search(page, world):
    """The first, unfiltered page answers after the search typed meanwhile: the list shows the
    search's one shop, not both answers appended."""
    held = []

    def hold_the_first(route):
        if "q=" in route.request.url or held:
            route.continue_()
            return
        held.append(route)

    page.route("**/api/v1/discover/?*", hold_the_first)
    page.goto("/app/")
    for _ in range(100):  # route handlers run while the page waits
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the first discover request never came"
    page.get_by_role("searchbox").fill("xy")
    page.get_by_role("searchbox").press("Enter")
    shops = page.locator("[data-test=shop]")
    expect(shops).to_have_count(1)
    held[0].continue_()
    page.wait_for_timeout(500)
    expect(shops).to_have_count(1)
    expect(shops.first).to_contain_text("鑫悦美发")
