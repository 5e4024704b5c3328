"""Maintenance plans: submit, return, resubmit, approve into tasks, summarize; budgets by
tier; and the staff hand-over."""

from datetime import date

import pytest

from crm.models import CrmSettings, HandOver, MaintenancePlan, Task
from crm.services import complaint_create, retention_task_create
from tests.conftest import client_for
from tests.factories import MerchantFactory, StaffFactory

from .helpers import customer_new

pytestmark = pytest.mark.django_db
URL = "/api/v1/merchant/crm/plans/"


@pytest.fixture
def team():
    merchant = MerchantFactory()
    CrmSettings.objects.create(merchant=merchant, gift_budget_fen={"A": 10_000, "B": 2_000})
    staff = StaffFactory(merchant=merchant, permissions=["view_customers", "manage_customers"])
    return merchant, staff.user


def test_staff_submit_owner_returns_then_approves_into_tasks(team):
    merchant, staff = team
    a1, a2 = customer_new(merchant, tier="A"), customer_new(merchant, tier="A")
    customer_new(merchant, tier="B")
    me, owner = client_for(staff), client_for(merchant.owner)
    plan = me.post(
        URL,
        {
            "tier": "A",
            "goal": "提高复购",
            "methods": "每月回访送小礼",
            "budget_fen": 15_000,
            "deadline": "2026-12-31",
        },
        format="json",
    ).json()
    assert plan["status"] == "draft" and plan["staff"] == staff.pk
    pk = plan["id"]
    assert me.post(f"{URL}{pk}/submit/").json()["status"] == "submitted"
    # Staff cannot approve their own plan; editing waits for the owner's answer.
    assert me.post(f"{URL}{pk}/approve/").status_code == 403
    assert me.patch(f"{URL}{pk}/", {"goal": "x"}, format="json").status_code == 409
    returned = owner.post(f"{URL}{pk}/return/", {"note": "方法要具体"}, format="json").json()
    assert (returned["status"], returned["review_note"]) == ("returned", "方法要具体")
    assert me.patch(f"{URL}{pk}/", {"methods": "每月 1 日电话"}, format="json").status_code == 200
    me.post(f"{URL}{pk}/submit/")
    approved = owner.post(f"{URL}{pk}/approve/", {"note": "好"}, format="json").json()
    assert approved["status"] == "approved" and approved["tasks_open"] == 2
    tasks = Task.objects.filter(plan_id=pk)
    assert {t.customer_id for t in tasks} == {a1.pk, a2.pk}
    assert {t.assigned_to_id for t in tasks} == {staff.pk}
    assert owner.post(f"{URL}{pk}/approve/").status_code == 409  # once

    for task in tasks:
        done = me.post(
            f"/api/v1/merchant/crm/tasks/{task.pk}/complete/",
            {"outcome": "送了护理券", "spent_fen": 4_000},
            format="json",
        )
        assert done.status_code == 200
    summary = me.post(f"{URL}{pk}/summary/", {"result": "两位都回店了"}, format="json").json()
    assert (summary["status"], summary["spent_fen"]) == ("done", 8_000)


def test_budget_follows_the_tiers_spending_standard(team):
    merchant, staff = team
    customer_new(merchant, tier="B")
    me = client_for(staff)
    over = me.post(
        URL,
        {"tier": "B", "goal": "g", "methods": "m", "budget_fen": 2_001, "deadline": "2026-12-31"},
        format="json",
    )
    assert over.status_code == 400 and over.json()["code"] == "budget_over_standard"
    ok = me.post(
        URL,
        {"tier": "B", "goal": "g", "methods": "m", "budget_fen": 2_000, "deadline": "2026-12-31"},
        format="json",
    )
    assert ok.status_code == 201
    assert (
        me.patch(f"{URL}{ok.json()['id']}/", {"budget_fen": 3_000}, format="json").status_code
        == 400
    )


def test_hand_over_moves_everything_in_one_audited_action(team):
    merchant, leaving = team
    taking = StaffFactory(merchant=merchant, permissions=["view_customers"]).user
    mine = [customer_new(merchant, owner=leaving) for _ in range(3)]
    untouched = customer_new(merchant, owner=taking)
    task = retention_task_create(customer=mine[0], assigned_to=leaving, due=date(2026, 7, 1))
    complaint = complaint_create(
        merchant=merchant, customer=mine[1], channel="phone", content="c", owner=leaving
    )
    plan = MaintenancePlan.objects.create(
        merchant=merchant,
        customer=mine[2],
        goal="g",
        methods="m",
        staff=leaving,
        deadline=date(2026, 8, 1),
    )
    owner = client_for(merchant.owner)
    body = {"from_staff": leaving.pk, "to_staff": taking.pk, "reason": "离职"}
    assert (
        client_for(leaving).post("/api/v1/merchant/crm/handovers/", body, format="json").status_code
        == 403
    )
    response = owner.post("/api/v1/merchant/crm/handovers/", body, format="json")
    assert response.status_code == 201
    moved = response.json()["moved"]
    assert moved == {
        "customers": sorted(c.pk for c in mine),
        "tasks": [task.pk],
        "complaints": [complaint.pk],
        "plans": [plan.pk],
    }
    for obj, field in ((task, "assigned_to_id"), (complaint, "owner_id"), (plan, "staff_id")):
        obj.refresh_from_db()
        assert getattr(obj, field) == taking.pk
    assert all(c.owner_id == taking.pk for c in type(untouched).objects.filter(merchant=merchant))
    record = HandOver.objects.get()
    assert (record.by_id, record.from_staff_id, record.reason) == (
        merchant.owner.pk,
        leaving.pk,
        "离职",
    )
    # Someone else's staff cannot be handed anything.
    stranger = StaffFactory().user
    refused = owner.post(
        "/api/v1/merchant/crm/handovers/",
        {"from_staff": taking.pk, "to_staff": stranger.pk},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "not_our_staff"
