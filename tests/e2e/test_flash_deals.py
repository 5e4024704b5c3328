import pytest
from playwright.sync_api import expect

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
