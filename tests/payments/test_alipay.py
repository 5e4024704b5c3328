"""Alipay end to end against the fake gateway: phone-web pay, RSA2 notifications to our live
callback, the query task, timeouts, refunds, the counter's bar code and the statement."""

import threading

import pytest
from django.utils import timezone

from consumers.models import Order, OrderEvent, OrderState, TimeSlot
from loyalty.services import card_top_up
from payments.backends import PayRequest
from payments.errors import RefundTooLarge
from payments.models import IssueKind, Payment, PaymentIssue, PaymentStatus, RefundStatus
from payments.reconciliation import reconcile
from payments.services import payment_code_settle, payment_refund, payments_due_check
from tests.concurrency import in_background
from tests.consumers.factories import SlotFactory, booking
from tests.loyalty.factories import card_create_for, program_create, shop_for

from .conftest import later

pytestmark = pytest.mark.django_db(transaction=True)
WAP = PayRequest(channel="wap", description="洗剪吹")


def book(slot=None):
    return booking(slot=slot or SlotFactory(), payment_method="alipay", pay=WAP)


def opened(alipay, order) -> Payment:
    payment = Payment.objects.get(reference=order.reference)
    assert alipay.customer_opens(payment.pay_params["pay_url"]) == 200
    return payment


def state_of(order) -> str:
    return Order.objects.get(pk=order.pk).state


def test_phone_web_pay_is_paid_on_the_verified_notification(alipay):
    order = book()
    assert order.state == OrderState.AWAITING_PAYMENT
    payment = opened(alipay, order)
    assert payment.pay_params["pay_url"].startswith(alipay.gateway + "?")
    alipay.customer_pays(payment.trade_no)
    assert alipay.deliveries == [200]
    assert state_of(order) == OrderState.CONFIRMED
    assert (
        Payment.objects.get(pk=payment.pk).external_reference
        == alipay.trades[payment.trade_no].trade_no
    )


def test_forged_altered_or_foreign_notifications_are_refused(alipay):
    alipay.notify_mode = "never"
    order = book()
    payment = opened(alipay, order)
    alipay.customer_pays(payment.trade_no)
    trade = alipay.trades[payment.trade_no]
    url = trade.notify_url
    assert alipay.deliver(url, alipay.notification(trade), tamper="signature") == "failure"
    assert (
        alipay.deliver(url, alipay.notification(trade), tamper="amount") == "failure"
    )  # signed before
    assert alipay.deliver(url, alipay.notification(trade, app_id="2021000000000999")) == "failure"
    assert state_of(order) == OrderState.AWAITING_PAYMENT
    # Genuinely signed by Alipay, but for another amount: refused and flagged.
    assert alipay.deliver(url, alipay.notification(trade, amount="0.01")) == "failure"
    assert PaymentIssue.objects.get(kind=IssueKind.AMOUNT_MISMATCH).actual_fen == 1
    assert state_of(order) == OrderState.AWAITING_PAYMENT
    assert alipay.deliver(url, alipay.notification(trade)) == "success"
    assert state_of(order) == OrderState.CONFIRMED


def test_a_repeated_notification_changes_nothing(alipay):
    alipay.notify_mode = ("repeat", 3)
    order = book()
    alipay.customer_pays(opened(alipay, order).trade_no)
    assert alipay.deliveries == [200, 200, 200]
    assert OrderEvent.objects.filter(order=order, event="pay").count() == 1


def test_a_lost_notification_is_settled_by_the_query_and_an_unpaid_one_closes(alipay):
    alipay.notify_mode = "never"
    paid, unpaid = book(), book()
    alipay.customer_pays(opened(alipay, paid).trade_no)
    unpaid_payment = opened(alipay, unpaid)
    payments_due_check()
    assert state_of(paid) == OrderState.CONFIRMED
    assert state_of(unpaid) == OrderState.AWAITING_PAYMENT
    payments_due_check(now=later(unpaid_payment))
    assert state_of(unpaid) == OrderState.EXPIRED
    assert alipay.trades[unpaid_payment.trade_no].status == "TRADE_CLOSED"
    assert TimeSlot.objects.get(pk=unpaid.slot_id).booked == 0


def test_a_partial_refund_through_alipay(alipay):
    order = book()
    payment = opened(alipay, order)
    alipay.customer_pays(payment.trade_no)
    payment.refresh_from_db()
    refund = payment_refund(payment=payment, amount_fen=3_000, created_by=order.consumer)
    assert refund.status == RefundStatus.SUCCEEDED
    assert alipay.refunds[refund.refund_no] == (payment.trade_no, "30.00")
    with pytest.raises(RefundTooLarge):
        payment_refund(payment=payment, amount_fen=payment.amount_fen, created_by=order.consumer)
    payment.refresh_from_db()
    assert payment.refundable_fen == payment.amount_fen - 3_000
    result = reconcile(backend="alipay", day=timezone.localdate())
    assert (result.payments, result.refunds, result.mismatches) == (1, 1, 0)


def test_a_bar_code_that_needs_the_customers_confirmation(alipay, settings):
    settings.PAYMENT_CODE_POLL_SECONDS = 0.1
    settings.PAYMENT_CODE_WAIT_SECONDS = 5
    program = program_create()
    shop = shop_for(program)
    card = card_create_for(program)
    result = card_top_up(
        card=card,
        amount_fen=10_000,
        backend="alipay_code",
        by=program.merchant.owner,
        shop=shop,
        idempotency_key="bar-code-0001",
        pay=PayRequest(channel="code", auth_code="286543210987654321"),
    )
    assert result.payment.status == PaymentStatus.PENDING
    worker = in_background(payment_code_settle, payment_id=result.payment.pk)
    threading.Timer(0.3, alipay.customer_confirms, [result.payment.trade_no]).start()
    worker.join(timeout=10)
    payment = Payment.objects.get(pk=result.payment.pk)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.progress[-1]["text"] == "顾客已付款，收款成功。"
    card.refresh_from_db()
    assert card.balance_fen == 10_000
