"""Scorecard settings, service standards, and the recompute that grades every
customer, assigns RFM segments, raises anomaly flags and writes the day's KPI snapshot."""

from collections import defaultdict
from datetime import date
from statistics import mean

from django.db import transaction
from django.utils import timezone

from merchants.models import Merchant

from ..churn import AT_RISK_PROBABILITY, Visits
from ..errors import InvalidScorecard
from ..locks import merchant_customers_lock
from ..models import (
    CrmSettings,
    Customer,
    KpiSnapshot,
    Purchase,
    Segment,
    ServiceStandard,
)
from ..scoring import (
    INDICATORS,
    REASON_NO_PURCHASE,
    History,
    anomaly_flags,
    grade,
    indicator_values,
    quintile_scores,
    rfm_segment,
)
from ..selectors import DEFAULTS
from .churn import Reading, churn_explanation_zh, churn_model_fit

# Churn probability from which a customer is counted lost rather than at risk (segments).
LOST_ABOVE = 0.9


def scorecard_check(indicators: list[dict], tier_a_min: int, tier_b_min: int) -> None:
    problems = []
    keys = [i["key"] for i in indicators]
    if len(set(keys)) != len(keys):
        problems.append("指标不能重复。")
    if any(k not in INDICATORS for k in keys):
        problems.append("未知指标。")
    if not any(i["weight"] > 0 for i in indicators):
        problems.append("至少一个指标的权重需大于 0。")
    if any(not i["bands"] for i in indicators):
        problems.append("每个指标至少需要一个分档。")
    if tier_a_min <= tier_b_min:
        problems.append("A 类最低分须高于 B 类。")
    if problems:
        raise InvalidScorecard(fields={"indicators": problems})


@transaction.atomic
def crm_settings_save(*, merchant: Merchant, **fields) -> CrmSettings:
    current = CrmSettings.objects.filter(merchant=merchant).first()
    merged = {
        "indicators": current.indicators if current else DEFAULTS["indicators"],
        "tier_a_min": current.tier_a_min if current else 70,
        "tier_b_min": current.tier_b_min if current else 40,
        **fields,
    }
    scorecard_check(merged["indicators"], merged["tier_a_min"], merged["tier_b_min"])
    defaults = {**DEFAULTS, **fields} if current is None else fields
    settings, _ = CrmSettings.objects.update_or_create(merchant=merchant, defaults=defaults)
    return settings


@transaction.atomic
def service_standards_set(*, merchant: Merchant, standards: list[dict]) -> list[ServiceStandard]:
    ServiceStandard.objects.filter(merchant=merchant).delete()
    return ServiceStandard.objects.bulk_create(
        [ServiceStandard(merchant=merchant, **s) for s in standards]
    )


def histories_of(customer_ids) -> dict[int, History]:
    histories: dict[int, History] = defaultdict(lambda: History([], []))
    rows = (
        Purchase.objects.filter(customer_id__in=customer_ids)
        .order_by("customer_id", "at", "pk")
        .values_list("customer_id", "at", "amount_fen")
    )
    for customer_id, at, amount in rows:
        history = histories[customer_id]
        history.days.append(timezone.localtime(at).date())
        history.amounts.append(amount)
    return histories


# What a recompute writes on each customer.
RECOMPUTED = [
    "score",
    "tier",
    "recommendation",
    "grade_reasons",
    "segment",
    "flags",
    "at_risk",
    "churn_probability",
    "yearly_value_fen",
    "at_stake_fen",
    "churn_figures",
    "graded_at",
]


@transaction.atomic
def customers_recompute(*, merchant: Merchant, today: date | None = None) -> int:
    """Fit the merchant's churn model, then grade, segment and flag every customer; snapshot
    the KPIs. Idempotent: a rerun on the same day writes the same values."""
    from ..selectors import settings_of

    today = today or timezone.localdate()
    prefs = settings_of(merchant)
    customers = merchant_customers_lock(merchant)
    histories = histories_of([c.pk for c in customers])
    now = timezone.now()
    segments = rfm_segments(customers, histories, today)
    _, readings = churn_model_fit(
        merchant=merchant,
        prefs=prefs,
        histories={pk: Visits.of(h.days, h.amounts) for pk, h in histories.items()},
        today=today,
    )
    for customer in customers:
        history = histories[customer.pk]
        customer_grade_apply(customer, history, prefs=prefs, today=today)
        reading = readings.get(customer.pk)
        customer_churn_apply(customer, history, reading, rfm=segments.get(customer.pk, ""))
        customer.graded_at = now
    Customer.objects.bulk_update(customers, RECOMPUTED, batch_size=1000)
    kpi_snapshot_write(merchant=merchant, customers=customers, histories=histories, today=today)
    return len(customers)


def rfm_segments(customers, histories, today: date) -> dict[int, str]:
    """Customer id -> RFM segment, by recency and frequency quintiles among the buyers."""
    buyers = [c for c in customers if histories[c.pk].days]
    recency = quintile_scores(
        [(today - histories[c.pk].days[-1]).days for c in buyers], higher_is_better=False
    )
    frequency = quintile_scores([len(histories[c.pk].days) for c in buyers])
    return {c.pk: rfm_segment(r, f) for c, r, f in zip(buyers, recency, frequency, strict=True)}


def customer_grade_apply(customer: Customer, history: History, *, prefs, today: date) -> None:
    """Score, tier, recommendation and reasons from the scorecard (none without a purchase)."""
    if not history.days:
        customer.score, customer.tier, customer.recommendation = None, "", ""
        customer.grade_reasons = [REASON_NO_PURCHASE]
        return
    graded = grade(
        indicator_values(history, today, customer.satisfaction),
        prefs.indicators,
        tier_a_min=prefs.tier_a_min,
        tier_b_min=prefs.tier_b_min,
        end_below_growth_points=prefs.end_below_growth_points,
    )
    customer.score, customer.tier = graded.score, graded.tier
    customer.recommendation, customer.grade_reasons = graded.recommendation, graded.reasons


def customer_churn_apply(
    customer: Customer, history: History, reading: Reading | None, *, rfm: str
) -> None:
    """Segment, flags (the churn model's overdue flag first) and the churn figures."""
    customer.segment = churn_segment(rfm, reading)
    flags = [
        {"code": f.code, "reason": f.reason}
        for f in anomaly_flags(history, arrears_fen=customer.arrears_fen).flags
    ]
    if reading is not None and reading.at_risk:
        flags.insert(0, {"code": "overdue", "reason": churn_explanation_zh(reading.figures)})
    customer.flags = flags
    customer.at_risk = bool(reading and reading.at_risk)
    customer.churn_probability = reading.probability if reading else None
    customer.yearly_value_fen = reading.yearly_value_fen if reading else 0
    customer.at_stake_fen = reading.at_stake_fen if reading else 0
    customer.churn_figures = reading.figures if reading else {}


def churn_segment(rfm: str, reading: Reading | None) -> str:
    """The RFM segment, with the churn model deciding who is at risk or lost: the audiences
    coupons and flash deals target ("at_risk" reaches the customers the model flags)."""
    if reading is None:
        return rfm
    if reading.probability >= LOST_ABOVE:
        return Segment.LOST
    if reading.at_risk:
        return Segment.AT_RISK
    if rfm in (Segment.AT_RISK, Segment.LOST):
        return Segment.HIBERNATING
    return rfm


def kpi_snapshot_write(*, merchant, customers, histories, today: date) -> KpiSnapshot:
    """Churn rate: the mean churn probability of the customers with a visit, i.e. the share
    expected not to come back within the merchant's horizon. Tenure over those more likely
    staying than not."""
    buyers = [c for c in customers if histories[c.pk].days]
    probabilities = [c.churn_probability for c in buyers if c.churn_probability is not None]
    rated = [c.satisfaction for c in customers if c.satisfaction]
    active = [c for c in buyers if (c.churn_probability or 0) < AT_RISK_PROBABILITY]
    tenure = [(histories[c.pk].days[-1] - histories[c.pk].days[0]).days for c in active]
    snapshot, _ = KpiSnapshot.objects.update_or_create(
        merchant=merchant,
        day=today,
        defaults={
            "customers": len(customers),
            "churn_rate": round(100 * mean(probabilities), 2) if probabilities else None,
            "satisfaction": round(mean(rated), 2) if rated else None,
            "tenure_days": round(mean(tenure), 1) if tenure else None,
        },
    )
    return snapshot
