"""Paper coupons: a batch of unique codes, an A4 PDF whose QR codes decode and redeem."""

import io

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from core.codes import short_code_format
from coupons.models import Campaign, CampaignStatus, Coupon, CouponChannel
from tests.conftest import client_for
from tests.factories import MerchantFactory, ShopFactory
from tests.qr import qr_decode

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db
CAMPAIGNS = "/api/v1/merchant/campaigns/"


def qr_payloads(pdf: bytes) -> list[str]:
    payloads = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            pixels = np.array(image.image.convert("L"))
            # Enlarged with a quiet zone, as a phone camera would see it on paper.
            pixels = cv2.resize(pixels, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
            pixels = cv2.copyMakeBorder(pixels, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
            payloads.append(qr_decode(pixels))
    return payloads


def test_a_paper_batch_prints_unique_codes_whose_qr_codes_redeem(merchant):
    shop = ShopFactory(merchant=merchant, name="鑫悦火锅（静安店）")
    campaign = CampaignFactory(merchant=merchant, title="开业酬宾", shops=[shop])
    owner = client_for(merchant.owner)
    response = owner.post(
        f"{CAMPAIGNS}{campaign.pk}/paper-batches/",
        {"count": 10},
        HTTP_IDEMPOTENCY_KEY="key-paper-01",
    )
    assert response.status_code == 201, response.json()
    batch = response.json()
    retry = owner.post(
        f"{CAMPAIGNS}{campaign.pk}/paper-batches/",
        {"count": 10},
        HTTP_IDEMPOTENCY_KEY="key-paper-01",
    )
    assert retry.json() == batch
    coupons = Coupon.objects.filter(batch_id=batch["id"])
    assert coupons.count() == 10
    assert {c.channel for c in coupons} == {CouponChannel.PAPER}
    assert Campaign.objects.get(pk=campaign.pk).issued_count == 10

    pdf = owner.get(batch["pdf_url"], HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 2  # eight a page
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4
    text = "".join(page.extract_text() for page in reader.pages)
    for coupon in coupons:
        assert short_code_format(coupon.code) in text
    assert "满100元减20元" in text and "鑫悦火锅（静安店）" in text

    payloads = qr_payloads(pdf.content)
    assert len(set(payloads)) == 10
    for index, payload in enumerate(payloads[:3]):
        redeemed = owner.post(
            "/api/v1/merchant/redemptions/",
            {"shop": shop.pk, "code": payload, "order_amount_fen": 10000},
            HTTP_IDEMPOTENCY_KEY=f"key-paper-redeem-{index}",
        )
        assert redeemed.status_code == 201, redeemed.json()


def test_paper_batches_respect_quantity_status_and_tenant(merchant):
    owner = client_for(merchant.owner)
    small = CampaignFactory(merchant=merchant, total_quantity=5)
    over = owner.post(
        f"{CAMPAIGNS}{small.pk}/paper-batches/", {"count": 6}, HTTP_IDEMPOTENCY_KEY="key-paper-02"
    )
    assert (over.status_code, over.json()["code"]) == (409, "sold_out")
    assert not Coupon.objects.exists()
    draft = CampaignFactory(merchant=merchant, status=CampaignStatus.DRAFT)
    refused = owner.post(
        f"{CAMPAIGNS}{draft.pk}/paper-batches/", {"count": 1}, HTTP_IDEMPOTENCY_KEY="key-paper-03"
    )
    assert refused.json()["code"] == "campaign_not_published"
    batch = owner.post(
        f"{CAMPAIGNS}{small.pk}/paper-batches/", {"count": 1}, HTTP_IDEMPOTENCY_KEY="key-paper-04"
    ).json()
    other = client_for(MerchantFactory().owner)
    assert other.get(batch["pdf_url"]).status_code == 404
