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


@dataclass
class Scored:
    """What a method gives every customer (in the order of the visits), and what is stored."""

    probabilities: list[float] | np.ndarray
    flagged: list[bool]
    rates: list[float] | np.ndarray  # visits per day while they keep coming
    params: churn.Params | None  # the model's, for the usual gap of a one-off visitor
    fields: dict


def churn_model_fit(
    *, merchant: Merchant, prefs: CrmSettings, histories: dict[int, churn.Visits], today: date
) -> tuple[ChurnModel, dict[int, Reading]]:
    """Fit the merchant's model on all its customers with a visit, store it, and read every
    customer. The model's probabilities are calibrated on the merchant's own backtest (the
    model fitted on its history one horizon ago, against who came back since: churn.backtest)
    and the at-risk flag set at the probability that told the backtest's churners best. The
    recency threshold (backtested the same way) instead when they are fewer than
    churn.MIN_CUSTOMERS_FOR_FIT, when the fit overflows, or when on that backtest plain recency
    ranked who came back clearly better than the calibrated model.
    Deterministic: a rerun on the same data and day stores the same numbers."""
    ids = [pk for pk, h in histories.items() if h.days]
    visits = [histories[pk] for pk in ids]
    horizon = prefs.churn_horizon_days or churn.horizon_default(visits)
    checked = None
    if len(ids) >= churn.MIN_CUSTOMERS_FOR_FIT:
        checked = churn.backtest(visits, today, horizon)
    scored = None
    if len(ids) >= churn.MIN_CUSTOMERS_FOR_FIT and not (checked and checked.recency_wins):
        scored = _model_scored(visits, today, horizon, checked)
    if scored is None:  # too few customers, recency ranked better, or an overflowing fit
        scored = _recency_scored(visits, today, horizon)
    fields = scored.fields | {
        "horizon_days": horizon,
        "horizon_from_data": not prefs.churn_horizon_days,
        "customers": len(ids),
        "fitted_on": today,
        "fitted_at": timezone.now(),
        "backtest_model_auc": round(checked.model_auc, 4) if checked else None,
        "backtest_raw_model_auc": round(checked.raw_model_auc, 4) if checked else None,
        "backtest_recency_auc": round(checked.recency_auc, 4) if checked else None,
    }
    model, _ = ChurnModel.objects.update_or_create(merchant=merchant, defaults=fields)
    return model, _readings(model, ids, visits, scored, today)


def _model_scored(
    visits: list[churn.Visits], today: date, horizon: int, checked: churn.Backtest | None
) -> Scored | None:
    """Today's fit, read through the backtest's calibration (None: a fit whose numbers overflow
    for some customer is not used, the threshold instead)."""
    summary = churn.Summary.of(visits, today)
    params = churn.fit(summary)
    raw = churn.p_no_visit(params, summary, horizon)
    if not np.all(np.isfinite(raw)):
        return None
    if checked is not None:
        # The calibration fitted on the merchant's own backtest, read on today's fit; the
        # flag at the probability that told the backtest's churners best (F1).
        features = churn.features(visits, today, params, horizon)
        probabilities = checked.calibration.probability(features)
        threshold, calibration = checked.threshold, checked.calibration.as_dict()
    else:  # history shorter than the horizon (or one outcome): the model as fitted
        probabilities, threshold, calibration = raw, churn.AT_RISK_PROBABILITY, {}
    return Scored(
        probabilities=probabilities,
        flagged=[p >= threshold for p in probabilities],
        rates=churn.visit_rate(params, summary),
        params=params,
        fields={
            "method": ChurnMethod.MODEL,
            "params": params.as_dict(),
            "calibration": calibration,
            "at_risk_threshold": round(float(threshold), 4),
            "recency_threshold_days": None,
            "log_likelihood": round(float(np.sum(churn.log_likelihood(params, summary))), 3),
        },
    )


def _recency_scored(visits: list[churn.Visits], today: date, horizon: int) -> Scored:
    """The days-without-a-visit threshold backtested on the merchant's own history."""
    rule = churn.recency_backtest(visits, today, horizon)
    since = [(today - h.days[-1]).days for h in visits]
    return Scored(
        probabilities=churn.recency_probabilities(rule, since),
        flagged=[d > rule.threshold_days for d in since],
        # Visits per day: the customer's own, over their age (at least one horizon).
        rates=[len(h.days) / max((today - h.days[0]).days, horizon) for h in visits],
        params=None,
        fields={
            "method": ChurnMethod.RECENCY,
            "params": {},
            "calibration": {},
            "at_risk_threshold": None,
            "recency_threshold_days": rule.threshold_days,
            "log_likelihood": None,
        },
    )


def _readings(
    model: ChurnModel, ids: list[int], visits: list[churn.Visits], scored: Scored, today: date
) -> dict[int, Reading]:
    """Each customer's probability, flag, yearly value, spend at stake and the figures their
    explanation is written from."""
    mean_spend, weight = churn.spend_per_visit(visits)
    readings: dict[int, Reading] = {}
    for pk, h, p, rate, risky in zip(
        ids, visits, scored.probabilities, scored.rates, scored.flagged, strict=True
    ):
        p = float(min(max(p, 0.0), 1.0))
        value = round(float(rate) * YEAR_DAYS * churn.expected_spend(h, mean_spend, weight))
        gap = churn.typical_gap(h, scored.params)
        readings[pk] = Reading(
            probability=round(p, 4),
            at_risk=bool(risky),
            yearly_value_fen=value,
            at_stake_fen=round(p * value),
            figures={
                "method": model.method,
                "probability": round(p, 4),
                "since": (today - h.days[-1]).days,
                "visits": len(h.days),
                "gap": round(gap) if gap is not None and len(h.days) >= 2 else None,
                "horizon": model.horizon_days,
                "threshold": model.recency_threshold_days,
                "yearly_value_fen": value,
            },
        )
    return readings


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
