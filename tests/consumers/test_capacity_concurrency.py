"""A slot is never oversold, however many consumers book its last places at once."""

import pytest

from consumers.errors import SlotFull
from consumers.models import Order, TimeSlot
from consumers.services import order_cancel_by_consumer
from tests.concurrency import run_concurrently

from .factories import SlotFactory, booking, consumer_new

THREADS = 12


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("capacity", [1, 5])
def test_concurrent_bookings_never_exceed_capacity(capacity):
    slot = SlotFactory(capacity=capacity)
    consumers = [consumer_new() for _ in range(THREADS)]
    outcomes = run_concurrently(lambda i: booking(slot=slot, consumer=consumers[i]), n=THREADS)
    placed = [o for o in outcomes if isinstance(o, Order)]
    refused = [o for o in outcomes if isinstance(o, SlotFull)]
    assert len(placed) == capacity
    assert len(refused) == THREADS - capacity
    assert TimeSlot.objects.get(pk=slot.pk).booked == capacity
    assert Order.objects.filter(slot=slot).count() == capacity


@pytest.mark.django_db(transaction=True)
def test_bookings_racing_cancellations_keep_the_count_exact():
    """Half the threads cancel existing bookings while the other half book the freed places:
    the slot's count always equals the places its live orders hold."""
    slot = SlotFactory(capacity=6)
    existing = [booking(slot=slot) for _ in range(6)]
    newcomers = [consumer_new() for _ in range(6)]

    def act(index):
        if index % 2:
            order = existing[index // 2]
            return order_cancel_by_consumer(order=order, actor=order.consumer)
        return booking(slot=slot, consumer=newcomers[index // 2])

    outcomes = run_concurrently(act, n=12)
    assert all(isinstance(o, Order | SlotFull) for o in outcomes), outcomes
    assert Order.objects.filter(slot=slot, state="cancelled_by_consumer").count() == 6
    live = Order.objects.filter(slot=slot, state="confirmed").count()
    assert TimeSlot.objects.get(pk=slot.pk).booked == live <= 6
