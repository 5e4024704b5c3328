"""Working today's list: logging a contact (which closes the list's items it answers) and
booking a call back."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User

from ..locks import customer_lock
from ..models import (
    Complaint,
    ComplaintStatus,
    Customer,
    Interaction,
    InteractionKind,
    Purpose,
    Task,
    TaskKind,
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
    item_keys: list[str] | None = None,
    at: datetime | None = None,
) -> Interaction:
    """Log a contact with its outcome; it closes the today-list items it answers: `item_key`,
    or `item_keys`, every reason of the customer's entry (one contact on the timeline, the
    first key its `item_key`); a complaint's resolution callback closes the complaint too.
    Locks: the customer row."""
    customer = customer_lock(customer)
    at = at or timezone.now()
    keys = list(dict.fromkeys(k for k in [item_key, *(item_keys or [])] if k))
    contact = Interaction.objects.create(
        customer=customer,
        kind=InteractionKind.CONTACT,
        at=at,
        channel=channel,
        purpose=purpose,
        note=note,
        satisfaction=satisfaction,
        item_key=keys[0] if keys else "",
        item_keys=keys,
        staff=staff,
        summary=stored_text(Purpose(purpose).label),
    )
    customer.last_contact_at = max(filter(None, [customer.last_contact_at, at]))
    fields = ["last_contact_at"]
    if satisfaction:
        customer.satisfaction = satisfaction
        fields.append("satisfaction")
    customer.save(update_fields=fields)
    for key in keys:
        if key.startswith("complaint:") and key.endswith(":resolved"):
            Complaint.objects.filter(
                pk=key.split(":")[1], customer=customer, status=ComplaintStatus.RESOLVED
            ).update(status=ComplaintStatus.CLOSED, callback_at=at)
    return contact


def stored_text(text) -> str:
    """Timeline rows are stored in Chinese, whatever the writer's language; the dashboard
    renders them in the reader's (crm.timeline)."""
    with translation.override("zh-hans"):
        return str(text)


@transaction.atomic
def callback_book(
    *, customer: Customer, by: User, due: date, note: str = "", assigned_to: User | None = None
) -> Task:
    """A call back promised to the customer on `due`: it is on that day's list (crm.today)
    until a contact outcome answers it."""
    return Task.objects.create(
        merchant_id=customer.merchant_id,
        customer=customer,
        kind=TaskKind.CALLBACK,
        assigned_to=assigned_to or by,
        title=(f"约定回电 {note}").strip()[:200],
        due=due,
    )
