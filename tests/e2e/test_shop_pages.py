import pytest
from playwright.sync_api import expect

from merchants.models import Category, OpeningHours, Shop
from tests.factories import PASSWORD, MerchantFactory, ShopFactory

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, user, password: str = PASSWORD) -> None:
    page.goto("/dashboard/login/")
    page.get_by_label("手机号").fill(str(user.phone))
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def owner_shop():
    merchant = MerchantFactory(name="李记生活服务")
    return ShopFactory(merchant=merchant, name="李记美发（静安店）")


def test_owner_signs_in_and_edits_the_shop_and_its_pin(page, owner_shop):
    owner = owner_shop.merchant.owner
    page.goto("/dashboard/")
    expect(page).to_have_url("/dashboard/login/?next=/dashboard/", ignore_case=True)
    sign_in(page, owner, password="wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("手机号或密码错误。")
    screenshot(page, "sign-in")

    sign_in(page, owner)
    card = page.locator(f"#shop-{owner_shop.pk}")
    expect(card).to_contain_text(owner_shop.name)
    screenshot(page, "home")

    card.get_by_role("button", name="门店资料").click()
    expect(page.locator("#map-status")).to_be_visible()  # no tiles here; the pin still works
    page.get_by_label("店名").fill("李记美发（南京西路店）")
    page.get_by_label("简介").fill("二十年老店，剪发烫染。")
    lat, lng = page.get_by_label("纬度"), page.get_by_label("经度")
    before = (lat.input_value(), lng.input_value())
    page.locator("#shop-map").click(position={"x": 60, "y": 40})
    expect(lat).not_to_have_value(before[0])
    pinned = (float(lat.input_value()), float(lng.input_value()))
    assert pinned[0] > float(before[0]) and pinned[1] < float(before[1])  # up and left
    screenshot(page, "shop-profile")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("门店资料已保存。")
    shop = Shop.objects.get(pk=owner_shop.pk)
    assert shop.name == "李记美发（南京西路店）"
    assert (round(shop.location.y, 6), round(shop.location.x, 6)) == pinned

    page.get_by_role("button", name="使用当前位置").click()  # the context's GPS: 陆家嘴
    expect(lat).to_have_value("31.239700")
    lat.fill("31.2001")
    lng.fill("121.4002")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("门店资料已保存。")
    shop.refresh_from_db()
    assert (shop.location.y, shop.location.x) == (31.2001, 121.4002)
    assert shop.category_links.get(category__slug="hair").location == shop.location

    page.get_by_label("店名").fill("")
    page.get_by_role("button", name="保存").click()
    expect(page.locator('[data-field="name"]')).to_have_text("该字段是必填项。")


def test_services_are_added_with_prices_in_yuan(page, owner_shop):
    sign_in(page, owner_shop.merchant.owner)
    page.goto(f"/dashboard/shops/{owner_shop.pk}/services/")
    page.get_by_role("button", name="新增服务").click()
    page.get_by_role("button", name="保存").click()
    expect(page.locator('[data-field="name"]')).to_have_text("该字段是必填项。")
    expect(page.locator('[data-field="price_fen"]')).to_have_text("该字段是必填项。")
    screenshot(page, "service-form-errors")
    page.get_by_label("名称").fill("洗剪吹")
    page.get_by_label("价格（元）").fill("88.5")
    page.get_by_label("时长（分钟）").fill("45")
    page.get_by_label("可预约").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#services")).to_contain_text("¥88.50")
    service = owner_shop.services.get()
    assert (service.name, service.price_fen, service.bookable) == ("洗剪吹", 8850, True)
    screenshot(page, "services")

    page.get_by_role("link", name="洗剪吹").click()
    expect(page.get_by_label("价格（元）")).to_have_value("88.50")
    page.get_by_label("价格（元）").fill("98")
    page.get_by_label("上架").uncheck()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#services")).to_contain_text("已下架")
    service.refresh_from_db()
    assert (service.price_fen, service.is_active) == (9800, False)


def test_hours_with_an_overnight_span_and_a_holiday(page, owner_shop):
    sign_in(page, owner_shop.merchant.owner)
    page.goto(f"/dashboard/shops/{owner_shop.pk}/hours/")
    monday = page.locator('fieldset[data-weekday="0"]')
    monday.get_by_label("周一 开门").nth(0).fill("10:00")
    monday.get_by_label("周一 关门").nth(0).fill("14:00")
    monday.get_by_label("周一 开门").nth(1).fill("17:00")
    monday.get_by_label("周一 关门").nth(1).fill("02:00")
    monday.get_by_role("button", name="复制到每天").click()
    page.locator('fieldset[data-weekday="6"]').get_by_role("button", name="全天").click()
    page.get_by_role("button", name="保存营业时间").click()
    expect(page.locator(".messages")).to_contain_text("营业时间已保存。")
    spans = {
        (h.weekday, h.opens.strftime("%H:%M"), h.closes.strftime("%H:%M"))
        for h in OpeningHours.objects.filter(shop=owner_shop)
    }
    assert (2, "17:00", "02:00") in spans
    assert (6, "00:00", "00:00") in spans
    assert len(spans) == 13

    page.get_by_text("添加特殊安排").click()
    page.get_by_label("日期").fill("2099-10-01")
    page.get_by_label("说明").fill("国庆休息")
    page.get_by_role("button", name="添加", exact=True).click()
    row = page.locator('li.exception[data-date="2099-10-01"]')
    expect(row).to_contain_text("国庆休息")
    assert owner_shop.hours_exceptions.get().is_closed
    screenshot(page, "hours")

    tuesday = page.locator('fieldset[data-weekday="1"]')
    tuesday.get_by_label("周二 开门").nth(1).fill("13:00")
    page.get_by_role("button", name="保存营业时间").click()
    expect(page.get_by_role("alert")).to_contain_text("同一天的营业时段不能重叠。")

    row.get_by_role("button", name="删除").click()
    expect(row).to_have_count(0)
    assert not owner_shop.hours_exceptions.exists()


def test_photos_are_uploaded_by_kind_and_shown_as_thumbnails(page, owner_shop, tmp_path):
    from PIL import Image

    storefront = tmp_path / "storefront.jpg"
    Image.new("RGB", (1200, 900), "#c0392b").save(storefront, "JPEG")
    sign_in(page, owner_shop.merchant.owner)
    page.goto(f"/dashboard/shops/{owner_shop.pk}/photos/")
    page.get_by_label("类型").select_option(label="门头")
    page.get_by_label("照片").set_input_files(storefront)
    page.get_by_role("button", name="上传").click()
    thumbnail = page.locator("#photos img")
    expect(thumbnail).to_have_count(1)
    page.wait_for_function("() => document.querySelector('#photos img').naturalWidth > 0")
    assert thumbnail.evaluate("img => img.naturalWidth") == 480
    screenshot(page, "photos")


def test_a_new_shop_can_be_created_by_the_owner(page, owner_shop):
    sign_in(page, owner_shop.merchant.owner)
    page.get_by_role("button", name="新增门店").click()
    page.get_by_label("店名").fill("李记洗衣（长乐路店）")
    page.locator("details.categories").get_by_label("干洗店").check()
    page.get_by_label("地址").fill("上海市静安区长乐路 100 号")
    page.get_by_label("纬度").fill("31.2210")
    page.get_by_label("经度").fill("121.4590")
    screenshot(page, "shop-new")
    page.get_by_role("button", name="创建门店").click()
    expect(page.locator(".messages")).to_contain_text("门店已创建。")
    shop = Shop.objects.get(name="李记洗衣（长乐路店）")
    assert set(shop.categories.values_list("slug", flat=True)) == {"dry-cleaning", "laundry"}
    assert Category.objects.filter(slug="dry-cleaning").exists()
