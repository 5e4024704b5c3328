"""Card design and images: the QR decodes with an independent decoder (OpenCV), Chinese text
really renders (not blank, not tofu boxes), the print image is CR80 at 300 dpi."""

import io

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

from core.codes import qr_payload, qr_payload_read
from loyalty import rendering
from tests.conftest import client_for
from tests.factories import StaffFactory
from tests.qr import qr_decode

from .factories import card_create_for, program_create

DESIGN = "/api/v1/merchant/card-program/design/"


def photo_png() -> bytes:
    image = Image.new("RGB", (640, 400), (200, 60, 40))
    ImageDraw.Draw(image).ellipse((100, 50, 500, 350), fill=(250, 220, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def card(db):
    return card_create_for(program_create())


def test_the_card_image_carries_a_qr_code_an_independent_decoder_reads(card):
    response = client_for(card.consumer).get(f"/api/v1/me/cards/{card.pk}/image.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    text = qr_decode(response.content)
    assert text == qr_payload("M", card.number)
    assert qr_payload_read(text) == ("M", card.number)


def test_the_print_image_is_cr80_at_300_dpi_with_bleed_and_scans(card):
    owner = client_for(card.program.merchant.owner)
    response = owner.get(f"/api/v1/merchant/cards/{card.pk}/print.png")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert round(image.info["dpi"][0]) == 300
    assert image.size == (1011 + 48, 638 + 48)  # 85.60 x 53.98 mm + 2 mm a side, 300 dpi
    assert qr_decode(response.content) == qr_payload("M", card.number)


def test_chinese_text_renders_as_distinct_glyphs_not_tofu():
    """Each glyph drawn differs from the others; a font without CJK draws one box for all."""

    def glyph(char: str) -> Image.Image:
        image = Image.new("L", (80, 80), 0)
        ImageDraw.Draw(image).text((8, 8), char, font=rendering.font(60), fill=255)
        return image

    shapes = [glyph(c) for c in "会员卡积分"]
    assert all(shape.getbbox() for shape in shapes)  # something was drawn
    for index, shape in enumerate(shapes):
        for other in shapes[index + 1 :]:
            assert ImageChops.difference(shape, other).getbbox() is not None


def test_the_title_region_carries_the_title(card):
    face = rendering.Face("minimal", "鑫悦会员卡", "", "#000000", None, "", "", "", "")
    blank = rendering.Face("minimal", "", "", "#000000", None, "", "", "", "")
    width = 856
    box = (0, 0, width // 2, 140)  # where the title goes
    with_title = rendering.render(face, width).crop(box)
    without = rendering.render(blank, width).crop(box)
    diff = ImageChops.difference(with_title, without).convert("L")
    inked = int((np.array(diff) > 64).sum())
    assert inked > 500  # five characters at 60 px leave well over 500 dark pixels


def test_design_steps_template_image_text_preview_edit_publish(card):
    owner = client_for(card.program.merchant.owner)
    my_image = client_for(card.consumer)
    before = my_image.get(f"/api/v1/me/cards/{card.pk}/image.png").content

    assert owner.patch(DESIGN, {"template": "gold"}).status_code == 200
    upload = io.BytesIO(photo_png())
    upload.name = "art.png"
    image = owner.put(f"{DESIGN}image/", {"image": upload}, format="multipart")
    assert image.status_code == 200, image.json()
    text = owner.patch(DESIGN, {"title": "鑫悦尊享卡", "subtitle": "全店通用"})
    assert text.json()["title"] == "鑫悦尊享卡"
    preview = owner.get(f"{DESIGN}preview.png")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    edited = owner.patch(DESIGN, {"title": "鑫悦金卡"})
    assert owner.get(f"{DESIGN}preview.png").content != preview.content
    # Until it is published, cards keep their face.
    assert my_image.get(f"/api/v1/me/cards/{card.pk}/image.png").content == before
    published = owner.post(f"{DESIGN}publish/")
    assert published.json()["published"]["title"] == edited.json()["title"]
    after = my_image.get(f"/api/v1/me/cards/{card.pk}/image.png").content
    assert after != before
    assert qr_decode(after) == qr_payload("M", card.number)


def test_a_missing_cjk_font_is_a_clear_error(card, settings):
    settings.CARD_FONT_PATH = "/nonexistent/font.ttc"
    rendering.cjk_font_path.cache_clear()
    try:
        response = client_for(card.program.merchant.owner).get(f"{DESIGN}preview.png")
    finally:
        rendering.cjk_font_path.cache_clear()
    assert response.status_code == 503
    assert response.json()["code"] == "card_font_missing"
    assert "fonts-wqy-microhei" in response.json()["detail"]


def test_staff_without_manage_cards_cannot_design(card):
    staff = StaffFactory(merchant=card.program.merchant, permissions=["redeem"])
    assert client_for(staff.user).patch(DESIGN, {"title": "x"}).status_code == 403
