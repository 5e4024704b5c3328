"""Churn: the CRM's churn model (crm.churn) on real purchase data and on the simulator, by the
calibration/holdout protocol.

Real data: CDNOW (23,570 customers of a CD retailer, Jan 1997 - Jun 1998, as shipped in the
`lifetimes` package's CDNOW_master.txt; only the file is read). Cut-offs 1997-10-01 and
1998-01-01: the model is fitted on the purchases before the cut and scored against the truth
"no purchase from the cut to the end of the data". The horizon H (the product's own rule:
crm.churn.horizon_default) and every threshold (the model's probability, the plain recency
threshold) are chosen on the first cut-off only and applied unchanged to the second. Each
figure is the minimum (for errors, the maximum) over the two cut-offs; per cut-off figures
follow. Beside it: a plain "no visit for more than d days" rule (its AUC ranks by days since
the last visit), and the "lapsed" rule (3 purchases in the last 6 months, none in the last
6 weeks).

Calibration: |mean predicted - observed|, the prediction being the model's probability of no
purchase over the holdout's own length (what the truth measures); `_at_h` uses H instead.

Simulator (bench/data/cm.py): the same protocol at two cut-offs a quarter apart, through the
database and the nightly recompute (crm.services.customers_recompute), scored against "no
purchase in the holdout", not the simulator's hidden label.

Beside the product's model, per cut-off: BG/NBD (Fader, Hardie & Lee 2005; own scipy fit, as
the Pareto/NBD) with its log-likelihood and raw AUC against the Pareto/NBD's, and the ceiling
`own_truth_auc` / `own_truth_f1`: the product's calibration (same features) fitted on the cut's
own truth instead of the backtest, out of fold (two halves), i.e. the best a logistic on these
figures can do when it is allowed to see the answer.

Minimum customers for a stable fit: random subsamples of n customers (10 draws per n) fitted
alone; stable when in 9 of 10 draws the subsample's probabilities stay within 0.05 (mean
absolute difference) of the full fit's on the same customers, and its AUC within 0.03.
"""

import importlib.util
import random
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone
from scipy.optimize import minimize
from scipy.special import betaln, gammaln

from accounts.models import Role, User
from bench.data.churn import YEAR_END, simulate
from crm import churn as cm
from crm.models import CrmSettings, Customer, CustomerSource, Purchase
from crm.scoring import History, simple_rule_at_risk
from crm.selectors import DEFAULTS
from crm.services import customers_recompute
from merchants.models import Merchant

CDNOW_CUTS = (date(1997, 10, 1), date(1998, 1, 1))
CDNOW_END = date(1998, 7, 1)  # the data ends on 1998-06-30
SIM_CUTS = (YEAR_END - timedelta(days=182), YEAR_END - timedelta(days=91))
SUBSAMPLE_SIZES = (50, 100, 200, 400, 800)


def cdnow() -> list[cm.Visits]:
    spec = importlib.util.find_spec("lifetimes")
    path = Path(spec.origin).parent / "datasets" / "CDNOW_master.txt"
    raw: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for line in path.read_text().splitlines()[1:]:
        customer, day, _cds, dollars = line.split()
        raw[customer][0].append(date(int(day[:4]), int(day[4:6]), int(day[6:])))
        raw[customer][1].append(round(float(dollars) * 100))
    return [cm.Visits.of(*raw[k]) for k in sorted(raw)]


def holdout(histories: list[cm.Visits], cut: date, end: date, horizon: int | None = None):
    """The calibration histories of those seen before the cut, the truth for each (no purchase
    from the cut to the end) and, given a horizon, the truth within it."""
    calibration, truth, within = [], [], []
    for h in histories:
        before = h.before(cut)
        if before.days:
            calibration.append(before)
            truth.append(not any(cut <= d < end for d in h.days))
            if horizon is not None:
                stop = cut + timedelta(days=horizon)
                within.append(not any(cut <= d < stop for d in h.days))
    return calibration, truth, within


def best_threshold(scores: list[float], truth: list[bool]) -> float:
    """The score threshold (flag when >=) with the best F1."""
    return cm.best_f1_threshold(scores, truth)


def bgnbd_log_likelihood(theta: np.ndarray, S: cm.Summary) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's BG/NBD log-likelihood (log r, alpha, a, b), and the log-odds of having
    dropped out after the last visit (none for a one-off visitor: BG/NBD drops after a visit)."""
    r, alpha, a, b = np.exp(theta)
    x, t_x, T = S.x, S.t_x, S.T
    alive = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + betaln(a, b + x)
        - betaln(a, b)
        - (r + x) * np.log(alpha + T)
    )
    with np.errstate(divide="ignore"):
        dropped = np.where(
            x > 0,
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-12))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)),
            -np.inf,
        )
    return alive + np.logaddexp(0.0, dropped), dropped


def bgnbd(S: cm.Summary, horizon: int) -> tuple[float, np.ndarray]:
    """BG/NBD by maximum likelihood: the total log-likelihood and P(no visit within horizon)."""

    def negative(theta):
        value = -float(np.sum(bgnbd_log_likelihood(theta, S)[0]))
        return value if np.isfinite(value) else 1e300

    start = np.log([0.5, max(float(np.mean(S.T)), 1.0) / 3, 1.0, 1.0])
    with np.errstate(all="ignore"):
        found = minimize(negative, start, method="Nelder-Mead", options={"maxiter": 4000})
    r, alpha, _, _ = np.exp(found.x)
    alive = 1.0 / (1.0 + np.exp(bgnbd_log_likelihood(found.x, S)[1]))
    visit = 1.0 - ((alpha + S.T) / (alpha + S.T + horizon)) ** (r + S.x)
    return -float(found.fun), 1.0 - alive * visit


def own_truth_ceiling(X: np.ndarray, truth: list[bool]) -> dict:
    """The calibration fitted on the cut's own truth, out of fold: AUC and best-F1."""
    y = np.array(truth)
    fold = np.arange(len(y)) % 2 == 0
    scores = np.empty(len(y))
    for held in (fold, ~fold):
        scores[held] = cm.calibration_fit(X[~held], y[~held]).probability(X[held])
    threshold = cm.best_f1_threshold(scores, truth)
    return {
        "own_truth_auc": cm.auc(scores.tolist(), truth),
        "own_truth_f1": cm.f1_at([x >= threshold for x in scores], truth)["f1"],
    }


def cut_scores(calibration, truth, within, cut, end, *, horizon, threshold=None, recency_days=None):
    """The product's pipeline at one cut, on the data before it only: the backtest (the model
    fitted one horizon before the cut, calibrated on who came back by the cut), today's fit,
    the calibrated probabilities and the backtest's best-F1 threshold."""
    started = time.perf_counter()
    checked = cm.backtest(calibration, cut, horizon)
    summary = cm.Summary.of(calibration, cut)
    params = cm.fit(summary)
    fit_seconds = time.perf_counter() - started
    window = (end - cut).days
    raw = cm.p_no_visit(params, summary, horizon)
    raw_window = cm.p_no_visit(params, summary, window)
    X = cm.features(calibration, cut, params, horizon)
    p = checked.calibration.probability(X).tolist()
    # Over the holdout's length: the same calibration read on the model's odds for that length.
    p_window = checked.calibration.probability(cm.features(calibration, cut, params, window))
    since = [(cut - h.days[-1]).days for h in calibration]
    threshold = best_threshold(p, truth) if threshold is None else threshold
    recency_days = best_threshold(since, truth) if recency_days is None else recency_days
    observed = float(np.mean(truth))
    model = cm.f1_at([x >= checked.threshold for x in p], truth)
    holdout_chosen = cm.f1_at([x >= threshold for x in p], truth)
    recency = cm.f1_at([d >= recency_days for d in since], truth)
    lapsed = cm.f1_at(
        [simple_rule_at_risk(History(h.days, h.amounts), cut) for h in calibration], truth
    )
    bg_log_likelihood, bg = bgnbd(summary, horizon)
    return own_truth_ceiling(X, truth) | {
        "bgnbd_log_likelihood": bg_log_likelihood,
        "log_likelihood": float(np.sum(cm.log_likelihood(params, summary))),
        "bgnbd_auc": cm.auc(bg.tolist(), truth),
        "customers": len(calibration),
        "observed_churn": observed,
        "auc": cm.auc(p, truth),
        "raw_auc": cm.auc(raw.tolist(), truth),
        "f1": model["f1"],
        "precision": model["precision"],
        "recall": model["recall"],
        "f1_first_cut_threshold": holdout_chosen["f1"],
        # The product's claim: the flag against "no purchase within H" (not the whole holdout).
        "f1_at_h": cm.f1_at([x >= checked.threshold for x in p], within)["f1"],
        "auc_at_h": cm.auc(p, within),
        "recency_auc_at_h": cm.auc([float(d) for d in since], within),
        "calibration_error": abs(float(np.mean(p_window)) - observed),
        "calibration_error_at_h": abs(float(np.mean(p)) - float(np.mean(within))),
        "raw_calibration_error": abs(float(np.mean(raw_window)) - observed),
        "raw_calibration_error_at_h": abs(float(np.mean(raw)) - float(np.mean(within))),
        "recency_auc": cm.auc([float(d) for d in since], truth),
        "recency_f1": recency["f1"],
        "lapsed_f1": lapsed["f1"],
        "flag_everyone_f1": cm.f1_at([True] * len(truth), truth)["f1"],
        "fit_seconds": fit_seconds,
        "backtest_model_auc": checked.model_auc,
        "backtest_recency_auc": checked.recency_auc,
        "backtest_threshold": checked.threshold,
        "threshold": threshold,
        "recency_days": recency_days,
        "params": params,
    }


# Reported as the minimum over the two cut-offs (errors and times: the maximum).
OVER_BOTH = (
    "auc",
    "f1",
    "precision",
    "recall",
    "calibration_error",
    "calibration_error_at_h",
    "recency_auc",
    "raw_auc",
    "raw_calibration_error",
    "raw_calibration_error_at_h",
    "f1_first_cut_threshold",
    "f1_at_h",
    "auc_at_h",
    "recency_auc_at_h",
    "recency_f1",
    "lapsed_f1",
    "flag_everyone_f1",
    "own_truth_auc",
    "own_truth_f1",
    "bgnbd_auc",
    "fit_seconds",
)
WORST_IS_MAX = {
    "calibration_error",
    "calibration_error_at_h",
    "raw_calibration_error",
    "raw_calibration_error_at_h",
    "fit_seconds",
}
PER_CUT = (
    "customers",
    "observed_churn",
    "auc",
    "raw_auc",
    "recency_auc",
    "f1",
    "calibration_error",
    "calibration_error_at_h",
    "backtest_model_auc",
    "backtest_recency_auc",
    "backtest_threshold",
    "own_truth_auc",
    "own_truth_f1",
    "log_likelihood",
    "bgnbd_log_likelihood",
    "bgnbd_auc",
)


def protocol(histories, cuts, end, prefix: str) -> dict:
    horizon = cm.horizon_default(holdout(histories, cuts[0], end)[0])
    first, second = (holdout(histories, cut, end, horizon) for cut in cuts)
    one = cut_scores(*first, cuts[0], end, horizon=horizon)
    two = cut_scores(
        *second,
        cuts[1],
        end,
        horizon=horizon,
        threshold=one["threshold"],
        recency_days=one["recency_days"],
    )
    out = {f"{prefix}_horizon_days": horizon}
    for key in OVER_BOTH:
        pick = max if key in WORST_IS_MAX else min
        out[f"{prefix}_{key}"] = round(pick(one[key], two[key]), 3)
    for index, scored in enumerate((one, two), start=1):
        for key in PER_CUT:
            out[f"{prefix}_cut{index}_{key}"] = round(scored[key], 3)
        out[f"{prefix}_cut{index}_params"] = scored["params"].as_dict()
    out[f"{prefix}_recency_days"] = round(one["recency_days"])
    return out


def min_customers(histories, cut, end, seed: int = 21) -> dict:
    """The smallest subsample size whose own fit stays close to the full fit (module doc)."""
    calibration, truth, _ = holdout(histories, cut, end)
    full = cm.Summary.of(calibration, cut)
    params = cm.fit(full)
    horizon = cm.horizon_default(calibration)
    p_full = cm.p_no_visit(params, full, horizon)
    rng = random.Random(seed)
    stable_at = None
    rows = {}
    for n in SUBSAMPLE_SIZES:
        good = 0
        for _ in range(10):
            pick = rng.sample(range(len(calibration)), n)
            sub = cm.Summary.of([calibration[i] for i in pick], cut)
            p_sub = cm.p_no_visit(cm.fit(sub), sub, horizon)
            drift = float(np.mean(np.abs(p_sub - p_full[pick])))
            sub_truth = [truth[i] for i in pick]
            auc_gap = abs(
                cm.auc(p_sub.tolist(), sub_truth) - cm.auc(p_full[pick].tolist(), sub_truth)
            )
            good += drift <= 0.05 and auc_gap <= 0.03
        rows[n] = good
        if stable_at is None and good >= 9:
            stable_at = n
    return {"stable_at": stable_at, "stable_draws": rows}


# --- the simulator through the database ------------------------------------------------------


def merchant_load(histories: list[cm.Visits], cut: date, label: str) -> Merchant:
    run = f"{int(time.time() * 1000) % 100000:05d}"
    owner = User.objects.create_user(f"+86135{run}{label}", None, role=Role.MERCHANT_OWNER)
    merchant = Merchant.objects.create(owner=owner, name=f"churn bench {label}")
    noon = timezone.get_current_timezone()
    with transaction.atomic():
        customers = Customer.objects.bulk_create(
            [
                Customer(merchant=merchant, name=f"sim{i}", source=CustomerSource.IMPORT)
                for i in range(len(histories))
            ],
            batch_size=2000,
        )
        Purchase.objects.bulk_create(
            [
                Purchase(
                    customer=customer,
                    at=timezone.datetime(day.year, day.month, day.day, 12, tzinfo=noon),
                    amount_fen=amount,
                    service_name="洗剪吹",
                    reference=f"sim:{index}",
                )
                for customer, h in zip(customers, histories, strict=True)
                for index, (day, amount) in enumerate(zip(h.days, h.amounts, strict=True))
                if day < cut
            ],
            batch_size=5000,
        )
    return merchant


def simulator_through_recompute(histories: list[cm.Visits]) -> dict:
    """Each cut loaded as a merchant and graded by the nightly recompute; H from the first
    cut's merchant (the product's default) set on the second."""
    out, horizon = {}, None
    for index, cut in enumerate(SIM_CUTS, start=1):
        merchant = merchant_load(histories, cut, f"{index}")
        CrmSettings.objects.create(merchant=merchant, **DEFAULTS, churn_horizon_days=horizon)
        started = time.perf_counter()
        customers_recompute(merchant=merchant, today=cut)
        out[f"sim_cut{index}_recompute_seconds"] = round(time.perf_counter() - started, 2)
        model = merchant.crm_churn_model
        horizon = horizon or model.horizon_days
        rows = dict(
            Customer.objects.filter(merchant=merchant, churn_probability__isnull=False).values_list(
                "name", "churn_probability"
            )
        )
        flagged = dict(Customer.objects.filter(merchant=merchant).values_list("name", "at_risk"))
        names = [f"sim{i}" for i, h in enumerate(histories) if h.before(cut).days]
        truth = [not any(cut <= d < YEAR_END for d in histories[int(n[3:])].days) for n in names]
        p = [rows[n] for n in names]
        scored = cm.f1_at([flagged[n] for n in names], truth)
        out[f"sim_cut{index}_method"] = model.method
        out[f"sim_cut{index}_backtest_model_auc"] = model.backtest_model_auc
        out[f"sim_cut{index}_backtest_recency_auc"] = model.backtest_recency_auc
        out[f"sim_cut{index}_product_auc"] = round(cm.auc(p, truth), 3)
        out[f"sim_cut{index}_product_f1"] = round(scored["f1"], 3)
    return out


def churn() -> dict:
    real = cdnow()
    out = {"cdnow_customers": len(real)}
    out |= protocol(real, CDNOW_CUTS, CDNOW_END, "cdnow")
    simulated = [cm.Visits.of(s.days, s.amounts) for s in simulate()]
    simulated = [h for h in simulated if h.days]
    out["sim_customers"] = len(simulated)
    out |= protocol(simulated, SIM_CUTS, YEAR_END + timedelta(days=1), "sim")
    out |= simulator_through_recompute(simulated)
    cdnow_min = min_customers(real, CDNOW_CUTS[0], CDNOW_END)
    sim_min = min_customers(simulated, SIM_CUTS[0], YEAR_END + timedelta(days=1))
    out["cdnow_min_customers_stable"] = cdnow_min["stable_at"]
    out["cdnow_min_customers_draws"] = cdnow_min["stable_draws"]
    out["sim_min_customers_stable"] = sim_min["stable_at"]
    out["sim_min_customers_draws"] = sim_min["stable_draws"]
    out["min_customers_for_fit_in_use"] = cm.MIN_CUSTOMERS_FOR_FIT
    return out
