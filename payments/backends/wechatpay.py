"""WeChat Pay API v3 through the `wechatpayv3` SDK, in public-key mode (微信支付公钥): every
request is signed with the merchant's private key, every answer and notification is verified
with the platform's public key, and notifications are decrypted with the APIv3 key.

- `wechatpay` (consumers, online): JSAPI inside WeChat (the app calls `WeixinJSBridge` with
  `pay_params`, signed here), H5 in other phone browsers (`h5_url`), Native on a desktop
  (`code_url`, shown as a QR code).
- `wechatpay_code` (the counter): the customer's payment code (付款码), typed by the scanner;
  a code that needs the customer's confirmation answers USERPAYING and is polled, then
  reversed (`payments.services.payment_code_settle`).

Notifications and query answers are believed only for our merchant id and app id; the
amount is checked by `payments.services`. Settings: WECHATPAY_* (config.settings.base).
"""

import gzip
import json
import secrets
import time
from datetime import date

import requests
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from wechatpayv3 import WeChatPay, WeChatPayType

from ..errors import NotificationRejected, PaymentGatewayUnavailable
from ..models import PaymentStatus, RefundStatus
from . import (
    BillLine,
    ChargeResult,
    GatewayState,
    PaymentBackend,
    PayRequest,
    RefundResult,
)

PAY_TYPES = {
    "jsapi": WeChatPayType.JSAPI,
    "h5": WeChatPayType.H5,
    "native": WeChatPayType.NATIVE,
    "code": WeChatPayType.CODEPAY,
}
TRADE_STATES = {
    "SUCCESS": PaymentStatus.SUCCEEDED,
    "REFUND": PaymentStatus.SUCCEEDED,  # paid, then (partly) refunded
    "NOTPAY": PaymentStatus.PENDING,
    "USERPAYING": PaymentStatus.PENDING,
    "CLOSED": PaymentStatus.CLOSED,
    "REVOKED": PaymentStatus.CLOSED,
    "PAYERROR": PaymentStatus.FAILED,
}
REFUND_STATES = {
    "SUCCESS": RefundStatus.SUCCEEDED,
    "PROCESSING": RefundStatus.PENDING,
    "CLOSED": RefundStatus.FAILED,
    "ABNORMAL": RefundStatus.FAILED,
}


def pem(value: str) -> str:
    """A key given in the environment inline, or as the path of its PEM file."""
    if value.startswith("/"):
        with open(value, encoding="utf-8") as file:
            return file.read()
    return value


def notify_url(backend_name: str) -> str:
    path = reverse("payment-notify", kwargs={"backend": backend_name})
    return settings.PAYMENT_NOTIFY_ORIGIN.rstrip("/") + path


class WeChatPayBackend(PaymentBackend):
    label = "微信支付"
    online = True
    asynchronous = True
    channels = ("jsapi", "h5", "native")
    default_channel = "h5"
    statement = "wechatpay"  # one merchant account, one statement, for both backends

    # --- the SDK ---------------------------------------------------------------------------

    def client(self) -> WeChatPay:
        client = WeChatPay(
            wechatpay_type=WeChatPayType.NATIVE,
            mchid=settings.WECHATPAY_MCHID,
            private_key=pem(settings.WECHATPAY_PRIVATE_KEY),
            cert_serial_no=settings.WECHATPAY_CERT_SERIAL_NO,
            appid=settings.WECHATPAY_APPID,
            apiv3_key=settings.WECHATPAY_APIV3_KEY,
            notify_url=notify_url(self.name),
            public_key=pem(settings.WECHATPAY_PUBLIC_KEY),
            public_key_id=settings.WECHATPAY_PUBLIC_KEY_ID,
            timeout=(5, settings.WECHATPAY_TIMEOUT_SECONDS),
        )
        client._core._gate_way = settings.WECHATPAY_GATEWAY.rstrip("/")
        return client

    def call(self, method, *arguments, **options) -> tuple[int, dict | bytes]:
        """One SDK call; a gateway that does not answer, answers 5xx or answers unsigned is
        unavailable (nothing is believed)."""
        try:
            code, message = method(*arguments, **options)
        except requests.RequestException as error:
            raise PaymentGatewayUnavailable() from error
        except Exception as error:  # the SDK raises Exception when a signature fails
            raise PaymentGatewayUnavailable() from error
        if code >= 500:
            raise PaymentGatewayUnavailable()
        if isinstance(message, str):
            message = json.loads(message) if message else {}
        return code, message

    def ours(self, data: dict) -> None:
        """Refuse what names another merchant or app: a genuine notification for someone else
        is still not about our money."""
        if data.get("mchid") != settings.WECHATPAY_MCHID:
            raise NotificationRejected("mchid")
        if "appid" in data and data["appid"] != settings.WECHATPAY_APPID:
            raise NotificationRejected("appid")

    # --- paying ------------------------------------------------------------------------------

    def charge(self, *, payment, request: PayRequest) -> ChargeResult:
        channel = request.channel or self.default_channel
        if channel not in self.channels:
            return ChargeResult(PaymentStatus.FAILED, failure_code="channel_not_supported")
        options = {
            "description": request.description or payment.purpose,
            "out_trade_no": payment.trade_no,
            "amount": {"total": payment.amount_fen, "currency": "CNY"},
            "pay_type": PAY_TYPES[channel],
        }
        if channel != "code":
            options["time_expire"] = timezone.localtime(payment.expires_at).isoformat(
                "T", "seconds"
            )
        if channel == "jsapi":
            if not request.openid:
                return ChargeResult(PaymentStatus.FAILED, failure_code="openid_required")
            options["payer"] = {"openid": request.openid}
        elif channel == "h5":
            options["scene_info"] = {
                "payer_client_ip": request.client_ip or "127.0.0.1",
                "h5_info": {"type": "Wap"},
            }
        elif channel == "code":
            options["payer"] = {"auth_code": request.auth_code}
            options["scene_info"] = {"store_info": {"out_id": str(payment.shop_id or "")}}
        client = self.client()
        code, body = self.call(client.pay, **options)
        if code >= 400:
            return ChargeResult(PaymentStatus.FAILED, failure_code=str(body.get("code", code)))
        if channel == "code":
            return self.code_answer(code, body)
        return ChargeResult(
            PaymentStatus.PENDING, pay_params=self.pay_params(client, channel, body)
        )

    def pay_params(self, client: WeChatPay, channel: str, body: dict) -> dict:
        if channel == "h5":
            return {"h5_url": body["h5_url"]}
        if channel == "native":
            return {"code_url": body["code_url"]}
        package = f"prepay_id={body['prepay_id']}"
        stamp, nonce = str(int(time.time())), secrets.token_hex(16)
        signature = client.sign([settings.WECHATPAY_APPID, stamp, nonce, package])
        return {
            "appId": settings.WECHATPAY_APPID,
            "timeStamp": stamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": signature,
        }

    def code_answer(self, code: int, body: dict) -> ChargeResult:
        state = body.get("trade_state") or body.get("code", "")
        if code == 202 or state == "USERPAYING":
            return ChargeResult(PaymentStatus.PENDING, user_paying=True)
        if state == "SUCCESS":
            self.ours(body)
            return ChargeResult(
                PaymentStatus.SUCCEEDED, external_reference=body.get("transaction_id", "")
            )
        return ChargeResult(PaymentStatus.FAILED, failure_code=state or "declined")

    def query(self, *, payment) -> GatewayState:
        code, body = self.call(self.client().query, out_trade_no=payment.trade_no)
        if code == 404:  # never reached the gateway: nothing to pay there
            return GatewayState("payment", payment.trade_no, PaymentStatus.PENDING, 0)
        if code >= 400:
            raise PaymentGatewayUnavailable()
        return self.payment_state(body)

    def payment_state(self, data: dict) -> GatewayState:
        self.ours(data)
        trade_state = data.get("trade_state", "")
        return GatewayState(
            kind="payment",
            number=data["out_trade_no"],
            status=TRADE_STATES.get(trade_state, PaymentStatus.PENDING),
            amount_fen=int(data.get("amount", {}).get("total", 0)),
            external_reference=data.get("transaction_id", ""),
            user_paying=trade_state == "USERPAYING",
        )

    def close(self, *, payment) -> None:
        code, _ = self.call(self.client().close, out_trade_no=payment.trade_no)
        if code >= 400 and code != 404:
            raise PaymentGatewayUnavailable()

    def reverse(self, *, payment) -> None:
        code, _ = self.call(self.client().codepay_reverse, out_trade_no=payment.trade_no)
        if code >= 400 and code != 404:
            raise PaymentGatewayUnavailable()

    # --- refunds -----------------------------------------------------------------------------

    def refund(self, *, payment, refund) -> RefundResult:
        code, body = self.call(
            self.client().refund,
            out_refund_no=refund.refund_no,
            amount={"refund": refund.amount_fen, "total": payment.amount_fen, "currency": "CNY"},
            out_trade_no=payment.trade_no,
            reason=refund.reason[:80] or None,
        )
        if code >= 400:
            return RefundResult(RefundStatus.FAILED, failure_code=str(body.get("code", code)))
        status = REFUND_STATES.get(body.get("status", ""), RefundStatus.PENDING)
        return RefundResult(status, external_reference=body.get("refund_id", ""))

    def query_refund(self, *, refund) -> GatewayState:
        code, body = self.call(self.client().query_refund, out_refund_no=refund.refund_no)
        if code >= 400:
            raise PaymentGatewayUnavailable()
        return self.refund_state(body, status_key="status")

    def refund_state(self, data: dict, *, status_key: str) -> GatewayState:
        if "mchid" in data:
            self.ours(data)
        return GatewayState(
            kind="refund",
            number=data["out_refund_no"],
            status=REFUND_STATES.get(data.get(status_key, ""), RefundStatus.PENDING),
            amount_fen=int(data.get("amount", {}).get("refund", 0)),
            external_reference=data.get("refund_id", ""),
        )

    # --- notifications -----------------------------------------------------------------------

    def notification(self, *, headers, body: bytes) -> GatewayState:
        try:
            data = self.client().callback(headers, body)
        except Exception as error:  # unsupported algorithm, malformed body
            raise NotificationRejected("unreadable") from error
        if not data:  # a signature that does not verify, or a resource that does not decrypt
            raise NotificationRejected("signature")
        resource = data["resource"]
        if data.get("event_type", "").startswith("REFUND."):
            if "mchid" not in resource:
                raise NotificationRejected("mchid")
            return self.refund_state(resource, status_key="refund_status")
        return self.payment_state(resource)

    def notification_answer(self, *, accepted: bool, message: str = "") -> HttpResponse:
        if accepted:
            return HttpResponse(status=204)
        return JsonResponse({"code": "FAIL", "message": message or "失败"}, status=400)

    # --- the daily statement -----------------------------------------------------------------

    def bill(self, *, day: date) -> list[BillLine]:
        client = self.client()
        code, body = self.call(client.trade_bill, bill_date=day.isoformat())
        if code == 400 and body.get("code") == "NO_STATEMENT_EXIST":
            return []
        if code >= 400:
            raise PaymentGatewayUnavailable()
        code, content = self.call(client.download_bill, body["download_url"])
        if code >= 400:
            raise PaymentGatewayUnavailable()
        return bill_lines(gzip.decompress(content).decode("utf-8"))


def fen(yuan: str) -> int:
    whole, _, cents = yuan.strip().partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def bill_lines(text: str) -> list[BillLine]:
    """The trade bill (交易账单, bill_type ALL): a header, one line per payment or refund with
    every field prefixed by a backquote, then a summary. Refund lines carry the refund number
    and amount; amounts are yuan with two decimals."""
    header, *body = text.splitlines()
    rows = []
    for line in body:
        if line.startswith("总交易单数"):  # the summary follows
            break
        rows.append(line.split(","))
    header = header.lstrip("\ufeff").split(",")
    index = {name.strip(): position for position, name in enumerate(header)}
    lines = []
    for row in rows:
        value = {name: row[position].lstrip("`") for name, position in index.items()}
        if value.get("交易状态") == "REFUND":
            lines.append(
                BillLine(
                    "refund", value["商户退款单号"], fen(value["退款金额"]), value["微信退款单号"]
                )
            )
        elif value.get("交易状态") == "SUCCESS":
            lines.append(
                BillLine(
                    "payment",
                    value["商户订单号"],
                    fen(value.get("订单金额") or value["应结订单金额"]),
                    value["微信订单号"],
                )
            )
    return lines


class WeChatPayCodeBackend(WeChatPayBackend):
    label = "微信付款码"
    online = False
    channels = ("code",)
    code_prefixes = ("10", "11", "12", "13", "14", "15")  # WeChat Pay's payment codes
    default_channel = "code"
