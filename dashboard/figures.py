"""Today's business in figures, for the home page: read-only sums over the apps' own records.

Every figure is (count, fen) over a window of local time in the given shops. Today is compared
with yesterday and the same weekday last week over the same part of the day (00:00 until now),
so at 10:00 the owner compares a morning with a morning, not with a whole day.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from consumers.models import Order
from coupons.models import Redemption
from loyalty.models import MembershipCard
from merchants.models import Shop
from payments.models import Payment, PaymentStatus


@dataclass(frozen=True)
class Figure:
    count: int
    fen: int | None  # None: the figure has no amount (new members)


@dataclass(frozen=True)
class Compared:
    key: str
    today: Figure
    yesterday: Figure
    last_week: Figure

    @property
    def count_change(self) -> int:
        return self.today.count - self.yesterday.count

    @property
    def fen_change(self) -> int | None:
        if self.today.fen is None:
            return None
        return self.today.fen - (self.yesterday.fen or 0)


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _figure(rows: QuerySet, amount: str | None) -> Figure:
    sums = rows.aggregate(n=Count("pk"), **({"fen": Sum(amount)} if amount else {}))
    return Figure(count=sums["n"], fen=(sums.get("fen") or 0) if amount else None)


def takings(shops: QuerySet[Shop], start: datetime, end: datetime) -> Figure:
    """Money received: payments that succeeded in the window (orders paid online, top-ups)."""
    rows = Payment.objects.filter(
        shop__in=shops,
        status=PaymentStatus.SUCCEEDED,
        succeeded_at__gte=start,
        succeeded_at__lt=end,
    )
    return _figure(rows, "amount_fen")


def orders(shops: QuerySet[Shop], start: datetime, end: datetime) -> Figure:
    rows = Order.objects.filter(shop__in=shops, created_at__gte=start, created_at__lt=end)
    return _figure(rows, "amount_fen")


def redemptions(shops: QuerySet[Shop], start: datetime, end: datetime) -> Figure:
    """Coupons redeemed at the counter (not reversed), with the orders' amounts they were on."""
    rows = Redemption.objects.filter(
        shop__in=shops, redeemed_at__gte=start, redeemed_at__lt=end, reversed_at__isnull=True
    )
    return _figure(rows, "order_amount_fen")


def new_members(shops: QuerySet[Shop], start: datetime, end: datetime) -> Figure:
    rows = MembershipCard.objects.filter(shop__in=shops, issued_at__gte=start, issued_at__lt=end)
    return _figure(rows, None)


FIGURES = {
    "takings": takings,
    "orders": orders,
    "redemptions": redemptions,
    "new_members": new_members,
}


def today_compared(shops: QuerySet[Shop], *, now: datetime | None = None) -> list[Compared]:
    now = timezone.localtime(now or timezone.now())
    start = day_start(now.date())
    elapsed = now - start

    def window(days_back: int) -> tuple[datetime, datetime]:
        begin = day_start(now.date() - timedelta(days=days_back))
        return begin, begin + elapsed

    return [
        Compared(
            key=key,
            today=figure(shops, start, now),
            yesterday=figure(shops, *window(1)),
            last_week=figure(shops, *window(7)),
        )
        for key, figure in FIGURES.items()
    ]


def takings_by_hour(shops: QuerySet[Shop], day: date) -> list[int]:
    """Fen received in each local hour of `day` (24 numbers), for the home page's chart."""
    start = day_start(day)
    rows = (
        Payment.objects.filter(
            shop__in=shops,
            status=PaymentStatus.SUCCEEDED,
            succeeded_at__gte=start,
            succeeded_at__lt=start + timedelta(days=1),
        )
        .annotate(hour=ExtractHour("succeeded_at", tzinfo=timezone.get_current_timezone()))
        .values("hour")
        .annotate(fen=Sum("amount_fen"))
    )
    hours = [0] * 24
    for row in rows:
        hours[row["hour"]] = row["fen"]
    return hours
