"""Who is about to stop coming: a probabilistic model of each customer's next visit.

Pure arithmetic (numpy and scipy, no database), shared by the nightly fit, the tests and the
churn benchmark.

The model is the Pareto/NBD (Schmittlein, Morrison & Colombo 1987; the likelihood as in Fader,
Hardie & Lee 2005). While a customer is "alive" they visit as a Poisson process whose rate
lambda varies between customers as Gamma(r, alpha); each customer's lifetime is exponential with
a rate mu that varies as Gamma(s, beta). The four numbers are fitted per merchant by maximum
likelihood over all its customers, one-off visitors included, from three figures per customer:
repeat visits x, the day of the last visit t_x and the age T (days since the first visit).
Same-day purchases are one visit.

For each customer the fitted model gives the probability of no visit within the horizon H:

    P(no visit in (T, T+H]) = 1 - P(alive at T) * (1 - P(no visit in H | alive))

where, with the posterior lambda ~ Gamma(r+x, alpha+T) and mu ~ Gamma(s, beta+T) of someone
still alive, "no visit in H" is either no visit at all in H or dying before the first one:

    P(no visit in H | alive) = E[exp(-(lambda+mu) H)]
                               + integral_0^H E[mu exp(-mu t)] E[exp(-lambda t)] dt

(the integral by Gauss-Legendre quadrature).

The model's probabilities are then calibrated on the merchant's own history (`backtest`): the
model is fitted on the history before (today - H), the customers who did not come back by today
are observed, and a logistic regression of that outcome on the model's log-odds and a few robust
figures (days since the last visit, repeat visits, age, silence against the customer's usual
and longest gap and how often they came back after as long a silence, spend per visit) is
fitted there; read on today's fit, it corrects what a stationary model gets wrong (young
customers slowing down, regular visitors). The at-risk flag is the calibrated
probability with the best F1 on that backtest (out of fold), so it transfers to today.

A merchant with too few customers for a stable fit gets a recency threshold instead: the number
of days without a visit that best separated, on its own history one horizon ago, the customers
who came back from those who did not.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

MODEL = "pareto_nbd"
RECENCY = "recency"
# Fewer customers (with a visit) than this: the recency threshold (measured: bench churn).
MIN_CUSTOMERS_FOR_FIT = 200
# The default horizon: the gap within which this share of the customers' usual gaps fall.
HORIZON_QUANTILE = 0.9
HORIZON_BOUNDS = (14, 365)
AT_RISK_PROBABILITY = 0.5  # more likely gone than not: the flag when there is no backtest
# The model is kept unless, on the merchant's own history one horizon ago, plain recency ranked
# who came back better than the calibrated model (out of fold) by more than this (AUC).
RECENCY_BETTER_BY = 0.01
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(40)


@dataclass
class Visits:
    """A customer's visits (distinct days, oldest first) and what they spent on each."""

    days: list[date]
    amounts: list[int]  # fen, the day's total

    @classmethod
    def of(cls, days: list[date], amounts: list[int]) -> Visits:
        """Purchases to visits: same-day purchases are one visit with their total spend."""
        merged: dict[date, int] = {}
        for day, amount in zip(days, amounts, strict=True):
            merged[day] = merged.get(day, 0) + amount
        ordered = sorted(merged)
        return cls(ordered, [merged[d] for d in ordered])

    def before(self, cut: date) -> Visits:
        kept = [(d, a) for d, a in zip(self.days, self.amounts, strict=True) if d < cut]
        return Visits([d for d, _ in kept], [a for _, a in kept])

    @property
    def gaps(self) -> list[int]:
        return [(b - a).days for a, b in zip(self.days, self.days[1:], strict=False)]


@dataclass
class Summary:
    """Per customer: repeat visits x, last visit t_x and age T in days (first visit = day 0)."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray

    @classmethod
    def of(cls, histories: list[Visits], today: date) -> Summary:
        seen = [h for h in histories if h.days]
        return cls(
            np.array([len(h.days) - 1 for h in seen], dtype=float),
            np.array([(h.days[-1] - h.days[0]).days for h in seen], dtype=float),
            # A first visit today has age 1/2 day, not 0, so the likelihood stays finite.
            np.array([max((today - h.days[0]).days, 0.5) for h in seen], dtype=float),
        )

    def __len__(self) -> int:
        return len(self.x)


@dataclass
class Params:
    r: float
    alpha: float
    s: float
    beta: float

    def as_dict(self) -> dict:
        return {k: round(float(v), 6) for k, v in vars(self).items()}


def _log_ratio(params: Params, S: Summary) -> np.ndarray:
    """log of (s/(r+s+x)) (alpha+T)^(r+x) (beta+T)^s A0: the odds of having died unseen."""
    r, alpha, s, beta = params.r, params.alpha, params.s, params.beta
    x, t_x, T = S.x, S.t_x, S.T
    n = r + s + x
    if alpha >= beta:
        m, second = alpha, s + 1
        z1, z2 = (alpha - beta) / (alpha + t_x), (alpha - beta) / (alpha + T)
    else:
        m, second = beta, r + x
        z1, z2 = (beta - alpha) / (beta + t_x), (beta - alpha) / (beta + T)
    l1 = np.log(hyp2f1(n, second, n + 1, z1)) - n * np.log(m + t_x)
    l2 = np.log(hyp2f1(n, second, n + 1, z2)) - n * np.log(m + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a0 = l1 + np.log1p(-np.exp(np.minimum(l2 - l1, 0.0)))
    return np.log(s) - np.log(n) + log_a0 + (r + x) * np.log(alpha + T) + s * np.log(beta + T)


def log_likelihood(params: Params, S: Summary) -> np.ndarray:
    """Each customer's Pareto/NBD log-likelihood."""
    r, alpha, s, beta = params.r, params.alpha, params.s, params.beta
    x, T = S.x, S.T
    alive = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + s * np.log(beta)
        - (r + x) * np.log(alpha + T)
        - s * np.log(beta + T)
    )
    return alive + np.logaddexp(0.0, _log_ratio(params, S))


def fit(S: Summary) -> Params:
    """Maximum likelihood on the log scale (all four numbers positive), from a neutral start,
    within bounds wide enough for any shop (rates from one visit in ~30 years to several a
    day). A light penalty on |log r|, |log s| keeps a degenerate sample (nobody returning, or
    nobody seen leaving: s and beta then run off together along a ridge) finite and quick."""
    scale = max(float(np.mean(S.T)), 1.0)

    def negative(theta: np.ndarray) -> float:
        value = -float(np.sum(log_likelihood(Params(*np.exp(theta)), S)))
        if not math.isfinite(value):
            return 1e300
        return value + 1e-2 * float(theta[0] ** 2 + theta[2] ** 2)

    start = np.log([0.5, scale / 3, 0.5, scale / 3])
    shape_bounds = (math.log(1e-3), math.log(50.0))
    scale_bounds = (math.log(1e-2), math.log(1e3 * scale))
    with np.errstate(all="ignore"):  # far-off trial points overflow; they score 1e300
        found = minimize(
            negative,
            start,
            method="Nelder-Mead",
            bounds=[shape_bounds, scale_bounds, shape_bounds, scale_bounds],
            options={"maxiter": 2000, "xatol": 1e-3, "fatol": 1e-3},
        )
    return Params(*np.exp(found.x))


def p_alive(params: Params, S: Summary) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(_log_ratio(params, S)))


def p_no_visit(params: Params, S: Summary, horizon: float) -> np.ndarray:
    """P(no visit within `horizon` days from today)."""
    rate_shape, rate_scale = params.r + S.x, params.alpha + S.T
    life_shape, life_scale = params.s, params.beta + S.T

    def no_visit_by(t):  # E[exp(-lambda t)]
        return (rate_scale / (rate_scale + t)) ** rate_shape

    def death_density(t):  # E[mu exp(-mu t)]
        return life_shape / (life_scale + t) * (life_scale / (life_scale + t)) ** life_shape

    quiet = no_visit_by(horizon) * (life_scale / (life_scale + horizon)) ** life_shape
    half = horizon / 2
    for node, weight in zip(_NODES, _WEIGHTS, strict=True):
        t = (node + 1) * half
        quiet = quiet + weight * half * death_density(t) * no_visit_by(t)
    return 1.0 - p_alive(params, S) * (1.0 - quiet)


def visit_rate(params: Params, S: Summary) -> np.ndarray:
    """Visits per day while alive: the posterior mean of the customer's rate."""
    return (params.r + S.x) / (params.alpha + S.T)


def horizon_default(histories: list[Visits]) -> int:
    """The gap within which HORIZON_QUANTILE of the merchant's return visits came: silence
    beyond it is unusual for anyone who still comes. One gap per customer (their median) so a
    few very frequent customers do not decide it for everyone."""
    typical = sorted(
        float(np.median(h.gaps)) for h in histories if len(h.days) >= 2 and max(h.gaps) > 0
    )
    if not typical:
        return HORIZON_BOUNDS[1]
    value = typical[min(len(typical) - 1, int(HORIZON_QUANTILE * len(typical)))]
    return int(min(max(round(value), HORIZON_BOUNDS[0]), HORIZON_BOUNDS[1]))


# --- the recency threshold, for small merchants ------------------------------------------------


@dataclass
class RecencyRule:
    """Flag after `threshold_days` without a visit. The probability of a customer away for d
    days is the share of backtest customers about as long away who did not come back within
    the horizon: a monotone (isotonic) fit of "did not return" on days away, each block with
    one pseudo-count each way."""

    threshold_days: int
    recency: list[int]  # sorted, the backtest customers' days since their last visit
    churned: list[bool]  # in the same order: no visit within the horizon after the cut

    def __post_init__(self):
        self.steps = isotonic_steps(self.recency, self.churned)

    def probability(self, days_since: int) -> float:
        if not self.steps:
            return 0.5
        at = max(bisect_right([start for start, _ in self.steps], days_since) - 1, 0)
        return self.steps[at][1]


def isotonic_steps(xs: list[int], ys: list[bool]) -> list[tuple[int, float]]:
    """Pool-adjacent-violators: (first x of the block, smoothed rate), rates non-decreasing."""
    blocks: list[list[float]] = []  # [first x, positives, count]
    for x, y in zip(xs, ys, strict=True):
        blocks.append([x, float(y), 1.0])
        while len(blocks) > 1 and (
            (blocks[-2][1] + 1) / (blocks[-2][2] + 2) >= (blocks[-1][1] + 1) / (blocks[-1][2] + 2)
        ):
            last = blocks.pop()
            blocks[-1][1] += last[1]
            blocks[-1][2] += last[2]
    return [(int(x), (k + 1) / (n + 2)) for x, k, n in blocks]


def came_back(h: Visits, cut: date, today: date) -> bool:
    """The backtest's outcome: a visit from the cut through today. Today's visits count: they
    are in the history today's fit reads (a refit during the day), so a customer who came back
    today is not taught to the calibration as one who did not."""
    return any(cut <= d <= today for d in h.days)


def recency_backtest(histories: list[Visits], today: date, horizon: int) -> RecencyRule:
    """Cut the merchant's history one horizon ago, and choose the days-since-last-visit
    threshold that best tells (F1) who did not come back by today among those seen before."""
    cut = today - timedelta(days=horizon)
    rows = []
    for h in histories:
        before = h.before(cut)
        if before.days:
            rows.append(((cut - before.days[-1]).days, not came_back(h, cut, today)))
    rows.sort()
    recency = [r for r, _ in rows]
    churned = [c for _, c in rows]
    if not rows or not any(churned):
        return RecencyRule(horizon, recency, churned)
    best, best_f1 = horizon, -1.0
    total = sum(churned)
    for candidate in sorted(set(recency)):
        # flagged: recency >= candidate
        start = bisect_left(recency, candidate)
        tp = sum(churned[start:])
        flagged = len(recency) - start
        f1 = 2 * tp / (flagged + total) if flagged + total else 0.0
        if f1 > best_f1:
            best, best_f1 = candidate, f1
    return RecencyRule(int(best), recency, churned)


def recency_probabilities(rule: RecencyRule, days_since: list[int]) -> list[float]:
    return [rule.probability(d) for d in days_since]


# --- the backtest and the calibration on it ----------------------------------------------------

# What the calibration reads, per customer: the model's log-odds of no visit within H, then a
# few robust figures the model can get wrong (a young customer slowing down, a regular
# visitor whom a Poisson model undersells).
CALIBRATION_FEATURES = (
    "model_log_odds",
    "log_days_since",  # log(1 + days since the last visit)
    "log_repeat_visits",  # log(1 + repeat visits)
    "log_age",  # log(1 + days since the first visit)
    "log_overdue",  # log(1 + days since) - log(1 + median gap), repeat visitors only
    "repeat",  # 1 for a repeat visitor
    "log_spend",  # log(1 + spend per visit in yuan)
    "log_over_longest",  # log(1 + days since) - log(1 + longest gap), repeat visitors only
    "log_gaps_as_long",  # log of the share of their own gaps at least this silence (smoothed)
)
CALIBRATION_L2 = 1e-3  # on standardised features: a light hold on the weights


def features(histories: list[Visits], today: date, params: Params, horizon: float) -> np.ndarray:
    """One row of CALIBRATION_FEATURES per customer (all with a visit before today)."""
    S = Summary.of(histories, today)
    p = np.clip(p_no_visit(params, S, horizon), 1e-6, 1 - 1e-6)
    since = np.array([(today - h.days[-1]).days for h in histories], dtype=float)
    gap = np.array([np.median(h.gaps) if h.gaps else 0.0 for h in histories], dtype=float)
    spend = np.array([np.mean(h.amounts) / 100 for h in histories], dtype=float)
    longest = np.array([max(h.gaps) if h.gaps else 0.0 for h in histories], dtype=float)
    # A regular's own habit: how often a silence this long happened before and they came back.
    as_long = np.array(
        [
            (sum(g >= d for g in h.gaps) + 0.5) / (len(h.gaps) + 1)
            for h, d in zip(histories, since, strict=True)
        ]
    )
    repeat = S.x >= 1
    return np.column_stack(
        [
            np.log(p / (1 - p)),
            np.log1p(since),
            np.log1p(S.x),
            np.log1p(S.T),
            np.where(repeat, np.log1p(since) - np.log1p(gap), 0.0),
            repeat.astype(float),
            np.log1p(np.maximum(spend, 0.0)),
            np.where(repeat, np.log1p(since) - np.log1p(longest), 0.0),
            np.log(as_long),
        ]
    )


@dataclass
class Calibration:
    """Logistic regression of "no visit within H" on the features (standardised), fitted on
    the merchant's own backtest: P = 1 / (1 + exp(-(w0 + sum w_i (f_i - mean_i) / scale_i)))."""

    weights: list[float]  # intercept first, then one per feature
    mean: list[float]
    scale: list[float]

    def probability(self, X: np.ndarray) -> np.ndarray:
        Z = (X - np.array(self.mean)) / np.array(self.scale)
        w = np.array(self.weights)
        return 1.0 / (1.0 + np.exp(-(w[0] + Z @ w[1:])))

    def as_dict(self) -> dict:
        return {
            "features": list(CALIBRATION_FEATURES),
            "weights": [round(float(v), 6) for v in self.weights],
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
        }


def calibration_fit(X: np.ndarray, truth: list[bool] | np.ndarray) -> Calibration:
    """Maximum likelihood (L-BFGS, exact gradient) with a light L2 penalty; deterministic."""
    y = np.asarray(truth, dtype=float)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    Z = np.column_stack([np.ones(len(X)), (X - mean) / scale])
    n = len(y)

    def loss(w: np.ndarray):
        z = Z @ w
        penalty = np.r_[0.0, w[1:]]
        value = np.sum(np.logaddexp(0.0, z) - y * z) / n + CALIBRATION_L2 * penalty @ penalty
        grad = Z.T @ (0.5 * (1 + np.tanh(z / 2)) - y) / n + 2 * CALIBRATION_L2 * penalty
        return value, grad

    found = minimize(loss, np.zeros(Z.shape[1]), jac=True, method="L-BFGS-B")
    return Calibration(found.x.tolist(), mean.tolist(), scale.tolist())


def best_f1_threshold(scores: list[float] | np.ndarray, truth: list[bool]) -> float:
    """The score threshold (flag when >=) with the best F1, over every distinct score."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    ranked = np.asarray(scores, dtype=float)[order]
    hits = np.cumsum(np.asarray(truth, dtype=float)[order])
    total = hits[-1]
    last_of_tie = np.r_[ranked[1:] != ranked[:-1], True]  # flagging stops between scores
    flagged = np.arange(1, len(ranked) + 1)
    f1 = np.where(last_of_tie, 2 * hits / (flagged + total), -1.0)
    return float(ranked[int(np.argmax(f1))])


@dataclass
class Backtest:
    """The merchant's history cut one horizon ago: the model fitted there, the calibration
    fitted on who came back by today, and how well each ranked them (the calibrated model out
    of fold: each half of the customers scored by a calibration fitted on the other half)."""

    customers: int
    raw_model_auc: float
    model_auc: float  # calibrated, out of fold
    recency_auc: float
    calibration: Calibration
    threshold: float  # the calibrated probability with the best F1 (out of fold)
    observed: float  # share who did not come back

    @property
    def recency_wins(self) -> bool:
        return self.recency_auc > self.model_auc + RECENCY_BETTER_BY


def backtest(histories: list[Visits], today: date, horizon: int) -> Backtest | None:
    """Fit the model on the merchant's history before (today - H), observe who came back by
    today, and calibrate on it (None: too few customers then, one outcome only, or an
    overflowing fit)."""
    cut = today - timedelta(days=horizon)
    calibration, truth = [], []
    for h in histories:
        before = h.before(cut)
        if before.days:
            calibration.append(before)
            truth.append(not came_back(h, cut, today))
    if len(calibration) < MIN_CUSTOMERS_FOR_FIT or all(truth) or not any(truth):
        return None
    params = fit(Summary.of(calibration, cut))
    X = features(calibration, cut, params, horizon)
    if not np.all(np.isfinite(X)):
        return None
    y = np.array(truth)
    fold = np.arange(len(y)) % 2 == 0
    out_of_fold = np.empty(len(y))
    for held in (fold, ~fold):
        if y[~held].all() or not y[~held].any():
            return None
        out_of_fold[held] = calibration_fit(X[~held], y[~held]).probability(X[held])
    since = [float((cut - h.days[-1]).days) for h in calibration]
    raw = X[:, 0].tolist()
    return Backtest(
        customers=len(calibration),
        raw_model_auc=auc(raw, truth),
        model_auc=auc(out_of_fold.tolist(), truth),
        recency_auc=auc(since, truth),
        calibration=calibration_fit(X, y),
        threshold=best_f1_threshold(out_of_fold, truth),
        observed=float(np.mean(y)),
    )


# --- reading it --------------------------------------------------------------------------------


def typical_gap(h: Visits, params: Params | None) -> float | None:
    """The customer's usual days between visits: their own gaps, or the model's rate for a
    one-off visitor (what customers like them do)."""
    gaps = h.gaps
    if gaps:
        return float(np.median(gaps))
    if params is not None:
        return params.alpha / max(params.r, 1e-9)
    return None


def spend_per_visit(histories: list[Visits]) -> tuple[float, float]:
    """The merchant's mean spend per visit and the weight (in visits) of that prior when a
    customer's own average is shrunk toward it."""
    totals = [a for h in histories for a in h.amounts]
    return (float(np.mean(totals)) if totals else 0.0), 2.0


def expected_spend(h: Visits, prior_mean: float, prior_weight: float) -> float:
    """The customer's spend per visit, shrunk toward the merchant's mean by a few visits."""
    return (sum(h.amounts) + prior_mean * prior_weight) / (len(h.amounts) + prior_weight)


def f1_at(predicted: list[bool], truth: list[bool]) -> dict:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def auc(scores: list[float], truth: list[bool]) -> float:
    """Probability that a random churner scores above a random stayer (ties count half)."""
    pos = sorted(s for s, t in zip(scores, truth, strict=True) if t)
    neg = sorted(s for s, t in zip(scores, truth, strict=True) if not t)
    if not pos or not neg:
        return math.nan
    wins = 0.0
    for s in pos:
        wins += bisect_left(neg, s) + 0.5 * (bisect_right(neg, s) - bisect_left(neg, s))
    return wins / (len(pos) * len(neg))
