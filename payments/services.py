"""Charging and refunding through the configured backends.

- `payment_charge(...)` creates the `Payment` row, asks the backend and records its answer.
  A declined payment is kept (status `failed`, with the backend's code) and returned: the
  caller decides what a decline means for its purpose; it never raises for a decline. A
  gateway that cannot be reached raises `PaymentGatewayUnavailable` and nothing is kept.
- `payment_refund(...)` gives back part or all of a succeeded payment through the backend
  that took it; never more than was paid in total (row lock + check constraint).
- `payment_confirm(...)`: for asynchronous gateways, the webhook's confirmation of a pending
  payment.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from merchants.models import Merchant, Shop

from .backends import payment_backend
from .errors import RefundTooLarge
from .models import Payment, PaymentStatus, Refund


@transaction.atomic
def payment_charge(
    *,
    payer: User,
    merchant: Merchant,
    amount_fen: int,
    purpose: str,
    reference: str,
    backend: str,
    created_by: User,
    token: str = "",
    shop: Shop | None = None,
) -> Payment:
    chosen = payment_backend(backend)
    payment = Payment.objects.create(
        payer=payer,
        merchant=merchant,
        amount_fen=amount_fen,
        purpose=purpose,
        reference=reference,
        backend=backend,
        created_by=created_by,
        shop=shop,
    )
    result = chosen.charge(payment=payment, token=token)
    payment.status = result.status
    payment.external_reference = result.external_reference
    payment.failure_code = result.failure_code
    if result.status == PaymentStatus.SUCCEEDED:
        payment.succeeded_at = timezone.now()
    payment.save(update_fields=["status", "external_reference", "failure_code", "succeeded_at"])
    return payment


@transaction.atomic
def payment_confirm(*, payment: Payment, external_reference: str) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.PENDING:
        payment.status = PaymentStatus.SUCCEEDED
        payment.external_reference = external_reference
        payment.succeeded_at = timezone.now()
        payment.save(update_fields=["status", "external_reference", "succeeded_at"])
    return payment


@transaction.atomic
def payment_refund(
    *, payment: Payment, amount_fen: int, created_by: User, reason: str = ""
) -> Refund:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if amount_fen <= 0 or amount_fen > payment.refundable_fen:
        raise RefundTooLarge()
    refund = Refund.objects.create(
        payment=payment, amount_fen=amount_fen, reason=reason, created_by=created_by
    )
    refund.external_reference = payment_backend(payment.backend).refund(
        payment=payment, amount_fen=amount_fen, refund_id=refund.pk
    )
    refund.save(update_fields=["external_reference"])
    payment.refunded_fen += amount_fen
    payment.save(update_fields=["refunded_fen"])
    return refund
