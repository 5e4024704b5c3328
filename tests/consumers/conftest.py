import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from consumers.models import Order, TimeSlot


def key() -> dict:
    """A fresh Idempotency-Key header for one attempt."""
    return {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}


def shift(order: Order, *, hours: float) -> Order:
    """Move a booking's slot (and the order's copy of it) by `hours`: set-up for tests of what
    happens once a slot has started or ended."""
    delta = timedelta(hours=hours)
    slot = TimeSlot.objects.get(pk=order.slot_id)
    TimeSlot.objects.filter(pk=slot.pk).update(
        starts_at=slot.starts_at + delta, ends_at=slot.ends_at + delta
    )
    Order.objects.filter(pk=order.pk).update(
        starts_at=order.starts_at + delta, ends_at=order.ends_at + delta
    )
    return Order.objects.get(pk=order.pk)


def hours_from_now(hours: float):
    return timezone.now() + timedelta(hours=hours)


@pytest.fixture
def shop(merchant):
    from tests.factories import ShopFactory

    return ShopFactory(merchant=merchant)
