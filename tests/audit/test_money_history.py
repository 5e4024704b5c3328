"""Who changed money, points and coupons is on record, with the acting user."""

import pytest

from audit.models import CouponEvent, MembershipCardEvent, RedemptionEvent
from core.codes import qr_payload
from tests.conftest import client_for
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import ShopFactory, StaffFactory
from tests.loyalty.factories import card_create_for, program_create

from .test_history import acting_user

pytestmark = pytest.mark.django_db


def test_a_points_adjustment_records_the_card_change_and_who_made_it():
    card = card_create_for(program_create())
    owner = card.program.merchant.owner
    response = client_for(owner).post(
        f"/api/v1/merchant/cards/{card.pk}/adjustments/",
        {"points_delta": 300, "note": "开业赠送"},
        HTTP_IDEMPOTENCY_KEY="adj-audit-0001",
    )
    assert response.status_code == 201, response.json()
    change = MembershipCardEvent.objects.filter(pgh_obj=card, pgh_label="update").latest("pk")
    assert change.points == 300
    assert acting_user(change) == owner.pk
    assert not hasattr(change, "password")  # the hash never reaches the history


def test_a_redemption_records_the_coupon_and_the_cashier_without_the_code(merchant):
    shop = ShopFactory(merchant=merchant)
    coupon = CouponFactory(campaign=CampaignFactory(merchant=merchant))
    cashier = StaffFactory(merchant=merchant, permissions=["redeem"])
    cashier.shops.set([shop])
    response = client_for(cashier.user).post(
        "/api/v1/merchant/redemptions/",
        {"shop": shop.pk, "code": qr_payload("C", coupon.code), "order_amount_fen": 15800},
        HTTP_IDEMPOTENCY_KEY="redeem-audit-0001",
    )
    assert response.status_code == 201, response.json()
    used = CouponEvent.objects.filter(pgh_obj=coupon, pgh_label="update").latest("pk")
    assert used.status == "redeemed"
    assert acting_user(used) == cashier.user.pk
    assert not hasattr(used, "code")
    recorded = RedemptionEvent.objects.get(pgh_label="insert")
    assert acting_user(recorded) == cashier.user.pk
