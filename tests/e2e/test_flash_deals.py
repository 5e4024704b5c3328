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
