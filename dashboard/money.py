"""The money page's reads: settlement owed and paid out, the counter's history, and a day's
reconciliation of counter records against payments. Read-only sums over the apps' records."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from consumers.models import ConsumedVia, Order
from coupons.models import Redemption
from loyalty.models import Channel, LedgerEntry
from loyalty.models import EntryKind as LedgerKind
from loyalty.services.top_up import TOP_UP_PURPOSE
from merchants.models import Merchant, Shop
from payments.models import Payment, PaymentStatus
from settlement.models import PayoutBatch, SettlementEntry

from .figures import day_start


def owed(merchant: Merchant, shops: QuerySet[Shop]) -> dict:
    """Entries not yet in a payout batch: what the platform owes the shop(s) now."""
    return SettlementEntry.objects.filter(
        merchant=merchant, order__shop__in=shops, batch__isnull=True
    ).aggregate(
        count=Count("pk"),
        amount_fen=Sum("amount_fen"),
        commission_fen=Sum("commission_fen"),
        payable_fen=Sum("payable_fen"),
    )


def entries(merchant: Merchant, shops: QuerySet[Shop]) -> QuerySet[SettlementEntry]:
    return (
        SettlementEntry.objects.filter(merchant=merchant, order__shop__in=shops)
        .select_related("order", "order__shop", "batch")
        .order_by("-pk")
    )


def payouts(merchant: Merchant) -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.filter(merchant=merchant).order_by("-pk")


@dataclass(frozen=True)
class CounterRecord:
    at: datetime
    kind: str  # coupon, card, order
    label: str
    shop: str
    staff: str
    reference: str
    amount_fen: int  # what the record is about: the order's amount, the balance moved
    discount_fen: int
    note: str


def _window(date_from: date | None, date_to: date | None) -> tuple[datetime, datetime]:
    today = timezone.localdate()
    start = day_start(date_from or today - timedelta(days=30))
    end = day_start((date_to or today) + timedelta(days=1))
    return start, end


def _coupon_records(shops: QuerySet[Shop], start, end, limit: int) -> list[CounterRecord]:
    rows = Redemption.objects.filter(
        shop__in=shops, redeemed_at__gte=start, redeemed_at__lt=end
    ).select_related("shop", "staff", "campaign", "coupon")[:limit]
    return [
        CounterRecord(
            at=row.redeemed_at,
            kind="coupon",
            label=row.campaign.title,
            shop=row.shop.name,
            staff=row.staff.name or str(row.staff.phone),
            reference=row.coupon.code,
            amount_fen=row.order_amount_fen,
            discount_fen=row.discount_fen,
            note=("已撤销：" + row.reversal_reason) if row.reversed_at else "",
        )
        for row in rows
    ]


def _card_records(shops: QuerySet[Shop], start, end, limit: int) -> list[CounterRecord]:
    rows = (
        LedgerEntry.objects.filter(
            shop__in=shops,
            channel=Channel.COUNTER,
            created_at__gte=start,
            created_at__lt=end,
        )
        .exclude(balance_delta_fen=0, points_delta=0)
        .select_related("shop", "card", "created_by")[:limit]
    )
    return [
        CounterRecord(
            at=row.created_at,
            kind="card",
            label=str(row.get_kind_display()),
            shop=row.shop.name if row.shop else "",
            staff=(row.created_by.name or str(row.created_by.phone)) if row.created_by else "",
            reference=row.card.number,
            amount_fen=row.balance_delta_fen,
            discount_fen=0,
            note=row.note,
        )
        for row in rows
    ]


def _order_records(shops: QuerySet[Shop], start, end, limit: int) -> list[CounterRecord]:
    rows = Order.objects.filter(
        shop__in=shops,
        consumed_via=ConsumedVia.COUNTER,
        consumed_at__gte=start,
        consumed_at__lt=end,
    ).select_related("shop", "service")[:limit]
    return [
        CounterRecord(
            at=row.consumed_at,
            kind="order",
            label=row.service.name,
            shop=row.shop.name,
            staff="",
            reference=row.code,
            amount_fen=row.amount_fen,
            discount_fen=row.member_discount_fen + row.points_discount_fen,
            note="",
        )
        for row in rows
    ]


# What the counter records, by kind; counter_history's `kind` filter picks one ("" for all).
COUNTER_RECORDS = {"coupon": _coupon_records, "card": _card_records, "order": _order_records}


def counter_history(
    shops: QuerySet[Shop],
    *,
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 2000,
) -> list[CounterRecord]:
    """What the counter recorded in the shops (coupons redeemed, card spends and top-ups,
    orders redeemed), newest first."""
    start, end = _window(date_from, date_to)
    records: list[CounterRecord] = []
    for source_kind, source in COUNTER_RECORDS.items():
        if kind in ("", source_kind):
            records += source(shops, start, end, limit)
    records.sort(key=lambda record: record.at, reverse=True)
    return records[:limit]


def reconciliation(shops: QuerySet[Shop], day: date) -> list[dict]:
    """One row per shop for a local day: the counter's top-ups against the top-up payments
    (they must match to the fen: a difference names the payments concerned), and what else
    the counter recorded (card spends, coupons, orders) beside the payments received."""
    start, end = day_start(day), day_start(day + timedelta(days=1))
    rows = []
    for shop in shops.order_by("pk"):
        payments = Payment.objects.filter(
            shop=shop, status=PaymentStatus.SUCCEEDED, succeeded_at__gte=start, succeeded_at__lt=end
        )
        top_up_payments = {
            payment.pk: payment.amount_fen for payment in payments.filter(purpose=TOP_UP_PURPOSE)
        }
        ledger = LedgerEntry.objects.filter(shop=shop, created_at__gte=start, created_at__lt=end)
        top_up_entries = {
            int(reference.split(":", 1)[1]): fen
            for reference, fen in ledger.filter(
                kind=LedgerKind.TOP_UP, reference__startswith="payment:"
            ).values_list("reference", "balance_delta_fen")
        }
        unmatched = sorted(
            pk
            for pk in set(top_up_payments) | set(top_up_entries)
            if top_up_payments.get(pk) != top_up_entries.get(pk)
        )
        by_backend = {
            row["backend"]: row["fen"]
            for row in payments.values("backend")
            .annotate(fen=Sum("amount_fen"))
            .order_by("backend")
        }
        spends = ledger.filter(kind=LedgerKind.SPEND).aggregate(fen=Sum("balance_delta_fen"))["fen"]
        coupons = Redemption.objects.filter(
            shop=shop, redeemed_at__gte=start, redeemed_at__lt=end, reversed_at__isnull=True
        ).aggregate(n=Count("pk"), payable=Sum("payable_fen"), discount=Sum("discount_fen"))
        orders = Order.objects.filter(
            shop=shop, consumed_via=ConsumedVia.COUNTER, consumed_at__gte=start, consumed_at__lt=end
        ).aggregate(n=Count("pk"), fen=Sum("amount_fen"))
        rows.append(
            {
                "shop": shop,
                "payments_fen": sum(by_backend.values()),
                "by_backend": by_backend,
                "top_up_payments_fen": sum(top_up_payments.values()),
                "top_up_recorded_fen": sum(top_up_entries.values()),
                "unmatched_payments": unmatched,
                "card_spent_fen": -(spends or 0),
                "coupons": coupons["n"],
                "coupon_payable_fen": coupons["payable"] or 0,
                "coupon_discount_fen": coupons["discount"] or 0,
                "orders": orders["n"],
                "orders_fen": orders["fen"] or 0,
            }
        )
    return rows
