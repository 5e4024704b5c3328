"""Maintenance plans (draft -> submitted -> approved | returned -> ... -> done) and the staff
hand-over."""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from merchants.models import Merchant

from ..errors import BudgetOverStandard, NotOurStaff, PlanStateInvalid
from ..locks import hand_over_lock, plan_lock
from ..models import (
    Complaint,
    Customer,
    HandOver,
    MaintenancePlan,
    PlanStatus,
    Task,
    TaskKind,
)

EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)
PLAN_FIELDS = ("goal", "methods", "budget_fen", "deadline")


def plan_customers(plan: MaintenancePlan):
    if plan.customer_id:
        return Customer.objects.filter(pk=plan.customer_id)
    return Customer.objects.filter(merchant_id=plan.merchant_id, tier=plan.tier)


def budget_check(plan: MaintenancePlan) -> None:
    """The budget may not exceed the tier's gift standard times the customers it covers."""
    from ..selectors import settings_of_merchant_id

    standards = settings_of_merchant_id(plan.merchant_id).gift_budget_fen
    tier = plan.customer.tier if plan.customer_id else plan.tier
    if not tier:
        return  # an ungraded customer: no standard applies yet
    limit = int(standards.get(tier, 0)) * plan_customers(plan).count()
    if plan.budget_fen > limit:
        raise BudgetOverStandard(
            _("预算超出 %(tier)s 类礼品标准（最多 ¥%(limit).2f）。")
            % {"tier": tier, "limit": limit / 100},
            fields={"budget_fen": [_("最多 %(limit)s 分") % {"limit": limit}]},
        )


@transaction.atomic
def plan_create(
    *,
    merchant: Merchant,
    created_by: User,
    staff: User | None,
    customer: Customer | None = None,
    tier: str = "",
    **fields,
) -> MaintenancePlan:
    plan = MaintenancePlan(
        merchant=merchant,
        created_by=created_by,
        staff=staff or created_by,
        customer=customer,
        tier="" if customer else tier,
        **{k: v for k, v in fields.items() if k in PLAN_FIELDS},
    )
    budget_check(plan)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: MaintenancePlan, staff: User | None = None, **changes) -> MaintenancePlan:
    plan = plan_lock(plan)
    if plan.status not in EDITABLE:
        raise PlanStateInvalid()
    for name in PLAN_FIELDS:
        if name in changes:
            setattr(plan, name, changes[name])
    if "staff" in changes and staff is not None:
        plan.staff = staff
    budget_check(plan)
    plan.save()
    return plan


@transaction.atomic
def plan_submit(*, plan: MaintenancePlan) -> MaintenancePlan:
    plan = plan_lock(plan)
    if plan.status not in EDITABLE:
        raise PlanStateInvalid()
    budget_check(plan)
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def plan_approve(*, plan: MaintenancePlan, note: str = "") -> MaintenancePlan:
    """The owner approves: each customer the plan covers gets a task for the plan's staff."""
    plan = plan_lock(plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanStateInvalid()
    plan.status, plan.review_note, plan.reviewed_at = PlanStatus.APPROVED, note, timezone.now()
    plan.save(update_fields=["status", "review_note", "reviewed_at"])
    Task.objects.bulk_create(
        [
            Task(
                merchant_id=plan.merchant_id,
                customer=customer,
                kind=TaskKind.PLAN,
                plan=plan,
                assigned_to=plan.staff,
                title=f"维护计划：{plan.goal}"[:200],
                due=plan.deadline,
            )
            for customer in plan_customers(plan).order_by("pk")
        ]
    )
    return plan


@transaction.atomic
def plan_return(*, plan: MaintenancePlan, note: str) -> MaintenancePlan:
    plan = plan_lock(plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanStateInvalid()
    plan.status, plan.review_note, plan.reviewed_at = PlanStatus.RETURNED, note, timezone.now()
    plan.save(update_fields=["status", "review_note", "reviewed_at"])
    return plan


@transaction.atomic
def plan_summarize(
    *, plan: MaintenancePlan, result: str, spent_fen: int | None = None
) -> MaintenancePlan:
    """Record the result and the money spent (by default what its tasks spent)."""
    plan = plan_lock(plan)
    if plan.status != PlanStatus.APPROVED:
        raise PlanStateInvalid()
    if spent_fen is None:
        spent_fen = plan.tasks.aggregate(total=Sum("spent_fen"))["total"] or 0
    plan.status, plan.result, plan.spent_fen = PlanStatus.DONE, result, spent_fen
    plan.save(update_fields=["status", "result", "spent_fen"])
    return plan


@transaction.atomic
def staff_hand_over(
    *, merchant: Merchant, from_staff: User, to_staff: User, by: User, reason: str = ""
) -> HandOver:
    """Move everything a leaving staff member holds to another, in one transaction, and record
    exactly what moved. Future callbacks follow the customers (the today list is by owner)."""
    if from_staff.pk == to_staff.pk:
        raise NotOurStaff(fields={"to_staff": [_("接手店员不能与移交店员相同。")]})
    moved = hand_over_lock(merchant=merchant, staff=from_staff)
    Customer.objects.filter(pk__in=moved["customers"]).update(owner=to_staff)
    Task.objects.filter(pk__in=moved["tasks"]).update(assigned_to=to_staff)
    Complaint.objects.filter(pk__in=moved["complaints"]).update(owner=to_staff)
    MaintenancePlan.objects.filter(pk__in=moved["plans"]).update(staff=to_staff)
    return HandOver.objects.create(
        merchant=merchant,
        from_staff=from_staff,
        to_staff=to_staff,
        by=by,
        reason=reason,
        moved=moved,
    )
