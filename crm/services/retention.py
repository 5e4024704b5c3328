"""Retention: one-to-one tasks for at-risk customers, and completing tasks."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from ..errors import RetentionTaskOpen, TaskClosed
from ..locks import task_lock
from ..models import (
    Customer,
    Interaction,
    InteractionKind,
    Task,
    TaskKind,
    TaskStatus,
)
from .today import stored_text


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
        summary=f"{stored_text(task.get_kind_display())}任务完成：{outcome[:150]}",
        staff=by,
        reference=f"task:{task.pk}",
    )
    return task
