"""Alipay through `python-alipay-sdk` (RSA2): every request is signed with our app's private
key, every answer and notification verified with Alipay's public key.

- `alipay` (consumers, online): phone-web pay (手机网站支付, alipay.trade.wap.pay): the app
  opens `pay_url`; the asynchronous notification (or alipay.trade.query) says it is paid.
- `alipay_code` (the counter): the customer's bar code (alipay.trade.pay, scene bar_code);
  10003 (waiting for the customer) is polled, then cancelled (alipay.trade.cancel).
- Refunds: alipay.trade.refund answers at once (fund_change); one not yet settled is asked
  about with alipay.trade.fastpay.refund.query.

Notifications are believed only for our app id (and seller id when ALIPAY_SELLER_ID is set);
the amount is checked by `payments.services`. Settings: ALIPAY_* (config.settings.base).
"""

import csv
import io
import urllib.error
import zipfile
from datetime import date
from urllib.parse import parse_qsl
from urllib.request import urlopen

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from ..errors import NotificationRejected, PaymentGatewayUnavailable
from ..models import PaymentStatus, RefundStatus
from . import BillLine, ChargeResult, GatewayState, PaymentBackend, PayRequest, RefundResult
from .wechatpay import fen, notify_url, pem

TRADE_STATES = {
    "WAIT_BUYER_PAY": PaymentStatus.PENDING,
    "TRADE_SUCCESS": PaymentStatus.SUCCEEDED,
    "TRADE_FINISHED": PaymentStatus.SUCCEEDED,
    "TRADE_CLOSED": PaymentStatus.CLOSED,
}
SUCCESS, WAITING = "10000", "10003"


def yuan(amount_fen: int) -> str:
    return f"{amount_fen // 100}.{amount_fen % 100:02d}"


class AlipayBackend(PaymentBackend):
    label = "支付宝"
    online = True
    asynchronous = True
    channels = ("wap",)
    default_channel = "wap"
    statement = "alipay"

    def client(self) -> AliPay:
        client = AliPay(
            appid=settings.ALIPAY_APPID,
            app_notify_url=notify_url(self.name),
            app_private_key_string=pem(settings.ALIPAY_APP_PRIVATE_KEY),
            alipay_public_key_string=pem(settings.ALIPAY_PUBLIC_KEY),
            sign_type="RSA2",
            config=AliPayConfig(timeout=settings.ALIPAY_TIMEOUT_SECONDS),
        )
        client._gateway = settings.ALIPAY_GATEWAY
        return client

    def call(self, method, *arguments, **options) -> dict:
        """One SDK call; no answer, or an answer whose signature fails, is unavailable."""
        try:
            return method(*arguments, **options)
        except (urllib.error.URLError, OSError, AliPayException, AliPayValidationError) as error:
            raise PaymentGatewayUnavailable() from error

    # --- paying ------------------------------------------------------------------------------

    def charge(self, *, payment, request: PayRequest) -> ChargeResult:
        client = self.client()
        subject = request.description or payment.purpose
        if "code" in self.channels:
            answer = self.call(
                client.api_alipay_trade_pay,
                payment.trade_no,
                "bar_code",
                request.auth_code,
                subject,
                total_amount=yuan(payment.amount_fen),
            )
            if answer.get("code") == SUCCESS:
                return ChargeResult(PaymentStatus.SUCCEEDED, external_reference=answer["trade_no"])
            if answer.get("code") == WAITING:
                return ChargeResult(PaymentStatus.PENDING, user_paying=True)
            return ChargeResult(
                PaymentStatus.FAILED, failure_code=answer.get("sub_code", "declined")
            )
        expires = timezone.localtime(payment.expires_at).strftime("%Y-%m-%d %H:%M:%S")
        order = client.api_alipay_trade_wap_pay(
            subject, payment.trade_no, yuan(payment.amount_fen), time_expire=expires
        )
        return ChargeResult(
            PaymentStatus.PENDING, pay_params={"pay_url": f"{settings.ALIPAY_GATEWAY}?{order}"}
        )

    def query(self, *, payment) -> GatewayState:
        answer = self.call(self.client().api_alipay_trade_query, out_trade_no=payment.trade_no)
        if answer.get("code") != SUCCESS:  # ACQ.TRADE_NOT_EXIST: the customer never opened it
            return GatewayState("payment", payment.trade_no, PaymentStatus.PENDING, 0)
        return self.payment_state(answer)

    def payment_state(self, data: dict) -> GatewayState:
        status = data.get("trade_status", "")
        return GatewayState(
            kind="payment",
            number=data["out_trade_no"],
            status=TRADE_STATES.get(status, PaymentStatus.PENDING),
            amount_fen=fen(data.get("total_amount", "0")),
            external_reference=data.get("trade_no", ""),
            user_paying=status == "WAIT_BUYER_PAY",
        )

    def close(self, *, payment) -> None:
        answer = self.call(self.client().api_alipay_trade_close, out_trade_no=payment.trade_no)
        if answer.get("code") != SUCCESS and answer.get("sub_code") != "ACQ.TRADE_NOT_EXIST":
            raise PaymentGatewayUnavailable()

    def reverse(self, *, payment) -> None:
        answer = self.call(self.client().api_alipay_trade_cancel, out_trade_no=payment.trade_no)
        if answer.get("code") != SUCCESS:
            raise PaymentGatewayUnavailable()

    # --- refunds -----------------------------------------------------------------------------

    def refund(self, *, payment, refund) -> RefundResult:
        answer = self.call(
            self.client().api_alipay_trade_refund,
            yuan(refund.amount_fen),
            out_trade_no=payment.trade_no,
            out_request_no=refund.refund_no,
            refund_reason=refund.reason[:80],
        )
        if answer.get("code") != SUCCESS:
            return RefundResult(RefundStatus.FAILED, failure_code=answer.get("sub_code", ""))
        status = (
            RefundStatus.SUCCEEDED if answer.get("fund_change") == "Y" else RefundStatus.PENDING
        )
        return RefundResult(status, external_reference=answer.get("trade_no", ""))

    def query_refund(self, *, refund) -> GatewayState:
        answer = self.call(
            self.client().api_alipay_trade_fastpay_refund_query,
            refund.refund_no,
            out_trade_no=refund.payment.trade_no,
        )
        done = answer.get("code") == SUCCESS and answer.get("refund_status") == "REFUND_SUCCESS"
        return GatewayState(
            kind="refund",
            number=refund.refund_no,
            status=RefundStatus.SUCCEEDED if done else RefundStatus.PENDING,
            amount_fen=fen(answer.get("refund_amount", "0")) if done else refund.amount_fen,
            external_reference=answer.get("trade_no", ""),
        )

    # --- notifications -----------------------------------------------------------------------

    def notification(self, *, headers, body: bytes) -> GatewayState:
        data = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        signature = data.pop("sign", "")
        try:
            genuine = bool(signature) and self.client().verify(dict(data), signature)
        except Exception as error:  # unknown sign type, malformed signature
            raise NotificationRejected("unreadable") from error
        if not genuine:
            raise NotificationRejected("signature")
        if data.get("app_id") != settings.ALIPAY_APPID:
            raise NotificationRejected("app_id")
        if settings.ALIPAY_SELLER_ID and data.get("seller_id") != settings.ALIPAY_SELLER_ID:
            raise NotificationRejected("seller_id")
        if data.get("refund_fee") or data.get("out_biz_no"):
            # A refund's trade_status_sync: refunds are settled by their own answer or query.
            return GatewayState("payment", data["out_trade_no"], PaymentStatus.PENDING,
                                fen(data.get("total_amount", "0")))  # fmt: skip
        return self.payment_state(data)

    def notification_answer(self, *, accepted: bool, message: str = "") -> HttpResponse:
        return HttpResponse("success" if accepted else "failure", content_type="text/plain")

    # --- the daily statement -----------------------------------------------------------------

    def bill(self, *, day: date) -> list[BillLine]:
        answer = self.call(
            self.client().server_api,
            "alipay.data.dataservice.bill.downloadurl.query",
            {"bill_type": "trade", "bill_date": day.isoformat()},
        )
        if answer.get("code") != SUCCESS:
            if answer.get("sub_code") == "isp.bill_not_exist":
                return []
            raise PaymentGatewayUnavailable()
        try:
            content = urlopen(answer["bill_download_url"], timeout=30).read()  # noqa: S310
        except OSError as error:
            raise PaymentGatewayUnavailable() from error
        return bill_lines(content)


def bill_lines(content: bytes) -> list[BillLine]:
    """The trade statement: a zip of GBK CSV files; the detail file (业务明细) lists one line
    per payment (交易) and refund (退款, with its request number and a negative amount)."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if "汇总" in name:
                continue
            text = archive.read(name).decode("gbk")
            rows = [
                row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")
            ]
            if not rows:
                continue
            header = [cell.strip() for cell in rows[0]]
            for row in rows[1:]:
                value = dict(zip(header, (cell.strip() for cell in row), strict=False))
                kind = value.get("业务类型")
                amount = fen(value.get("订单金额（元）", "0").lstrip("-"))
                if kind == "交易":
                    lines.append(
                        BillLine("payment", value["商户订单号"], amount, value["支付宝交易号"])
                    )
                elif kind == "退款":
                    lines.append(
                        BillLine(
                            "refund", value["退款批次号/请求号"], amount, value["支付宝交易号"]
                        )
                    )
    return lines


class AlipayCodeBackend(AlipayBackend):
    label = "支付宝付款码"
    online = False
    asynchronous = True
    channels = ("code",)
    code_prefixes = ("25", "26", "27", "28", "29", "30")  # Alipay's payment codes
    default_channel = "code"
