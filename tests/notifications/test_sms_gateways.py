"""The Aliyun and Tencent Cloud SMS backends, through their SDKs' real signing, against fake
gateways on 127.0.0.1 that check the signature with the test's keys; delivery receipts and
replies that come back through the callbacks land on the outbox message."""

import secrets

import pytest
from rest_framework.test import APIClient

from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import outbox_send

from .fakes import FakeAliyun, FakeTencent

pytestmark = pytest.mark.django_db
PHONE = "+8613911112222"
TEMPLATES = {
    "verification": {"template": "SMS_100001", "params": ["code", "minutes"]},
    "flash_deal": {"template": "SMS_100002", "params": ["title", "body"]},
}
CALLBACK_TOKEN = "cb-" + secrets.token_hex(8)


@pytest.fixture
def aliyun(settings):
    key_id, secret = "LTAI" + secrets.token_hex(8), secrets.token_urlsafe(24)
    fake = FakeAliyun(key_id, secret)
    settings.NOTIFICATION_SMS_BACKEND = "notifications.backends.aliyun.AliyunSmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = key_id, secret
    settings.SMS_ALIYUN_ENDPOINT = fake.endpoint
    settings.SMS_GATEWAY_PROTOCOL = "http"
    settings.SMS_SIGN_NAME = "邻里惠"
    settings.SMS_TEMPLATES = TEMPLATES
    settings.SMS_CALLBACK_TOKEN = CALLBACK_TOKEN
    yield fake
    fake.close()


@pytest.fixture
def tencent(settings):
    secret_id, secret_key = "AKID" + secrets.token_hex(8), secrets.token_urlsafe(24)
    fake = FakeTencent(secret_id, secret_key)
    settings.NOTIFICATION_SMS_BACKEND = "notifications.backends.tencent.TencentSmsBackend"
    settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY = secret_id, secret_key
    settings.SMS_TENCENT_SDK_APP_ID = "1400000001"
    settings.SMS_TENCENT_ENDPOINT = fake.endpoint
    settings.SMS_GATEWAY_PROTOCOL = "http"
    settings.SMS_SIGN_NAME = "邻里惠"
    settings.SMS_TEMPLATES = TEMPLATES
    settings.SMS_CALLBACK_TOKEN = CALLBACK_TOKEN
    yield fake
    fake.close()


def code_message(phone=PHONE) -> OutboxMessage:
    return OutboxMessage.objects.create(
        channel="sms",
        address=phone,
        kind="verification",
        title="验证码",
        body="您的验证码是123456，5分钟内有效。",
        data={"code": "123456", "minutes": 5},
        dedupe_key=f"sms-code:{phone}",
    )


def callback(gateway: str, kind: str, payload, token: str = CALLBACK_TOKEN):
    return APIClient().post(
        f"/api/v1/sms/callbacks/{gateway}/{kind}/{token}/", payload, format="json"
    )


def test_aliyun_sends_the_template_with_its_parameters_signed_with_our_key(aliyun):
    message = code_message()
    assert outbox_send(message_id=message.pk) is None
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT, message.last_error
    assert aliyun.refused == []
    (sent,) = aliyun.sent
    assert sent["PhoneNumbers"] == "13911112222"
    assert sent["SignName"] == "邻里惠"
    assert sent["TemplateCode"] == "SMS_100001"
    assert sent["TemplateParam"] == {"code": "123456", "minutes": "5"}
    assert message.provider_message_id == sent["BizId"]
    assert (message.body, message.data) == ("", {})  # the code left the outbox with the SMS


def test_aliyun_refuses_a_request_signed_with_another_key(aliyun, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-key"
    message = code_message()
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert aliyun.refused == ["signature"] and aliyun.sent == []
    assert message.status == OutboxStatus.FAILED
    assert "SignatureDoesNotMatch" in message.last_error


def test_aliyun_flow_control_is_retried_and_a_bad_number_is_not(aliyun):
    aliyun.answers = {"13911112222": "isv.BUSINESS_LIMIT_CONTROL"}
    limited = code_message()
    assert outbox_send(message_id=limited.pk) is not None  # backs off, tries again
    limited.refresh_from_db()
    assert limited.status == OutboxStatus.PENDING
    aliyun.answers = {"13900000000": "isv.MOBILE_NUMBER_ILLEGAL"}
    bad = code_message("+8613900000000")
    assert outbox_send(message_id=bad.pk) is None
    bad.refresh_from_db()
    assert bad.status == OutboxStatus.FAILED and "MOBILE_NUMBER_ILLEGAL" in bad.last_error


def test_aliyun_status_report_is_recorded_on_the_message(aliyun):
    message = code_message()
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    report = {
        "phone_number": "13911112222",
        "send_time": "2026-12-02 10:00:00",
        "report_time": "2026-12-02 10:00:05",
        "success": False,
        "err_code": "MK:0001",
        "err_msg": "用户关机",
        "sms_size": "1",
        "biz_id": message.provider_message_id,
        "out_id": f"outbox-{message.pk}",
    }
    response = callback("aliyun", "report", [report])
    assert response.status_code == 200
    assert response.json() == {"code": 0, "msg": "成功"}
    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_error) == ("undelivered", "MK:0001")
    callback("aliyun", "report", [{**report, "success": True, "err_code": "DELIVERED"}])
    message.refresh_from_db()
    assert message.delivery_status == "delivered" and message.delivered_at is not None


def test_a_callback_without_our_token_changes_nothing(aliyun):
    message = code_message()
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    report = {"phone_number": "13911112222", "success": True, "biz_id": message.provider_message_id}
    assert callback("aliyun", "report", [report], token="guessed").status_code == 404
    message.refresh_from_db()
    assert message.delivery_status == ""


def test_tencent_sends_the_template_with_its_parameters_in_order(tencent):
    message = code_message()
    assert outbox_send(message_id=message.pk) is None
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT, message.last_error
    assert tencent.refused == []
    (sent,) = tencent.sent
    assert sent["Action"] == "SendSms"
    assert sent["PhoneNumberSet"] == [PHONE]
    assert (sent["SmsSdkAppId"], sent["SignName"], sent["TemplateId"]) == (
        "1400000001",
        "邻里惠",
        "SMS_100001",
    )
    assert sent["TemplateParamSet"] == ["123456", "5"]
    assert message.provider_message_id == sent["SerialNo"]


def test_tencent_refuses_a_request_signed_with_another_key(tencent, settings):
    settings.SMS_TENCENT_SECRET_KEY = "not-the-key"
    message = code_message()
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert tencent.refused == ["signature"] and tencent.sent == []
    assert message.status == OutboxStatus.FAILED and "SignatureFailure" in message.last_error


def test_tencent_frequency_limit_is_retried(tencent):
    tencent.answers = {PHONE: "LimitExceeded.PhoneNumberOneHourLimit"}
    message = code_message()
    assert outbox_send(message_id=message.pk) is not None
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and "OneHourLimit" in message.last_error


def test_tencent_status_report_is_recorded_on_the_message(tencent):
    message = code_message()
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    report = {
        "user_receive_time": "2026-12-02 10:00:05",
        "nationcode": "86",
        "mobile": "13911112222",
        "report_status": "SUCCESS",
        "errmsg": "DELIVRD",
        "description": "用户短信送达成功",
        "sid": message.provider_message_id,
    }
    response = callback("tencent", "report", [report])
    assert response.status_code == 200 and response.json() == {"result": 0, "errmsg": "OK"}
    message.refresh_from_db()
    assert message.delivery_status == "delivered"


def test_a_message_without_a_template_for_its_kind_fails_for_good(tencent, settings):
    settings.SMS_TEMPLATES = {}
    message = code_message()
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and "no SMS template" in message.last_error
    assert tencent.sent == []


@pytest.mark.parametrize(
    "payload",
    [
        "not json at all",
        '{"unexpected": true}',
        "[1, 2, 3]",
        '[{"mobile": "", "text": "R"}]',
        '[{"phone_number": "abc", "content": "T", "biz_id": 5}]',
        '[{"sid": "x", "mobile": "139", "report_status": "FAIL"}]',
    ],
)
@pytest.mark.parametrize("gateway", ["aliyun", "tencent"])
@pytest.mark.parametrize("kind", ["report", "reply"])
def test_a_malformed_callback_is_answered_without_an_error(gateway, kind, payload, settings):
    settings.SMS_CALLBACK_TOKEN = CALLBACK_TOKEN
    response = APIClient().post(
        f"/api/v1/sms/callbacks/{gateway}/{kind}/{CALLBACK_TOKEN}/",
        payload,
        content_type="application/json",
    )
    assert response.status_code in (200, 400), response.content
    from notifications.models import MarketingOptOut

    assert not MarketingOptOut.objects.exists()
