"""WeChat Pay v3 end to end against the fake gateway on 127.0.0.1: the SDK's real signing and
verification (public-key mode), notifications POSTed to our callback on a live server."""

import base64
import io
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.core.management import call_command

from consumers.models import Order, OrderEvent, OrderState, TimeSlot
from loyalty.models import MembershipCard
from payments.backends import PayRequest
from payments.models import IssueKind, Payment, PaymentIssue, PaymentStatus, Refund, RefundStatus
from payments.services import payment_refund, payments_due_check
from tests.concurrency import run_concurrently
from tests.conftest import client_for
from tests.consumers.conftest import key
from tests.consumers.factories import SlotFactory, booking, consumer_new
from tests.consumers.test_billing import member_at

from .conftest import later
from .fake_wechatpay import MCHID

pytestmark = pytest.mark.django_db(transaction=True)
NATIVE = PayRequest(channel="native", description="洗剪吹")


def wait_for(check, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def book(*, points: int = 0, consumer=None, pay=NATIVE, slot=None):
    slot = slot or SlotFactory()
    return booking(slot=slot, consumer=consumer, points=points, payment_method="wechatpay", pay=pay)


def state_of(order) -> str:
    return Order.objects.get(pk=order.pk).state


def payment_of(order) -> Payment:
    return Payment.objects.get(reference=order.reference)


def test_an_order_awaits_payment_until_the_gateways_verified_notification(wechat):
    consumer = consumer_new()
    slot = SlotFactory()
    response = client_for(consumer).post(
        "/api/v1/me/orders/",
        {
            "service": slot.service_id,
            "slot": slot.pk,
            "payment_method": "wechatpay",
            "payment_channel": "native",
        },
        format="json",
        **key(),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "awaiting_payment"
    assert body["payment"]["pay_params"]["code_url"].startswith("weixin://wxpay/")
    assert body["paid_fen"] == 0
    assert TimeSlot.objects.get(pk=slot.pk).booked == 1  # held while the customer pays
    # The merchant does not see an unpaid order.
    owner = client_for(slot.shop.merchant.owner)
    assert owner.get("/api/v1/merchant/orders/").json()["results"] == []

    payment = Payment.objects.get(pk=body["payment"]["id"])
    wechat.customer_pays(payment.trade_no)
    assert wechat.deliveries == [("TRANSACTION.SUCCESS", 204)]
    order = client_for(consumer).get(f"/api/v1/me/orders/{body['id']}/").json()
    assert order["state"] == "confirmed"
    assert order["paid_fen"] == order["amount_fen"]
    assert len(owner.get("/api/v1/merchant/orders/").json()["results"]) == 1


def test_jsapi_and_h5_hand_the_app_what_it_needs(wechat):
    jsapi = payment_of(book(pay=PayRequest(channel="jsapi", openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")))
    params = jsapi.pay_params
    assert params["package"].startswith("prepay_id=wx")
    # WeixinJSBridge checks paySign with our merchant key: appId, timeStamp, nonceStr, package.
    message = "\n".join(
        [params["appId"], params["timeStamp"], params["nonceStr"], params["package"]]
    )
    public = serialization.load_pem_public_key(wechat.merchant_public_pem.encode())
    public.verify(
        base64.b64decode(params["paySign"]),
        (message + "\n").encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    h5 = payment_of(book(pay=PayRequest(channel="h5", client_ip="203.0.113.9")))
    assert h5.pay_params["h5_url"].startswith("https://wx.tenpay.com/")


def test_a_declined_prepay_creates_no_order_and_holds_nothing(wechat):
    wechat.decline_prepay = True
    slot = SlotFactory()
    response = client_for(consumer_new()).post(
        "/api/v1/me/orders/",
        {"service": slot.service_id, "slot": slot.pk, "payment_method": "wechatpay"},
        format="json",
        **key(),
    )
    assert response.status_code == 402
    assert response.json()["code"] == "payment_declined"
    assert not Order.objects.exists()
    assert TimeSlot.objects.get(pk=slot.pk).booked == 0


@pytest.mark.parametrize("tamper", ["signature", "body", "ciphertext"])
def test_a_forged_or_altered_notification_is_refused_and_changes_nothing(wechat, tamper):
    wechat.notify_mode = "never"
    order = book()
    payment = payment_of(order)
    wechat.customer_pays(payment.trade_no)
    event = wechat.transaction_event(wechat.trades[payment.trade_no])
    assert wechat.deliver(event, tamper=tamper) == 400
    assert state_of(order) == OrderState.AWAITING_PAYMENT
    assert payment_of(order).status == PaymentStatus.PENDING
    # Genuinely signed, but about another merchant's or app's money: refused too.
    assert (
        wechat.deliver(
            wechat.transaction_event(wechat.trades[payment.trade_no], mchid="1900000999")
        )
        == 400
    )
    assert (
        wechat.deliver(
            wechat.transaction_event(wechat.trades[payment.trade_no], appid="wx0000000000000000")
        )
        == 400
    )
    assert state_of(order) == OrderState.AWAITING_PAYMENT
    assert wechat.deliver(event) == 204
    assert state_of(order) == OrderState.CONFIRMED


def test_a_wrong_amount_is_refused_and_flagged_for_staff(wechat, admin_client):
    order = book()
    payment = payment_of(order)
    wechat.customer_pays(payment.trade_no, amount=1)
    assert wechat.deliveries == [("TRANSACTION.SUCCESS", 400)]
    assert state_of(order) == OrderState.AWAITING_PAYMENT
    issue = PaymentIssue.objects.get(kind=IssueKind.AMOUNT_MISMATCH)
    assert (issue.payment_id, issue.expected_fen, issue.actual_fen) == (
        payment.pk,
        order.amount_fen,
        1,
    )
    page = admin_client.get("/admin/payments/paymentissue/")
    assert payment.trade_no in page.content.decode()


def test_a_repeated_notification_changes_nothing(wechat):
    wechat.notify_mode = ("repeat", 3)
    order = book()
    payment = payment_of(order)
    wechat.customer_pays(payment.trade_no)
    assert wechat.deliveries == [("TRANSACTION.SUCCESS", 204)] * 3
    assert state_of(order) == OrderState.CONFIRMED
    assert OrderEvent.objects.filter(order=order, event="pay").count() == 1
    assert OrderEvent.objects.filter(order=order, event="accept").count() == 1


def test_a_lost_notification_is_settled_by_the_query_task(wechat):
    wechat.notify_mode = "never"
    order = book()
    payment = payment_of(order)
    payments_due_check()
    assert state_of(order) == OrderState.AWAITING_PAYMENT  # asked: not paid yet
    wechat.customer_pays(payment.trade_no)
    payments_due_check()
    assert state_of(order) == OrderState.CONFIRMED
    assert payment_of(order).external_reference == wechat.trades[payment.trade_no].transaction_id
    # The notification comes after all, late and out of order: nothing changes.
    assert wechat.deliver(wechat.transaction_event(wechat.trades[payment.trade_no])) == 204
    assert OrderEvent.objects.filter(order=order, event="pay").count() == 1


def test_a_timed_out_order_frees_its_slot_and_gives_back_its_points(wechat):
    wechat.notify_mode = "never"
    slot = SlotFactory()
    card = member_at(slot.shop, points=2_000)
    order = book(slot=slot, points=1_000, consumer=card.consumer)
    assert MembershipCard.objects.get(pk=card.pk).points == 1_000
    assert TimeSlot.objects.get(pk=slot.pk).booked == 1
    payment = payment_of(order)
    payments_due_check(now=later(payment))
    assert state_of(order) == OrderState.EXPIRED
    assert payment_of(order).status == PaymentStatus.CLOSED
    assert wechat.trades[payment.trade_no].state == "CLOSED"  # closed at the gateway too
    assert TimeSlot.objects.get(pk=slot.pk).booked == 0
    assert MembershipCard.objects.get(pk=card.pk).points == 2_000
    # Someone else can book the place now.
    assert state_of(book(slot=slot)) == OrderState.AWAITING_PAYMENT


def test_money_that_comes_after_the_close_goes_back(wechat):
    wechat.notify_mode = "never"
    order = book()
    payment = payment_of(order)
    payments_due_check(now=later(payment))
    wechat.trades[payment.trade_no].state = "NOTPAY"  # paid in the instant before the close
    wechat.paid(wechat.trades[payment.trade_no])
    assert wechat.deliver(wechat.transaction_event(wechat.trades[payment.trade_no])) == 204
    assert state_of(order) == OrderState.EXPIRED
    refund = Refund.objects.get(payment=payment)
    assert refund.amount_fen == payment.amount_fen
    assert PaymentIssue.objects.filter(kind=IssueKind.PAID_AFTER_CLOSE, payment=payment).exists()


def paid_order():
    order = book()
    payment = payment_of(order)
    return order, payment


def test_a_partial_refund_waits_for_its_own_notification(wechat):
    order, payment = paid_order()
    wechat.customer_pays(payment.trade_no)
    payment.refresh_from_db()
    refund = payment_refund(payment=payment, amount_fen=3_000, created_by=order.consumer)
    assert refund.status == RefundStatus.PENDING
    assert wait_for(lambda: Refund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED)
    assert wechat.deliveries[-1] == ("REFUND.SUCCESS", 204)
    payment.refresh_from_db()
    assert (payment.refunded_fen, payment.refundable_fen) == (3_000, payment.amount_fen - 3_000)
    assert wechat.refunds[refund.refund_no].refund == 3_000


def test_a_refund_the_gateway_cannot_make_is_given_back_and_flagged(wechat):
    wechat.refund_outcome = "ABNORMAL"
    order, payment = paid_order()
    wechat.customer_pays(payment.trade_no)
    payment.refresh_from_db()
    refund = payment_refund(
        payment=payment, amount_fen=payment.amount_fen, created_by=order.consumer
    )
    assert wait_for(lambda: Refund.objects.get(pk=refund.pk).status == RefundStatus.FAILED)
    payment.refresh_from_db()
    assert payment.refunded_fen == 0
    assert PaymentIssue.objects.filter(kind=IssueKind.REFUND_FAILED, refund=refund).exists()
    call_command("check_invariants", "payments.", stdout=io.StringIO())  # refunded = refunds


def test_a_lost_refund_notification_is_settled_by_the_query_task(wechat):
    order, payment = paid_order()
    wechat.customer_pays(payment.trade_no)
    wechat.notify_mode = "never"
    payment.refresh_from_db()
    refund = payment_refund(payment=payment, amount_fen=1_000, created_by=order.consumer)
    assert wait_for(lambda: wechat.refunds[refund.refund_no].status == "SUCCESS")
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.PENDING
    payments_due_check()
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED


def test_the_merchant_cancelling_a_paid_order_refunds_through_wechat(wechat):
    from consumers.services import order_cancel_by_merchant

    order, payment = paid_order()
    wechat.customer_pays(payment.trade_no)
    order_cancel_by_merchant(order=Order.objects.get(pk=order.pk), actor=order.merchant.owner)
    refund = Refund.objects.get(payment=payment)
    assert wait_for(lambda: Refund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED)
    assert wechat.refunds[refund.refund_no].refund == order.amount_fen
    assert MCHID  # the refund went to our merchant account at the fake


def test_cancelling_before_paying_closes_the_payment_and_frees_the_slot(wechat, monkeypatch):
    from consumers.services import order_cancel_by_consumer
    from payments.services import payment_abandon

    closing = []
    monkeypatch.setattr(
        "consumers.services.orders.payment_abandon_on_commit",
        lambda payment_id: closing.append(payment_id),
    )
    order = book()
    payment = payment_of(order)
    order_cancel_by_consumer(order=Order.objects.get(pk=order.pk), actor=order.consumer)
    assert state_of(order) == OrderState.CANCELLED_BY_CONSUMER
    assert TimeSlot.objects.get(pk=order.slot_id).booked == 0
    assert closing == [payment.pk]
    payment_abandon(payment_id=payment.pk)  # what the task does once the cancel commits
    assert payment_of(order).status == PaymentStatus.CLOSED
    assert wechat.trades[payment.trade_no].state == "CLOSED"


def test_a_delayed_notification_is_applied_when_it_comes(wechat):
    wechat.notify_mode = ("delay", 0.5)
    order = book()
    wechat.customer_pays(payment_of(order).trade_no)
    assert state_of(order) == OrderState.AWAITING_PAYMENT  # paid at the gateway, not yet told
    assert wait_for(lambda: state_of(order) == OrderState.CONFIRMED)
    assert wechat.deliveries == [("TRANSACTION.SUCCESS", 204)]


def test_the_same_notification_arriving_at_once_on_several_connections_is_applied_once(wechat):
    wechat.notify_mode = "never"
    order = book()
    payment = payment_of(order)
    wechat.customer_pays(payment.trade_no)
    event = wechat.transaction_event(wechat.trades[payment.trade_no])
    answers = run_concurrently(lambda _: wechat.deliver(event), n=4)
    assert answers == [204] * 4
    assert OrderEvent.objects.filter(order=order, event="pay").count() == 1
    assert state_of(order) == OrderState.CONFIRMED


def test_a_forged_or_wrong_amount_refund_notification_changes_nothing(wechat):
    order, payment = paid_order()
    wechat.customer_pays(payment.trade_no)
    wechat.notify_mode = "never"
    payment.refresh_from_db()
    refund = payment_refund(payment=payment, amount_fen=2_000, created_by=order.consumer)
    assert wait_for(lambda: wechat.refunds[refund.refund_no].status == "SUCCESS")
    event = wechat.refund_event(wechat.refunds[refund.refund_no])
    assert wechat.deliver(event, tamper="signature") == 400
    event["resource"]["amount"]["refund"] = 2_001
    assert wechat.deliver(event) == 400
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.PENDING
    issue = PaymentIssue.objects.get(kind=IssueKind.AMOUNT_MISMATCH, refund=refund)
    assert (issue.expected_fen, issue.actual_fen) == (2_000, 2_001)
    event["resource"]["amount"]["refund"] = 2_000
    assert wechat.deliver(event) == 204
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED
