"""The counter's payment code (付款码) on a card top-up, against the fake WeChat Pay: the
cashier picks "扫付款码", the scanner types the customer's 18-digit code and Enter into the
focused field, and the page shows each step in plain words, asking again until the answer is
final: paid once the customer confirms, or reversed when the customer never does."""

import pytest
from playwright.sync_api import expect

from loyalty.models import MembershipCard
from payments.models import Payment, PaymentStatus
from tests.loyalty.factories import card_create_for, program_create
from tests.payments.conftest import (
    code_wait_in_threads,
    wechat,  # noqa: F401  (the fake gateway, as a fixture)
)

from .test_counter import DOCS, cashier_shop  # noqa: F401
from .test_shop_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
SLOW = 20_000  # ms: a busy machine; the gateway's wait and the page's asking take seconds
CODE = "134567890123456789"  # a WeChat payment code: 18 digits, 10-15 first


@pytest.fixture
def code_counter(wechat, settings, monkeypatch, cashier_shop):  # noqa: F811
    """A card at the cashier's shop, and a worker thread for the payment code's wait (what
    the Celery task does), asking the gateway fast."""
    settings.PAYMENT_CODE_POLL_SECONDS = 0.2
    settings.PAYMENT_CODE_WAIT_SECONDS = 30
    workers = code_wait_in_threads(monkeypatch)
    shop, cashier = cashier_shop
    card = card_create_for(program_create(shop.merchant))
    yield shop, cashier, card
    for worker in workers:
        worker.join(timeout=40)


def scan_payment_code(page, shop, card, amount: str) -> None:
    """The card scanned, the top-up opened, the amount typed, "扫付款码" picked: the scanner
    types the customer's code and Enter into the field that has the focus."""
    page.goto(f"/dashboard/shops/{shop.pk}/counter/")
    page.keyboard.type(card.number.lower())
    page.keyboard.press("Enter")
    expect(page.locator("#scanned")).to_have_attribute("data-kind", "M", timeout=SLOW)
    page.get_by_text("充值", exact=True).click()
    page.get_by_label("充值金额（元）").fill(amount)
    auth_code = page.get_by_label("顾客付款码")
    expect(auth_code).to_be_hidden()  # cash unless the payment code is picked
    page.get_by_label("扫付款码").check()
    expect(auth_code).to_be_focused()
    page.keyboard.type(CODE, delay=5)
    page.keyboard.press("Enter")


def test_a_payment_code_waits_for_the_customer_then_credits_the_card(page, code_counter, wechat):  # noqa: F811
    shop, cashier, card = code_counter
    sign_in(page, cashier)
    scan_payment_code(page, shop, card, "600")
    waiting = page.locator("#counter-payment")
    expect(waiting).to_have_attribute("data-status", "pending", timeout=SLOW)
    expect(waiting).to_contain_text("等待顾客确认…")
    expect(waiting).to_contain_text("等待顾客在手机上确认付款（输入密码）…")
    expect(waiting).to_contain_text("仍在等待顾客确认付款…", timeout=SLOW)  # asked again
    page.screenshot(path=DOCS / "counter-payment-code-waiting.png")
    payment = Payment.objects.get()
    assert wechat.trades[payment.trade_no].auth_code == CODE
    wechat.customer_confirms(payment.trade_no)
    done = page.locator("#counter-done")
    expect(done).to_contain_text("收款成功，已充值", timeout=SLOW)
    expect(done).to_contain_text("顾客已付款，收款成功。")
    expect(done).to_contain_text("¥650.00")  # with the bonus tier
    expect(page.locator("#counter-payment")).not_to_have_attribute("hx-trigger", "every 2s")
    expect(page.get_by_label("券码或二维码内容")).to_be_focused()  # ready for the next one
    page.screenshot(path=DOCS / "counter-payment-code-paid.png")
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 65_000


def test_an_unconfirmed_payment_code_is_reversed_and_a_declined_one_says_so(
    page,
    code_counter,
    wechat,  # noqa: F811
    settings,
):
    settings.PAYMENT_CODE_WAIT_SECONDS = 2
    shop, cashier, card = code_counter
    sign_in(page, cashier)
    scan_payment_code(page, shop, card, "100")
    state = page.locator("#counter-payment")
    expect(state).to_have_attribute("data-status", "closed", timeout=SLOW)
    expect(state).to_contain_text("已撤销，未收款")
    expect(state).to_contain_text("顾客超时未确认，已撤销本次收款。")
    assert Payment.objects.get().status == PaymentStatus.CLOSED

    wechat.code_behaviour = "decline"
    scan_payment_code(page, shop, card, "100")
    expect(state).to_have_attribute("data-status", "failed", timeout=SLOW)
    expect(state).to_contain_text("付款失败，未收款")
    expect(state).to_contain_text("请顾客换一种方式付款")
    assert MembershipCard.objects.get(pk=card.pk).balance_fen == 0
