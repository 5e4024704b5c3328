"""Contacts (closing today-list items), complaints, retention and other tasks."""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from merchants.models import Merchant

from ..errors import ComplaintStateInvalid, RetentionTaskOpen, TaskClosed
from ..locks import complaint_lock, customer_lock, task_lock
from ..models import (
    Complaint,
    ComplaintStatus,
    Customer,
    Interaction,
    InteractionKind,
    Task,
    TaskKind,
    TaskStatus,
)


@transaction.atomic
def contact_log(
    *,
    customer: Customer,
    staff: User,
    channel: str,
    purpose: str,
    note: str = "",
    satisfaction: int | None = None,
    item_key: str = "",
    at: datetime | None = None,
) -> Interaction:
    """Log a contact with its outcome; with `item_key` it closes that today-list item (and a
    complaint's resolution callback closes the complaint). Locks: the customer row."""
    customer = customer_lock(customer)
    at = at or timezone.now()
    contact = Interaction.objects.create(
        customer=customer,
        kind=InteractionKind.CONTACT,
        at=at,
        channel=channel,
        purpose=purpose,
        note=note,
        satisfaction=satisfaction,
        item_key=item_key,
        staff=staff,
        summary=f"{dict(Interaction._meta.get_field('purpose').choices)[purpose]}",
    )
    customer.last_contact_at = max(filter(None, [customer.last_contact_at, at]))
    fields = ["last_contact_at"]
    if satisfaction:
        customer.satisfaction = satisfaction
        fields.append("satisfaction")
    customer.save(update_fields=fields)
    if item_key.startswith("complaint:") and item_key.endswith(":resolved"):
        complaint_id = item_key.split(":")[1]
        Complaint.objects.filter(
            pk=complaint_id, customer=customer, status=ComplaintStatus.RESOLVED
        ).update(status=ComplaintStatus.CLOSED, callback_at=at)
    return contact


@transaction.atomic
def complaint_create(
    *,
    merchant: Merchant,
    customer: Customer,
    channel: str,
    content: str,
    owner: User | None,
    respond_by: datetime | None = None,
) -> Complaint:
    from ..selectors import settings_of

    now = timezone.now()
    respond_by = respond_by or now + timedelta(hours=settings_of(merchant).complaint_response_hours)
    complaint = Complaint.objects.create(
        merchant=merchant,
        customer=customer,
        channel=channel,
        content=content,
        owner=owner or customer.owner,
        respond_by=respond_by,
    )
    Interaction.objects.create(
        customer=customer,
        kind=InteractionKind.COMPLAINT,
        at=now,
        channel=channel,
        summary=content[:200],
        reference=f"complaint:{complaint.pk}",
    )
    return complaint


@transaction.atomic
def complaint_update(*, complaint: Complaint, owner: User | None = None, **changes) -> Complaint:
    complaint = complaint_lock(complaint)
    if complaint.status != ComplaintStatus.OPEN:
        raise ComplaintStateInvalid()
    fields = []
    if "owner" in changes:
        complaint.owner = owner
        fields.append("owner")
    if "respond_by" in changes:
        complaint.respond_by = changes["respond_by"]
        fields.append("respond_by")
    if fields:
        complaint.save(update_fields=fields)
    return complaint


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, resolution: str, by: User) -> Complaint:
    """Resolved: the customer is then called back (the today list shows it until logged)."""
    complaint = complaint_lock(complaint)
    if complaint.status != ComplaintStatus.OPEN:
        raise ComplaintStateInvalid()
    complaint.status, complaint.resolution = ComplaintStatus.RESOLVED, resolution
    complaint.resolved_at = timezone.now()
    complaint.save(update_fields=["status", "resolution", "resolved_at"])
    Interaction.objects.create(
        customer_id=complaint.customer_id,
        kind=InteractionKind.NOTE,
        at=complaint.resolved_at,
        summary=f"投诉已解决：{resolution[:180]}",
        staff=by,
    )
    return complaint


@transaction.atomic
def retention_task_create(
    *, customer: Customer, assigned_to: User | None, due: date, note: str = ""
) -> Task:
    """One open retention task per at-risk customer (a partial unique index makes it so),
    titled with the churn model's explanation (the overdue flag) and the other flags."""
    reasons = "；".join(f["reason"] for f in customer.flags) or "流失风险"
    try:
        with transaction.atomic():
            return Task.objects.create(
                merchant_id=customer.merchant_id,
                customer=customer,
                kind=TaskKind.RETENTION,
                assigned_to=assigned_to or customer.owner,
                title=(f"挽留：{reasons} {note}").strip()[:200],
                due=due,
            )
    except IntegrityError as error:
        raise RetentionTaskOpen() from error


@transaction.atomic
def callback_book(
    *, customer: Customer, by: User, due: date, note: str = "", assigned_to: User | None = None
) -> Task:
    """A call back promised to the customer on `due`: it is on that day's list (worklist)
    until a contact outcome answers it."""
    return Task.objects.create(
        merchant_id=customer.merchant_id,
        customer=customer,
        kind=TaskKind.CALLBACK,
        assigned_to=assigned_to or by,
        title=(f"约定回电 {note}").strip()[:200],
        due=due,
    )


@transaction.atomic
def task_complete(
    *,
    task: Task,
    by: User,
    outcome: str,
    retained: bool | None = None,
    spent_fen: int = 0,
) -> Task:
    task = task_lock(task)
    if task.status != TaskStatus.OPEN:
        raise TaskClosed()
    task.status, task.outcome, task.retained = TaskStatus.DONE, outcome, retained
    task.spent_fen, task.done_at = spent_fen, timezone.now()
    task.save(update_fields=["status", "outcome", "retained", "spent_fen", "done_at"])
    Interaction.objects.create(
        customer_id=task.customer_id,
        kind=InteractionKind.TASK,
        at=task.done_at,
        summary=f"{task.get_kind_display()}任务完成：{outcome[:150]}",
        staff=by,
        reference=f"task:{task.pk}",
    )
    return task
