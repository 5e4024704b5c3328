import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from core.codes import qr_image, qr_payload
from coupons.models import Redemption
from merchants.models import StaffPermission
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import MerchantFactory, ShopFactory, StaffFactory
from tests.loyalty.factories import card_create_for, program_create

from .camera import frame_of
from .conftest import screenshot
from .test_shop_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cashier_shop():
    """A shop and a cashier who may only redeem there."""
    merchant = MerchantFactory(name="李记生活服务")
    shop = ShopFactory(merchant=merchant, name="鑫悦美发（静安店）")
    member = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    member.shops.set([shop])
    return shop, member.user


def test_the_counter_redeems_a_coupon_scanned_by_the_camera(page, fake_camera, cashier_shop):
    shop, cashier = cashier_shop
    campaign = CampaignFactory(merchant=shop.merchant, title="新客满100减20")
    coupon = CouponFactory(campaign=campaign)
    fake_camera.show_qr(qr_payload("C", coupon.code))
    sign_in(page, cashier)
    page.get_by_role("button", name="前台核销").click()
    expect(page.get_by_role("heading", name=shop.name)).to_be_visible()
    page.get_by_role("button", name="扫码").click()
    scanned = page.locator("#scanned")
    expect(scanned).to_have_attribute("data-kind", "C")
    expect(scanned).to_have_attribute("data-value", coupon.code)
    expect(scanned).to_contain_text("二维码有效")
    expect(scanned).to_contain_text("满100元减20元")
    expect(page.locator("#camera")).to_be_hidden()  # the camera stops once a code is read
    page.get_by_label("订单金额（元）").fill("128")
    screenshot(page, "counter-scanned")
    page.get_by_role("button", name="确认核销").click()
    done = page.locator("#counter-done")
    expect(done).to_contain_text("核销成功")
    expect(done).to_contain_text("108.00")
    screenshot(page, "counter-redeemed")
    redemption = Redemption.objects.get(coupon=coupon)
    assert (redemption.shop_id, redemption.staff_id, redemption.payable_fen) == (
        shop.pk,
        cashier.pk,
        10800,
    )
    # A mistake: undone from the recent list, after the browser's confirmation.
    page.reload()
    recent = page.locator(f'#recent-redemptions [data-redemption="{redemption.pk}"]')
    expect(recent).to_contain_text("新客满100减20")
    recent.get_by_placeholder("撤销原因（可选）").fill("顾客改用会员卡")
    page.once("dialog", lambda dialog: dialog.accept())
    recent.get_by_role("button", name="撤销核销").click()
    expect(page.locator("#recent-redemptions [data-reversed]")).to_contain_text("已撤销核销")
    screenshot(page, "counter-undone")
    redemption.refresh_from_db()
    assert redemption.reversal_reason == "顾客改用会员卡"


def test_the_counter_reads_a_photo_of_a_card_qr_and_typed_codes(page, cashier_shop):
    shop, cashier = cashier_shop
    card = card_create_for(program_create(shop.merchant))
    used = CouponFactory(campaign=CampaignFactory(merchant=shop.merchant))
    sign_in(page, cashier)
    page.goto(f"/dashboard/shops/{shop.pk}/counter/")
    photo = io.BytesIO()
    frame_of(qr_image(qr_payload("M", card.number))).save(photo, "JPEG", quality=90)
    page.locator("#qr-photo").set_input_files(
        {"name": "qr.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    expect(page.locator("#scanned")).to_have_attribute("data-kind", "M")
    expect(page.locator("#scanned")).to_contain_text("记录消费")
    page.get_by_label("消费金额（元）").fill("50")
    page.get_by_label("使用余额（元）").fill("10")
    page.get_by_role("button", name="确认消费").click()
    expect(page.locator("#scanned")).to_contain_text("使用积分或余额需要输入消费密码。")
    screenshot(page, "counter-card")

    code = page.get_by_label("券码或二维码内容")
    Redemption.objects.create(
        coupon=used, campaign=used.campaign, shop=shop, staff=cashier, idempotency_key="e2e-used",
        order_amount_fen=20000, discount_fen=2000, payable_fen=18000,
    )  # fmt: skip
    used.status, used.redeemed_at = "redeemed", Redemption.objects.get().redeemed_at
    used.save()
    code.fill(used.code.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#coupon-problem")).to_contain_text("使用过")

    forged = qr_payload("C", "K7QM3XHDPA").replace("K7QM3XHDPA", "K7QM3XHDPB")
    code.fill(forged)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#scan-error")).to_contain_text("无法识别的券码或二维码")
    screenshot(page, "counter-error")

    blank = io.BytesIO()
    Image.new("RGB", (640, 480), "white").save(blank, "PNG")
    page.locator("#qr-photo").set_input_files(
        {"name": "blank.png", "mimeType": "image/png", "buffer": blank.getvalue()}
    )
    expect(page.locator("#scan-status")).to_contain_text("照片中没有找到二维码")


DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def docs_screenshot(page, name: str) -> None:
    """What the README shows: the phone's screen as the cashier sees it (not the full page)."""
    page.screenshot(path=DOCS / f"{name}.png")


def in_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844


def test_a_usb_scanner_types_a_coupon_code_and_enter(page, cashier_shop):
    """A scanner is a keyboard: it types the code (any case, with dashes) and Enter into the
    focused field; the kind comes from the code; the amount is focused, the result's button in
    the first screen; after the redemption the field is empty and focused for the next one."""
    shop, cashier = cashier_shop
    campaign = CampaignFactory(merchant=shop.merchant, title="满100减20")
    coupon = CouponFactory(campaign=campaign)
    sign_in(page, cashier)
    page.goto(f"/dashboard/shops/{shop.pk}/counter/")
    field = page.get_by_label("券码或二维码内容")
    expect(field).to_be_focused()
    expect(page.locator('input[name="kind"]')).to_have_count(0)  # no kind to choose
    typed = f"{coupon.code[:4]}-{coupon.code[4:8]}-{coupon.code[8:]}".lower()
    page.keyboard.type(typed, delay=5)
    page.keyboard.press("Enter")
    scanned = page.locator("#scanned")
    expect(scanned).to_have_attribute("data-kind", "C")
    expect(scanned).to_contain_text("满100元减20元")
    amount = page.get_by_label("订单金额（元）")
    expect(amount).to_be_focused()
    confirm = page.get_by_role("button", name="确认核销")
    assert in_first_screen(confirm), confirm.bounding_box()
    page.keyboard.type("128")
    docs_screenshot(page, "counter-scanner-found")
    page.keyboard.press("Enter")
    expect(page.locator("#counter-done")).to_contain_text("核销成功")
    expect(page.locator("#counter-done")).to_contain_text("108.00")
    assert in_first_screen(page.locator("#counter-done"))
    expect(field).to_have_value("")
    expect(field).to_be_focused()
    docs_screenshot(page, "counter-scanner-done")
    assert Redemption.objects.get(coupon=coupon).payable_fen == 10800

    # The next customer, straight away: a card number this time, the same field.
    card = card_create_for(program_create(shop.merchant))
    page.keyboard.type(card.number.lower())
    page.keyboard.press("Enter")
    expect(page.locator("#scanned")).to_have_attribute("data-kind", "M")
    expect(page.get_by_label("消费金额（元）")).to_be_focused()


def test_a_scanner_typing_through_a_chinese_input_method_still_finds_the_code(page, cashier_shop):
    """With 拼音 active, the scanner's keystrokes become a composition (k7qm…) that its Enter
    commits as the letters themselves: that commit is the lookup."""
    shop, cashier = cashier_shop
    coupon = CouponFactory(campaign=CampaignFactory(merchant=shop.merchant, title="满100减20"))
    sign_in(page, cashier)
    page.goto(f"/dashboard/shops/{shop.pk}/counter/")
    field = page.get_by_label("券码或二维码内容")
    expect(field).to_be_focused()
    cdp = page.context.new_cdp_session(page)
    composing = ""
    for letter in coupon.code.lower():
        composing += letter
        cdp.send(
            "Input.imeSetComposition",
            {"text": composing, "selectionStart": len(composing), "selectionEnd": len(composing)},
        )
    assert page.evaluate("document.activeElement.value") == composing
    expect(page.locator("#scanned")).to_have_count(0)  # nothing sent while composing
    cdp.send("Input.insertText", {"text": composing})  # the Enter commits the letters
    scanned = page.locator("#scanned")
    expect(scanned).to_have_attribute("data-kind", "C")
    expect(scanned).to_have_attribute("data-value", coupon.code)
    expect(page.get_by_label("订单金额（元）")).to_be_focused()
    # Full-width letters an input method may leave read the same.
    page.get_by_label("订单金额（元）").fill("")
    field.fill("".join(chr(ord(c) + 0xFEE0) for c in coupon.code))
    field.press("Enter")
    expect(page.locator("#scanned")).to_have_attribute("data-value", coupon.code)
