"""Complaints: open, change, resolve (the resolution callback then closes them)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from merchants.models import Merchant

from ..errors import ComplaintStateInvalid
from ..locks import complaint_lock
from ..models import (
    Complaint,
    ComplaintStatus,
    Customer,
    Interaction,
    InteractionKind,
)


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
