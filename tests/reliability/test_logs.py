"""Passwords, tokens, coupon codes and QR payloads never reach the logs: neither gunicorn's
access line, nor a log call's arguments, nor a traceback."""

import time

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from core.codes import qr_payload
from core.redaction import redact
from tests.conftest import ROOT

from .processes import Web

CODE = "K7QM3XHDPA"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('{"phone": "13900000000", "password": "S3cret pass"}', "S3cret pass"),
        ("{'consumption_password': '864213'}", "864213"),
        ("POST /api/v1/coupons/redeem/?code=K7QM3XHDPA HTTP/1.1", CODE),
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("Cookie: sessionid=s3ss10n; csrftoken=c5rf", "s3ss10n"),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJl leaked", "eyJhbGci"),
        ("scanned O2O:C:K7QM3XHDPA:Xy-9_sig", CODE),
        ("GET /scan/?q=O2O%3AC%3AK7QM3XHDPA%3Asig", CODE),
        ('{"platform": "ios", "device_token": "9f86d081884c7d65"}', "9f86d081884c7d65"),
        ("push_token=9f86d081884c7d65 rejected", "9f86d081884c7d65"),
        (
            "DETAIL:  Key (platform, token)=(ios, 9f86d081884c7d65) already exists.",
            "9f86d081884c7d65",
        ),
    ],
)
def test_secrets_are_redacted_wherever_they_appear(text, secret):
    assert secret not in redact(text)
    assert "[redacted]" in redact(text)


def test_idempotency_keys_and_error_codes_elsewhere_stay_readable():
    line = "replayed Idempotency-Key: 3f0c-2a1b-key for /api/v1/cards/spend/ status=200"
    assert redact(line) == line


@pytest.mark.django_db(transaction=True)  # the server's writes (login attempts) are flushed
def test_a_running_server_logs_no_secret():
    """gunicorn at DEBUG level, requests carrying secrets in query strings, bodies and
    headers, a view logging them and one raising with them in its message."""
    payload = qr_payload("C", CODE)
    token = AccessToken()
    token["user_id"] = 999_999
    password = "Wr0ng-Secret-9"
    leaky = f"/leaky/?qr={payload}&password=S3cret-Pass-1&code={CODE}&token={token}"
    web = Web(
        ROOT_URLCONF="tests.reliability.log_urls",
        PYTHONPATH=str(ROOT),  # our tests package, not a stray one in site-packages
        LOG_LEVEL="DEBUG",
        ACCESS_LOG="1",
    )
    try:
        assert web.request("GET", leaky)[0] == 200
        assert web.request("GET", leaky + "&fail=1")[0] == 500
        login = {"phone": "13900000001", "password": password}
        assert web.request("POST", "/api/v1/auth/login/", login)[0] == 401
        assert web.request("GET", "/api/v1/auth/me/", token=str(token))[0] == 401
        time.sleep(0.5)  # let the access log flush
    finally:
        web.close()
    logs = web.output()
    assert "redeeming" in logs and "ValueError" in logs and "/api/v1/auth/me/" in logs
    assert "[redacted]" in logs
    for secret in (CODE, payload.rsplit(":", 1)[1], "S3cret-Pass-1", password, str(token)):
        assert secret not in logs, secret
