import pytest
from playwright.sync_api import expect

from coupons.models import Campaign, CampaignStatus
from tests.coupons.factories import CouponFactory
from tests.factories import MerchantFactory, ShopFactory, UserFactory
from tests.loyalty.factories import card_create_for

from .conftest import screenshot
from .test_shop_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_owner_designs_a_campaign_publishes_it_and_sees_it_in_the_list(page):
    merchant = MerchantFactory(name="鑫悦美发")
    ShopFactory(merchant=merchant, name="鑫悦美发（静安店）")
    sign_in(page, merchant.owner)
    page.locator(".topbar").get_by_role("link", name="优惠券").click()
    page.get_by_role("button", name="新建活动").click()
    page.get_by_label("标题").fill("新客满100减20")
    page.get_by_label("折扣", exact=True).check()  # the kind's fields only (coupons.benefits)
    expect(page.get_by_label("最多优惠（元）")).to_be_visible()
    expect(page.get_by_label("立减金额（元）")).to_be_hidden()
    page.get_by_label("立减", exact=True).check()
    expect(page.get_by_label("最多优惠（元）")).to_be_hidden()
    page.get_by_label("立减金额（元）").fill("20")
    page.get_by_label("最低消费（元）").fill("100")
    page.get_by_label("领取后若干天").check()
    page.get_by_label("领取后有效天数").fill("30")
    page.get_by_label("发行量").fill("500")
    preview = page.locator("#coupon-preview")
    expect(preview).to_contain_text("满100元减20元")  # worded by the server as typed
    expect(preview).to_contain_text("领取后 30 天内有效")
    screenshot(page, "coupon-designer")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("活动已保存。")
    expect(page.locator("#campaign-status")).to_have_text("草稿")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="发布").click()  # asks first, with what goes out
    expect(page.locator("#campaign-status")).to_have_text("已发布")
    assert "发布「新客满100减20」：满100元减20元，领取后 30 天内有效，发行 500 张" in asked[0]
    campaign = Campaign.objects.get(merchant=merchant)
    assert campaign.status == CampaignStatus.PUBLISHED and campaign.amount_off_fen == 2000
    for _ in range(3):
        CouponFactory(campaign=campaign)
    page.reload()
    expect(page.locator("#stat-issued")).to_have_text("3")
    expect(page.locator("#funnel-chart")).to_be_visible()
    page.wait_for_function("Chart.getChart('daily-chart') !== undefined")
    screenshot(page, "coupon-campaign")

    page.locator(".topbar").get_by_role("link", name="优惠券").click()
    row = page.locator(f"#campaign-{campaign.pk}")
    expect(row).to_contain_text("新客满100减20")
    expect(row).to_contain_text("已发布")
    expect(row).to_contain_text("已发放 3")
    screenshot(page, "coupon-list")


def test_owner_sets_up_the_card_designs_its_face_and_finds_members(page):
    merchant = MerchantFactory(name="鑫悦美发")
    sign_in(page, merchant.owner)
    page.locator(".topbar").get_by_role("link", name="会员卡").click()
    page.get_by_label("会员卡名称").fill("鑫悦会员卡")
    page.locator("#id_levels-0-name").fill("普通卡")
    page.locator("#id_levels-0-points_per_yuan").fill("1")
    page.locator("#id_levels-0-percent_off").fill("0")
    page.locator("#id_levels-0-threshold").fill("0")
    page.locator("#id_levels-1-name").fill("金卡")
    page.locator("#id_levels-1-points_per_yuan").fill("2")
    page.locator("#id_levels-1-percent_off").fill("12")
    page.locator("#id_levels-1-threshold").fill("0")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".form-errors")).to_contain_text("等级越高，升级门槛须越高。")
    page.locator("#id_levels-1-threshold").fill("2000")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("会员计划已保存。")
    screenshot(page, "membership-program")

    page.get_by_role("link", name="卡面设计").click()
    image = page.locator("#card-preview img")
    before = image.get_attribute("src")
    page.get_by_label("尊享金").check()  # the draft is saved and redrawn on each change
    expect(image).not_to_have_attribute("src", before)
    page.get_by_label("3. 卡面标题").fill("鑫悦尊享卡")
    page.get_by_label("副标题").fill("剪烫染 会员八八折")
    page.get_by_label("副标题").blur()
    page.wait_for_function(
        "document.querySelector('#card-preview img').complete"
        " && document.querySelector('#card-preview img').naturalWidth > 0"
    )
    screenshot(page, "card-designer")
    page.get_by_role("button", name="5. 发布卡面").click()
    expect(page.locator(".messages")).to_contain_text("卡面已发布")

    program = merchant.card_program
    card_create_for(program, UserFactory(role="consumer", name="王小明"))
    card_create_for(program, UserFactory(role="consumer", name="李华"))
    page.get_by_role("link", name="会员", exact=True).click()
    expect(page.locator("#members")).to_contain_text("李华")
    page.get_by_label("搜索会员").fill("小明")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#members")).to_contain_text("王小明")
    expect(page.locator("#members")).not_to_contain_text("李华")
    screenshot(page, "members")
