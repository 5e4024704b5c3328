import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, MerchantFactory, ShopFactory

from .conftest import phone_page, screenshot
from .test_shop_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_owner_gives_a_cashier_one_shop_and_the_counter_only(page, browser, live_server):
    merchant = MerchantFactory(name="李记生活服务")
    kept = ShopFactory(merchant=merchant, name="李记美发（静安店）")
    ShopFactory(merchant=merchant, name="李记洗车（徐汇店）")
    sign_in(page, merchant.owner)
    page.get_by_role("link", name="店员").click()
    page.get_by_role("button", name="新增店员").click()
    page.get_by_label("姓名").fill("小李")
    page.get_by_label("手机号").fill("13700001111")
    page.get_by_label("初始密码").fill(PASSWORD)
    page.get_by_label("前台核销与记账").check()
    page.get_by_label(kept.name).check()
    screenshot(page, "staff-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#staff")).to_contain_text("小李")
    screenshot(page, "staff")

    cashier = phone_page(browser, live_server)
    cashier.goto("/dashboard/login/")
    cashier.get_by_label("手机号").fill("13700001111")
    cashier.get_by_label("密码").fill(PASSWORD)
    cashier.get_by_role("button", name="登录").click()
    expect(cashier.locator("article.shop-card")).to_have_count(1)
    expect(cashier.locator("article.shop-card")).to_contain_text(kept.name)
    expect(cashier.get_by_role("button", name="前台核销")).to_be_visible()
    expect(cashier.get_by_role("button", name="门店资料")).to_have_count(0)
    expect(cashier.get_by_role("link", name="店员")).to_have_count(0)
    screenshot(cashier, "staff-home")
    cashier.goto(f"/dashboard/shops/{kept.pk}/services/")
    expect(cashier.locator("#forbidden")).to_contain_text("店主未授予此操作的权限。")
    screenshot(cashier, "forbidden")
    cashier.context.close()


def test_the_dashboard_switches_to_english(page):
    merchant = MerchantFactory(name="李记生活服务")
    ShopFactory(merchant=merchant, name="李记美发（静安店）")
    sign_in(page, merchant.owner)
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="My shops")).to_be_visible()
    expect(page.get_by_role("button", name="Counter")).to_be_visible()
    expect(page.locator("article.shop-card")).to_contain_text("Hair salon")
    screenshot(page, "home-english")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="我的门店")).to_be_visible()
