from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Role
from consumers.models import ResourceKind, TimeSlot
from consumers.services import order_create
from tests.factories import ServiceFactory, UserFactory


class BookableServiceFactory(ServiceFactory):
    name = "洗剪吹"
    price_fen = 8800
    duration_minutes = 45
    bookable = True


class SlotFactory(factory.django.DjangoModelFactory):
    """A slot tomorrow at a round hour (well past any cancellation cut-off)."""

    class Meta:
        model = TimeSlot

    service = factory.SubFactory(BookableServiceFactory)
    shop = factory.LazyAttribute(lambda slot: slot.service.shop)
    resource_kind = ResourceKind.STAFF
    resource_name = "Tony 老师"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda slot: slot.starts_at + timedelta(minutes=45))
    capacity = 1


def consumer_new():
    return UserFactory(role=Role.CONSUMER)


def booking(*, slot=None, consumer=None, quantity=1, **options):
    """An order placed through the service, as the API places it."""
    slot = slot or SlotFactory()
    return order_create(
        consumer=consumer or consumer_new(),
        service=slot.service,
        slot=slot,
        quantity=quantity,
        **options,
    )


def purchase(*, service=None, consumer=None, quantity=1, **options):
    return order_create(
        consumer=consumer or consumer_new(),
        service=service or BookableServiceFactory(bookable=False),
        quantity=quantity,
        **options,
    )
