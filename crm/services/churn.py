"""The nightly churn fit: the merchant's model (or recency threshold) stored, and each customer's
probability of no visit within the horizon, spend at stake and explanation."""

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from merchants.models import Merchant

from .. import churn
from ..models import ChurnMethod, ChurnModel, CrmSettings

YEAR_DAYS = 365


@dataclass
class Reading:
    probability: float
    at_risk: bool
    yearly_value_fen: int
    at_stake_fen: int
    figures: dict


def churn_model_fit(
    *, merchant: Merchant, prefs: CrmSettings, histories: dict[int, churn.Visits], today: date
) -> tuple[ChurnModel, dict[int, Reading]]:
    """Fit the merchant's model on all its customers with a visit, store it, and read every
    customer. The recency threshold (backtested on the merchant's own history) instead when
    they are fewer than churn.MIN_CUSTOMERS_FOR_FIT, when the fit overflows, or when on the
    merchant's history one horizon ago plain recency ranked who came back clearly better.
    Deterministic: a rerun on the same data and day stores the same numbers."""
    ids = [pk for pk, h in histories.items() if h.days]
    visits = [histories[pk] for pk in ids]
    horizon = prefs.churn_horizon_days or churn.horizon_default(visits)
    mean_spend, weight = churn.spend_per_visit(visits)
    fields = {
        "horizon_days": horizon,
        "horizon_from_data": not prefs.churn_horizon_days,
        "customers": len(ids),
        "fitted_on": today,
        "fitted_at": timezone.now(),
    }
    readings: dict[int, Reading] = {}
    since = [(today - h.days[-1]).days for h in visits]
    spend = [churn.expected_spend(h, mean_spend, weight) for h in visits]
    fitted = None
    checked = None
    if len(ids) >= churn.MIN_CUSTOMERS_FOR_FIT:
        checked = churn.backtest(visits, today, horizon)
        fields |= {
            "backtest_model_auc": round(checked.model_auc, 4) if checked else None,
            "backtest_recency_auc": round(checked.recency_auc, 4) if checked else None,
        }
    else:
        fields |= {"backtest_model_auc": None, "backtest_recency_auc": None}
    if len(ids) >= churn.MIN_CUSTOMERS_FOR_FIT and not (checked and checked.recency_wins):
        summary = churn.Summary.of(visits, today)
        params = churn.fit(summary)
        probabilities = churn.p_no_visit(params, summary, horizon)
        # A fit whose numbers overflow for some customer is not used: the threshold instead.
        if np.all(np.isfinite(probabilities)):
            fitted = params
    if fitted is not None:
        rates = churn.visit_rate(params, summary)
        fields |= {
            "method": ChurnMethod.MODEL,
            "params": params.as_dict(),
            "recency_threshold_days": None,
            "log_likelihood": round(float(np.sum(churn.log_likelihood(params, summary))), 3),
        }
        flagged = [p >= churn.AT_RISK_PROBABILITY for p in probabilities]
        gap_params = params
    else:
        rule = churn.recency_backtest(visits, today, horizon)
        probabilities = churn.recency_probabilities(rule, since)
        # Visits per day: the customer's own, over their age (at least one horizon).
        rates = [len(h.days) / max((today - h.days[0]).days, horizon) for h in visits]
        fields |= {
            "method": ChurnMethod.RECENCY,
            "params": {},
            "recency_threshold_days": rule.threshold_days,
            "log_likelihood": None,
        }
        flagged = [d > rule.threshold_days for d in since]
        gap_params = None
    model, _ = ChurnModel.objects.update_or_create(merchant=merchant, defaults=fields)
    for pk, h, p, rate, days, each, risky in zip(
        ids, visits, probabilities, rates, since, spend, flagged, strict=True
    ):
        p = float(min(max(p, 0.0), 1.0))
        value = round(float(rate) * YEAR_DAYS * each)
        gap = churn.typical_gap(h, gap_params)
        readings[pk] = Reading(
            probability=round(p, 4),
            at_risk=bool(risky),
            yearly_value_fen=value,
            at_stake_fen=round(p * value),
            figures={
                "method": model.method,
                "probability": round(p, 4),
                "since": days,
                "visits": len(h.days),
                "gap": round(gap) if gap is not None and len(h.days) >= 2 else None,
                "horizon": horizon,
                "threshold": model.recency_threshold_days,
                "yearly_value_fen": value,
            },
        )
    return model, readings


def churn_explanation(figures: dict) -> str:
    """One line in the active language: the habit, the silence, the probability, the value."""
    if not figures:
        return ""
    numbers = {
        "gap": figures.get("gap"),
        "since": figures["since"],
        "percent": round(100 * figures["probability"]),
        "horizon": figures["horizon"],
        "threshold": figures.get("threshold"),
        "yuan": round(figures.get("yearly_value_fen", 0) / 100),
    }
    if figures.get("gap"):
        habit = _("通常每 %(gap)s 天来一次，已经 %(since)s 天没来") % numbers
    elif figures["visits"] == 1:
        habit = _("只来过一次，已经 %(since)s 天没来") % numbers
    else:
        habit = _("已经 %(since)s 天没来") % numbers
    if figures["method"] == ChurnMethod.RECENCY:
        rule = _("（本店超过 %(threshold)s 天没来的顾客多半不再回来）") % numbers
    else:
        rule = ""
    odds = _("，流失概率 %(percent)s%%（%(horizon)s 天内不再来），一年约消费 ¥%(yuan)s") % numbers
    return habit + rule + odds


def churn_explanation_zh(figures: dict) -> str:
    with override("zh-hans"):
        return churn_explanation(figures)
