from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.models import CrmSettings
from tests.crm.helpers import customer_new, purchases_add
from tests.deals.factories import hotpot_shop, subscriber
from tests.factories import MerchantFactory

from .conftest import screenshot
from .test_shop_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_owner_sets_a_radius_and_sees_the_audience_before_sending(page):
    merchant = MerchantFactory(name="蜀香火锅")
    hotpot_shop(merchant, name="蜀香火锅（徐汇店）")
    subscriber(north_m=500)
    subscriber(north_m=2500, radius_m=10_000)
    sign_in(page, merchant.owner)
    page.locator(".topbar").get_by_role("link", name="闪购").click()
    page.get_by_role("button", name="新建闪购").click()
    expect(page.locator("#deal-map path.leaflet-interactive")).to_be_visible()  # the radius circle
    expect(page.locator("#audience-count")).to_have_text("1")  # 2 km by default
    page.get_by_label("推送半径（米）").fill("3000")
    expect(page.locator("#audience-count")).to_have_text("2")
    page.get_by_label("标题").fill("午市火锅立减 30 元")
    screenshot(page, "deal-composer")
    page.get_by_label("服务特价").check()  # the composer shows the chosen kind's fields too
    expect(page.get_by_label("特价（元）")).to_be_visible()
    expect(page.get_by_label("最低消费（元）")).to_be_hidden()
    radius = page.locator("#deal-map path.leaflet-interactive")
    before = radius.bounding_box()["width"]
    page.locator("#radius-slider").fill("1000")  # the slider moves the field, circle and count
    expect(page.get_by_label("推送半径（米）")).to_have_value("1000")
    expect(page.locator("#audience-count")).to_have_text("1")
    assert radius.bounding_box()["width"] > 0 and before > 0


def test_todays_customer_list_at_phone_width(page):
    """Not a flow: the screenshot of today's list (one-tap call and SMS, the outcome form)."""
    merchant = MerchantFactory(name="蜀香火锅")
    CrmSettings.objects.create(merchant=merchant, random_sample_size=0, holiday_tiers=[])
    for name in ("张三", "李四"):
        customer = customer_new(merchant, name=name, tier="A")
        purchases_add(customer, [timezone.localdate() - timedelta(days=8)])
    sign_in(page, merchant.owner)
    page.goto("/dashboard/customers/today/")
    expect(page.locator("#today a[href^='tel:']")).to_have_count(2)
    page.locator("#today summary").first.click()
    screenshot(page, "crm-today")


def test_publishing_a_deal_asks_first_and_reaching_no_one_needs_a_tick(page):
    """The summary of what goes out is shown before publishing; cancelling publishes nothing;
    a deal that reaches 0 consumers says so and publishes only with "仍然发布" ticked."""
    from pathlib import Path

    from deals.models import DealStatus
    from tests.deals.factories import deal_for

    docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    merchant = MerchantFactory(name="蜀香火锅")
    shop = hotpot_shop(merchant, name="蜀香火锅（徐汇店）")
    subscriber(north_m=500)
    reached = deal_for(shop)
    nobody = deal_for(shop, radius_m=100, title="无人可达的闪购")
    sign_in(page, merchant.owner)
    page.goto(f"/dashboard/deals/{reached.pk}/")
    asked: list[str] = []

    def answer(dialog, accept: bool):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#deal-status")).to_have_text("草稿")
    assert "发布「午市火锅立减 30 元」" in asked[0] and "推送给 1 位顾客" in asked[0], asked
    assert "蜀香火锅（徐汇店）" in asked[0] and "减30元" in asked[0], asked
    reached.refresh_from_db()
    assert reached.status == DealStatus.DRAFT  # cancelled: nothing went out
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#deal-status")).to_have_text("已发布")
    expect(page.get_by_role("button", name="暂停")).to_be_visible()
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="暂停").click()
    expect(page.locator("#deal-status")).to_have_text("已暂停")
    expect(page.get_by_role("button", name="恢复")).to_be_visible()

    page.goto(f"/dashboard/deals/{nobody.pk}/")
    expect(page.locator("#no-one")).to_contain_text("不会推送给任何顾客（0 人）")
    page.screenshot(path=docs / "deal-publish-no-one.png")
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("alert").first).to_contain_text("不会推送给任何顾客")
    nobody.refresh_from_db()
    assert nobody.status == DealStatus.DRAFT
    page.get_by_label("我知道没有顾客会收到推送，仍然发布").check()
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#deal-status")).to_have_text("已发布")
    assert "推送给 0 位顾客" in asked[-1]
