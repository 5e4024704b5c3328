import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from core.codes import qr_image, qr_payload
from merchants.models import StaffPermission
from tests.factories import MerchantFactory, ShopFactory, StaffFactory

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


def test_the_counter_reads_a_coupon_qr_from_the_camera(page, fake_camera, cashier_shop):
    shop, cashier = cashier_shop
    fake_camera.show_qr(qr_payload("C", "K7QM3XHDPA"))
    sign_in(page, cashier)
    page.get_by_role("button", name="前台核销").click()
    expect(page.get_by_role("heading", name=shop.name)).to_be_visible()
    page.get_by_role("button", name="扫码").click()
    scanned = page.locator("#scanned")
    expect(scanned).to_have_attribute("data-kind", "C")
    expect(scanned).to_have_attribute("data-value", "K7QM3XHDPA")
    expect(scanned).to_contain_text("二维码有效")
    expect(page.get_by_label("券码或二维码内容")).to_have_value(qr_payload("C", "K7QM3XHDPA"))
    expect(page.locator("#camera")).to_be_hidden()  # the camera stops once a code is read
    screenshot(page, "counter-scanned")


def test_the_counter_reads_a_photo_of_a_qr_and_typed_codes(page, fake_camera, cashier_shop):
    shop, cashier = cashier_shop
    sign_in(page, cashier)
    page.goto(f"/dashboard/shops/{shop.pk}/counter/")
    photo = io.BytesIO()
    frame_of(qr_image(qr_payload("M", "6200123412341234"))).save(photo, "JPEG", quality=90)
    page.locator("#qr-photo").set_input_files(
        {"name": "qr.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    expect(page.locator("#scanned")).to_have_attribute("data-kind", "M")
    expect(page.locator("#scanned")).to_have_attribute("data-value", "6200123412341234")

    code = page.get_by_label("券码或二维码内容")
    code.fill("k7qm-3xhd-pa")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#scanned")).to_have_attribute("data-value", "K7QM3XHDPA")
    expect(page.locator("#scanned")).to_contain_text("手动输入")

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
