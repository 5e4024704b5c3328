"""Aliyun SMS (Dysmsapi 2017-05-25) through its SDK, alibabacloud-dysmsapi20170525.

SendSms with the approved sign name, the kind's template and its parameters as JSON; the
answer's BizId is the message's provider id. Aliyun pushes status reports (SmsReport) and
replies (SmsUp) to our callback as JSON arrays ("HTTP 批量推送"), and expects
{"code": 0, "msg": "成功"} back.
"""

import json

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import (
    DeliveryReceipt,
    InboundReply,
    OutgoingMessage,
    PermanentFailure,
    SmsGateway,
    TemporaryFailure,
    e164_phone,
    national_phone,
    sms_template,
)

# Codes that may pass: flow control, the platform's own trouble.
TEMPORARY = ("isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isp.", "Throttling")


class AliyunSmsBackend(SmsGateway):
    name = "aliyun"
    callback_ack = {"code": 0, "msg": "成功"}

    def client(self) -> Client:
        key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        if not (key_id and secret and settings.SMS_SIGN_NAME):
            raise ImproperlyConfigured(
                "Set SMS_ALIYUN_ACCESS_KEY_ID, SMS_ALIYUN_ACCESS_KEY_SECRET and SMS_SIGN_NAME."
            )
        return Client(
            Config(
                access_key_id=key_id,
                access_key_secret=secret,
                endpoint=settings.SMS_ALIYUN_ENDPOINT,
                protocol=settings.SMS_GATEWAY_PROTOCOL,
                connect_timeout=5000,
                read_timeout=10000,
            )
        )

    def send(self, message: OutgoingMessage) -> str:
        template, params = sms_template(message)
        request = SendSmsRequest(
            phone_numbers=national_phone(message.address),
            sign_name=settings.SMS_SIGN_NAME,
            template_code=template,
            template_param=json.dumps(dict(params), ensure_ascii=False),
            out_id=message.idempotency_key,
        )
        try:
            body = self.client().send_sms_with_options(request, RuntimeOptions()).body
        except ThrottlingException as error:
            raise TemporaryFailure(f"aliyun {error.code}") from error
        except ClientException as error:  # 4xx: our keys, our request
            raise PermanentFailure(f"aliyun {error.code}: {error.message}"[:300]) from error
        except ImproperlyConfigured:
            raise
        except Exception as error:  # 5xx, timeouts, a broken connection: try again later
            raise TemporaryFailure(f"aliyun unreachable: {error}"[:300]) from error
        if body.code == "OK":
            return body.biz_id
        failure = TemporaryFailure if body.code.startswith(TEMPORARY) else PermanentFailure
        raise failure(f"aliyun {body.code}: {body.message}"[:300])

    def receipts_from(self, payload) -> list[DeliveryReceipt]:
        return [
            DeliveryReceipt(
                provider_message_id=str(report.get("biz_id", "")),
                phone=e164_phone(str(report.get("phone_number", ""))),
                delivered=report.get("success") in (True, "true"),
                error="" if report.get("success") in (True, "true") else report.get("err_code", ""),
            )
            for report in _array(payload)
        ]

    def replies_from(self, payload) -> list[InboundReply]:
        return [
            InboundReply(
                phone=e164_phone(str(reply.get("phone_number", ""))),
                text=str(reply.get("content", "")),
            )
            for reply in _array(payload)
        ]


def _array(payload) -> list[dict]:
    items = payload if isinstance(payload, list) else [payload]
    return [item for item in items if isinstance(item, dict)]
