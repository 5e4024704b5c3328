"""A fake Alipay open platform gateway (gateway.do) on 127.0.0.1, for python-alipay-sdk on our
side: requests' RSA2 signatures are checked with our app's public key, answers are signed
with Alipay's private key (made here) the way the SDK verifies them, and trade notifications
are form-POSTed to the notify_url the order named, signed likewise. It plays the customer's
phone too (`customer_opens`, `customer_pays`), and can tamper, repeat or never notify."""

import base64
import csv
import io
import json
import secrets
import threading
import time
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from .fake_wechatpay import key_pair

APPID = "2021000000000001"
SELLER_ID = "2088000000000001"


def unsigned_string(params: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in ("sign", "sign_type"))


@dataclass
class Trade:
    out_trade_no: str
    total: str
    notify_url: str
    status: str = "WAIT_BUYER_PAY"
    trade_no: str = ""
    refunded: int = 0


class FakeAlipay:
    def __init__(self, *, app_public_pem: str):
        self.app_public = serialization.load_pem_public_key(app_public_pem.encode())
        self.private, _, self.public_pem = key_pair()
        self.trades: dict[str, Trade] = {}
        self.refunds: dict[str, tuple[str, str]] = {}  # out_request_no -> (out_trade_no, amount)
        self.deliveries: list[int] = []
        self.notify_mode: object = "now"  # "now" | "never" | ("repeat", n)
        self.code_behaviour = "confirm"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.gateway = f"{self.url}/gateway.do"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def sign(self, text: str) -> str:
        signature = self.private.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode()

    def genuine(self, params: dict) -> bool:
        """A request's signature covers every parameter but `sign` (sign_type included; a
        notification's leaves out both)."""
        text = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign")
        try:
            self.app_public.verify(
                base64.b64decode(params.get("sign", "")),
                text.encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception:
            return False
        return True

    # --- the customer's phone -------------------------------------------------------------------

    def customer_opens(self, pay_url: str) -> int:
        return requests.get(pay_url, timeout=10).status_code

    def customer_pays(self, out_trade_no: str, *, amount: str | None = None) -> None:
        trade = self.trades[out_trade_no]
        trade.status, trade.trade_no = "TRADE_SUCCESS", "2026" + secrets.token_hex(12)
        params = self.notification(trade, amount=amount)
        if self.notify_mode == "never":
            return
        times = self.notify_mode[1] if isinstance(self.notify_mode, tuple) else 1
        for _ in range(times):
            self.deliver(trade.notify_url, params)

    def notification(self, trade: Trade, *, amount=None, app_id=APPID) -> dict:
        params = {
            "notify_time": time.strftime("%Y-%m-%d %H:%M:%S"),
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "charset": "utf-8",
            "version": "1.0",
            "auth_app_id": app_id,
            "app_id": app_id,
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "seller_id": SELLER_ID,
            "trade_status": trade.status,
            "total_amount": amount or trade.total,
            "receipt_amount": amount or trade.total,
            "buyer_pay_amount": amount or trade.total,
            "gmt_payment": time.strftime("%Y-%m-%d %H:%M:%S"),
            "subject": "服务",
        }
        params["sign"] = self.sign(unsigned_string(params))
        params["sign_type"] = "RSA2"
        return params

    def deliver(self, url: str, params: dict, *, tamper: str = "") -> str:
        params = dict(params)
        if tamper == "amount":
            params["total_amount"] = "0.01"
        if tamper == "signature":
            forged = key_pair()[0]
            text = unsigned_string(params).encode()
            params["sign"] = base64.b64encode(
                forged.sign(text, padding.PKCS1v15(), hashes.SHA256())
            ).decode()
        response = requests.post(url, data=params, timeout=30)
        self.deliveries.append(response.status_code)
        return response.text

    # --- the gateway ------------------------------------------------------------------------------

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/bill.zip":
                    return self.reply(200, fake.bill(), "application/zip")
                params = dict(parse_qsl(url.query, keep_blank_values=True))
                if not fake.genuine(params) or params.get("app_id") != APPID:
                    return self.reply(
                        200,
                        json.dumps(
                            {
                                "error_response": {
                                    "code": "40002",
                                    "msg": "Invalid Arguments",
                                    "sub_code": "isv.invalid-signature",
                                }
                            }
                        ).encode(),
                        "application/json",
                    )
                method = params["method"]
                biz = json.loads(params.get("biz_content") or "{}")
                if method == "alipay.trade.wap.pay":
                    number = biz["out_trade_no"]
                    fake.trades.setdefault(
                        number, Trade(number, biz["total_amount"], params.get("notify_url", ""))
                    )
                    return self.reply(200, "<html>支付宝收银台</html>".encode(), "text/html")
                answer = fake.route(method, biz, params)
                inner = json.dumps(answer, ensure_ascii=False)
                key = method.replace(".", "_") + "_response"
                raw = f'{{"{key}":{inner},"sign":"{fake.sign(inner)}"}}'
                self.reply(200, raw.encode(), "application/json;charset=utf-8")

            def reply(self, status, body: bytes, kind: str):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def route(self, method: str, biz: dict, params: dict) -> dict:
        ok = {"code": "10000", "msg": "Success"}
        missing = {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if method == "alipay.trade.pay":
            number = biz["out_trade_no"]
            trade = self.trades[number] = Trade(number, biz["total_amount"], "")
            if self.code_behaviour == "ok":
                trade.status, trade.trade_no = "TRADE_SUCCESS", "2026" + secrets.token_hex(12)
                return {
                    **ok,
                    "trade_no": trade.trade_no,
                    "out_trade_no": number,
                    "total_amount": trade.total,
                }
            if self.code_behaviour == "decline":
                return {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.PAYMENT_AUTH_CODE_INVALID",
                }
            trade.trade_no = "2026" + secrets.token_hex(12)
            return {"code": "10003", "msg": " order success pay inprocess", "out_trade_no": number}
        if method == "alipay.data.dataservice.bill.downloadurl.query":
            return self.download_url_answer()
        if method == "alipay.trade.fastpay.refund.query":
            found = self.refunds.get(biz["out_request_no"])
            if found is None:
                return {**ok}
            return {
                **ok,
                "out_request_no": biz["out_request_no"],
                "refund_amount": found[1],
                "refund_status": "REFUND_SUCCESS",
                "trade_no": trade.trade_no if trade else "",
            }
        if trade is None:
            return missing
        if method == "alipay.trade.query":
            return {
                **ok,
                "out_trade_no": trade.out_trade_no,
                "trade_no": trade.trade_no,
                "trade_status": trade.status,
                "total_amount": trade.total,
            }
        if method == "alipay.trade.close":
            if trade.status != "WAIT_BUYER_PAY":
                return {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.TRADE_STATUS_ERROR",
                }
            trade.status = "TRADE_CLOSED"
            return {**ok, "out_trade_no": trade.out_trade_no}
        if method == "alipay.trade.cancel":
            trade.status = "TRADE_CLOSED"
            return {**ok, "out_trade_no": trade.out_trade_no, "retry_flag": "N", "action": "close"}
        if method == "alipay.trade.refund":
            amount = round(float(biz["refund_amount"]) * 100)
            if trade.status != "TRADE_SUCCESS" or trade.refunded + amount > round(
                float(trade.total) * 100
            ):
                return {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                }
            if biz["out_request_no"] not in self.refunds:
                trade.refunded += amount
                self.refunds[biz["out_request_no"]] = (trade.out_trade_no, biz["refund_amount"])
            return {
                **ok,
                "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no,
                "fund_change": "Y",
                "refund_fee": f"{trade.refunded / 100:.2f}",
            }
        return {"code": "40004", "msg": "Business Failed", "sub_code": "isv.unknown-method"}

    def customer_confirms(self, out_trade_no: str) -> None:
        self.trades[out_trade_no].status = "TRADE_SUCCESS"

    def bill(self) -> bytes:
        out = io.StringIO()
        out.write("#支付宝业务明细查询\n#账号：[20880000000000010156]\n")
        writer = csv.writer(out)
        writer.writerow(
            [
                "支付宝交易号",
                "商户订单号",
                "业务类型",
                "商品名称",
                "创建时间",
                "完成时间",
                "订单金额（元）",
                "商家实收（元）",
                "退款批次号/请求号",
                "备注",
            ]
        )
        for trade in self.trades.values():
            if trade.status == "TRADE_SUCCESS":
                writer.writerow(
                    [
                        trade.trade_no,
                        trade.out_trade_no,
                        "交易",
                        "服务",
                        "",
                        "",
                        trade.total,
                        trade.total,
                        "",
                        "",
                    ]
                )
        for number, (out_trade_no, amount) in self.refunds.items():
            trade = self.trades[out_trade_no]
            writer.writerow(
                [
                    trade.trade_no,
                    out_trade_no,
                    "退款",
                    "服务",
                    "",
                    "",
                    f"-{amount}",
                    f"-{amount}",
                    number,
                    "",
                ]
            )
        out.write("#支付宝交易明细列表结束\n")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(
                "20880000000000010156_20261202_业务明细.csv", out.getvalue().encode("gbk")
            )
            archive.writestr(
                "20880000000000010156_20261202_业务明细(汇总).csv", "#汇总\n".encode("gbk")
            )
        return buffer.getvalue()

    def download_url_answer(self) -> dict:
        return {"code": "10000", "msg": "Success", "bill_download_url": f"{self.url}/bill.zip"}
