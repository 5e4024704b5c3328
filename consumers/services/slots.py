"""Time slots and their capacity, and a shop's order policy."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from consumers.errors import ServiceNotBookable, SlotFull, SlotHasBookings
from consumers.locks import order_policy_lock
from consumers.models import ResourceKind, ShopOrderPolicy, TimeSlot
from merchants.errors import PublicServiceNotBookable
from merchants.models import Service, Shop


def slot_service_check(*, shop: Shop, service: Service | None) -> None:
    if shop.is_public_service:
        raise PublicServiceNotBookable()
    if service is not None and (service.shop_id != shop.pk or not service.bookable):
        raise ServiceNotBookable(fields={"service": [str(ServiceNotBookable.message)]})


@transaction.atomic
def slots_create(
    *,
    shop: Shop,
    service: Service | None,
    starts: list[datetime],
    duration_minutes: int,
    capacity: int,
    resource_kind: str = ResourceKind.SEAT,
    resource_name: str = "",
) -> list[TimeSlot]:
    """One slot per start time, each `duration_minutes` long with `capacity` places."""
    slot_service_check(shop=shop, service=service)
    return TimeSlot.objects.bulk_create(
        TimeSlot(
            shop=shop,
            service=service,
            resource_kind=resource_kind,
            resource_name=resource_name,
            starts_at=start,
            ends_at=start + timedelta(minutes=duration_minutes),
            capacity=capacity,
        )
        for start in sorted(set(starts))
    )


@transaction.atomic
def slot_capacity_set(*, slot: TimeSlot, capacity: int) -> TimeSlot:
    """Change a slot's capacity; never below what is already booked."""
    changed = TimeSlot.objects.filter(pk=slot.pk, booked__lte=capacity).update(capacity=capacity)
    if not changed:
        raise SlotHasBookings(fields={"capacity": [str(SlotHasBookings.message)]})
    return TimeSlot.objects.get(pk=slot.pk)


@transaction.atomic
def slot_delete(*, slot: TimeSlot) -> None:
    if slot.orders.exists():
        raise SlotHasBookings()
    slot.delete()


def slot_reserve(*, slot: TimeSlot, quantity: int) -> None:
    """Take `quantity` places, or SlotFull. One conditional UPDATE: PostgreSQL re-checks the
    condition on the row's newest version after waiting for a concurrent booking, so two
    bookings can never both take the last place; the check constraint is the last line."""
    taken = TimeSlot.objects.filter(pk=slot.pk, booked__lte=F("capacity") - quantity).update(
        booked=F("booked") + quantity
    )
    if not taken:
        raise SlotFull(fields={"slot": [str(SlotFull.message)]})


def slot_release(*, slot_id: int, quantity: int) -> None:
    TimeSlot.objects.filter(pk=slot_id).update(booked=F("booked") - quantity)


POLICY_FIELDS = {
    "requires_acceptance",
    "acceptance_minutes",
    "cancel_cutoff_minutes",
    "late_cancel_fee_percent",
    "no_show_fee_percent",
    "voucher_valid_days",
    "service_mode",
    "home_service_radius_m",
}


@transaction.atomic
def order_policy_set(*, shop: Shop, **fields) -> ShopOrderPolicy:
    """Change a shop's order policy; orders already placed keep the terms they were sold on
    where those were copied (validity, acceptance deadline)."""
    policy = order_policy_lock(shop)
    changed = set(fields) & POLICY_FIELDS
    for name in changed:
        setattr(policy, name, fields[name])
    policy.save()
    return policy
