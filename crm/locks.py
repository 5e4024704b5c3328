"""Row locks of the CRM (ARCHITECTURE.md, "locks.py").

Lock order. Where one transaction locks several CRM tables it takes them in this order, each
table's rows in primary-key order, so two transactions over overlapping rows queue instead of
deadlocking:

    customer  ->  maintenance plan  ->  task  ->  complaint

(the customer before anything about it; a plan before the tasks it made). Pending touches are
claimed on their own, skipping one another worker holds.

The locks are FOR NO KEY UPDATE (no_key): none of these writes changes a key, and a row added
that points at a locked one (a contact on a customer) takes KEY SHARE on it, which FOR UPDATE
would block: a complaint's or task's service, holding that row and adding the contact, would
then wait for the customer the hand-over holds while the hand-over waits for its task.
"""

from django.db.models import QuerySet

from accounts.models import User
from merchants.models import Merchant

from .models import (
    Complaint,
    ComplaintStatus,
    Customer,
    MaintenancePlan,
    PendingTouch,
    PlanStatus,
    Task,
    TaskStatus,
)


def customers_locking() -> QuerySet[Customer]:
    """Customers, each row locked as it is read (for a lookup that may fall back)."""
    return Customer.objects.select_for_update(of=("self",), no_key=True)


def customer_lock(customer: Customer) -> Customer:
    return customers_locking().get(pk=customer.pk)


def merchant_customers_lock(merchant: Merchant) -> list[Customer]:
    """Every customer of the merchant, locked in primary-key order (the nightly grading)."""
    return list(customers_locking().filter(merchant=merchant).order_by("pk"))


def plan_lock(plan: MaintenancePlan) -> MaintenancePlan:
    return MaintenancePlan.objects.select_for_update(of=("self",), no_key=True).get(pk=plan.pk)


def task_lock(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",), no_key=True).get(pk=task.pk)


def complaint_lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",), no_key=True).get(pk=complaint.pk)


def pending_touch_claim(pk: int) -> PendingTouch | None:
    """The pending touch, locked; None if it is gone or another worker is applying it."""
    return PendingTouch.objects.select_for_update(skip_locked=True).filter(pk=pk).first()


def hand_over_lock(*, merchant: Merchant, staff: User) -> dict[str, list[int]]:
    """Lock what `staff` holds at the merchant, in the CRM's lock order: the customers they
    own, their unfinished plans, open tasks and complaints not closed. Their primary keys."""
    customers = Customer.objects.filter(merchant=merchant, owner=staff)
    plans = MaintenancePlan.objects.filter(merchant=merchant, staff=staff).exclude(
        status=PlanStatus.DONE
    )
    tasks = Task.objects.filter(merchant=merchant, assigned_to=staff, status=TaskStatus.OPEN)
    complaints = Complaint.objects.filter(merchant=merchant, owner=staff).exclude(
        status=ComplaintStatus.CLOSED
    )
    return {  # a literal's values are evaluated in order: this is the lock order
        "customers": pks_lock(customers),
        "plans": pks_lock(plans),
        "tasks": pks_lock(tasks),
        "complaints": pks_lock(complaints),
    }


def pks_lock(rows: QuerySet) -> list[int]:
    return list(
        rows.order_by("pk")
        .select_for_update(of=("self",), no_key=True)
        .values_list("pk", flat=True)
    )
