"""Scorecard arithmetic, RFM segments, anomaly flags, and the recompute over the API."""

from datetime import date, timedelta

import pytest

from crm.models import CrmSettings
from crm.scoring import History, anomaly_flags, band_points, grade, quintile_scores, rfm_segment
from tests.conftest import client_for
from tests.factories import MerchantFactory

from .helpers import customer_new, purchases_add

INDICATORS = [
    {
        "key": "spend",
        "weight": 30,
        "bands": [
            {"min": 0, "points": 0},
            {"min": 1000, "points": 60},
            {"min": 5000, "points": 100},
        ],
    },
    {
        "key": "recency",
        "weight": 20,
        "bands": [{"min": 0, "points": 100}, {"min": 30, "points": 50}, {"min": 90, "points": 0}],
    },
    {
        "key": "growth",
        "weight": 10,
        "bands": [{"min": -100, "points": 0}, {"min": 0, "points": 80}],
    },
]


def graded(spend, recency, growth, a=70, b=40):
    values = {"spend": spend, "recency": recency, "growth": growth}
    return grade(values, INDICATORS, tier_a_min=a, tier_b_min=b, end_below_growth_points=30)


def test_bands_pick_the_highest_minimum_not_above_the_value():
    bands = INDICATORS[0]["bands"]
    assert [band_points(bands, v) for v in (-5, 0, 999.99, 1000, 4999, 5000, 10**6)] == [
        0,
        0,
        0,
        60,
        60,
        100,
        100,
    ]


def test_score_is_the_weighted_mean_rounded_half_up():
    # (30*60 + 20*50 + 10*80) / 60 = 3600 / 60 = 60 -> B, improve
    result = graded(1200, 45, 5)
    assert (result.score, result.tier, result.recommendation) == (60, "B", "improve")
    # (30*100 + 20*100 + 10*80) / 60 = 96.67 -> 97 -> A, maintain
    assert graded(6000, 3, 10).score == 97 and graded(6000, 3, 10).tier == "A"
    # (30*60 + 20*0 + 10*80) / 60 = 43.33 -> 43, exactly above B's 40
    assert graded(1000, 200, 0).score == 43 and graded(1000, 200, 0).tier == "B"
    # (30*0 + 20*50 + 10*80) / 60 = 30 -> 30 -> C, still growing: improve
    assert (graded(10, 40, 5).tier, graded(10, 40, 5).recommendation) == ("C", "improve")
    # Shrinking C customer: end the relationship
    assert graded(10, 40, -50).recommendation == "end"
    # Half up: (30*60 + 20*50 + 10*0) / 60 = 46.67 -> 47; with thresholds A 47 it is an A.
    assert graded(1000, 40, -1, a=47, b=10).tier == "A"
    assert any("权重 30" in reason for reason in result.reasons)


def test_rfm_quintiles_and_segments():
    assert quintile_scores([10, 20, 30, 40, 50]) == [1, 2, 3, 4, 5]
    assert quintile_scores([5, 5, 5, 5, 5]) == [1, 1, 1, 1, 1]
    assert quintile_scores([1, 100], higher_is_better=False) == [3, 1]
    assert rfm_segment(5, 5) == "champions"
    assert rfm_segment(5, 1) == "new"
    assert rfm_segment(1, 5) == "at_risk"
    assert rfm_segment(1, 1) == "lost"


def test_spending_flags_against_the_customers_own_history():
    # Who is at risk of not coming back is the churn model's (tests/crm/test_churn.py).
    today = date(2026, 6, 1)
    monthly = History([today - timedelta(days=30 * k) for k in range(8, 0, -1)], [100] * 8)
    assert anomaly_flags(monthly).flags == []
    drop = History(monthly.days, [100] * 5 + [30, 30, 30])
    assert [f.code for f in anomaly_flags(drop).flags] == ["spend_drop"]
    spike = History(monthly.days, [100] * 7 + [500])
    assert "spend_spike" in [f.code for f in anomaly_flags(spike).flags]
    assert [f.code for f in anomaly_flags(monthly, arrears_fen=500).flags] == ["arrears"]


@pytest.mark.django_db
def test_recompute_grades_with_the_merchants_scorecard():
    merchant = MerchantFactory()
    owner = client_for(merchant.owner)
    big = customer_new(merchant, name="大客户", satisfaction=5)
    today = date.today()
    purchases_add(big, [today - timedelta(days=20 * k) for k in range(15, 0, -1)], 50_000)
    small = customer_new(merchant, name="小客户")
    purchases_add(small, [today - timedelta(days=300)], 1_000)
    assert owner.post("/api/v1/merchant/crm/recompute/").json() == {"customers": 2}
    roster = owner.get("/api/v1/merchant/crm/roster/").json()["results"]
    assert [(c["name"], c["tier"]) for c in roster] == [("大客户", "A"), ("小客户", "C")]
    assert roster[0]["grade_reasons"] and roster[0]["recommendation"] == "maintain"
    first = owner.get("/api/v1/merchant/crm/roster/", {"limit": 1}).json()  # pages by cursor
    rest = owner.get("/api/v1/merchant/crm/roster/", {"cursor": first["next_cursor"]}).json()
    assert [c["name"] for c in first["results"] + rest["results"]] == ["大客户", "小客户"]
    assert rest["next"] is None and rest["next_cursor"] is None

    # The owner makes recency the only indicator: the big customer, recent, still A.
    settings = owner.get("/api/v1/merchant/crm/scorecard/").json()
    settings["indicators"] = [INDICATORS[1]]
    assert owner.put("/api/v1/merchant/crm/scorecard/", settings, format="json").status_code == 200
    owner.post("/api/v1/merchant/crm/recompute/")
    big.refresh_from_db()
    assert (big.score, big.tier) == (100, "A")
    assert CrmSettings.objects.get(merchant=merchant).indicators == [INDICATORS[1]]
    settings["tier_a_min"], settings["tier_b_min"] = 40, 40
    refused = owner.put("/api/v1/merchant/crm/scorecard/", settings, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_scorecard"
