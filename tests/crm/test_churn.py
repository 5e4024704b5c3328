"""The churn model: the fit, one-off visitors, the small-merchant fallback, explanations, the
ranked at-risk list and what it feeds (segments, today list, retention tasks), the beat task."""

import csv
import importlib.util
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone
from django.utils.translation import override

from bench.data.churn import simulate
from crm import churn
from crm.models import (
    ChurnModel,
    CrmSettings,
    Customer,
    CustomerSource,
    KpiSnapshot,
    Purchase,
    Segment,
)
from crm.selectors import DEFAULTS, audience_consumer_ids
from crm.services import customers_recompute, retention_task_create
from crm.services.churn import churn_explanation
from crm.tasks import customers_recompute_all, customers_recompute_merchant
from crm.today import today_list
from tests.conftest import client_for
from tests.factories import MerchantFactory, UserFactory

from .helpers import customer_new, purchases_add

URL = "/api/v1/merchant/crm/"
TRUE = churn.Params(r=0.8, alpha=20.0, s=0.6, beta=120.0)


def pareto_nbd_histories(n: int, today: date, seed: int = 3) -> list[churn.Visits]:
    """Customers drawn from a known Pareto/NBD: rate ~ Gamma(r, 1/alpha) a day, lifetime rate
    ~ Gamma(s, 1/beta); first visits spread over the year before `today`."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        rate = rng.gamma(TRUE.r, 1 / TRUE.alpha)
        life = rng.exponential(1 / rng.gamma(TRUE.s, 1 / TRUE.beta))
        first = int(rng.integers(30, 365))
        end = min(first, life)
        t, days = 0.0, [0.0]
        while True:
            t += rng.exponential(1 / rate)
            if t > end:
                break
            days.append(t)
        visit_days = sorted({today - timedelta(days=first - int(d)) for d in days})
        visit_days = [d for d in visit_days if d < today]
        out.append(churn.Visits(visit_days, [8_000] * len(visit_days)))
    return out


def test_the_fit_recovers_known_parameters_roughly():
    today = date(2026, 6, 1)
    histories = pareto_nbd_histories(4000, today)
    fitted = churn.fit(churn.Summary.of(histories, today))
    assert fitted.r == pytest.approx(TRUE.r, rel=0.35)
    assert fitted.alpha == pytest.approx(TRUE.alpha, rel=0.5)
    assert fitted.s == pytest.approx(TRUE.s, rel=0.5)
    # The mean lifetime rate s/beta (what decides churn) is recovered more tightly.
    assert fitted.s / fitted.beta == pytest.approx(TRUE.s / TRUE.beta, rel=0.35)


def test_the_fit_matches_the_published_estimates_on_the_cdnow_sample():
    """Fader & Hardie's Pareto/NBD note: r 0.5533, alpha 10.5776, s 0.6061, beta 11.6650 (weeks)
    on the 2,357-customer CDNOW sample (lifetimes ships the summary; a dev dependency)."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None:
        pytest.skip("lifetimes (the CDNOW data) is not installed")
    path = Path(spec.origin).parent / "datasets" / "cdnow_customers_summary.csv"
    rows = list(csv.DictReader(path.open()))
    summary = churn.Summary(
        *(np.array([float(r[k]) for r in rows]) for k in ("frequency", "recency", "T"))
    )
    fitted = churn.fit(summary)
    assert fitted.r == pytest.approx(0.5533, rel=0.03)
    assert fitted.alpha == pytest.approx(10.5776, rel=0.03)
    assert fitted.s == pytest.approx(0.6061, rel=0.05)
    assert fitted.beta == pytest.approx(11.6650, rel=0.08)


def test_same_day_purchases_are_one_visit():
    day = date(2026, 5, 1)
    visits = churn.Visits.of([day, day, day + timedelta(days=20)], [1_000, 2_000, 500])
    assert visits.days == [day, day + timedelta(days=20)]
    assert visits.amounts == [3_000, 500]
    assert visits.gaps == [20]


def test_probabilities_follow_habit_and_silence():
    today = date(2026, 6, 1)
    params = churn.fit(churn.Summary.of(pareto_nbd_histories(1500, today), today))

    def p(days_ago: list[int]) -> float:
        visits = churn.Visits([today - timedelta(days=d) for d in days_ago], [1] * len(days_ago))
        return float(churn.p_no_visit(params, churn.Summary.of([visits], today), 60)[0])

    weekly_still = p([70, 63, 56, 49, 42, 35, 28, 21, 14, 7])
    weekly_gone = p([140, 133, 126, 119, 112, 105, 98, 91, 84, 77])
    one_off_recent, one_off_old = p([10]), p([200])
    assert 0 < weekly_still < 0.3 < 0.9 < weekly_gone <= 1
    assert 0 < one_off_recent < one_off_old < 1  # one-off visitors get probabilities too


def test_recency_backtest_chooses_the_threshold_from_the_merchants_history():
    today = date(2026, 6, 1)
    histories = []
    for k in range(40):  # regulars every 10 days, still coming
        histories.append(
            churn.Visits(
                [today - timedelta(days=10 * i + k % 10) for i in range(30, -1, -1)], [1] * 31
            )
        )
    for k in range(40):  # gone 100-180 days ago, after a monthly habit
        last = 100 + 2 * k
        histories.append(
            churn.Visits([today - timedelta(days=last + 30 * i) for i in range(5, -1, -1)], [1] * 6)
        )
    rule = churn.recency_backtest(histories, today, 60)
    assert 10 < rule.threshold_days <= 40  # between the regulars' gap and the lapsed silence
    assert rule.probability(5) < 0.5 < rule.probability(90)


def test_the_backtest_outcome_is_a_visit_from_its_cut_through_today():
    """The backtest cut one horizon ago: history strictly before it, a return from the cut day
    through today (a refit during the day sees today's visits, so they count as returns)."""
    today, horizon = date(2026, 6, 1), 60
    cut = today - timedelta(days=horizon)
    first = cut - timedelta(days=30)

    def returning_on(day: date) -> churn.Visits:
        return churn.Visits([first, day], [1, 1])

    assert churn.came_back(returning_on(cut), cut, today)
    assert churn.came_back(returning_on(today), cut, today)
    assert not churn.came_back(returning_on(cut - timedelta(days=1)), cut, today)
    assert returning_on(cut).before(cut).days == [first]
    rule = churn.recency_backtest([returning_on(today), churn.Visits([first], [1])], today, horizon)
    assert rule.churned == [False, True]


def test_explanation_in_plain_chinese_and_english():
    figures = {
        "method": "pareto_nbd",
        "probability": 0.82,
        "since": 65,
        "visits": 7,
        "gap": 20,
        "horizon": 60,
        "threshold": None,
        "yearly_value_fen": 96_000,
    }
    with override("zh-hans"):
        assert churn_explanation(figures).startswith(
            "通常每 20 天来一次，已经 65 天没来，流失概率 82%"
        )
        assert "¥960" in churn_explanation(figures)
        one_off = {**figures, "visits": 1, "gap": None}
        assert churn_explanation(one_off).startswith("只来过一次，已经 65 天没来")
        small = {**figures, "method": "recency", "threshold": 40}
        assert "超过 40 天没来" in churn_explanation(small)
    with override("en"):
        english = churn_explanation(figures)
    assert english.startswith("Usually comes every 20 days, not seen for 65 days")
    assert "82%" in english


# --- through the database --------------------------------------------------------------------


def test_the_calibration_corrects_a_model_that_misreads_the_odds():
    """A model whose log-odds are too timid and shifted (a young shop slowing down, regulars
    undersold): the logistic calibration on the backtest maps them back to the frequencies."""
    rng = np.random.default_rng(11)
    true_odds = rng.normal(0.5, 1.5, 4000)
    gone = rng.random(4000) < 1 / (1 + np.exp(-true_odds))
    model_odds = 0.4 * true_odds - 1.0  # says 0.3 where the truth is 0.6
    X = np.column_stack([model_odds, rng.normal(size=(4000, len(churn.CALIBRATION_FEATURES) - 1))])
    calibrated = churn.calibration_fit(X[:2000], gone[:2000]).probability(X[2000:])
    raw = 1 / (1 + np.exp(-model_odds[2000:]))
    observed = gone[2000:].mean()
    assert abs(raw.mean() - observed) > 0.15
    assert calibrated.mean() == pytest.approx(observed, abs=0.03)
    # Within deciles of the calibrated probability, the share gone matches it.
    order = np.argsort(calibrated)
    for chunk in np.array_split(order, 10):
        assert calibrated[chunk].mean() == pytest.approx(gone[2000:][chunk].mean(), abs=0.08)


def test_the_f1_threshold_is_the_best_cut_of_the_scores():
    scores = [0.9, 0.8, 0.8, 0.6, 0.4, 0.3, 0.1]
    truth = [True, True, False, True, False, True, False]
    chosen = churn.best_f1_threshold(scores, truth)
    best = max(scores, key=lambda t: churn.f1_at([s >= t for s in scores], truth)["f1"])
    assert chosen == best


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def merchant_with(histories: list[churn.Visits], **settings):
    """A merchant whose customers have these histories (bulk: only purchases, no feed)."""
    merchant = MerchantFactory()
    CrmSettings.objects.create(merchant=merchant, **{**DEFAULTS, **settings})
    customers = Customer.objects.bulk_create(
        [
            Customer(merchant=merchant, name=f"c{i}", source=CustomerSource.IMPORT)
            for i in range(len(histories))
        ]
    )
    Purchase.objects.bulk_create(
        [
            Purchase(customer=c, at=moment(d), amount_fen=a, reference=f"b:{i}")
            for c, h in zip(customers, histories, strict=True)
            for i, (d, a) in enumerate(zip(h.days, h.amounts, strict=True))
        ]
    )
    return merchant, customers


@pytest.mark.django_db
def test_a_merchant_with_enough_customers_gets_the_model_one_off_visitors_included():
    today = timezone.localdate()
    histories = pareto_nbd_histories(churn.MIN_CUSTOMERS_FOR_FIT + 100, today, seed=5)
    merchant, customers = merchant_with(histories)
    customers_recompute(merchant=merchant, today=today)
    model = ChurnModel.objects.get(merchant=merchant)
    assert model.method == "pareto_nbd" and set(model.params) == {"r", "alpha", "s", "beta"}
    assert model.horizon_from_data and 14 <= model.horizon_days <= 365
    one_offs = [c for c, h in zip(customers, histories, strict=True) if len(h.days) == 1]
    assert one_offs
    for customer in Customer.objects.filter(pk__in=[c.pk for c in one_offs]):
        assert 0 < customer.churn_probability < 1
        assert customer.churn_figures["visits"] == 1
    shown = client_for(merchant.owner).get(f"{URL}churn/").json()
    assert shown["method"] == "pareto_nbd" and shown["customers"] == len(histories)


@pytest.mark.django_db
def test_a_small_merchant_uses_a_recency_threshold_and_says_so():
    today = timezone.localdate()
    merchant = MerchantFactory()
    owner = client_for(merchant.owner)
    assert owner.get(f"{URL}churn/").json()["method"] is None  # not fitted yet
    regular = customer_new(merchant, name="常客")
    purchases_add(regular, [today - timedelta(days=d) for d in range(120, 0, -10)])
    lapsed = customer_new(merchant, name="久未到店")
    purchases_add(lapsed, [today - timedelta(days=d) for d in range(300, 80, -10)])
    for k in range(8):
        other = customer_new(merchant, name=f"客{k}")
        purchases_add(other, [today - timedelta(days=d) for d in range(200 - k, 0, -25)])
    owner.post(f"{URL}recompute/")
    shown = owner.get(f"{URL}churn/").json()
    assert shown["method"] == "recency" and shown["recency_threshold_days"] > 0
    assert shown["min_customers_for_model"] == churn.MIN_CUSTOMERS_FOR_FIT
    regular.refresh_from_db()
    lapsed.refresh_from_db()
    assert lapsed.at_risk and not regular.at_risk
    assert lapsed.churn_probability > regular.churn_probability
    assert lapsed.flags[0]["code"] == "overdue" and "天没来" in lapsed.flags[0]["reason"]
    # The horizon is the merchant's to set.
    settings = owner.get(f"{URL}scorecard/").json()
    settings["churn_horizon_days"] = 45
    assert owner.put(f"{URL}scorecard/", settings, format="json").status_code == 200
    owner.post(f"{URL}recompute/")
    shown = owner.get(f"{URL}churn/").json()
    assert (shown["horizon_days"], shown["horizon_from_data"]) == (45, False)
    settings["churn_horizon_days"] = 3
    refused = owner.put(f"{URL}scorecard/", settings, format="json")
    assert refused.status_code == 400 and "churn_horizon_days" in refused.json()["fields"]


@pytest.mark.django_db
def test_the_at_risk_list_ranks_by_probability_times_value_and_feeds_the_work():
    today = timezone.localdate()
    merchant = MerchantFactory()
    owner = client_for(merchant.owner)
    big_spender, small_spender = UserFactory(), UserFactory()
    big = customer_new(merchant, name="大客户", consumer=big_spender, phone=big_spender.phone)
    purchases_add(big, [today - timedelta(days=d) for d in range(300, 90, -15)], 50_000)
    small = customer_new(merchant, name="小客户", consumer=small_spender, phone=small_spender.phone)
    purchases_add(small, [today - timedelta(days=d) for d in range(300, 90, -15)], 2_000)
    regular = customer_new(merchant, name="常客")
    purchases_add(regular, [today - timedelta(days=d) for d in range(200, 0, -15)], 50_000)
    for k in range(6):
        purchases_add(
            customer_new(merchant, name=f"客{k}"),
            [today - timedelta(days=d) for d in range(250 - 5 * k, 0, -20)],
        )
    owner.post(f"{URL}recompute/")
    ranked = owner.get(f"{URL}at-risk/").json()
    assert ranked["next"] is None and ranked["next_cursor"] is None  # the whole cut, one page
    ranked = ranked["results"]
    assert [c["name"] for c in ranked][:2] == ["大客户", "小客户"]
    assert ranked[0]["at_stake_fen"] > ranked[1]["at_stake_fen"] > 0
    assert ranked[0]["churn_method"] == "recency"
    assert "天没来" in ranked[0]["churn_explanation"]
    english = owner.get(f"{URL}at-risk/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert "not seen for" in english[0]["churn_explanation"]
    # Cut to what the staff can call a day.
    CrmSettings.objects.create(merchant=merchant, **DEFAULTS, at_risk_daily_calls=1)
    assert [c["name"] for c in owner.get(f"{URL}at-risk/").json()["results"]] == ["大客户"]
    assert owner.get(f"{URL}at-risk/", {"limit": 0}).status_code == 400
    # Today's list carries the top of the ranking; the segments follow the model.
    items = [i for i in today_list(merchant, merchant.owner) if i.source == "at_risk"]
    assert [i.customer_name for i in items] == ["大客户"]
    assert "流失概率" in items[0].reason
    audience = set(audience_consumer_ids(merchant, Segment.AT_RISK, Segment.LOST))
    assert big_spender.pk in audience and small_spender.pk in audience
    regular.refresh_from_db()
    assert regular.segment not in (Segment.AT_RISK, Segment.LOST)
    big.refresh_from_db()
    task = retention_task_create(customer=big, assigned_to=None, due=today)
    assert "流失概率" in task.title
    # The churn-rate KPI is the expected share not coming back within the horizon.
    probabilities = Customer.objects.filter(merchant=merchant).values_list(
        "churn_probability", flat=True
    )
    kpi = KpiSnapshot.objects.get(merchant=merchant, day=today)
    assert kpi.churn_rate == pytest.approx(100 * np.mean(list(probabilities)), abs=0.01)


@pytest.mark.django_db
def test_a_large_merchant_keeps_the_model_unless_its_own_backtest_prefers_recency():
    today = date(2026, 6, 30)
    simulated = [churn.Visits.of(s.days, s.amounts) for s in simulate(customers=700)]
    merchant, _ = merchant_with([h for h in simulated if h.days])
    customers_recompute(merchant=merchant, today=today)
    model = ChurnModel.objects.get(merchant=merchant)
    assert model.backtest_model_auc is not None and model.backtest_recency_auc is not None
    assert model.backtest_raw_model_auc is not None
    recency_wins = model.backtest_recency_auc > model.backtest_model_auc + 0.01
    assert model.method == ("recency" if recency_wins else "pareto_nbd")
    shown = client_for(merchant.owner).get(f"{URL}churn/").json()
    assert shown["backtest_recency_auc"] == model.backtest_recency_auc


@pytest.mark.django_db
def test_the_model_is_calibrated_on_the_merchants_own_backtest():
    """The simulator's shop seen a quarter before its year ends: the stored probabilities
    (calibrated on the shop's history one horizon earlier) match the share who then did not
    come back within the horizon; the flag is the backtest's best-F1 cut, and each line's
    explanation quotes the stored probability."""
    cut = date(2026, 4, 1)
    simulated = [churn.Visits.of(s.days, s.amounts) for s in simulate(customers=700)]
    seen = [h for h in simulated if h.before(cut).days]
    merchant, customers = merchant_with([h.before(cut) for h in seen])
    customers_recompute(merchant=merchant, today=cut)
    model = ChurnModel.objects.get(merchant=merchant)
    assert model.method == "pareto_nbd"
    assert model.calibration["features"] == list(churn.CALIBRATION_FEATURES)
    assert 0 < model.at_risk_threshold < 1
    shown = client_for(merchant.owner).get(f"{URL}churn/").json()
    assert shown["calibrated"] and shown["at_risk_threshold"] == model.at_risk_threshold
    stored = {c.name: c for c in Customer.objects.filter(merchant=merchant)}
    rows = [stored[c.name] for c in customers]
    end = cut + timedelta(days=model.horizon_days)
    gone = [not any(cut <= d < end for d in h.days) for h in seen]
    p = [c.churn_probability for c in rows]
    assert np.mean(p) == pytest.approx(np.mean(gone), abs=0.05)
    assert churn.auc(p, gone) > 0.75
    for c in rows:
        assert c.at_risk == (c.churn_probability >= model.at_risk_threshold)
        if c.at_risk:
            assert f"流失概率 {round(100 * c.churn_probability)}%" in c.flags[0]["reason"]


@pytest.mark.django_db
def test_the_nightly_task_is_one_per_merchant_and_idempotent(monkeypatch):
    today = timezone.localdate()
    histories = pareto_nbd_histories(churn.MIN_CUSTOMERS_FOR_FIT + 20, today, seed=9)
    merchant, _ = merchant_with(histories)
    queued = []
    monkeypatch.setattr(customers_recompute_merchant, "delay", lambda pk: queued.append(pk))
    customers_recompute_all()
    assert queued == [merchant.pk]
    customers_recompute_merchant(merchant.pk)
    first = ChurnModel.objects.get(merchant=merchant)
    before = dict(Customer.objects.filter(merchant=merchant).values_list("pk", "churn_probability"))
    customers_recompute_merchant(merchant.pk)
    again = ChurnModel.objects.get(merchant=merchant)
    assert ChurnModel.objects.filter(merchant=merchant).count() == 1
    assert (again.params, again.horizon_days, again.fitted_on) == (
        first.params,
        first.horizon_days,
        first.fitted_on,
    )
    after = dict(Customer.objects.filter(merchant=merchant).values_list("pk", "churn_probability"))
    assert after == before
