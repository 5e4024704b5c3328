"""Production settings refuse unsafe values and pass `check --deploy`; responses carry the
security headers; session-authenticated writes need a CSRF token (JWT ones do not)."""

import secrets
import subprocess

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import ROOT, client_for, process_env

from .processes import Web

pytestmark = pytest.mark.django_db
GOOD_KEY = secrets.token_urlsafe(60)
# One secret per purpose (config/settings/base.py); production needs each of them.
GOOD_SECRETS = {
    name: secrets.token_urlsafe(60)
    for name in ("JWT_SIGNING_KEY", "QR_SIGNING_KEY", "CARD_PIN_PEPPER")
}
# Real gateways configured: production refuses the console and file SMS and push backends, the
# payment sandbox and an order backend it lacks.
GATEWAYS = {
    "NOTIFICATION_SMS_BACKEND": "notifications.backends.aliyun.AliyunSmsBackend",
    "NOTIFICATION_PUSH_BACKEND": "notifications.backends.jpush.JPushBackend",
    "PAYMENT_GATEWAYS": "wechatpay",
    "ORDER_PAYMENT_BACKEND": "wechatpay",
    "WECHATPAY_MCHID": "1900000109",
    "WECHATPAY_APIV3_KEY": "a" * 32,
    "WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_0000",
    "PAYMENT_NOTIFY_ORIGIN": "https://o2o.example.com",
    "WEBPUSH_VAPID_PRIVATE_KEY": "QWgHyMzMe6bf_3RIPbJIpfFsbhaxe1d1HuzFd40_dN8",
    "WEBPUSH_VAPID_SUBJECT": "mailto:ops@o2o.example.com",
}


def manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    """manage.py under the production settings; a None value unsets that variable."""
    environment = process_env(DJANGO_SETTINGS_MODULE="config.settings.production")
    environment.pop("DEBUG", None)
    environment.update(GOOD_SECRETS)
    for key, value in {**GATEWAYS, **env}.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", *args],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_deploy_check_is_clean_with_proper_values():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="o2o.example.com",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_needs_no_vapid_key_with_web_push_off():
    result = manage(
        "check", SECRET_KEY=GOOD_KEY, WEBPUSH_ENABLED="0", WEBPUSH_VAPID_PRIVATE_KEY=None,
        WEBPUSH_VAPID_SUBJECT=None,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "1"}, "DEBUG must be off"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),  # unset: the development default
        ({"SECRET_KEY": "short-but-random-Xy7"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY, "JWT_SIGNING_KEY": None}, "JWT_SIGNING_KEY"),
        ({"SECRET_KEY": GOOD_KEY, "QR_SIGNING_KEY": GOOD_KEY}, "its own value"),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "NOTIFICATION_SMS_BACKEND": "notifications.backends.console.ConsoleBackend",
            },
            "NOTIFICATION_SMS_BACKEND",
        ),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "NOTIFICATION_PUSH_BACKEND": "notifications.backends.file.FileBackend",
            },
            "NOTIFICATION_PUSH_BACKEND",
        ),
        ({"SECRET_KEY": GOOD_KEY, "ORDER_PAYMENT_BACKEND": "sandbox"}, "ORDER_PAYMENT_BACKEND"),
        ({"SECRET_KEY": GOOD_KEY, "WECHATPAY_APIV3_KEY": None}, "WECHATPAY_"),
        ({"SECRET_KEY": GOOD_KEY, "PAYMENT_NOTIFY_ORIGIN": None}, "PAYMENT_NOTIFY_ORIGIN"),
        ({"SECRET_KEY": GOOD_KEY, "WEBPUSH_VAPID_PRIVATE_KEY": None}, "WEBPUSH_VAPID_PRIVATE_KEY"),
        ({"SECRET_KEY": GOOD_KEY, "WEBPUSH_VAPID_SUBJECT": None}, "WEBPUSH_VAPID_SUBJECT"),
    ],
)
def test_production_refuses_to_start_with_unsafe_values(env, complaint):
    result = manage("check", **env)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_serves_https_only_with_hsts():
    web = Web(
        **GATEWAYS,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=GOOD_KEY,
        **GOOD_SECRETS,
        ALLOWED_HOSTS="127.0.0.1",
    )
    try:
        plain = web.raw("GET", "/healthz")
        assert plain.status == 301
        assert plain.headers["Location"].startswith("https://")
        behind_tls = web.raw("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        assert behind_tls.status == 200
        hsts = behind_tls.headers["Strict-Transport-Security"]
        assert "max-age=" in hsts and "includeSubDomains" in hsts
    finally:
        web.close()


@pytest.mark.parametrize("path", ["/api/v1/categories/", "/api/docs/", "/admin/login/"])
def test_responses_carry_security_headers(path):
    response = Client().get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    if path != "/api/docs/":  # drf-spectacular's Swagger page relaxes it for its OAuth popup
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_writes_to_the_api_need_the_csrf_token(consumer):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(consumer)  # a session, as the dashboard has
    refused = browser.patch("/api/v1/auth/me/", {"name": "被伪造"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    consumer.refresh_from_db()
    assert consumer.name != "被伪造"

    token = browser.get("/admin/login/").cookies["csrftoken"].value
    allowed = browser.patch("/api/v1/auth/me/", {"name": "本人"}, HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 200


def test_token_writes_need_no_csrf_token(consumer):
    client = client_for(consumer)
    client.handler.enforce_csrf_checks = True
    assert client.patch("/api/v1/auth/me/", {"name": "本人"}).status_code == 200


def test_pages_refuse_a_forged_form_post():
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "13700000000", "password": "x"}
    )
    assert response.status_code == 403
