"""Pure arithmetic on one customer's history: anomaly flags, scorecard, RFM scores.

No database here, so the recompute, the tests and the churn benchmark share the same code.
"""

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_noop

from .wording import in_language

BASELINE_PURCHASES = 10  # the rolling baseline: up to this many purchases before the recent ones
RECENT_PURCHASES = 3
DROP_BELOW = 0.5  # recent average under half the baseline
SPIKE_ABOVE = 3.0  # last purchase over three times the baseline


@dataclass
class History:
    """A customer's purchases, oldest first: (day, amount in fen)."""

    days: list[date]
    amounts: list[int]

    @property
    def gaps(self) -> list[int]:
        return [(b - a).days for a, b in zip(self.days, self.days[1:], strict=False)]


@dataclass
class Flag:
    code: str
    reason: str


@dataclass
class Flags:
    flags: list[Flag] = field(default_factory=list)


def anomaly_flags(history: History, *, arrears_fen: int = 0) -> Flags:
    """Spending flags against the customer's own history, and arrears. (Who is at risk of not
    coming back is the churn model's: crm.churn.)"""
    out = Flags()
    amounts = history.amounts
    if len(amounts) >= RECENT_PURCHASES + 2:
        recent = amounts[-RECENT_PURCHASES:]
        base = amounts[-RECENT_PURCHASES - BASELINE_PURCHASES : -RECENT_PURCHASES]
        baseline = sum(base) / len(base)
        recent_avg = sum(recent) / len(recent)
        if baseline > 0 and recent_avg < DROP_BELOW * baseline:
            out.flags.append(
                Flag(
                    "spend_drop",
                    f"近 {len(recent)} 次平均消费 ¥{recent_avg / 100:.0f}，"
                    f"低于以往平均 ¥{baseline / 100:.0f} 的一半",
                )
            )
        if baseline > 0 and amounts[-1] > SPIKE_ABOVE * baseline:
            out.flags.append(
                Flag(
                    "spend_spike",
                    f"最近一次消费 ¥{amounts[-1] / 100:.0f}，"
                    f"超过以往平均 ¥{baseline / 100:.0f} 的 {SPIKE_ABOVE:g} 倍",
                )
            )
    if arrears_fen > 0:
        out.flags.append(Flag("arrears", f"欠款 ¥{arrears_fen / 100:.2f}"))
    return out


def simple_rule_at_risk(history: History, today: date) -> bool:
    """The "lapsed" yardstick of the benchmark: 3 purchases in the last 6 months and none in the
    last 6 weeks."""
    recent = [d for d in history.days if (today - d).days <= 182]
    return len(recent) >= 3 and (today - history.days[-1]).days > 42


# --- scorecard ---------------------------------------------------------------------------------

INDICATORS = {
    "spend": gettext_noop("近一年消费（元）"),
    "frequency": gettext_noop("近一年到店次数"),
    "recency": gettext_noop("距上次到店（天）"),
    "satisfaction": gettext_noop("满意度（1-5）"),
    "growth": gettext_noop("消费增长（%）"),
}
# The "why" of a grade, stored in Chinese on the customer (Customer.grade_reasons) and shown
# in the reader's language by grade_reason_text.
REASON_INDICATOR = gettext_noop("%(indicator)s %(value)s → %(points)s 分 × 权重 %(weight)s")
REASON_TOTAL = gettext_noop("总分 %(score)s（A ≥ %(a)s，B ≥ %(b)s）→ %(tier)s")
REASON_NO_PURCHASE = gettext_noop("尚无消费记录")
REASONS = [REASON_INDICATOR, REASON_TOTAL, REASON_NO_PURCHASE]

DEFAULT_INDICATORS = [
    {
        "key": "spend",
        "weight": 30,
        "bands": [
            {"min": 0, "points": 0},
            {"min": 500, "points": 40},
            {"min": 2000, "points": 70},
            {"min": 5000, "points": 100},
        ],
    },
    {
        "key": "frequency",
        "weight": 25,
        "bands": [
            {"min": 0, "points": 0},
            {"min": 3, "points": 40},
            {"min": 8, "points": 70},
            {"min": 15, "points": 100},
        ],
    },
    {
        "key": "recency",
        "weight": 20,
        "bands": [
            {"min": 0, "points": 100},
            {"min": 31, "points": 60},
            {"min": 91, "points": 20},
            {"min": 181, "points": 0},
        ],
    },
    {
        "key": "satisfaction",
        "weight": 15,
        "bands": [
            {"min": 1, "points": 0},
            {"min": 3, "points": 50},
            {"min": 4, "points": 80},
            {"min": 5, "points": 100},
        ],
    },
    {
        "key": "growth",
        "weight": 10,
        "bands": [
            {"min": -100, "points": 0},
            {"min": 0, "points": 50},
            {"min": 20, "points": 100},
        ],
    },
]


def band_points(bands: list[dict], value: float) -> int:
    """The points of the band with the highest `min` not above the value (0 below all)."""
    points = 0
    for band in sorted(bands, key=lambda b: b["min"]):
        if value >= band["min"]:
            points = band["points"]
    return points


@dataclass
class Grade:
    score: int
    tier: str
    recommendation: str
    reasons: list[str]


def indicator_values(history: History, today: date, satisfaction: int | None) -> dict[str, float]:
    year = [
        (d, a) for d, a in zip(history.days, history.amounts, strict=True) if (today - d).days < 365
    ]
    recent = sum(a for d, a in year if (today - d).days < 182)
    earlier = sum(a for d, a in year if (today - d).days >= 182)
    growth = (recent - earlier) * 100 / earlier if earlier else (100.0 if recent else 0.0)
    return {
        "spend": sum(a for _, a in year) / 100,
        "frequency": len(year),
        "recency": (today - history.days[-1]).days if history.days else 10_000,
        "satisfaction": satisfaction or 3,
        "growth": round(growth, 1),
    }


def grade(
    values: dict[str, float],
    indicators: list[dict],
    *,
    tier_a_min: int,
    tier_b_min: int,
    end_below_growth_points: int,
) -> Grade:
    """Score = sum(weight x band points) / sum(weights), rounded half up; tier by thresholds;
    A maintain, B improve, C improve when it still grows, else end."""
    total_weight = sum(i["weight"] for i in indicators) or 1
    weighted = 0
    reasons = []
    growth_points = None
    for indicator in indicators:
        value = values[indicator["key"]]
        points = band_points(indicator["bands"], value)
        weighted += indicator["weight"] * points
        if indicator["key"] == "growth":
            growth_points = points
        reasons.append(
            REASON_INDICATOR
            % {
                "indicator": INDICATORS[indicator["key"]],
                "value": f"{value:g}",
                "points": points,
                "weight": indicator["weight"],
            }
        )
    score = (2 * weighted + total_weight) // (2 * total_weight)
    if score >= tier_a_min:
        tier, recommendation = "A", "maintain"
    elif score >= tier_b_min:
        tier, recommendation = "B", "improve"
    elif growth_points is not None and growth_points < end_below_growth_points:
        tier, recommendation = "C", "end"
    else:
        tier, recommendation = "C", "improve"
    reasons.append(REASON_TOTAL % {"score": score, "a": tier_a_min, "b": tier_b_min, "tier": tier})
    return Grade(score, tier, recommendation, reasons)


def grade_reason_text(reason: str) -> str:
    """One stored reason of a grade in the active language."""
    return in_language(reason, REASONS, frozenset({"indicator"}))


# --- RFM -----------------------------------------------------------------------------------------


def quintile_scores(values: list[float], *, higher_is_better: bool = True) -> list[int]:
    """1-5 by rank within the merchant's customers (ties share the lower quintile)."""
    keyed = [v if higher_is_better else -v for v in values]
    ordered = sorted(keyed)
    n = len(ordered)
    return [1 + bisect_left(ordered, v) * 5 // n for v in keyed]


def rfm_segment(r: int, f: int) -> str:
    if r >= 4 and f >= 4:
        return "champions"
    if r >= 4 and f <= 1:
        return "new"
    if r >= 3 and f >= 3:
        return "loyal"
    if r >= 3:
        return "potential"
    if f >= 3:
        return "at_risk"
    if r == 2:
        return "hibernating"
    return "lost"
