"""Top-ups through WeChat Pay: online ones wait for the notification; at the counter, the
customer's payment code (付款码) may need the customer's confirmation, polled then reversed,
with each step in plain words for the cashier. And the daily reconciliation of the fake's
statement against our books."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from loyalty.models import MembershipCard
from payments.models import IssueKind, Payment, PaymentIssue, PaymentStatus, Reconciliation
from payments.reconciliation import reconcile
from payments.services import payment_refund
from tests.conftest import client_for
from tests.factories import StaffFactory
from tests.loyalty.factories import card_create_for, program_create, shop_for

from .conftest import code_wait_in_threads

pytestmark = pytest.mark.django_db(transaction=True)
TOP_UP = "/api/v1/merchant/counter/top-ups/"
CODE = "134567890123456789"


@pytest.fixture
def counter(wechat, settings, monkeypatch):
    """A cashier with `redeem` at the shop, a card, and a worker thread for the payment code
    wait (what the Celery task does), polling fast."""
    settings.PAYMENT_CODE_POLL_SECONDS = 0.1
    settings.PAYMENT_CODE_WAIT_SECONDS = 3
    workers = code_wait_in_threads(monkeypatch)
    program = program_create()
    shop = shop_for(program)
    staff = StaffFactory(merchant=program.merchant, permissions=["redeem"])
    staff.shops.add(shop)
    yield shop, client_for(staff.user), card_create_for(program), workers
    for worker in workers:
        worker.join(timeout=10)


def code_top_up(cashier, shop, card, amount=60_000, key="top-code-0001"):
    return cashier.post(
        TOP_UP,
        {
            "code": card.number,
            "shop": shop.pk,
            "amount_fen": amount,
            "method": "wechatpay_code",
            "auth_code": CODE,
        },
        HTTP_IDEMPOTENCY_KEY=key,
    )


def progress(cashier, payment_id) -> dict:
    return cashier.get(f"/api/v1/merchant/counter/payments/{payment_id}/").json()


def test_a_payment_code_that_needs_the_customers_confirmation(counter, wechat):
    shop, cashier, card, workers = counter
    response = code_top_up(cashier, shop, card)
    assert response.status_code == 202, response.json()
    payment_id = response.json()["payment"]["id"]
    seen = progress(cashier, payment_id)
    assert seen["status"] == "pending"
    assert "等待顾客在手机上确认付款" in seen["progress"][0]["text"]
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 0
    time.sleep(0.3)
    trade_no = Payment.objects.get(pk=payment_id).trade_no
    assert wechat.trades[trade_no].auth_code == CODE
    wechat.customer_confirms(trade_no)
    workers[0].join(timeout=10)
    seen = progress(cashier, payment_id)
    assert seen["status"] == "succeeded"
    texts = [step["text"] for step in seen["progress"]]
    assert "仍在等待顾客确认付款…" in texts
    assert texts[-1] == "顾客已付款，收款成功。"
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 65_000  # with the bonus tier
    english = cashier.get(
        f"/api/v1/merchant/counter/payments/{payment_id}/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert english["progress"][-1]["text"] == "The customer has paid; payment received."


def test_an_unconfirmed_payment_code_is_reversed_after_the_wait(counter, wechat, settings):
    settings.PAYMENT_CODE_WAIT_SECONDS = 0.5
    shop, cashier, card, workers = counter
    payment_id = code_top_up(cashier, shop, card).json()["payment"]["id"]
    workers[0].join(timeout=10)
    seen = progress(cashier, payment_id)
    assert (seen["status"], seen["failure_code"]) == ("closed", "reversed")
    assert seen["progress"][-1]["text"] == "顾客超时未确认，已撤销本次收款。"
    assert wechat.trades[Payment.objects.get(pk=payment_id).trade_no].state == "REVOKED"
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 0


def test_a_payment_code_paid_at_once_credits_at_once_and_a_declined_one_says_so(counter, wechat):
    shop, cashier, card, _ = counter
    wechat.code_behaviour = "ok"
    paid = code_top_up(cashier, shop, card, amount=10_000, key="top-code-0002")
    assert paid.status_code == 201, paid.json()
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 10_000
    wechat.code_behaviour = "decline"
    declined = code_top_up(cashier, shop, card, amount=10_000, key="top-code-0003")
    assert declined.status_code == 402
    assert declined.json()["fields"]["payment"] == ["NOTENOUGH"]
    missing = cashier.post(
        TOP_UP,
        {"code": card.number, "shop": shop.pk, "amount_fen": 100, "method": "wechatpay_code"},
        HTTP_IDEMPOTENCY_KEY="top-code-0004",
    )
    assert missing.status_code == 400
    assert "auth_code" in missing.json()["fields"]


def test_an_online_top_up_is_credited_on_the_notification(wechat):
    card = card_create_for(program_create())
    response = client_for(card.consumer).post(
        f"/api/v1/me/cards/{card.pk}/top-ups/",
        {"amount_fen": 50_000, "method": "wechatpay", "payment_channel": "native"},
        HTTP_IDEMPOTENCY_KEY="online-top-up-01",
    )
    assert response.status_code == 202, response.json()
    assert response.json()["payment"]["pay_params"]["code_url"].startswith("weixin://")
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 0
    payment = Payment.objects.get(pk=response.json()["payment"]["id"])
    wechat.notify_mode = ("repeat", 2)
    wechat.customer_pays(payment.trade_no)
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 55_000  # once, with the bonus


def test_the_daily_statement_is_matched_to_the_fen_and_differences_are_listed(
    counter, wechat, admin_client
):
    shop, cashier, card, _ = counter
    wechat.code_behaviour = "ok"
    code_top_up(cashier, shop, card, amount=10_000, key="top-code-0005")
    code_top_up(cashier, shop, card, amount=20_000, key="top-code-0006")
    first, second = Payment.objects.filter(status=PaymentStatus.SUCCEEDED).order_by("pk")
    refund = payment_refund(payment=second, amount_fen=5_000, created_by=second.created_by)
    wait = time.monotonic() + 5
    while wechat.refunds[refund.refund_no].status != "SUCCESS" and time.monotonic() < wait:
        time.sleep(0.05)
    time.sleep(0.3)  # the refund notification is applied
    today = timezone.localdate()
    result = reconcile(backend="wechatpay", day=today)
    assert (result.payments, result.refunds, result.mismatches) == (2, 1, 0)

    # The gateway lists a payment we never recorded, and ours differs from it by one fen.
    trade = wechat.trades[first.trade_no]
    wechat.trades["o2o-unknown-000001"] = type(trade)(
        "o2o-unknown-000001", 777, trade.appid, trade.mchid, "", "NATIVE",
        state="SUCCESS", transaction_id="4200000000000000001",
    )  # fmt: skip
    trade.total = first.amount_fen + 1
    result = reconcile(backend="wechatpay", day=today)
    assert result.mismatches == 2
    assert Reconciliation.objects.filter(backend="wechatpay", day=today).count() == 1
    missing = PaymentIssue.objects.get(kind=IssueKind.BILL_MISSING_HERE)
    assert (missing.number, missing.actual_fen) == ("o2o-unknown-000001", 777)
    amount = PaymentIssue.objects.get(kind=IssueKind.BILL_AMOUNT)
    assert (amount.payment_id, amount.expected_fen, amount.actual_fen) == (
        first.pk,
        10_000,
        10_001,
    )
    page = admin_client.get("/admin/payments/paymentissue/").content.decode()
    assert "o2o-unknown-000001" in page and first.trade_no in page
    # A payment we count as succeeded that the statement lacks is listed too.
    del wechat.trades["o2o-unknown-000001"]
    trade.transaction_id = ""
    Payment.objects.filter(pk=first.pk).update(succeeded_at=timezone.now() - timedelta(hours=1))
    reconcile(backend="wechatpay", day=today)
    assert PaymentIssue.objects.filter(kind=IssueKind.BILL_MISSING_THERE, payment=first).exists()


def test_a_payment_code_whose_waiting_task_was_lost_is_reversed_by_the_beat_task(
    counter, wechat, monkeypatch
):
    from payments.services import payments_due_check

    shop, cashier, card, _ = counter
    monkeypatch.setattr("payments.services.payment_code_wait_enqueue", lambda payment_id: None)
    payment_id = code_top_up(cashier, shop, card, key="top-code-0007").json()["payment"]["id"]
    payment = Payment.objects.get(pk=payment_id)
    payments_due_check(now=payment.expires_at - timedelta(seconds=1))
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.PENDING  # still waiting
    payments_due_check(now=payment.expires_at + timedelta(seconds=1))
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.CLOSED
    assert wechat.trades[payment.trade_no].state == "REVOKED"
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 0


def test_the_payment_codes_gateway_is_known_from_the_code(counter, wechat):
    """`method: code`: the gateway is the one whose payment codes start so (WeChat Pay 10-15,
    Alipay 25-30), as on the counter page; a code no gateway in use takes is refused."""
    shop, cashier, card, _ = counter
    wechat.code_behaviour = "ok"
    body = {"code": card.number, "shop": shop.pk, "amount_fen": 10_000, "method": "code"}
    paid = cashier.post(TOP_UP, {**body, "auth_code": CODE}, HTTP_IDEMPOTENCY_KEY="code-kind-01")
    assert paid.status_code == 201, paid.json()
    assert paid.json()["method"] == "wechatpay_code"
    alipay = "284567890123456789"  # Alipay's, and no Alipay gateway is configured here
    refused = cashier.post(
        TOP_UP, {**body, "auth_code": alipay}, HTTP_IDEMPOTENCY_KEY="code-kind-02"
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "payment_method_unavailable")
    assert "auth_code" in refused.json()["fields"]
