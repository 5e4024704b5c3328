"""Getting an SMS code the way a person does: answer the image challenge, ask for the code,
read the text that reached the phone (the file backend stands in for the gateway)."""

import json
import tempfile
from datetime import timedelta
from pathlib import Path

from captcha.models import CaptchaStore
from django.test import override_settings
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import outbox_send
from verification.models import SmsCode
from verification.services import _digest

SMS_CODE = "/api/v1/auth/sms-code/"


def e164(phone: str) -> str:
    """A phone as typed (13812345678, +86 138 1234 5678) as the outbox addresses it."""
    return PhoneNumber.from_string(phone, region="CN").as_e164


def captcha_solved(api) -> dict:
    """A fresh challenge and its answer, as someone who reads the image would type it."""
    key = api.get("/api/v1/auth/captcha/").json()["captcha_key"]
    return {"captcha_key": key, "captcha_answer": CaptchaStore.objects.get(hashkey=key).response}


def code_request(api, phone: str, purpose: str = "login", **extra):
    body = {"phone": phone, "purpose": purpose, **captcha_solved(api), **extra}
    return api.post(SMS_CODE, body, format="json")


def texts_to(phone: str, folder: Path) -> list[dict]:
    """Deliver what the outbox holds for `phone` through the file backend; every SMS it got."""
    phone = e164(phone)
    with override_settings(
        NOTIFICATION_SMS_BACKEND="notifications.backends.file.FileBackend",
        NOTIFICATION_FILE_PATH=folder,
    ):
        pending = OutboxMessage.objects.filter(
            channel="sms", address=phone, status=OutboxStatus.PENDING
        )
        for message_id in pending.order_by("pk").values_list("pk", flat=True):
            outbox_send(message_id=message_id)
    lines = (
        (folder / "sms.jsonl").read_text().splitlines() if (folder / "sms.jsonl").exists() else []
    )
    return [text for text in map(json.loads, lines) if text["address"] == phone]


def code_sent(api, phone: str, folder: Path, purpose: str = "login") -> str:
    """Ask for a code for `phone` and read it from the SMS that reached it."""
    response = code_request(api, phone, purpose)
    assert response.status_code == 202, response.json()
    return texts_to(phone, folder)[-1]["data"]["code"]


def register_code(api, phone: str) -> str:
    """A code for registering `phone`: the same one again while it is unused (one a minute per
    phone), a dummy for a phone the code endpoint refuses (the test is about something else)."""
    sent = getattr(api, "register_codes", None)
    if sent is None:
        sent = api.register_codes = {}
    if phone not in sent:
        response = code_request(api, phone, "register")
        if response.status_code != 202:
            return "000000"
        sent[phone] = texts_to(phone, Path(tempfile.mkdtemp()))[-1]["data"]["code"]
    return sent[phone]


def code_stored(phone: str, purpose: str = "register") -> str:
    """A live code for `phone`, written straight to the database: for tests about something
    other than getting the code (its captcha, limits and SMS have tests of their own)."""
    number, code = e164(phone), "246813"
    SmsCode.objects.create(
        phone=number,
        purpose=purpose,
        code_hash=_digest(number, purpose, code),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    return code
