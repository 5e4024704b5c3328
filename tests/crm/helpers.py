"""Building customers with a purchase history at given moments."""

from datetime import date, datetime, time

from django.utils import timezone

from crm.models import Customer, CustomerSource
from crm.services.feed import purchase_record

_phones = iter(range(10**6))


def moment(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def customer_new(merchant, **fields) -> Customer:
    fields.setdefault("name", "顾客")
    fields.setdefault("phone", f"+86139{next(_phones):08d}")
    fields.setdefault("source", CustomerSource.MANUAL)
    return Customer.objects.create(merchant=merchant, **fields)


def purchases_add(customer: Customer, days: list[date], amount_fen: int = 10_000) -> None:
    for index, day in enumerate(days):
        purchase_record(
            customer=customer,
            at=moment(day),
            amount_fen=amount_fen,
            service_name="洗剪吹",
            reference=f"t:{customer.pk}:{index}:{day.isoformat()}",
        )
