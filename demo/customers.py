"""Demo data for `manage.py seed_demo`: the demo merchant's customer directory with a year of
purchases, service standards, a complaint, a plan awaiting approval and a KPI target, graded.
Idempotent: a merchant with CRM settings is left alone."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from crm.models import CrmSettings, Customer, CustomerSource
from crm.selectors import DEFAULTS
from crm.services import (
    complaint_create,
    customer_add,
    customers_recompute,
    kpi_target_set,
    plan_create,
    plan_submit,
    service_standards_set,
)
from crm.services.feed import purchase_record
from merchants.models import Merchant

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛"]
SERVICES = [("洗剪吹", 8_800), ("烫发", 38_800), ("染发", 29_800), ("头皮护理", 16_800)]
STANDARDS = [
    {"tier": "A", "channel": "visit", "every_days": 15},
    {"tier": "A", "channel": "sms", "every_days": 7},
    {"tier": "B", "channel": "phone", "every_days": 30},
    {"tier": "C", "channel": "sms", "every_days": 90},
]


@transaction.atomic
def demo_crm_load(merchant: Merchant, *, customers: int = 40, seed: int = 8) -> bool:
    if CrmSettings.objects.filter(merchant=merchant).exists():
        return False
    rng = random.Random(seed)
    CrmSettings.objects.create(merchant=merchant, **DEFAULTS)
    service_standards_set(merchant=merchant, standards=STANDARDS)
    made = [demo_customer_add(rng, merchant, index) for index in range(customers)]
    complaint_create(
        merchant=merchant,
        customer=made[1],
        channel="phone",
        content="烫发后卷度不满意，要求返工。",
        owner=None,
    )
    customers_recompute(merchant=merchant)
    demo_targets_and_plan(merchant)
    return True


def demo_customer_add(rng: random.Random, merchant: Merchant, index: int) -> Customer:
    """One customer with a year of purchases; one in five drifted away part way through."""
    today = timezone.localdate()
    birthday = (
        today
        - timedelta(days=365 * rng.randint(20, 60))
        + timedelta(days=3 if index % 10 == 0 else rng.randint(0, 364))
    )
    customer = customer_add(
        merchant=merchant,
        phone=f"+86139{20260000 + index:08d}",
        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
        birthday=birthday,
        birthday_lunar=index % 13 == 0,
        tags=rng.sample(["常客", "学生", "上班族", "爱烫发", "价格敏感"], 2),
        source=CustomerSource.IMPORT,
    )
    now = timezone.now()
    gap = rng.choice([10, 21, 30, 45, 75])
    churn_at = rng.randint(60, 300) if index % 5 == 0 else None
    day = rng.randint(0, gap)
    while day < 365:
        if churn_at is not None and day > churn_at:
            break
        name, price = rng.choice(SERVICES)
        purchase_record(
            customer=customer,
            at=now - timedelta(days=365 - day, hours=rng.randint(0, 8)),
            amount_fen=price,
            service_name=name,
            reference=f"demo:{index}:{day}",
        )
        day += max(1, int(rng.gauss(gap, gap / 4)))
    return customer


def demo_targets_and_plan(merchant: Merchant) -> None:
    today = timezone.localdate()
    kpi_target_set(merchant=merchant, kpi="churn_rate", target=15, valid_from=today)
    kpi_target_set(merchant=merchant, kpi="satisfaction", target=4.5, valid_from=today)
    plan_submit(
        plan=plan_create(
            merchant=merchant,
            created_by=merchant.owner,
            staff=merchant.owner,
            tier="A",
            goal="A 类顾客季度回访率 100%",
            methods="每两周到店问候，生日送头皮护理一次",
            budget_fen=0,
            deadline=today + timedelta(days=90),
        )
    )
