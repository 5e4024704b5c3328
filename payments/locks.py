"""Row locks of the payments app (ARCHITECTURE.md, "locks.py").

A refund is locked after its payment, never before: both orders would deadlock."""

from .models import Payment, Refund


def payment_lock(pk: int) -> Payment:
    return Payment.objects.select_for_update(of=("self",)).get(pk=pk)


def refund_lock(pk: int) -> Refund:
    return Refund.objects.select_for_update(of=("self",)).get(pk=pk)
