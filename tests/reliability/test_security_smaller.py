"""Issue 15, item 8: writes need the write permission (a CRM contact), merchant lists of
reviews and slots need a staff permission, photos have a pixel cap and are decoded lazily, and
every CSV cell is formula-escaped (level names included)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from crm.models import Customer, Interaction
from merchants.images import MAX_PIXELS
from merchants.models import StaffPermission
from tests.conftest import client_for
from tests.crm.helpers import customer_new
from tests.dashboard.conftest import browser_for
from tests.factories import MerchantFactory, ShopFactory, StaffFactory
from tests.loyalty.factories import card_create_for, program_create

pytestmark = pytest.mark.django_db


def staff_with(merchant, *permissions):
    member = StaffFactory(merchant=merchant, permissions=list(permissions))
    member.shops.set(merchant.shops.all())
    return member.user


def test_logging_a_customer_contact_needs_manage_customers():
    merchant = MerchantFactory()
    customer = customer_new(merchant)
    contact = {"channel": "phone", "purpose": "care", "note": "回访", "satisfaction": 5}
    url = f"/api/v1/merchant/crm/customers/{customer.pk}/contacts/"
    viewer = staff_with(merchant, StaffPermission.VIEW_CUSTOMERS)
    assert (
        client_for(viewer).get(f"/api/v1/merchant/crm/customers/{customer.pk}/").status_code == 200
    )
    refused = client_for(viewer).post(url, contact, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    page = browser_for(viewer).post(f"/dashboard/customers/{customer.pk}/contact/", contact)
    assert page.status_code == 403
    assert not Interaction.objects.filter(customer=customer, kind="contact").exists()
    editor = staff_with(merchant, StaffPermission.MANAGE_CUSTOMERS)
    assert client_for(editor).post(url, contact, format="json").status_code == 201


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/merchant/reviews/", [StaffPermission.VIEW_CUSTOMERS]),
        ("/api/v1/merchant/reviews/", [StaffPermission.MANAGE_CUSTOMERS]),
        ("/api/v1/merchant/slots/", [StaffPermission.MANAGE_SHOPS]),
        ("/api/v1/merchant/slots/", [StaffPermission.REDEEM]),
    ],
)
def test_merchant_review_and_slot_lists_need_a_staff_permission(path, allowed):
    merchant = ShopFactory().merchant
    refused = client_for(staff_with(merchant, StaffPermission.MANAGE_COUPONS)).get(path)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert client_for(staff_with(merchant, *allowed)).get(path).status_code == 200
    assert client_for(merchant.owner).get(path).status_code == 200


def png(size) -> SimpleUploadedFile:
    """A one-colour PNG: a few kilobytes on the wire, `size` pixels once decoded."""
    buffer = io.BytesIO()
    Image.new("L", size, 200).save(buffer, "PNG", optimize=True)
    return SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")


def test_a_photo_of_too_many_pixels_is_refused_before_decoding(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop = ShopFactory()
    owner = client_for(shop.merchant.owner)
    url = f"/api/v1/merchant/shops/{shop.pk}/photos/"
    assert MAX_PIXELS < 8000 * 8000
    refused = owner.post(
        url, {"kind": "storefront", "image": png((8000, 8000))}, format="multipart"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] in ("invalid_image", "invalid")
    assert "image" in refused.json()["fields"]
    accepted = owner.post(
        url, {"kind": "storefront", "image": png((4000, 3000))}, format="multipart"
    )
    assert accepted.status_code == 201, accepted.json()


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    from PIL.JpegImagePlugin import JpegImageFile

    from merchants import images

    drafted = []
    real_draft = JpegImageFile.draft

    def draft(self, mode, size):
        result = real_draft(self, mode, size)
        drafted.append(self.size)  # the size it will decode at
        return result

    monkeypatch.setattr(JpegImageFile, "draft", draft)
    buffer = io.BytesIO()
    Image.new("RGB", (6000, 4000), "orange").save(buffer, "JPEG")
    upload = SimpleUploadedFile("big.jpg", buffer.getvalue(), content_type="image/jpeg")
    processed = images.image_process(upload)
    assert drafted and max(drafted[0]) <= 1500  # JPEG's draft: 1/4 scale, never 24 MP at once
    with Image.open(processed.thumbnail) as thumb:
        assert max(thumb.size) == 480


def test_every_csv_cell_is_formula_escaped_level_names_included():
    program = program_create()
    program.levels.update(name='=HYPERLINK("//x.cn")')
    card = card_create_for(program)  # its holder joins the directory, at that level
    Customer.objects.filter(merchant=program.merchant, consumer=card.consumer).update(
        name="@SUM(A1)"
    )
    exported = client_for(program.merchant.owner).get("/api/v1/merchant/crm/customers/export/")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("//x.cn")' in cells
    assert "'@SUM(A1)" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells if cell)


def test_the_spreadsheet_writer_escapes_every_formula_start():
    from core.spreadsheet import csv_writer

    out = io.StringIO()
    csv_writer(out).writerow(["=1+1", "+1", "-1", "@x", "\tx", "plain", 42, -3])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "plain", "42", "-3"
    ]  # fmt: skip


def test_dashboard_forms_refuse_dates_past_the_bounds_with_a_field_error():
    shop = ShopFactory()
    page = browser_for(shop.merchant.owner)
    far = page.post(
        f"/dashboard/shops/{shop.pk}/hours/exceptions/",
        {"date": "9999-12-31", "is_closed": "closed"},
    )
    assert far.status_code == 422
    assert "日期须在 2000-01-01 至 2099-12-31 之间。" in far.content.decode()
    campaign = page.post(
        "/dashboard/coupons/new/",
        {
            "title": "远期活动",
            "benefit_kind": "amount_off",
            "amount_off_fen": "20",
            "validity": "fixed",
            "valid_from": "2026-12-01T10:00",
            "valid_until": "9999-12-31T10:00",
            "total_quantity": "10",
            "per_customer_limit": "1",
            "audience": "anyone",
        },
    )
    assert campaign.status_code == 422
    assert "日期须在 2000-01-01 至 2099-12-31 之间。" in campaign.content.decode()
