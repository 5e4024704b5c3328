"""Secrets: none is defaulted outside the test settings, each has one purpose, and the set-up
generates them once (.local/secrets.env; docker compose's volume)."""

import importlib.util
import os
import stat
import subprocess
import sys
from datetime import timedelta

import jwt
import pytest
import yaml
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from py_vapid import Vapid
from rest_framework.test import APIClient

from core.codes import InvalidCode, qr_payload, qr_payload_read
from loyalty.services.password import card_password_check
from tests.conftest import ROOT, client_for, process_env, stop
from tests.loyalty.factories import PIN, card_create_for
from tests.platform.test_entry_scripts import get, run_web

PUBLISHED = "dev-insecure-o2o-secret-key-change-me-in-production"


def forged_access_token(user_id: int, key: str) -> str:
    now = timezone.now()
    claims = {
        "token_type": "access",
        "exp": int((now + timedelta(minutes=30)).timestamp()),
        "iat": int(now.timestamp()),
        "jti": "f" * 32,
        "user_id": str(user_id),
    }
    return jwt.encode(claims, key, algorithm="HS256")


@pytest.mark.django_db
@pytest.mark.parametrize("key", [PUBLISHED, settings.SECRET_KEY], ids=["published", "django"])
def test_a_token_signed_with_another_key_is_refused(key):
    card = card_create_for()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged_access_token(card.consumer_id, key)}")
    response = client.get("/api/v1/me/cards/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert client_for(card.consumer).get("/api/v1/me/cards/").status_code == 200


def test_qr_payloads_have_their_own_key_and_survive_a_rotation_with_fallbacks():
    payload = qr_payload("C", "K7QM3XHDPA")
    with override_settings(SECRET_KEY="a-rotated-django-secret-key"):
        assert qr_payload_read(payload) == ("C", "K7QM3XHDPA")  # SECRET_KEY plays no part
    with override_settings(QR_SIGNING_KEY="a-new-qr-key"), pytest.raises(InvalidCode):
        qr_payload_read(payload)
    old = settings.QR_SIGNING_KEY
    with override_settings(QR_SIGNING_KEY="a-new-qr-key", QR_SIGNING_KEY_FALLBACKS=[old]):
        assert qr_payload_read(payload) == ("C", "K7QM3XHDPA")


@pytest.mark.django_db
def test_card_pins_have_their_own_pepper_and_survive_its_rotation_with_fallbacks():
    card = card_create_for()
    with override_settings(SECRET_KEY="a-rotated-django-secret-key"):
        card_password_check(card_id=card.pk, password=PIN)  # SECRET_KEY plays no part
    old = settings.CARD_PIN_PEPPER
    with override_settings(CARD_PIN_PEPPER="a-new-pepper", CARD_PIN_PEPPER_FALLBACKS=[old]):
        card_password_check(card_id=card.pk, password=PIN)  # and is re-hashed
    with override_settings(CARD_PIN_PEPPER="a-new-pepper"):
        card_password_check(card_id=card.pk, password=PIN)  # no fallback needed any more


def load_local_secrets():
    spec = importlib.util.spec_from_file_location(
        "local_secrets", ROOT / "platform" / "local_secrets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_set_up_generates_each_secret_once_and_keeps_it(tmp_path):
    local_secrets = load_local_secrets()
    path = tmp_path / ".local" / "secrets.env"
    first, generated = local_secrets.ensure(path, environ={})
    assert generated == list(local_secrets.NAMES)
    assert len(set(first.values())) == len(local_secrets.NAMES)
    vapid = first["WEBPUSH_VAPID_PRIVATE_KEY"]  # 32 bytes, base64url, as py-vapid reads it
    assert len(vapid) == 43 and Vapid.from_string(vapid).public_key is not None
    assert all(len(v) >= 50 for k, v in first.items() if k != "WEBPUSH_VAPID_PRIVATE_KEY")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, generated = local_secrets.ensure(path, environ={})
    assert (again, generated) == (first, [])
    configured, generated = local_secrets.ensure(path, environ={"JWT_SIGNING_KEY": "from-env"})
    assert configured["JWT_SIGNING_KEY"] == "from-env" and generated == []
    assert "from-env" not in path.read_text()


def test_dot_local_is_git_ignored_and_kept_out_of_the_docker_image():
    assert ".local/" in (ROOT / ".gitignore").read_text().split()
    assert ".local/" in (ROOT / ".dockerignore").read_text().split()
    makefile = (ROOT / "Makefile").read_text()
    assert ". .local/secrets.env" in makefile.split("WITH_ENV :=", 1)[1].splitlines()[0]


def settings_check(module: str, **env: str) -> subprocess.CompletedProcess:
    environment = process_env(DJANGO_SETTINGS_MODULE=module, **env)
    for name in settings.SECRET_NAMES:
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.django_db
def test_local_settings_refuse_to_start_without_secrets():
    result = settings_check("config.settings.local")
    assert result.returncode != 0
    assert "missing secrets: SECRET_KEY, JWT_SIGNING_KEY" in result.stderr
    assert "make setup" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["SECRET_KEY", "JWT_SIGNING_KEY"])
def test_local_settings_refuse_the_published_key(tmp_path, name):
    values, _ = load_local_secrets().ensure(tmp_path / "secrets.env", environ={})
    result = settings_check("config.settings.local", **{**values, name: PUBLISHED})
    assert result.returncode != 0
    assert f"{name} is a published value" in result.stderr


@pytest.mark.django_db
def test_local_settings_start_with_generated_secrets(tmp_path):
    values, _ = load_local_secrets().ensure(tmp_path / "secrets.env", environ={})
    result = settings_check("config.settings.local", **values)
    assert result.returncode == 0, result.stderr


def test_docker_compose_needs_or_generates_its_secrets_and_turns_debug_off():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app = compose["x-app"]
    environment = app["environment"]
    assert environment["DEBUG"] == "${DEBUG:-0}"
    for name in settings.SECRET_NAMES:
        assert environment[name] == f"${{{name}:-}}"  # the environment's, or none
    assert "secrets:/app/secrets" in app["volumes"]
    for service in ("web", "worker", "beat"):
        command = compose["services"][service]["command"]
        assert command[:3] == ["python", "platform/local_secrets.py", "/app/secrets/secrets.env"]


def test_the_docker_entry_generates_secrets_once_and_says_so(tmp_path):
    path = tmp_path / "secrets" / "secrets.env"
    environment = {k: v for k, v in os.environ.items() if k not in settings.SECRET_NAMES}
    environment["SECRET_KEY"] = ""  # what compose passes when nothing is set

    def start() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "platform" / "local_secrets.py"), str(path), "--",
             sys.executable, "-c", "import os; print(os.environ['SECRET_KEY'])"],
            env=environment, capture_output=True, text=True, check=True,
        )  # fmt: skip

    first, second = start(), start()
    assert "generated new secrets" in first.stderr
    assert "using the secrets kept in" in second.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50


@pytest.mark.django_db
def test_an_unknown_url_shows_no_debug_page_with_debug_off():
    """docker compose's settings: local, DEBUG off."""
    process, port = run_web(DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="0")
    try:
        status, body = get(f"http://127.0.0.1:{port}/no-such-page/")
    finally:
        stop(process)
    assert status == 404
    assert b"URLconf" not in body and b"DEBUG = True" not in body


@pytest.mark.django_db
def test_pages_show_no_debug_page_under_the_test_settings():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert b"URLconf" not in response.content
