"""A simulated merchant: a year of purchases by 5,000 customers, some of whom silently churn.

The behaviour model (all draws from one seeded generator, so every run sees the same year):

- Each customer has a habit: a typical gap between visits, lognormal with a median of 21 days
  (most between 7 and 70), and a typical spend per visit, lognormal with a median of 80 yuan.
- Gaps are gamma-distributed around the habit: 70% of customers are regular (shape 4), 30%
  irregular (shape 1.5, nearly memoryless). Each visit's spend varies ±35% around the habit.
- Customers join at a uniform moment from half a year before the simulated year to two
  months before its end; the first visit is a random fraction of a gap after joining.
- 25% churn silently: at a uniform day of the year (day 30 to 335) they stop coming, with no
  complaint and no change beforehand. That is the truth the flags are scored against.
- 10% of the loyal ones take a long break (30-75 days, travel or a move) somewhere in the year
  and then come back: the false alarms a detector must live with.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

CUSTOMERS = 5_000
CHURN_SHARE = 0.25
BREAK_SHARE = 0.10
YEAR_END = date(2026, 6, 30)
YEAR_DAYS = 365


@dataclass
class SimulatedCustomer:
    index: int
    days: list[date]
    amounts: list[int]  # fen
    churned: bool
    habit_gap: float


def simulate(customers: int = CUSTOMERS, seed: int = 8) -> list[SimulatedCustomer]:
    rng = random.Random(seed)
    start = YEAR_END - timedelta(days=YEAR_DAYS)
    out = []
    for index in range(customers):
        gap = math.exp(rng.gauss(math.log(21), 0.6))
        spend = math.exp(rng.gauss(math.log(8_000), 0.5))
        shape = 4.0 if rng.random() < 0.7 else 1.5
        churned = rng.random() < CHURN_SHARE
        stop = rng.uniform(30, 335) if churned else YEAR_DAYS + 1
        pause = None
        if not churned and rng.random() < BREAK_SHARE:
            begin = rng.uniform(0, YEAR_DAYS - 30)
            pause = (begin, begin + rng.uniform(30, 75))
        t = rng.uniform(-182, YEAR_DAYS - 60) + rng.random() * gap
        days, amounts = [], []
        while t < min(stop, YEAR_DAYS):
            if t >= 0 and not (pause and pause[0] <= t < pause[1]):
                days.append(start + timedelta(days=int(t)))
                amounts.append(max(100, int(spend * rng.uniform(0.65, 1.35))))
            if pause and pause[0] <= t < pause[1]:
                t = pause[1]
            t += rng.gammavariate(shape, gap / shape)
        out.append(SimulatedCustomer(index, days, amounts, churned, gap))
    return out
