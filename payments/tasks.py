"""Periodic payment work: pending payments whose notification never came, payment codes that
wait for the customer, and the daily reconciliation against the gateways' statements."""

from celery import shared_task

from .services import payment_abandon as abandon
from .services import payment_code_settle, payments_due_check


@shared_task(acks_late=True)
def payments_pending_check() -> int:
    """Ask the gateways about pending payments and refunds; close the unpaid past their time."""
    return payments_due_check()


@shared_task(acks_late=True)
def payment_abandon(payment_id: int) -> str:
    """Close a payment its payer gave up on, at the gateway and here."""
    return abandon(payment_id=payment_id).status


@shared_task(acks_late=True)
def payment_code_wait(payment_id: int) -> str:
    """Poll a payment code the customer must confirm, then reverse it if still unpaid."""
    return payment_code_settle(payment_id=payment_id).status


@shared_task(acks_late=True)
def payments_reconcile(day: str = "") -> int:
    """Match yesterday's statements of every gateway that has them; returns the mismatches."""
    from datetime import date, timedelta

    from django.conf import settings
    from django.utils import timezone

    from .reconciliation import reconcile

    when = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    from .backends import payment_backend

    found, statements = 0, set()
    for name in settings.PAYMENT_BACKENDS:
        statement = payment_backend(name).statement or name
        if statement in statements:
            continue
        statements.add(statement)
        if result := reconcile(backend=name, day=when):
            found += result.mismatches
    return found
