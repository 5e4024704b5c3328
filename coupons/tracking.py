"""What a campaign brought: the funnel (quantity -> issued -> redeemed), time to redeem,
the revenue of the orders that used it, by day in Asia/Shanghai, and a CSV of the same.

Reversed redemptions do not count: a coupon used, reversed and used again counts once, on the
day of the standing redemption.
"""

import io
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Sum,
)
from django.db.models.functions import Extract, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheet import csv_writer

from .models import Campaign, Coupon, CouponChannel, Redemption

MAX_DAYS = 366


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class DayFigures:
    day: date
    issued: int = 0
    claimed: int = 0
    redeemed: int = 0
    revenue_fen: int = 0
    discount_fen: int = 0


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def campaign_stats(campaign: Campaign, *, first: date | None = None, last: date | None = None):
    """Totals, funnel and daily figures; days default to the campaign's life so far."""
    first = first or timezone.localdate(campaign.created_at)
    last = last or timezone.localdate()
    coupons = Coupon.objects.filter(campaign=campaign)
    standing = Redemption.objects.filter(campaign=campaign, reversed_at__isnull=True)
    totals = coupons.aggregate(
        issued=Count("pk"),
        claimed=Count("pk", filter=Q(channel=CouponChannel.CLAIM)),
        sent=Count("pk", filter=Q(channel=CouponChannel.ISSUE)),
        printed=Count("pk", filter=Q(channel=CouponChannel.PAPER)),
    )
    used = _redemption_totals(standing)
    reversed_count = Redemption.objects.filter(campaign=campaign, reversed_at__isnull=False).count()
    return {
        "campaign": campaign.pk,
        "title": campaign.title,
        "total_quantity": campaign.total_quantity,
        **totals,
        "redeemed": used["redeemed"],
        "reversed": reversed_count,
        "redemption_rate": _rate(used["redeemed"], totals["issued"]),
        "time_to_redeem_median_seconds": _seconds(used["median_seconds"]),
        "time_to_redeem_average_seconds": _seconds(used["average_seconds"]),
        "revenue_fen": used["revenue_fen"],
        "discount_fen": used["discount_fen"],
        "payable_fen": used["payable_fen"],
        "funnel": [
            {"stage": "quantity", "label": _("发行量"), "count": campaign.total_quantity},
            {
                "stage": "issued",
                "label": _("已发放（领取、定向发放、纸质）"),
                "count": totals["issued"],
            },
            {"stage": "redeemed", "label": _("已核销"), "count": used["redeemed"]},
        ],
        "first_day": first,
        "last_day": last,
        "daily": _daily(coupons, standing, first, last),
    }


def _redemption_totals(standing) -> dict:
    waited = Extract(
        ExpressionWrapper(F("redeemed_at") - F("coupon__issued_at"), output_field=DurationField()),
        "epoch",
    )
    return standing.aggregate(
        redeemed=Count("pk"),
        revenue_fen=Sum("order_amount_fen", default=0),
        discount_fen=Sum("discount_fen", default=0),
        payable_fen=Sum("payable_fen", default=0),
        median_seconds=Median(waited),
        average_seconds=Avg(waited),
    )


def _seconds(value) -> int | None:
    return None if value is None else round(value)


def _daily(coupons, standing, first: date, last: date) -> list[dict]:
    """One DayFigures per day from `first` to `last`, days in the current time zone."""
    zone = timezone.get_current_timezone()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    figures = {day: DayFigures(day) for day in days}
    in_range = {"day__gte": first, "day__lte": last}
    for row in (
        coupons.annotate(day=TruncDate("issued_at", tzinfo=zone))
        .filter(**in_range)
        .values("day")
        .annotate(issued=Count("pk"), claimed=Count("pk", filter=Q(channel=CouponChannel.CLAIM)))
    ):
        figures[row["day"]].issued, figures[row["day"]].claimed = row["issued"], row["claimed"]
    for row in (
        standing.annotate(day=TruncDate("redeemed_at", tzinfo=zone))
        .filter(**in_range)
        .values("day")
        .annotate(
            redeemed=Count("pk"),
            revenue_fen=Sum("order_amount_fen"),
            discount_fen=Sum("discount_fen"),
        )
    ):
        day = figures[row["day"]]
        day.redeemed, day.revenue_fen, day.discount_fen = (
            row["redeemed"],
            row["revenue_fen"],
            row["discount_fen"],
        )
    return [asdict(figures[day]) for day in days]


CSV_HEADER = [
    gettext_lazy("日期"),
    gettext_lazy("发放张数"),
    gettext_lazy("其中顾客领取"),
    gettext_lazy("核销张数"),
    gettext_lazy("订单金额（元）"),
    gettext_lazy("优惠金额（元）"),
]


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


def stats_csv(stats: dict) -> bytes:
    """The daily figures as CSV with a total row, UTF-8 with a BOM so Excel reads Chinese."""
    out = io.StringIO()
    writer = csv_writer(out)  # every cell formula-escaped (core.spreadsheet)
    writer.writerow([str(label) for label in CSV_HEADER])
    for day in stats["daily"]:
        writer.writerow(
            [
                day["day"].isoformat(),
                day["issued"],
                day["claimed"],
                day["redeemed"],
                _yuan(day["revenue_fen"]),
                _yuan(day["discount_fen"]),
            ]
        )
    daily = stats["daily"]
    writer.writerow(
        [
            _("合计"),
            sum(d["issued"] for d in daily),
            sum(d["claimed"] for d in daily),
            sum(d["redeemed"] for d in daily),
            _yuan(sum(d["revenue_fen"] for d in daily)),
            _yuan(sum(d["discount_fen"] for d in daily)),
        ]
    )
    return out.getvalue().encode("utf-8-sig")
