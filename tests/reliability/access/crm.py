"""The merchant CRM: staff need view_customers / manage_customers / view_analytics (the idle
staff member of the world has none: 403); settings, approvals and hand-overs are the owner's;
B is told A's customers, complaints, tasks and plans do not exist."""

from django.core.files.uploadedfile import SimpleUploadedFile

from . import Row, merchant_list, merchant_object, owner_list, owner_object

P = "crm-"


def customer(world) -> dict:
    return {"pk": world.customer_a.pk}


def listed(name, method="GET", ok=200, **kwargs):
    return Row(P + name, method, merchant_list(ok, staff=403), **kwargs)


def of_a(name, method, ok, kwargs, **more):
    return Row(P + name, method, merchant_object(ok), kwargs=kwargs, **more)


SCORECARD = {
    "indicators": [
        {
            "key": "spend",
            "weight": 60,
            "bands": [{"min": 0, "points": 0}, {"min": 100, "points": 100}],
        },
        {
            "key": "recency",
            "weight": 40,
            "bands": [{"min": 0, "points": 100}, {"min": 60, "points": 0}],
        },
    ],
    "tier_a_min": 70,
    "tier_b_min": 40,
    "end_below_growth_points": 30,
    "gift_budget_fen": {"A": 20000, "B": 5000, "C": 0},
    "churn_horizon_days": None,
    "at_risk_daily_calls": 20,
    "long_no_contact_days": 90,
    "low_satisfaction_max": 2,
    "random_sample_size": 3,
    "holiday_tiers": ["A"],
    "complaint_response_hours": 24,
}
CONTACT = {"channel": "phone", "purpose": "care", "note": "问候", "satisfaction": 4}


def csv_upload():
    return SimpleUploadedFile("c.csv", "name,phone\n张三,13912345678\n".encode(), "text/csv")


ROWS = [
    listed("customers"),
    listed("customers", "POST", 201, body=lambda w: {"phone": "13912340000", "name": "新客"}),
    listed("import", "POST", 200, body=lambda w: {"file": csv_upload()}, multipart=True),
    listed("export"),
    of_a("customer", "GET", 200, customer),
    of_a("customer", "PATCH", 200, customer, body=lambda w: {"tags": ["常客"]}),
    # Recording a refusal needs no verification (consent does: tests/notifications).
    of_a("customer-marketing-consent", "PUT", 200, customer, body=lambda w: {"granted": False}),
    of_a("customer-timeline", "GET", 200, customer),
    of_a("customer-contact", "POST", 201, customer, body=lambda w: CONTACT),
    of_a(
        "customer-retention",
        "POST",
        201,
        lambda w: {"pk": w.customer_at_risk_a.pk},
        body=lambda w: {"note": "送护理券"},
    ),
    listed("scorecard"),
    Row(P + "scorecard", "PUT", owner_list(200), body=lambda w: SCORECARD),
    listed("roster"),
    listed("recompute", "POST", 200),
    listed("segments"),
    listed("today"),
    listed("standards"),
    Row(
        P + "standards",
        "PUT",
        owner_list(200),
        body=lambda w: {"standards": [{"tier": "A", "channel": "visit", "every_days": 15}]},
    ),
    listed("standards-due"),
    listed("standards-compliance"),
    listed("complaints"),
    Row(
        P + "complaints",
        "POST",
        merchant_list(201, staff=403, owner_b=400),
        body=lambda w: {"customer": w.customer_a.pk, "channel": "phone", "content": "服务慢"},
    ),
    of_a("complaint", "GET", 200, lambda w: {"pk": w.complaint_a.pk}),
    of_a(
        "complaint",
        "PATCH",
        200,
        lambda w: {"pk": w.complaint_a.pk},
        body=lambda w: {"owner": w.users["owner_a"].pk},
    ),
    of_a(
        "complaint-resolve",
        "POST",
        200,
        lambda w: {"pk": w.complaint_a.pk},
        body=lambda w: {"resolution": "已退款"},
    ),
    listed("at-risk"),
    listed("churn"),
    listed("tasks"),
    of_a(
        "task-complete",
        "POST",
        200,
        lambda w: {"pk": w.task_a.pk},
        body=lambda w: {"outcome": "已回店", "retained": True},
    ),
    Row(P + "kpis", "GET", merchant_list(200, staff=403)),
    Row(P + "kpis", "PUT", owner_list(200), body=lambda w: {"kpi": "churn_rate", "target": 10}),
    listed("plans"),
    Row(
        P + "plans",
        "POST",
        merchant_list(201, staff=403, owner_b=400),
        body=lambda w: {
            "customer": w.customer_a.pk,
            "goal": "提升到店频次",
            "methods": "每两周电话",
            "deadline": "2099-01-01",
        },
    ),
    of_a("plan", "GET", 200, lambda w: {"pk": w.plan_a.pk}),
    of_a("plan", "PATCH", 200, lambda w: {"pk": w.plan_a.pk}, body=lambda w: {"goal": "改目标"}),
    of_a("plan-submit", "POST", 200, lambda w: {"pk": w.plan_a.pk}),
    Row(
        P + "plan-approve",
        "POST",
        owner_object(200),
        kwargs=lambda w: {"pk": w.plan_submitted_a.pk},
        body=lambda w: {"note": "同意"},
    ),
    Row(
        P + "plan-return",
        "POST",
        owner_object(200),
        kwargs=lambda w: {"pk": w.plan_submitted_a.pk},
        body=lambda w: {"note": "预算再细化"},
    ),
    of_a(
        "plan-summary",
        "POST",
        200,
        lambda w: {"pk": w.plan_approved_a.pk},
        body=lambda w: {"result": "顾客满意", "spent_fen": 0},
    ),
    Row(P + "handovers", "GET", owner_list(200)),
    Row(
        P + "handovers",
        "POST",
        owner_list(201, owner_b=400),
        body=lambda w: {"from_staff": w.cashier_a.user.pk, "to_staff": w.users["owner_a"].pk},
    ),
    listed("analytics-groups"),
    listed("analytics-purchases"),
    listed("analytics-churn"),
    listed("analytics-campaigns"),
]
