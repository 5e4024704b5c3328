from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone

from core import events
from merchants.models import Merchant

from .locks import entries_lock
from .models import CommissionRate, EntryKind, PayoutBatch, PayoutStatus, SettlementEntry


class Earning(Protocol):
    """What settlement reads of an order (consumers.Order, which sits above settlement)."""

    pk: int
    merchant_id: int


def commission_rate_bp(merchant_id: int) -> int:
    rate = CommissionRate.objects.filter(merchant_id=merchant_id).values_list("rate_bp", flat=True)
    return rate.first() or settings.SETTLEMENT_DEFAULT_COMMISSION_BP


def commission_of(amount_fen: int, rate_bp: int) -> int:
    """The commission on a non-negative amount, rounded half up to the fen, in integers."""
    return (amount_fen * rate_bp + 5000) // 10000


def settlement_entry_record(*, order: Earning, kind: str, amount_fen: int) -> SettlementEntry:
    """What the merchant earned from `order`: a sale (consumed) or a fee it kept. Recording the
    same kind twice returns the first entry; call inside the order's transaction."""
    rate = commission_rate_bp(order.merchant_id)
    commission = commission_of(amount_fen, rate)
    entry, _ = SettlementEntry.objects.get_or_create(
        order=order,
        kind=kind,
        defaults={
            "merchant_id": order.merchant_id,
            "amount_fen": amount_fen,
            "rate_bp": rate,
            "commission_fen": commission,
            "payable_fen": amount_fen - commission,
        },
    )
    return entry


def settlement_reverse(*, order: Earning) -> SettlementEntry | None:
    """Undo everything the merchant earned from a refunded order, to the fen: one entry that is
    the exact negative of the order's entries so far (paid out or not)."""
    totals = SettlementEntry.objects.filter(order=order).aggregate(
        amount=Sum("amount_fen"), commission=Sum("commission_fen")
    )
    if not totals["amount"]:
        return None
    entry, _ = SettlementEntry.objects.get_or_create(
        order=order,
        kind=EntryKind.REVERSAL,
        defaults={
            "merchant_id": order.merchant_id,
            "amount_fen": -totals["amount"],
            "rate_bp": commission_rate_bp(order.merchant_id),
            "commission_fen": -totals["commission"],
            "payable_fen": -(totals["amount"] - totals["commission"]),
        },
    )
    return entry


def payable_entries(merchant_id: int, until: datetime):
    """A merchant's unpaid entries made before `until`, leaving out orders under dispute."""
    entries = SettlementEntry.objects.filter(
        merchant_id=merchant_id, batch__isnull=True, created_at__lt=until
    )
    # The apps above say which orders are held (consumers: an open dispute); settlement does
    # not import them. Each answer is a queryset of held order ids, `values("order_id")`.
    for held in events.publish("payout_holds"):
        entries = entries.exclude(Exists(held.filter(order_id=OuterRef("order"))))
    return entries


@transaction.atomic
def payout_batch_create(*, merchant: Merchant, until: datetime) -> PayoutBatch | None:
    """Gather the merchant's payable entries into one batch; None if there are none or they
    net to nothing or less (a refund larger than the week's sales waits for the next batch).

    The entries are locked first: a concurrent run waits, then re-checks `batch IS NULL` and
    finds them taken, so no entry is ever paid twice.
    """
    entries = entries_lock(payable_entries(merchant.pk, until))
    amount = sum(e.amount_fen for e in entries)
    if not entries or amount <= 0:
        return None
    commission = sum(e.commission_fen for e in entries)
    batch = PayoutBatch.objects.create(
        merchant=merchant,
        period_end=until,
        entry_count=len(entries),
        amount_fen=amount,
        commission_fen=commission,
        payable_fen=amount - commission,
    )
    SettlementEntry.objects.filter(pk__in=[e.pk for e in entries]).update(batch=batch)
    return batch


def payout_batches_create(*, until: datetime) -> list[PayoutBatch]:
    """A batch for every merchant with payable entries before `until`, each in its own
    transaction so one merchant's failure does not hold up the others."""
    merchant_ids = (
        SettlementEntry.objects.filter(batch__isnull=True, created_at__lt=until)
        .values_list("merchant_id", flat=True)
        .distinct()
        .order_by("merchant_id")
    )
    batches = []
    for merchant in Merchant.objects.filter(pk__in=list(merchant_ids)).order_by("pk"):
        if batch := payout_batch_create(merchant=merchant, until=until):
            batches.append(batch)
    return batches


@transaction.atomic
def payout_batch_mark_paid(*, batch: PayoutBatch) -> PayoutBatch:
    PayoutBatch.objects.filter(pk=batch.pk, status=PayoutStatus.PENDING).update(
        status=PayoutStatus.PAID, paid_at=timezone.now()
    )
    return PayoutBatch.objects.get(pk=batch.pk)


def batch_totals_check(batch: PayoutBatch) -> bool:
    """Whether a batch's totals equal the sums of its entries (admin and tests use it)."""
    sums = batch.entries.aggregate(
        n=Count("pk"), amount=Sum("amount_fen"), commission=Sum("commission_fen")
    )
    return (sums["n"], sums["amount"], sums["commission"]) == (
        batch.entry_count,
        batch.amount_fen,
        batch.commission_fen,
    )
