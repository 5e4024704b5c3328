"""The owner's day in a phone's browser (390x844): the header in one row with 44 px targets,
today's figures and the counter button, a new order arriving in the inbox with its alert and
countdown and accepted in time, a no-show with its fee shown first, a bad review answered, and
the money pages with their CSV. Screenshots of each page go to docs/screenshots/."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consumers.models import Order, OrderState, ShopOrderPolicy
from consumers.services import order_accept, order_consume, review_create_verified
from tests.consumers.conftest import shift
from tests.consumers.factories import BookableServiceFactory, SlotFactory, booking, purchase
from tests.factories import MerchantFactory, ShopFactory

from .test_shop_pages import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def doc_screenshot(page, name: str) -> None:
    """A phone-width screenshot for the README (docs/screenshots/, committed)."""
    page.screenshot(path=DOCS / f"{name}.png", full_page=True)


@pytest.fixture
def shop():
    merchant = MerchantFactory(name="李记生活服务")
    return ShopFactory(merchant=merchant, name="李记美发（静安店）")


def test_the_header_is_one_row_with_44_px_targets(page, shop):
    sign_in(page, shop.merchant.owner)
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 64, header  # one row (it was up to three, 150 px)
    for target in (
        page.get_by_role("button", name="EN"),
        page.locator("#sign-out"),
        page.locator("#nav-counter"),
    ):
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        assert box["x"] + box["width"] <= 390
    page.get_by_role("button", name="EN").click()
    expect(page.locator("#nav-counter")).to_have_text("Scan / Charge")
    assert page.locator("header.topbar").bounding_box()["height"] <= 64
    box = page.get_by_role("button", name="中文").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44


def test_home_shows_today_and_leads_to_the_counter(page, shop):
    service = BookableServiceFactory(shop=shop, bookable=False, price_fen=47785)
    purchase(service=service)
    sign_in(page, shop.merchant.owner)
    expect(page.locator("#figure-takings")).to_contain_text("¥477.85")
    expect(page.locator("#figure-takings")).to_contain_text("昨日同时段")
    expect(page.locator("#takings-chart")).to_be_visible()
    doc_screenshot(page, "dashboard-today")
    page.locator("#big-counter").click()
    expect(page).to_have_url(f"/dashboard/shops/{shop.pk}/counter/")


def test_a_new_order_rings_counts_down_and_is_accepted(page, shop, settings):
    settings.DASHBOARD_INBOX_POLL_SECONDS = 1
    ShopOrderPolicy.objects.create(shop=shop, requires_acceptance=True)
    slot = SlotFactory(service=BookableServiceFactory(shop=shop, price_fen=47785), capacity=2)
    sign_in(page, shop.merchant.owner)
    page.get_by_role("link", name="订单", exact=True).click()
    expect(page.locator("#pending-count")).to_have_text("0")
    page.locator("#sound-toggle").click()
    order = booking(slot=slot)  # the consumer books while the owner looks at the inbox
    card = page.locator(f"#order-{order.pk}")
    expect(card).to_contain_text("¥477.85")
    expect(page.locator("#new-order-alert")).to_be_visible()
    assert page.evaluate("window.__newOrderAlerts") >= 1
    expect(card.locator("time.countdown")).to_have_text(__import__("re").compile(r"^\d\d:\d\d$"))
    doc_screenshot(page, "dashboard-orders")
    card.get_by_role("button", name="接单").click()
    expect(page.locator(f"#order-{order.pk}")).to_have_count(0)
    assert Order.objects.get(pk=order.pk).state == OrderState.CONFIRMED


def test_a_no_show_shows_the_fee_before_it_is_marked(page, shop):
    ShopOrderPolicy.objects.create(shop=shop, no_show_fee_percent=50)
    slot = SlotFactory(service=BookableServiceFactory(shop=shop, price_fen=10000))
    order = shift(booking(slot=slot), hours=-25)
    sign_in(page, shop.merchant.owner)
    day = timezone.localtime(order.starts_at).date().isoformat()
    page.goto(f"/dashboard/orders/bookings/?day={day}")
    expect(page.locator(".day-staff")).to_contain_text("Tony 老师")
    doc_screenshot(page, "dashboard-bookings-day")
    page.locator(f"#booking-{order.pk}").get_by_role("button", name="记为爽约").click()
    expect(page.locator("#fee-summary")).to_contain_text("店铺保留爽约金 ¥50.00，退还顾客 ¥50.00")
    page.get_by_role("button", name="确认爽约").click()
    expect(page.get_by_role("status")).to_contain_text("已记为爽约")
    assert Order.objects.get(pk=order.pk).fee_fen == 5000


def test_a_one_star_review_is_flagged_and_answered(page, shop):
    order = purchase(service=BookableServiceFactory(shop=shop, bookable=False))
    order_consume(order=order, via="counter", actor=shop.merchant.owner)
    review = review_create_verified(order=order, rating=1, text="等了四十分钟")
    sign_in(page, shop.merchant.owner)
    page.get_by_role("link", name="评价", exact=True).click()
    expect(page.locator("#low-alert")).to_be_visible()
    card = page.locator(f"#review-{review.pk}")
    expect(card).to_contain_text("已验证消费")
    doc_screenshot(page, "dashboard-reviews")
    card.get_by_label("公开回复").fill("非常抱歉，已增加周末人手。")
    card.get_by_role("button", name="发布回复").click()
    expect(page.locator(f"#review-{review.pk}")).to_contain_text("非常抱歉，已增加周末人手。")
    expect(page.locator("#low-alert")).to_have_count(0)


def test_money_pages_and_the_csv(page, shop):
    order = purchase(service=BookableServiceFactory(shop=shop, bookable=False, price_fen=12000))
    order_consume(order=order, via="counter", actor=shop.merchant.owner)
    sign_in(page, shop.merchant.owner)
    page.get_by_role("link", name="资金", exact=True).click()
    expect(page.locator("#owed")).to_contain_text("¥")
    doc_screenshot(page, "dashboard-money")
    page.get_by_role("link", name="前台记录").click()
    expect(page.locator("#history")).to_contain_text("¥120.00")
    with page.expect_download() as download:
        page.locator("#csv").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "120.00" in body and order.code in body
    page.get_by_role("link", name="每日对账").click()
    expect(page.locator(f"#recon-{shop.pk}")).to_contain_text("线上订单核销 1 单")
    doc_screenshot(page, "dashboard-reconciliation")


def test_the_inbox_for_a_cashier_and_an_order_that_waits(page, shop):
    """A pending order accepted elsewhere (the API) leaves the inbox at the next poll."""
    ShopOrderPolicy.objects.create(shop=shop, requires_acceptance=True)
    order = booking(slot=SlotFactory(service=BookableServiceFactory(shop=shop)))
    sign_in(page, shop.merchant.owner)
    page.goto("/dashboard/orders/")
    expect(page.locator(f"#order-{order.pk}")).to_be_visible()
    order_accept(order=order, actor=shop.merchant.owner)
    page.reload()
    expect(page.locator(f"#order-{order.pk}")).to_have_count(0)
    expect(page.locator("#upcoming")).to_contain_text(order.service.name)
    assert timezone.now() < order.accept_by + timedelta(hours=1)


def test_a_declined_order_shows_the_refund_first_and_a_cashier_picks_a_shop(page, shop):
    ShopOrderPolicy.objects.create(shop=shop, requires_acceptance=True)
    order = booking(slot=SlotFactory(service=BookableServiceFactory(shop=shop, price_fen=47785)))
    sign_in(page, shop.merchant.owner)
    page.goto("/dashboard/orders/")
    page.locator(f"#order-{order.pk}").get_by_role("button", name="拒单").click()
    expect(page.locator("#fee-summary")).to_contain_text("店铺保留 ¥0.00，退还顾客 ¥477.85")
    page.get_by_label("原因（顾客可见）").fill("今天技师请假")
    page.get_by_role("button", name="确认拒单并退款").click()
    expect(page.get_by_role("status")).to_contain_text("已全额退款")
    assert Order.objects.get(pk=order.pk).state == OrderState.CANCELLED_BY_MERCHANT

    second = ShopFactory(merchant=shop.merchant, name="李记洗车（徐汇店）")
    page.locator("#nav-counter").click()
    page.get_by_role("button", name=second.name).click()
    expect(page).to_have_url(f"/dashboard/shops/{second.pk}/counter/")
