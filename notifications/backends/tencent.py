"""Tencent Cloud SMS (API 2021-01-11) through its SDK, tencentcloud-sdk-python-sms.

SendSms with the SDK app id, the approved sign name, the kind's template id and its parameters
in order; the answer's SerialNo is the message's provider id. Tencent pushes status reports
(JSON arrays of {mobile, report_status, sid, ...}) and replies ({mobile, text, ...}) to our
callback and expects {"result": 0, "errmsg": "OK"} back.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from .base import (
    DeliveryReceipt,
    InboundReply,
    OutgoingMessage,
    PermanentFailure,
    SmsGateway,
    TemporaryFailure,
    e164_phone,
    sms_template,
)

# Codes that may pass: frequency limits, the platform's own trouble.
TEMPORARY = ("LimitExceeded", "InternalError", "RequestLimitExceeded", "ServerBusy")


class TencentSmsBackend(SmsGateway):
    name = "tencent"
    callback_ack = {"result": 0, "errmsg": "OK"}

    def client(self) -> sms_client.SmsClient:
        secret_id, secret_key = settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY
        if not (secret_id and secret_key and settings.SMS_TENCENT_SDK_APP_ID):
            raise ImproperlyConfigured(
                "Set SMS_TENCENT_SECRET_ID, SMS_TENCENT_SECRET_KEY and SMS_TENCENT_SDK_APP_ID."
            )
        http = HttpProfile(
            protocol=settings.SMS_GATEWAY_PROTOCOL,
            endpoint=settings.SMS_TENCENT_ENDPOINT,
            reqTimeout=10,
        )
        profile = ClientProfile(httpProfile=http)  # TC3-HMAC-SHA256 signing
        return sms_client.SmsClient(
            credential.Credential(secret_id, secret_key), settings.SMS_TENCENT_REGION, profile
        )

    def send(self, message: OutgoingMessage) -> str:
        template, params = sms_template(message)
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [message.address]
        request.SmsSdkAppId = settings.SMS_TENCENT_SDK_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = template
        request.TemplateParamSet = [value for _, value in params]
        request.SessionContext = message.idempotency_key
        try:
            response = self.client().SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or ""
            failure = TemporaryFailure if code.startswith(TEMPORARY) else PermanentFailure
            if code in ("ClientNetworkError", "ServerNetworkError"):
                failure = TemporaryFailure
            raise failure(f"tencent {code}: {error.get_message()}"[:300]) from error
        except Exception as error:  # a timeout, a broken connection: try again later
            raise TemporaryFailure(f"tencent unreachable: {error}"[:300]) from error
        status = response.SendStatusSet[0]
        if status.Code == "Ok":
            return status.SerialNo
        failure = TemporaryFailure if status.Code.startswith(TEMPORARY) else PermanentFailure
        raise failure(f"tencent {status.Code}: {status.Message}"[:300])

    def receipts_from(self, payload) -> list[DeliveryReceipt]:
        return [
            DeliveryReceipt(
                provider_message_id=str(report.get("sid", "")),
                phone=e164_phone(str(report.get("mobile", "")), report.get("nationcode", "86")),
                delivered=report.get("report_status") == "SUCCESS",
                error="" if report.get("report_status") == "SUCCESS" else report.get("errmsg", ""),
            )
            for report in _array(payload)
        ]

    def replies_from(self, payload) -> list[InboundReply]:
        return [
            InboundReply(
                phone=e164_phone(str(reply.get("mobile", "")), reply.get("nationcode", "86")),
                text=str(reply.get("text", "")),
            )
            for reply in _array(payload)
        ]


def _array(payload) -> list[dict]:
    items = payload if isinstance(payload, list) else [payload]
    return [item for item in items if isinstance(item, dict)]
