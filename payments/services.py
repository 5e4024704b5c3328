"""Charging and refunding through the configured backends, and applying what gateways say.

- `payment_charge(...)` creates the `Payment` row, asks the backend and records its answer.
  Paid at once (cash, the sandbox): the purpose is told in the same transaction. Pending (a
  real gateway): the row keeps what the app needs to pay (`pay_params`) and waits. A decline is
  kept (status `failed`, with the backend's code) and returned: the caller decides what a
  decline means for its purpose. A gateway that cannot be reached raises
  `PaymentGatewayUnavailable` and nothing is kept.
- `payment_state_apply(...)`: a verified notification (or a query's answer) about a payment.
  Checked against our amount to the fen (a mismatch is refused and flagged), applied once under
  the row's lock; a repeat, or a "not paid" after "paid", changes nothing.
- `payment_check(...)`: what the beat task does with a payment whose notification never came:
  ask the gateway; past `expires_at`, close it there and here, and the purpose releases what it
  held.
- `payment_refund(...)` gives back part or all of a succeeded payment through the backend that
  took it; never more than was paid in total (row lock + check constraint). Through a gateway
  the refund is pending until its own notification (`refund_state_apply`) or a query.
- `payment_code_settle(...)`: the counter's payment code (付款码) that needs the customer's
  confirmation: polled every PAYMENT_CODE_POLL_SECONDS for PAYMENT_CODE_WAIT_SECONDS, then
  reversed; each step is written in plain words for the cashier (`Payment.progress`).
"""

import logging
import time
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from merchants.models import Merchant, Shop

from .backends import GatewayState, PaymentBackend, PayRequest, payment_backend
from .errors import PaymentGatewayUnavailable, RefundDeclined, RefundTooLarge
from .locks import payment_lock, refund_lock
from .models import IssueKind, Payment, PaymentIssue, PaymentStatus, Refund, RefundStatus
from .purposes import purpose_closed, purpose_paid

logger = logging.getLogger("payments")


class Outcome(Enum):
    APPLIED = "applied"
    REPEATED = "repeated"  # nothing new: already in that state (or past it)
    REFUSED = "refused"  # does not match our books; flagged, nothing changed


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
    request: PayRequest | None = None,
) -> Payment:
    chosen = payment_backend(backend)
    request = request or PayRequest(token=token)
    payment = Payment.objects.create(
        payer=payer,
        merchant=merchant,
        amount_fen=amount_fen,
        purpose=purpose,
        reference=reference,
        backend=backend,
        channel=request.channel,
        created_by=created_by,
        shop=shop,
        expires_at=timezone.now() + payment_time_allowed(request),
    )
    payment.trade_no = f"{settings.PAYMENT_TRADE_NO_PREFIX}{payment.pk:012d}"
    payment.save(update_fields=["trade_no"])
    result = chosen.charge(payment=payment, request=request)
    payment.external_reference = result.external_reference
    payment.failure_code = result.failure_code
    payment.pay_params = result.pay_params
    if result.user_paying:
        progress_note(payment, gettext_noop("等待顾客在手机上确认付款（输入密码）…"))
        transaction.on_commit(lambda: payment_code_wait_enqueue(payment.pk))
    payment.save(update_fields=["external_reference", "failure_code", "pay_params", "progress"])
    if result.status == PaymentStatus.SUCCEEDED:
        payment_succeed(payment, external_reference=result.external_reference)
    elif result.status == PaymentStatus.FAILED:
        payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status"])
        if request.auth_code:
            text = gettext_noop("付款失败（%(code)s），请顾客换一种方式付款。")
            progress_note(payment, text, code=result.failure_code)
            payment.save(update_fields=["progress"])
    return payment


def payment_time_allowed(request: PayRequest) -> timedelta:
    """How long the payer has: minutes online; at the counter, the payment code's wait (the
    beat task reverses one whose waiting task was lost)."""
    if request.auth_code:
        return timedelta(seconds=settings.PAYMENT_CODE_WAIT_SECONDS)
    return timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES)


def payment_code_wait_enqueue(payment_id: int) -> None:
    from .tasks import payment_code_wait  # tasks import this module

    payment_code_wait.delay(payment_id)


def progress_note(payment: Payment, text: str, **params: str) -> None:
    """One step for the cashier, kept in Chinese with its parameters; the API translates it
    for the reader's language (payments.serializers)."""
    step = {"at": timezone.now().isoformat(), "text": text}
    if params:
        step["params"] = params
    payment.progress = [*payment.progress, step]


def payment_succeed(payment: Payment, *, external_reference: str) -> None:
    """Mark a locked (or just created) payment paid and tell its purpose; a purpose that no
    longer wants the money (closed meanwhile) gets it refunded whole, and staff are told."""
    late = payment.status != PaymentStatus.PENDING
    payment.status = PaymentStatus.SUCCEEDED
    payment.external_reference = external_reference or payment.external_reference
    payment.succeeded_at = timezone.now()
    if payment.channel == "code":
        progress_note(payment, gettext_noop("顾客已付款，收款成功。"))
    payment.save(update_fields=["status", "external_reference", "succeeded_at", "progress"])
    if late or not purpose_paid(payment):
        issue_flag(
            kind=IssueKind.PAID_AFTER_CLOSE,
            payment=payment,
            number=payment.trade_no,
            expected_fen=0,
            actual_fen=payment.amount_fen,
            detail=_("支付已关闭后才到账，已全额原路退回。"),
        )
        payment_refund(
            payment=payment,
            amount_fen=payment.amount_fen,
            created_by=payment.created_by,
            reason="关闭后到账，自动退回",
        )


def payment_close_here(payment: Payment, *, status: str = PaymentStatus.CLOSED, code="") -> None:
    """A locked pending payment will never be paid: closed, and its purpose releases."""
    payment.status = status
    payment.closed_at = timezone.now()
    payment.failure_code = code or payment.failure_code
    payment.save(update_fields=["status", "closed_at", "failure_code", "progress"])
    purpose_closed(payment)


def issue_flag(*, kind: str, payment=None, refund=None, number="", **fields) -> PaymentIssue:
    backend = (payment or refund.payment).backend if (payment or refund) else fields.pop("backend")
    fields.pop("backend", None)
    issue, _ = PaymentIssue.objects.get_or_create(
        kind=kind,
        backend=backend,
        number=number,
        defaults={"payment": payment, "refund": refund, **fields},
    )
    logger.warning("payment issue %s %s %s", kind, backend, number)
    return issue


@transaction.atomic
def payment_state_apply(
    *, backend: str, state: GatewayState, notified: bool = False
) -> tuple[Outcome, Payment | None]:
    """Apply what the gateway says about one of our payments (already verified by the backend:
    signature, decryption, merchant and app ids). Unknown numbers are refused (the gateway
    retries: the payment's own transaction may not have committed yet)."""
    found = Payment.objects.filter(backend=backend, trade_no=state.number).values_list("pk")
    if not found:
        return Outcome.REFUSED, None
    payment = payment_lock(found[0][0])
    if state.amount_fen != payment.amount_fen:
        issue_flag(
            kind=IssueKind.AMOUNT_MISMATCH,
            payment=payment,
            number=payment.trade_no,
            expected_fen=payment.amount_fen,
            actual_fen=state.amount_fen,
            detail=_("渠道通知的金额与订单金额不符，未入账。"),
        )
        return Outcome.REFUSED, payment
    if notified and payment.notified_at is None:
        payment.notified_at = timezone.now()
        payment.save(update_fields=["notified_at"])
    if state.status == PaymentStatus.SUCCEEDED:
        if payment.status == PaymentStatus.SUCCEEDED:
            return Outcome.REPEATED, payment
        payment_succeed(payment, external_reference=state.external_reference)
        return Outcome.APPLIED, payment
    if state.status in (PaymentStatus.CLOSED, PaymentStatus.FAILED):
        if payment.status != PaymentStatus.PENDING:
            return Outcome.REPEATED, payment
        payment_close_here(payment, status=state.status)
        return Outcome.APPLIED, payment
    return Outcome.REPEATED, payment  # still waiting


def payment_check(*, payment_id: int, now=None) -> Payment:
    """Ask the gateway about a pending payment; past its time, close it. The gateway is asked
    outside any transaction so no lock is held while it answers."""
    now = now or timezone.now()
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != PaymentStatus.PENDING:
        return payment
    chosen = payment_backend(payment.backend)
    state = chosen.query(payment=payment)
    if state.status != PaymentStatus.PENDING:
        payment_state_apply(backend=payment.backend, state=state)
        return Payment.objects.get(pk=payment_id)
    if payment.expires_at is None or payment.expires_at > now:
        return payment
    return payment_give_up(chosen, payment, note=gettext_noop("超时未付款，已关闭。"))


def payment_give_up(chosen: PaymentBackend, payment: Payment, *, note: str) -> Payment:
    """Close (or, for a payment code, reverse) an unpaid payment at the gateway, then here.
    Paid after all at the very last moment: the gateway's later notification finds it closed
    and the money goes back (`payment_succeed`)."""
    if payment.channel == "code":
        chosen.reverse(payment=payment)
    else:
        chosen.close(payment=payment)
    with transaction.atomic():
        payment = payment_lock(payment.pk)
        if payment.status == PaymentStatus.PENDING:
            progress_note(payment, note)
            payment_close_here(payment, code="reversed" if payment.channel == "code" else "")
    return payment


def payment_abandon_on_commit(*, payment_id: int | None) -> None:
    """The payer gave up before paying (an order cancelled while awaiting payment): once the
    caller commits, close the payment at the gateway and here. Paid meanwhile after all, the
    notification finds its purpose closed and the money goes back."""
    if payment_id is None:
        return

    def enqueue():
        from .tasks import payment_abandon  # tasks import this module

        payment_abandon.delay(payment_id)

    transaction.on_commit(enqueue)


def payment_abandon(*, payment_id: int) -> Payment:
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != PaymentStatus.PENDING:
        return payment
    return payment_give_up(
        payment_backend(payment.backend), payment, note=gettext_noop("付款人已取消。")
    )


def payments_due_check(now=None) -> int:
    """Pending payments of asynchronous gateways that have waited PAYMENT_QUERY_AFTER_SECONDS."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.PAYMENT_QUERY_AFTER_SECONDS)
    asynchronous = [
        name for name in settings.PAYMENT_BACKENDS if payment_backend(name).asynchronous
    ]
    due = Payment.objects.filter(
        status=PaymentStatus.PENDING, backend__in=asynchronous, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:500]
    done = 0
    for pk in due:
        try:
            payment_check(payment_id=pk, now=now)
            done += 1
        except PaymentGatewayUnavailable:
            logger.warning("payment %s: gateway unavailable, next run", pk)
    refunds = Refund.objects.filter(
        status=RefundStatus.PENDING, payment__backend__in=asynchronous, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:500]
    for pk in refunds:
        try:
            refund = Refund.objects.select_related("payment").get(pk=pk)
            state = payment_backend(refund.payment.backend).query_refund(refund=refund)
            refund_state_apply(backend=refund.payment.backend, state=state)
        except PaymentGatewayUnavailable:
            logger.warning("refund %s: gateway unavailable, next run", pk)
    return done


# --- refunds ---------------------------------------------------------------------------------


@transaction.atomic
def payment_refund(
    *, payment: Payment, amount_fen: int, created_by: User, reason: str = ""
) -> Refund:
    payment = payment_lock(payment.pk)
    if amount_fen <= 0 or amount_fen > payment.refundable_fen:
        raise RefundTooLarge()
    refund = Refund.objects.create(
        payment=payment, amount_fen=amount_fen, reason=reason, created_by=created_by
    )
    refund.refund_no = f"{settings.PAYMENT_TRADE_NO_PREFIX}R{refund.pk:012d}"
    refund.save(update_fields=["refund_no"])
    # The amount is taken off what may still be refunded now; a refund that fails gives it back.
    payment.refunded_fen += amount_fen
    payment.save(update_fields=["refunded_fen"])
    result = payment_backend(payment.backend).refund(payment=payment, refund=refund)
    if result.status == RefundStatus.FAILED:
        raise RefundDeclined(fields={"refund": [result.failure_code or "declined"]})
    refund.external_reference = result.external_reference
    if result.status == RefundStatus.SUCCEEDED:
        refund.status, refund.succeeded_at = RefundStatus.SUCCEEDED, timezone.now()
    refund.save(update_fields=["external_reference", "status", "succeeded_at"])
    return refund


@transaction.atomic
def refund_state_apply(*, backend: str, state: GatewayState) -> tuple[Outcome, Refund | None]:
    """A refund's own notification (or query answer): the same checks as a payment's."""
    found = Refund.objects.filter(payment__backend=backend, refund_no=state.number).values_list(
        "payment_id", "pk"
    )
    if not found:
        return Outcome.REFUSED, None
    payment_id, refund_id = found[0]
    payment = payment_lock(payment_id)
    refund = refund_lock(refund_id)
    if state.amount_fen != refund.amount_fen:
        issue_flag(
            kind=IssueKind.AMOUNT_MISMATCH,
            refund=refund,
            number=refund.refund_no,
            expected_fen=refund.amount_fen,
            actual_fen=state.amount_fen,
            detail=_("渠道退款通知的金额与退款单不符。"),
        )
        return Outcome.REFUSED, refund
    if refund.status != RefundStatus.PENDING or state.status == RefundStatus.PENDING:
        return Outcome.REPEATED, refund
    if state.status == RefundStatus.SUCCEEDED:
        refund.status, refund.succeeded_at = RefundStatus.SUCCEEDED, timezone.now()
        refund.external_reference = state.external_reference or refund.external_reference
        refund.save(update_fields=["status", "succeeded_at", "external_reference"])
        return Outcome.APPLIED, refund
    refund.status = RefundStatus.FAILED
    refund.save(update_fields=["status"])
    payment.refunded_fen -= refund.amount_fen
    payment.save(update_fields=["refunded_fen"])
    issue_flag(
        kind=IssueKind.REFUND_FAILED,
        refund=refund,
        number=refund.refund_no,
        expected_fen=refund.amount_fen,
        detail=_("渠道退款失败（如银行卡已注销），需人工处理。"),
    )
    return Outcome.APPLIED, refund


# --- the counter's payment code ----------------------------------------------------------------


def payment_code_settle(*, payment_id: int) -> Payment:
    """Wait for a payment code the customer must confirm: ask every PAYMENT_CODE_POLL_SECONDS;
    after PAYMENT_CODE_WAIT_SECONDS still unpaid, reverse it (the money, if taken, goes back)."""
    payment = Payment.objects.get(pk=payment_id)
    chosen = payment_backend(payment.backend)
    deadline = payment.expires_at
    while payment.status == PaymentStatus.PENDING:
        if timezone.now() >= deadline:
            return payment_give_up(
                chosen, payment, note=gettext_noop("顾客超时未确认，已撤销本次收款。")
            )
        time.sleep(settings.PAYMENT_CODE_POLL_SECONDS)
        try:
            state = chosen.query(payment=payment)
        except PaymentGatewayUnavailable:
            continue
        if state.status != PaymentStatus.PENDING:
            payment_state_apply(backend=payment.backend, state=state)
        else:
            with transaction.atomic():
                locked = payment_lock(payment.pk)
                progress_note(locked, gettext_noop("仍在等待顾客确认付款…"))
                locked.save(update_fields=["progress"])
        payment = Payment.objects.get(pk=payment_id)
    return payment
