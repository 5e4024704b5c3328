"""Fake Aliyun SMS, Tencent Cloud SMS, JPush and Web Push servers on 127.0.0.1, speaking the
documented HTTP protocols and checking each request's signature (or basic auth, or VAPID) with
the test's keys, the way the real services do: a request signed with another key is refused as
they refuse it.

Each fake records what it accepted in `sent` and answers with what `answers` holds for a phone
(or registration id), so a test can make the gateway refuse one number.
"""

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit
from uuid import uuid4

import http_ece
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


class FakeServer:
    def __init__(self):
        self.sent: list[dict] = []
        self.refused: list[str] = []  # why requests were refused (bad signature ...)
        self.answers: dict[str, str] = {}  # phone or token -> error code to answer
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer, *headers = fake.handle(self, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                for name, value in (headers[0] if headers else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request, body: bytes) -> tuple:
        """(status, JSON answer) or (status, JSON answer, headers)."""
        raise NotImplementedError


class FakeAliyun(FakeServer):
    """Dysmsapi SendSms (RPC style, POST /), signed ACS3-HMAC-SHA256 as documented in
    "V3 版本请求体&签名机制": canonical request of method, URI, sorted query, the signed headers
    and the payload's SHA-256; answers {"Code": "OK", "BizId": ...} or an error code."""

    def __init__(self, access_key_id: str, access_key_secret: str):
        self.access_key_id, self.access_key_secret = access_key_id, access_key_secret
        super().__init__()

    def handle(self, request, body):
        headers = {k.lower(): v for k, v in request.headers.items()}
        if not self.signature_ok(request, headers, body):
            self.refused.append("signature")
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"}
        query = dict(parse_qsl(urlsplit(request.path).query, keep_blank_values=True))
        if headers.get("x-acs-action") != "SendSms":
            return 400, {"Code": "InvalidAction", "Message": headers.get("x-acs-action")}
        phone = query["PhoneNumbers"]
        if code := self.answers.get(phone):
            return 200, {"Code": code, "Message": code, "RequestId": "r"}
        biz_id = f"{len(self.sent) + 1:06d}^0"
        self.sent.append(
            {**query, "TemplateParam": json.loads(query["TemplateParam"]), "BizId": biz_id}
        )
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "r"}

    def signature_ok(self, request, headers, body) -> bool:
        auth = headers.get("authorization", "")
        algorithm, _, rest = auth.partition(" ")
        parts = dict(item.split("=", 1) for item in rest.split(",") if "=" in item)
        if algorithm != "ACS3-HMAC-SHA256" or parts.get("Credential") != self.access_key_id:
            return False
        payload_hash = hashlib.sha256(body).hexdigest()
        if headers.get("x-acs-content-sha256") != payload_hash:
            return False
        signed = parts["SignedHeaders"].split(";")
        url = urlsplit(request.path)
        query = sorted(parse_qsl(url.query, keep_blank_values=True))
        canonical_query = "&".join(f"{k}={quote(v, safe='~')}" for k, v in query)
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical = "\n".join(
            [
                request.command,
                url.path or "/",
                canonical_query,
                canonical_headers,
                ";".join(signed),
                payload_hash,
            ]
        )
        to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        expected = hmac.new(self.access_key_secret.encode(), to_sign.encode(), "sha256")
        return hmac.compare_digest(parts.get("Signature", ""), expected.hexdigest())


class FakeTencent(FakeServer):
    """SMS 2021-01-11 SendSms (POST / with a JSON body), signed TC3-HMAC-SHA256 as documented
    in "签名方法 v3"; answers {"Response": {"SendStatusSet": [...]}} or {"Response": {"Error"}}."""

    def __init__(self, secret_id: str, secret_key: str):
        self.secret_id, self.secret_key = secret_id, secret_key
        super().__init__()

    def handle(self, request, body):
        headers = {k.lower(): v for k, v in request.headers.items()}
        if not self.signature_ok(request, headers, body):
            self.refused.append("signature")
            error = {"Code": "AuthFailure.SignatureFailure", "Message": "bad signature"}
            return 200, {"Response": {"Error": error, "RequestId": "r"}}
        params = json.loads(body)
        phone = params["PhoneNumberSet"][0]
        if code := self.answers.get(phone):
            status = {"SerialNo": "", "PhoneNumber": phone, "Code": code, "Message": code}
        else:
            serial = f"2019:{len(self.sent) + 1:06d}"
            self.sent.append({**params, "Action": headers.get("x-tc-action"), "SerialNo": serial})
            status = {"SerialNo": serial, "PhoneNumber": phone, "Code": "Ok", "Message": "ok"}
        status.update(Fee=1, SessionContext=params.get("SessionContext", ""), IsoCode="CN")
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": "r"}}

    def signature_ok(self, request, headers, body) -> bool:
        auth = headers.get("authorization", "")
        algorithm, _, rest = auth.partition(" ")
        parts = dict(item.strip().split("=", 1) for item in rest.split(",") if "=" in item)
        secret_id, date, service, _ = parts.get("Credential", "///").split("/", 3)
        if algorithm != "TC3-HMAC-SHA256" or secret_id != self.secret_id:
            return False
        timestamp = headers.get("x-tc-timestamp", "0")
        if datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d") != date:
            return False
        signed = parts["SignedHeaders"].split(";")
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical = "\n".join(
            [
                request.command,
                urlsplit(request.path).path,
                urlsplit(request.path).query,
                canonical_headers,
                ";".join(signed),
                hashlib.sha256(body).hexdigest(),
            ]
        )
        scope = f"{date}/{service}/tc3_request"
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{digest}"

        def sign(key: bytes, text: str) -> bytes:
            return hmac.new(key, text.encode(), "sha256").digest()

        key = sign(sign(sign(f"TC3{self.secret_key}".encode(), date), service), "tc3_request")
        expected = hmac.new(key, to_sign.encode(), "sha256").hexdigest()
        return hmac.compare_digest(parts.get("Signature", ""), expected)


class FakeJPush(FakeServer):
    """JPush REST API v3 POST /v3/push, HTTP basic auth with appKey:masterSecret; a push whose
    registration ids are all unknown is refused with error 1011 ("cannot find user by this
    audience"), as documented."""

    def __init__(self, app_key: str, master_secret: str, known: set[str]):
        self.app_key, self.master_secret, self.known = app_key, master_secret, set(known)
        super().__init__()

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}/v3/"

    def handle(self, request, body):
        expected = base64.b64encode(f"{self.app_key}:{self.master_secret}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            self.refused.append("auth")
            return 401, {"error": {"code": 1004, "message": "basic auth failed"}}
        if urlsplit(request.path).path != "/v3/push":
            return 404, {"error": {"code": 1000, "message": "not found"}}
        payload = json.loads(body)
        ids = payload["audience"]["registration_id"]
        if not set(ids) & self.known:
            return 400, {"error": {"code": 1011, "message": "cannot find user by this audience"}}
        msg_id = str(len(self.sent) + 1)
        self.sent.append({**payload, "msg_id": msg_id})
        return 200, {"sendno": str(payload.get("options", {}).get("sendno", 0)), "msg_id": msg_id}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FakeWebPush(FakeServer):
    """A Web Push service (RFC 8030) that takes pushes only from the application server whose
    VAPID key its subscriptions were made with (RFC 8292), as browsers' push services do.

    `subscribe()` plays the browser: it makes a subscription's key pair and auth secret and
    returns what PushSubscription.toJSON() gives. A push (POST /push/<id>) must carry
    `Authorization: vapid t=<JWT>, k=<public key>` with k the subscription's application server
    key and t an ES256 JWT signed by it for this origin (aud), not expired, with a contact
    (sub); its aes128gcm body is decrypted with the subscription's private key (RFC 8291) and
    recorded in `sent`. A subscription in `gone` answers 410 Gone, as an unsubscribed one does.
    """

    def __init__(self, application_server_key: str):
        self.application_server_key = application_server_key
        self.subscriptions: dict[str, tuple] = {}  # id -> (private key, auth secret)
        self.gone: set[str] = set()
        super().__init__()

    @property
    def origin(self) -> str:
        return f"http://{self.endpoint}"

    def subscribe(self) -> dict:
        key, auth, name = ec.generate_private_key(ec.SECP256R1()), os.urandom(16), uuid4().hex
        self.subscriptions[name] = (key, auth)
        point = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {
            "endpoint": f"{self.origin}/push/{name}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(point), "auth": b64url(auth)},
        }

    def handle(self, request, body):
        name = urlsplit(request.path).path.removeprefix("/push/")
        if name not in self.subscriptions:
            return 404, {"reason": "no such subscription"}
        if (why := self.vapid_refused(request.headers.get("Authorization", ""))) is not None:
            self.refused.append(why)
            return 403, {"reason": why}
        if name in self.gone:
            return 410, {"reason": "unsubscribed"}
        if request.headers.get("Content-Encoding") != "aes128gcm":
            self.refused.append("encoding")
            return 415, {"reason": "aes128gcm only"}
        key, auth = self.subscriptions[name]
        try:
            plain = http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")
        except Exception as error:  # any failure is a refused push
            self.refused.append(f"decrypt: {error}")
            return 400, {"reason": "cannot decrypt"}
        message_id = f"m{len(self.sent) + 1}"
        self.sent.append(
            {
                "subscription": name,
                "payload": json.loads(plain),
                "ttl": request.headers.get("TTL"),
                "urgency": request.headers.get("Urgency"),
                "id": message_id,
            }
        )
        return 201, {}, {"Location": f"{self.origin}/message/{message_id}"}

    def vapid_refused(self, authorization: str) -> str | None:
        """Why the VAPID authorization is refused, or None when it is good (RFC 8292 §2-3)."""
        scheme, _, rest = authorization.partition(" ")
        params = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
        if scheme.lower() != "vapid" or not {"t", "k"} <= set(params):
            return "no vapid"
        if params["k"].rstrip("=") != self.application_server_key.rstrip("="):
            return "another application server key"
        public = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b64url_decode(params["k"])
        )
        try:
            claims = jwt.decode(
                params["t"], public, algorithms=["ES256"], audience=self.origin,
                options={"require": ["exp", "aud", "sub"]},
            )  # fmt: skip
        except jwt.InvalidTokenError as error:
            return f"jwt: {error}"
        if claims["exp"] > time.time() + 24 * 3600:
            return "jwt: expires more than 24 hours ahead"
        if not str(claims["sub"]).startswith(("mailto:", "https:")):
            return "jwt: sub is no contact"
        return None
