"""Tracking: the funnel, redemption rate, time to redeem and revenue by day, and the CSV."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from coupons.models import Campaign, CouponChannel, Redemption
from coupons.services import coupon_redeem, redemption_reverse
from merchants.models import StaffPermission
from tests.conftest import client_for
from tests.factories import ShopFactory, StaffFactory

from .factories import CampaignFactory, CouponFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def history(merchant):
    """Four coupons over 20-22 Nov (Shanghai): three used, one of them after a reversal."""
    shop = ShopFactory(merchant=merchant)
    campaign = CampaignFactory(
        merchant=merchant, valid_from=at(1, 0), valid_until=at(30, 0), total_quantity=50
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=at(20, 9))
    # 23:30 on the 20th in Shanghai is 15:30 UTC: it belongs to the 20th, not the 21st.
    claimed = [CouponFactory(campaign=campaign, issued_at=at(20, 23, 30)) for _ in range(2)]
    sent = CouponFactory(campaign=campaign, channel=CouponChannel.ISSUE, issued_at=at(21, 10))
    CouponFactory(campaign=campaign, channel=CouponChannel.PAPER, holder=None, issued_at=at(21, 11))

    def redeem(coupon, when, amount, key):
        return coupon_redeem(
            shop=shop,
            staff=merchant.owner,
            code=coupon.code,
            order_amount_fen=amount,
            idempotency_key=key,
            now=when,
        )

    mistaken = redeem(claimed[0], at(21, 0, 30), 12000, "k1")  # one hour after its claim
    redemption_reverse(redemption=mistaken, by=merchant.owner, now=at(21, 0, 35))
    redeem(claimed[0], at(21, 1, 30), 15000, "k2")  # two hours after
    redeem(claimed[1], at(22, 23, 30), 10000, "k3")  # 48 hours after
    redeem(sent, at(22, 10), 20000, "k4")  # 24 hours after
    return campaign


def test_stats_give_the_funnel_rates_times_and_revenue_by_shanghai_day(merchant, history):
    url = f"/api/v1/merchant/campaigns/{history.pk}/stats/"
    response = client_for(merchant.owner).get(url, {"to": "2026-11-23"})
    assert response.status_code == 200, response.json()
    stats = response.json()
    assert (stats["issued"], stats["claimed"], stats["sent"], stats["printed"]) == (4, 2, 1, 1)
    assert (stats["redeemed"], stats["reversed"], stats["redemption_rate"]) == (3, 1, 0.75)
    assert stats["revenue_fen"] == 45000
    assert stats["discount_fen"] == 6000
    assert stats["time_to_redeem_median_seconds"] == 24 * 3600
    assert stats["time_to_redeem_average_seconds"] == round((2 + 48 + 24) * 3600 / 3)
    assert [(s["stage"], s["count"]) for s in stats["funnel"]] == [
        ("quantity", 50),
        ("issued", 4),
        ("redeemed", 3),
    ]
    daily = {d["day"]: d for d in stats["daily"]}
    assert list(daily) == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    assert (daily["2026-11-20"]["issued"], daily["2026-11-20"]["claimed"]) == (2, 2)
    assert (daily["2026-11-21"]["issued"], daily["2026-11-21"]["redeemed"]) == (2, 1)
    assert daily["2026-11-21"]["revenue_fen"] == 15000  # the reversed 120 元 does not count
    assert (daily["2026-11-22"]["redeemed"], daily["2026-11-22"]["revenue_fen"]) == (2, 30000)
    assert daily["2026-11-23"]["redeemed"] == 0


def test_the_csv_has_a_row_a_day_and_a_total_excel_can_read(merchant, history):
    url = f"/api/v1/merchant/campaigns/{history.pk}/stats.csv"
    response = client_for(merchant.owner).get(url, {"from": "2026-11-20", "to": "2026-11-22"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["日期", "发放张数", "其中顾客领取", "核销张数"]
    assert rows[1] == ["2026-11-20", "2", "2", "0", "0.00", "0.00"]
    assert rows[3] == ["2026-11-22", "0", "0", "2", "300.00", "40.00"]
    assert rows[-1] == ["合计", "4", "2", "3", "450.00", "60.00"]


def test_stats_are_open_to_analytics_staff_and_check_the_range(merchant, history):
    analyst = StaffFactory(merchant=merchant, permissions=[StaffPermission.VIEW_ANALYTICS])
    client = client_for(analyst.user)
    url = f"/api/v1/merchant/campaigns/{history.pk}/stats/"
    assert client.get(url, {"to": "2026-11-23"}).status_code == 200
    assert client.get(f"/api/v1/merchant/campaigns/{history.pk}/").status_code == 403
    too_long = client.get(url, {"from": "2025-01-01", "to": "2026-11-23"})
    assert too_long.status_code == 400
    assert Redemption.objects.count() == 4
