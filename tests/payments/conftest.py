import secrets
from datetime import timedelta

import pytest

from tests.concurrency import in_background

from .fake_wechatpay import APPID, MCHID, PUBLIC_KEY_ID, SERIAL_NO, FakeWeChatPay, key_pair

WECHAT = {
    "wechatpay": "payments.backends.wechatpay.WeChatPayBackend",
    "wechatpay_code": "payments.backends.wechatpay.WeChatPayCodeBackend",
}


@pytest.fixture
def wechat(settings, live_server):
    """The fake WeChat Pay, with keys made here, and our settings pointing at it; its
    notifications reach our callback on the live server."""
    _, merchant_private, merchant_public = key_pair()
    apiv3_key = secrets.token_hex(16)
    fake = FakeWeChatPay(apiv3_key=apiv3_key, merchant_public_pem=merchant_public)
    settings.PAYMENT_BACKENDS = {**settings.PAYMENT_BACKENDS, **WECHAT}
    settings.WECHATPAY_MCHID = MCHID
    settings.WECHATPAY_APPID = APPID
    settings.WECHATPAY_APIV3_KEY = apiv3_key
    settings.WECHATPAY_PRIVATE_KEY = merchant_private
    settings.WECHATPAY_CERT_SERIAL_NO = SERIAL_NO
    settings.WECHATPAY_PUBLIC_KEY = fake.platform_public_pem
    settings.WECHATPAY_PUBLIC_KEY_ID = PUBLIC_KEY_ID
    settings.WECHATPAY_GATEWAY = fake.url
    settings.PAYMENT_NOTIFY_ORIGIN = live_server.url
    settings.PAYMENT_QUERY_AFTER_SECONDS = 0
    fake.merchant_public_pem = merchant_public
    yield fake
    fake.close()


def code_wait_in_threads(monkeypatch) -> list:
    """The payment code's wait (what the Celery task does) run in a thread per payment; the
    threads, for the test to join."""
    from payments.services import payment_code_settle

    workers = []

    def enqueue(payment_id):
        workers.append(in_background(payment_code_settle, payment_id=payment_id))

    monkeypatch.setattr("payments.services.payment_code_wait_enqueue", enqueue)
    return workers


def later(payment, minutes: int = 1):
    """A moment past the payment's deadline."""
    return payment.expires_at + timedelta(minutes=minutes)


@pytest.fixture
def alipay(settings, live_server):
    """The fake Alipay gateway with keys made here; notifications reach our live server."""
    from .fake_alipay import APPID as ALIPAY_APPID
    from .fake_alipay import SELLER_ID, FakeAlipay

    _, app_private, app_public = key_pair()
    fake = FakeAlipay(app_public_pem=app_public)
    settings.PAYMENT_BACKENDS = {
        **settings.PAYMENT_BACKENDS,
        "alipay": "payments.backends.alipay.AlipayBackend",
        "alipay_code": "payments.backends.alipay.AlipayCodeBackend",
    }
    settings.ALIPAY_APPID = ALIPAY_APPID
    settings.ALIPAY_APP_PRIVATE_KEY = app_private
    settings.ALIPAY_PUBLIC_KEY = fake.public_pem
    settings.ALIPAY_SELLER_ID = SELLER_ID
    settings.ALIPAY_GATEWAY = fake.gateway
    settings.PAYMENT_NOTIFY_ORIGIN = live_server.url
    settings.PAYMENT_QUERY_AFTER_SECONDS = 0
    yield fake
    fake.close()
