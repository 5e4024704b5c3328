"""What the dashboard charts: customer groups, purchase structure, churn and loyalty over time,
campaign effect, KPIs against targets. Plain dicts, ready for JSON."""

from datetime import date, timedelta

from django.db.models import Count, Min, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth
from django.utils import timezone

from merchants.models import Merchant

from .models import (
    Customer,
    Interaction,
    InteractionKind,
    Kpi,
    KpiSnapshot,
    KpiTarget,
    Purchase,
    Segment,
    Tier,
)


def customer_groups(merchant: Merchant) -> dict:
    customers = Customer.objects.filter(merchant=merchant)

    def counted(field):
        return {
            row[field] or "": row["n"]
            for row in customers.values(field).annotate(n=Count("pk")).order_by(field)
        }

    tiers, segments = counted("tier"), counted("segment")
    return {
        "total": customers.count(),
        "tiers": [{"tier": t, "customers": tiers.get(t, 0)} for t in Tier.values],
        "ungraded": tiers.get("", 0),
        "segments": [
            {"segment": s, "label": str(label), "customers": segments.get(s, 0)}
            for s, label in Segment.choices
        ],
        "sources": [{"source": k, "customers": v} for k, v in sorted(counted("source").items())],
        "at_risk": customers.filter(at_risk=True).count(),
    }


def purchase_structure(merchant: Merchant, *, since: date | None = None) -> dict:
    since = since or timezone.localdate() - timedelta(days=365)
    purchases = Purchase.objects.filter(customer__merchant=merchant, at__date__gte=since)

    def rows(qs, key):
        return [
            {key: r[key], "purchases": r["n"], "amount_fen": r["amount"] or 0}
            for r in qs.annotate(n=Count("pk"), amount=Sum("amount_fen"))
        ]

    by_month = purchases.annotate(month=TruncMonth("at")).values("month").order_by("month")
    return {
        "since": since,
        "by_service": rows(
            purchases.values("service_name").order_by("service_name"), "service_name"
        ),
        "by_month": [
            {**row, "month": row["month"].date().isoformat()[:7]} for row in rows(by_month, "month")
        ],
        "by_weekday": rows(
            purchases.annotate(weekday=ExtractIsoWeekDay("at"))
            .values("weekday")
            .order_by("weekday"),
            "weekday",
        ),
        "by_hour": rows(
            purchases.annotate(hour=ExtractHour("at")).values("hour").order_by("hour"), "hour"
        ),
    }


def churn_over_time(merchant: Merchant, *, months: int = 12) -> dict:
    """Per month: active customers, how many came back from the month before (loyalty), how many
    of the month before did not (churn), and new customers; plus the KPI snapshots."""
    firsts = dict(
        Purchase.objects.filter(customer__merchant=merchant)
        .values("customer_id")
        .annotate(first=Min("at"))
        .values_list("customer_id", "first")
    )
    start = (timezone.localdate().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    active: dict[str, set[int]] = {}
    rows = (
        Purchase.objects.filter(customer__merchant=merchant, at__date__gte=start)
        .annotate(month=TruncMonth("at"))
        .values_list("month", "customer_id")
        .distinct()
    )
    for month, customer_id in rows:
        active.setdefault(month.date().isoformat()[:7], set()).add(customer_id)
    series, previous = [], None
    for month in sorted(active):
        now_active = active[month]
        new = sum(1 for c in now_active if timezone.localtime(firsts[c]).strftime("%Y-%m") == month)
        entry = {"month": month, "active": len(now_active), "new": new}
        if previous is not None:
            kept = len(previous & now_active)
            entry["retained"] = kept
            entry["retention_rate"] = round(kept / len(previous), 4) if previous else None
            entry["churn_rate"] = round(1 - kept / len(previous), 4) if previous else None
        series.append(entry)
        previous = now_active
    return {"months": series, "kpis": kpi_series(merchant)}


def campaign_effect(merchant: Merchant, *, window_days: int = 30) -> list[dict]:
    """Per coupon campaign: redemptions attributed to customers, how many customers, and what
    those customers spent in the window after their redemption against the window before."""
    from coupons.models import Campaign

    redemptions = list(
        Interaction.objects.filter(
            customer__merchant=merchant, kind=InteractionKind.COUPON, campaign__isnull=False
        ).values_list("campaign_id", "customer_id", "at")
    )
    if not redemptions:
        return []
    customer_ids = {c for _, c, _ in redemptions}
    purchases: dict[int, list[tuple]] = {}
    for customer_id, at, amount in Purchase.objects.filter(
        customer_id__in=customer_ids
    ).values_list("customer_id", "at", "amount_fen"):
        purchases.setdefault(customer_id, []).append((at, amount))
    window = timedelta(days=window_days)
    effect: dict[int, dict] = {}
    for campaign_id, customer_id, at in redemptions:
        row = effect.setdefault(
            campaign_id,
            {"redemptions": 0, "customers": set(), "spend_before_fen": 0, "spend_after_fen": 0},
        )
        row["redemptions"] += 1
        if customer_id in row["customers"]:
            continue
        row["customers"].add(customer_id)
        for when, amount in purchases.get(customer_id, []):
            if at - window <= when < at:
                row["spend_before_fen"] += amount
            elif at <= when < at + window:
                row["spend_after_fen"] += amount
    titles = dict(Campaign.objects.filter(pk__in=effect).values_list("pk", "title"))
    return [
        {
            "campaign": campaign_id,
            "title": titles.get(campaign_id, ""),
            "redemptions": row["redemptions"],
            "customers": len(row["customers"]),
            "spend_before_fen": row["spend_before_fen"],
            "spend_after_fen": row["spend_after_fen"],
            "window_days": window_days,
        }
        for campaign_id, row in sorted(effect.items())
    ]


def kpi_series(merchant: Merchant) -> list[dict]:
    """Each snapshot with the target in force that day for each KPI."""
    targets: dict[str, list[KpiTarget]] = {}
    for target in KpiTarget.objects.filter(merchant=merchant).order_by("valid_from"):
        targets.setdefault(target.kpi, []).append(target)

    def target_on(kpi: str, day: date):
        found = [t.target for t in targets.get(kpi, []) if t.valid_from <= day]
        return found[-1] if found else None

    return [
        {
            "day": snap.day,
            "customers": snap.customers,
            **{
                kpi: {"value": getattr(snap, kpi), "target": target_on(kpi, snap.day)}
                for kpi in Kpi.values
            },
        }
        for snap in KpiSnapshot.objects.filter(merchant=merchant).order_by("day")
    ]
