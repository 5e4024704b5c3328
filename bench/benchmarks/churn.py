"""Churn: the CRM's at-risk flags against the simulation's truth (bench/data/churn.py), next to
the simple rule "3 purchases in 6 months and no visit in the last 6 weeks".

The simulated year is loaded into the bench database as one merchant's customers and
purchases, and graded by the same recompute the nightly task runs (crm.services); the rule is
applied to the same histories. Scored over customers with at least one purchase in the year.
"""

import time

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from bench.data.churn import YEAR_END, simulate
from crm.analysis import History, simple_rule_at_risk
from crm.models import Customer, CustomerSource, Purchase
from crm.services import customers_recompute
from merchants.models import Merchant


def scores(predicted: list[bool], truth: list[bool]) -> dict:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def merchant_load(simulated) -> Merchant:
    run = f"{int(time.time()) % 100000:05d}"
    owner = User.objects.create_user(f"+86135{run}999", None, role=Role.MERCHANT_OWNER)
    merchant = Merchant.objects.create(owner=owner, name="churn bench")
    with transaction.atomic():
        customers = Customer.objects.bulk_create(
            [
                Customer(merchant=merchant, name=f"sim{s.index}", source=CustomerSource.IMPORT)
                for s in simulated
            ],
            batch_size=2000,
        )
        noon = timezone.get_current_timezone()
        Purchase.objects.bulk_create(
            [
                Purchase(
                    customer=customer,
                    at=timezone.datetime(day.year, day.month, day.day, 12, tzinfo=noon),
                    amount_fen=amount,
                    service_name="洗剪吹",
                    reference=f"sim:{index}",
                )
                for customer, s in zip(customers, simulated, strict=True)
                for index, (day, amount) in enumerate(zip(s.days, s.amounts, strict=True))
            ],
            batch_size=5000,
        )
    return merchant


def churn() -> dict:
    simulated = simulate()
    buyers = [s for s in simulated if s.days]
    merchant = merchant_load(simulated)
    started = time.perf_counter()
    customers_recompute(merchant=merchant, today=YEAR_END)
    recompute_seconds = time.perf_counter() - started
    flagged = dict(Customer.objects.filter(merchant=merchant).values_list("name", "at_risk"))
    truth = [s.churned for s in buyers]
    ours = scores([flagged[f"sim{s.index}"] for s in buyers], truth)
    rule = scores(
        [simple_rule_at_risk(History(s.days, s.amounts), YEAR_END) for s in buyers], truth
    )
    return {
        "customers": len(simulated),
        "customers_with_purchases": len(buyers),
        "purchases": sum(len(s.days) for s in simulated),
        "churned_truth": sum(truth),
        "ours_precision": ours["precision"],
        "ours_recall": ours["recall"],
        "ours_f1": ours["f1"],
        "rule_precision": rule["precision"],
        "rule_recall": rule["recall"],
        "rule_f1": rule["f1"],
        "recompute_seconds": round(recompute_seconds, 2),
    }
