"""A fake WeChat Pay API v3 on 127.0.0.1, speaking the documented protocol closely enough for
the real SDK (wechatpayv3) on our side:

- it checks each request's `Authorization: WECHATPAY2-SHA256-RSA2048 ...` signature with the
  merchant's public key, and signs each answer (Wechatpay-Timestamp/Nonce/Signature/Serial)
  with the platform's private key in public-key mode (Serial = the public key id);
- prepay (jsapi, h5, native), codepay (the payment code), query, close, reverse, refund,
  refund query, trade bill (+ its gzip download);
- notifications (TRANSACTION.SUCCESS, REFUND.*) are AEAD_AES_256_GCM-encrypted with the APIv3
  key, signed, and POSTed to the notify_url the order named.

A test plays the customer (`customer_pays`) and tells the fake how to notify: at once, after a
delay, several times, never (`notify_mode`), or tampered/forged (`deliver(..., tamper=...)`).
"""

import base64
import gzip
import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MCHID = "1900000109"
APPID = "wxd678efh567hg6787"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001092026120200000000"
SERIAL_NO = "3775B6A45ACD588826D15E583A95F5DD********"


def key_pair():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, private_pem, public_pem


def sign(private_key, message: str) -> str:
    signature = private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def verify(public_key, message: str, signature: str) -> bool:
    try:
        public_key.verify(
            base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except Exception:
        return False
    return True


@dataclass
class Trade:
    out_trade_no: str
    total: int
    appid: str
    mchid: str
    notify_url: str
    trade_type: str
    state: str = "NOTPAY"
    transaction_id: str = ""
    auth_code: str = ""
    queries: int = 0
    success_time: str = ""


@dataclass
class RefundOrder:
    out_refund_no: str
    out_trade_no: str
    refund: int
    total: int
    notify_url: str
    refund_id: str = field(default_factory=lambda: "50" + secrets.token_hex(14))
    status: str = "PROCESSING"


class FakeWeChatPay:
    def __init__(self, *, apiv3_key: str, merchant_public_pem: str):
        self.apiv3_key = apiv3_key
        self.merchant_public = serialization.load_pem_public_key(merchant_public_pem.encode())
        self.platform_private, _, self.platform_public_pem = key_pair()
        self.trades: dict[str, Trade] = {}
        self.refunds: dict[str, RefundOrder] = {}
        self.requests: list[tuple[str, str]] = []
        self.deliveries: list[tuple[str, int]] = []  # (event_type, our HTTP status)
        # How to behave: decline prepay; "now" | "never" | ("delay", s) | ("repeat", n).
        self.decline_prepay = False
        self.notify_mode: object = "now"
        self.refund_outcome = "SUCCESS"  # or "ABNORMAL"
        self.code_behaviour = "confirm"  # payment code: "ok", "confirm" (USERPAYING), "decline"
        self.threads: list[threading.Thread] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        for thread in self.threads:
            thread.join(timeout=10)
        self.server.shutdown()
        self.server.server_close()

    # --- what the customer and the fake's back office do --------------------------------------

    def customer_pays(self, out_trade_no: str, *, amount: int | None = None) -> None:
        """The customer pays; the fake notifies as `notify_mode` says. `amount` lets a test
        send a notification that disagrees with the order (a misbehaving gateway)."""
        trade = self.trades[out_trade_no]
        self.paid(trade)
        self.notify_by_mode(self.transaction_event(trade, amount=amount))

    def paid(self, trade: Trade) -> None:
        trade.state = "SUCCESS"
        trade.transaction_id = "42" + secrets.token_hex(13)
        trade.success_time = time.strftime("%Y-%m-%dT%H:%M:%S+08:00")

    def transaction_event(self, trade: Trade, *, amount=None, mchid=None, appid=None) -> dict:
        resource = {
            "mchid": mchid or trade.mchid,
            "appid": appid or trade.appid,
            "out_trade_no": trade.out_trade_no,
            "transaction_id": trade.transaction_id,
            "trade_type": trade.trade_type,
            "trade_state": trade.state,
            "trade_state_desc": "支付成功",
            "bank_type": "OTHERS",
            "success_time": trade.success_time,
            "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
            "amount": {
                "total": trade.total if amount is None else amount,
                "payer_total": trade.total if amount is None else amount,
                "currency": "CNY",
                "payer_currency": "CNY",
            },
        }
        return {"url": trade.notify_url, "event_type": "TRANSACTION.SUCCESS", "resource": resource}

    def refund_event(self, refund: RefundOrder) -> dict:
        resource = {
            "mchid": MCHID,
            "out_trade_no": refund.out_trade_no,
            "transaction_id": self.trades[refund.out_trade_no].transaction_id,
            "out_refund_no": refund.out_refund_no,
            "refund_id": refund.refund_id,
            "refund_status": refund.status,
            "success_time": time.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "user_received_account": "招商银行信用卡0403",
            "amount": {
                "total": refund.total,
                "refund": refund.refund,
                "payer_total": refund.total,
                "payer_refund": refund.refund,
            },
        }
        return {
            "url": refund.notify_url,
            "event_type": f"REFUND.{refund.status}",
            "resource": resource,
        }

    def notify_by_mode(self, event: dict) -> None:
        mode = self.notify_mode
        if mode == "never":
            return
        delay, times = 0.0, 1
        if isinstance(mode, tuple) and mode[0] == "delay":
            delay = mode[1]
        if isinstance(mode, tuple) and mode[0] == "repeat":
            times = mode[1]

        def send():
            time.sleep(delay)
            for _ in range(times):
                self.deliver(event)

        if delay:
            thread = threading.Thread(target=send, daemon=True)
            self.threads.append(thread)
            thread.start()
        else:
            send()

    def deliver(self, event: dict, *, tamper: str = "") -> int:
        """POST one notification as WeChat Pay does. `tamper`: "body" changes the body after
        signing, "signature" signs with a key that is not the platform's, "ciphertext"
        encrypts with another APIv3 key."""
        plain = json.dumps(event["resource"], ensure_ascii=False)
        nonce = secrets.token_hex(6)
        key = ("b" * 32) if tamper == "ciphertext" else self.apiv3_key
        associated = "transaction" if event["event_type"].startswith("TRANSACTION") else "refund"
        ciphertext = AESGCM(key.encode()).encrypt(
            nonce.encode(), plain.encode(), associated.encode()
        )
        body = json.dumps(
            {
                "id": secrets.token_hex(16),
                "create_time": time.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                "resource_type": "encrypt-resource",
                "event_type": event["event_type"],
                "summary": "支付成功",
                "resource": {
                    "original_type": associated,
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(ciphertext).decode(),
                    "associated_data": associated,
                    "nonce": nonce,
                },
            },
            ensure_ascii=False,
        )
        headers = self.signed_headers(body, forged=tamper == "signature")
        if tamper == "body":
            body = body.replace('"summary": "支付成功"', '"summary": "支付成功!"')
        response = requests.post(
            event["url"],
            data=body.encode(),
            headers={**headers, "Content-Type": "application/json"},
            timeout=30,
        )
        self.deliveries.append((event["event_type"], response.status_code))
        return response.status_code

    def signed_headers(self, body: str, *, forged: bool = False) -> dict:
        stamp, nonce = str(int(time.time())), secrets.token_hex(16)
        key = key_pair()[0] if forged else self.platform_private
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": sign(key, f"{stamp}\n{nonce}\n{body}\n"),
            "Wechatpay-Serial": PUBLIC_KEY_ID,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def bill(self, day: str) -> bytes:
        """The trade bill of everything the fake has seen (the day is not filtered)."""
        header = (
            "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
            "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
            "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
            "费率备注"
        )
        lines = [header]

        def row(trade, state, refund=None):
            money = f"{trade.total / 100:.2f}"
            fields = [
                f"{day} 10:00:00", trade.appid, trade.mchid, "0", "", trade.transaction_id,
                trade.out_trade_no, "oUpF8uMuAJO", trade.trade_type, state, "OTHERS", "CNY",
                money, "0.00", refund.refund_id if refund else "0",
                refund.out_refund_no if refund else "0",
                f"{refund.refund / 100:.2f}" if refund else "0.00", "0.00",
                "ORIGINAL" if refund else "", "SUCCESS" if refund else "", "服务", "",
                "0.00", "0.60%", money, f"{refund.refund / 100:.2f}" if refund else "0.00", "",
            ]  # fmt: skip
            return ",".join("`" + value for value in fields)

        for trade in self.trades.values():
            if trade.transaction_id:
                lines.append(row(trade, "SUCCESS"))
        for refund in self.refunds.values():
            if refund.status == "SUCCESS":
                lines.append(row(self.trades[refund.out_trade_no], "REFUND", refund))
        lines.append(
            "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额"
        )
        lines.append(f"`{len(lines) - 1},`0.00,`0.00,`0.00,`0.00,`0.00")
        return gzip.compress("\n".join(lines).encode())

    # --- the HTTP side -------------------------------------------------------------------------

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.handle_call("GET")

            def do_POST(self):
                self.handle_call("POST")

            def handle_call(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if self.path.startswith("/v3/billdownload/"):
                    return self.answer(200, raw=fake.bill_bytes)
                if not fake.authorised(
                    method, self.path, body, self.headers.get("Authorization", "")
                ):
                    return self.answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
                fake.requests.append((method, self.path))
                status, payload = fake.route(method, self.path, json.loads(body) if body else {})
                self.answer(status, payload)

            def answer(self, status, payload=None, raw=None):
                if raw is not None:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                    return
                text = json.dumps(payload, ensure_ascii=False) if payload is not None else ""
                self.send_response(status)
                for name, value in fake.signed_headers(text).items():
                    self.send_header(name, value)
                if text:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                encoded = text.encode()
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

        return Handler

    def authorised(self, method: str, path: str, body: str, authorization: str) -> bool:
        if not authorization.startswith("WECHATPAY2-SHA256-RSA2048 "):
            return False
        parts = dict(re.findall(r'(\w+)="([^"]*)"', authorization))
        if parts.get("mchid") != MCHID:
            return False
        message = f"{method}\n{path}\n{parts.get('timestamp')}\n{parts.get('nonce_str')}\n{body}\n"
        return verify(self.merchant_public, message, parts.get("signature", ""))

    def route(self, method: str, path: str, data: dict):
        url = urlparse(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "POST" and (
            found := re.fullmatch(r"/v3/pay/transactions/(jsapi|h5|native)", url.path)
        ):
            return self.prepay(found.group(1), data)
        if method == "POST" and url.path == "/v3/pay/transactions/codepay":
            return self.codepay(data)
        if found := re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)", url.path):
            trade = self.trades.get(found.group(1))
            if trade is None or query.get("mchid") != MCHID:
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            trade.queries += 1
            return 200, self.transaction_event(trade)["resource"] | {"trade_state": trade.state}
        if found := re.fullmatch(
            r"/v3/pay/transactions/out-trade-no/([^/]+)/(close|reverse)", url.path
        ):
            trade = self.trades.get(found.group(1))
            if trade is None:
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            if trade.state == "SUCCESS" and found.group(2) == "close":
                return 400, {"code": "ORDERPAID", "message": "订单已支付"}
            trade.state = "CLOSED" if found.group(2) == "close" else "REVOKED"
            return 204, None
        if method == "POST" and url.path == "/v3/refund/domestic/refunds":
            return self.refund(data)
        if found := re.fullmatch(r"/v3/refund/domestic/refunds/([^/]+)", url.path):
            refund = self.refunds.get(found.group(1))
            if refund is None:
                return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"}
            return 200, self.refund_answer(refund)
        if url.path == "/v3/bill/tradebill":
            self.bill_bytes = self.bill(query["bill_date"])
            return 200, {
                "download_url": f"{self.url}/v3/billdownload/file?token={secrets.token_hex(8)}",
                "hash_type": "SHA1",
                "hash_value": hashlib.sha1(self.bill_bytes, usedforsecurity=False).hexdigest(),
            }
        return 404, {"code": "NOT_FOUND", "message": path}

    def prepay(self, kind: str, data: dict):
        if self.decline_prepay:
            return 400, {"code": "INVALID_REQUEST", "message": "商户号该产品权限未开通"}
        if data.get("mchid") != MCHID or data.get("appid") != APPID:
            return 400, {"code": "PARAM_ERROR", "message": "appid和mch_id不匹配"}
        if kind == "jsapi" and not data.get("payer", {}).get("openid"):
            return 400, {"code": "PARAM_ERROR", "message": "缺少openid"}
        number = data["out_trade_no"]
        if number not in self.trades:
            self.trades[number] = Trade(
                number, data["amount"]["total"], data["appid"], data["mchid"],
                data["notify_url"], kind.upper() if kind != "h5" else "MWEB",
            )  # fmt: skip
        prepay_id = "wx" + secrets.token_hex(15)
        if kind == "jsapi":
            return 200, {"prepay_id": prepay_id}
        if kind == "h5":
            return 200, {
                "h5_url": f"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={prepay_id}"
            }
        return 200, {"code_url": f"weixin://wxpay/bizpayurl?pr={secrets.token_hex(4)}"}

    def codepay(self, data: dict):
        number = data["out_trade_no"]
        trade = Trade(number, data["amount"]["total"], data["appid"], data["mchid"], "", "MICROPAY")
        trade.auth_code = data.get("payer", {}).get("auth_code", "")
        self.trades[number] = trade
        if self.code_behaviour == "decline":
            return 403, {"code": "NOTENOUGH", "message": "余额不足"}
        if self.code_behaviour == "ok":
            self.paid(trade)
            return 200, self.transaction_event(trade)["resource"]
        trade.state = "USERPAYING"
        return 202, {"code": "USERPAYING", "message": "需要用户输入支付密码"}

    def customer_confirms(self, out_trade_no: str) -> None:
        self.paid(self.trades[out_trade_no])

    def refund(self, data: dict):
        trade = self.trades.get(data.get("out_trade_no"))
        if trade is None or trade.state not in ("SUCCESS", "REFUND"):
            return 400, {"code": "INVALID_REQUEST", "message": "订单未支付"}
        number = data["out_refund_no"]
        if number not in self.refunds:
            refunded = sum(
                r.refund for r in self.refunds.values() if r.out_trade_no == trade.out_trade_no
            )
            if refunded + data["amount"]["refund"] > trade.total:
                return 403, {"code": "NOT_ENOUGH", "message": "退款金额超过订单可退金额"}
            self.refunds[number] = RefundOrder(
                number, trade.out_trade_no, data["amount"]["refund"], data["amount"]["total"],
                data.get("notify_url", ""),
            )  # fmt: skip
        refund = self.refunds[number]
        answer = self.refund_answer(refund)

        # The gateway settles the refund later and notifies (the refund's own notification).
        def settle():
            time.sleep(0.2)
            refund.status = self.refund_outcome
            trade.state = "REFUND" if refund.status == "SUCCESS" else trade.state
            self.notify_by_mode(self.refund_event(refund))

        thread = threading.Thread(target=settle, daemon=True)
        self.threads.append(thread)
        thread.start()
        return 200, answer

    def refund_answer(self, refund: RefundOrder) -> dict:
        return {
            "refund_id": refund.refund_id,
            "out_refund_no": refund.out_refund_no,
            "transaction_id": self.trades[refund.out_trade_no].transaction_id,
            "out_trade_no": refund.out_trade_no,
            "channel": "ORIGINAL",
            "status": refund.status,
            "create_time": time.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "amount": {"total": refund.total, "refund": refund.refund, "currency": "CNY"},
        }
