"""Money, for the owner: what is owed and what was paid out, the counter's history with
filters and a CSV whose cells a spreadsheet will not run, and a day's reconciliation of the
counter's top-ups against the payments taken."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from consumers.services import order_consume
from coupons.services.redemption import coupon_redeem
from loyalty.services.top_up import card_top_up
from merchants.models import StaffPermission
from payments.models import Payment, PaymentStatus
from settlement.services import payout_batch_create
from tests.consumers.factories import BookableServiceFactory, purchase
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import ShopFactory, UserFactory
from tests.loyalty.factories import card_create_for, program_create

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(merchant, shop):
    owner = merchant.owner
    service = BookableServiceFactory(shop=shop, bookable=False, price_fen=10000)
    paid_out = purchase(service=service)
    order_consume(order=paid_out, via="counter", actor=owner)
    batch = payout_batch_create(merchant=merchant, until=timezone.now() + timedelta(seconds=1))
    owed = purchase(service=service)
    order_consume(order=owed, via="counter", actor=owner)
    campaign = CampaignFactory(merchant=merchant, title='=HYPERLINK("http://x")')
    coupon = CouponFactory(campaign=campaign)
    coupon_redeem(
        shop=shop, staff=owner, code=coupon.code, order_amount_fen=15000, idempotency_key="r1"
    )
    card = card_create_for(program_create(merchant=merchant), UserFactory(role=Role.CONSUMER))
    card_top_up(
        card=card, amount_fen=20000, backend="cash", by=owner, idempotency_key="t1", shop=shop
    )
    return {"batch": batch, "owed": owed, "card": card}


def test_owed_and_paid_out_in_yuan(owner, books):
    page = owner.get(reverse("dashboard:money")).content.decode()
    assert books["batch"].entry_count == 1
    assert f"¥{books['batch'].payable_fen / 100:,.2f}" in page
    assert "¥100.00" in page  # the unbatched order
    assert "待结算" in page


def test_history_lists_the_counters_records_and_filters_them(owner, books):
    page = owner.get(reverse("dashboard:money-history")).content.decode()
    assert "HYPERLINK" in page and books["card"].number in page and "充值" in page
    coupons = owner.get(reverse("dashboard:money-history"), {"kind": "coupon"})
    assert [r.kind for r in coupons.context["records"]] == ["coupon"]
    old = owner.get(
        reverse("dashboard:money-history"), {"date_from": "2020-01-01", "date_to": "2020-01-02"}
    )
    assert old.context["records"] == []
    backwards = owner.get(
        reverse("dashboard:money-history"), {"date_from": "2020-02-01", "date_to": "2020-01-01"}
    )
    assert backwards.status_code == 422
    assert "开始日期不能晚于结束日期" in backwards.content.decode()


def test_the_csv_escapes_formulas_and_keeps_numbers(owner, books):
    response = owner.get(reverse("dashboard:money-history"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "时间"
    coupon_row = next(row for row in rows if "HYPERLINK" in row[2])
    assert coupon_row[2].startswith("'=")
    assert coupon_row[6] == "150.00"
    kinds = {row[1] for row in rows[1:]}
    assert {"优惠券", "会员卡", "订单"} <= kinds


def test_reconciliation_matches_top_ups_to_payments_and_flags_a_gap(owner, books, shop):
    day = timezone.localdate().isoformat()
    response = owner.get(reverse("dashboard:money-reconciliation"), {"day": day})
    row = response.context["rows"][0]
    assert row["top_up_recorded_fen"] == row["top_up_payments_fen"] == 20000
    assert row["unmatched_payments"] == []
    assert "充值记录与收款一致" in response.content.decode()
    # A top-up paid but never credited to a card (a crash between the two, say).
    stray = Payment.objects.create(
        payer=books["card"].consumer,
        merchant=shop.merchant,
        amount_fen=5000,
        purpose="card_top_up",
        reference=f"card:{books['card'].pk}",
        backend="cash",
        status=PaymentStatus.SUCCEEDED,
        created_by=shop.merchant.owner,
        shop=shop,
        succeeded_at=timezone.now(),
    )
    response = owner.get(reverse("dashboard:money-reconciliation"), {"day": day})
    assert f"充值记录与收款不符：支付单 {stray.pk}" in response.content.decode()


def test_money_is_the_owners_and_only_their_own(merchant, shop, books, other_merchant_owner):
    analyst = browser_for(
        staff_member(
            merchant, [shop], [StaffPermission.VIEW_ANALYTICS, StaffPermission.REDEEM]
        ).user
    )
    for name in ("dashboard:money", "dashboard:money-history", "dashboard:money-reconciliation"):
        assert analyst.get(reverse(name)).status_code == 403
        response = other_merchant_owner.get(reverse(name))
        assert response.status_code == 200
        assert "HYPERLINK" not in response.content.decode()
        assert books["card"].number not in response.content.decode()
    csv_body = other_merchant_owner.get(reverse("dashboard:money-history"), {"format": "csv"})
    assert len(csv_body.content.decode("utf-8-sig").strip().splitlines()) == 1  # the header only
    assert (
        other_merchant_owner.get(reverse("dashboard:money"), {"shop": shop.pk}).status_code == 404
    )


def test_one_shops_money(owner, books, merchant):
    other = ShopFactory(merchant=merchant)
    response = owner.get(reverse("dashboard:money-history"), {"shop": other.pk})
    assert response.context["records"] == []


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+86 138", "'+86 138"),
        ("\t=cmd", "'\t=cmd"),
        ("-12.00", "-12.00"),  # a refund stays a number
        ("1,234.50", "1,234.50"),
        ("洗剪吹", "洗剪吹"),
    ],
)
def test_a_csv_cell_never_starts_a_formula(cell, written):
    from dashboard.views.money import csv_cell

    assert csv_cell(cell) == written
