"""Delivery through the channel backends: status, attempts and backoff recorded per message."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import outbox_due, outbox_send

from . import backends

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def flaky(settings):
    settings.NOTIFICATION_SMS_BACKEND = "tests.notifications.backends.FlakyBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    backends.SENT.clear()
    backends.FlakyBackend.failures = {}


def message(address: str, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        channel="sms",
        address=address,
        kind="flash_deal",
        title="闪购",
        dedupe_key=f"deal:{address}",
        **fields,
    )


def test_a_sent_message_is_sent_once_even_when_handed_to_two_workers():
    sms = message("+8613900000001")
    assert outbox_send(message_id=sms.pk) is None
    assert outbox_send(message_id=sms.pk) is None  # a redelivered task: claimed already
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (OutboxStatus.SENT, 1)
    assert sms.provider_message_id == "ok-1"
    assert len(backends.SENT) == 1


def test_temporary_failures_back_off_exponentially_then_succeed():
    sms = message("temp2")
    now = timezone.now()
    first = outbox_send(message_id=sms.pk, now=now)
    sms.refresh_from_db()
    assert first == timedelta(seconds=30)
    assert (sms.status, sms.attempts, sms.last_error) == ("pending", 1, "网关超时")
    assert outbox_send(message_id=sms.pk, now=now) is None  # not due yet: nothing happens
    second = outbox_send(message_id=sms.pk, now=sms.next_attempt_at)
    assert second == timedelta(seconds=60)
    sms.refresh_from_db()
    outbox_send(message_id=sms.pk, now=sms.next_attempt_at)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("sent", 3)


def test_permanent_failures_and_exhausted_retries_fail_for_good():
    bad, stubborn = message("bad-number"), message("temp9")
    assert outbox_send(message_id=bad.pk) is None
    for _ in range(3):
        stubborn.refresh_from_db()
        outbox_send(message_id=stubborn.pk, now=stubborn.next_attempt_at)
    bad.refresh_from_db()
    stubborn.refresh_from_db()
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert (stubborn.status, stubborn.attempts) == ("failed", 3)
    assert backends.SENT == []


def test_an_expired_message_is_not_sent():
    sms = message("+8613900000002", expires_at=timezone.now() - timedelta(minutes=1))
    outbox_send(message_id=sms.pk)
    sms.refresh_from_db()
    assert (sms.status, sms.last_error) == ("failed", "expired")
    assert backends.SENT == []


def test_the_dispatcher_takes_back_a_message_whose_sender_died():
    now = timezone.now()
    orphan = message("+8613900000003", status="sending", attempts=1, next_attempt_at=now)
    later = message("+8613900000004", next_attempt_at=now + timedelta(hours=1))
    assert outbox_due(now=now + timedelta(seconds=1)) == [orphan.pk]
    assert later.pk not in outbox_due(now=now)


def test_the_file_backend_writes_one_json_line_per_message(settings, tmp_path):
    settings.NOTIFICATION_SMS_BACKEND = "notifications.backends.file.FileBackend"
    settings.NOTIFICATION_FILE_PATH = tmp_path
    sms = message("+8613900000005")
    outbox_send(message_id=sms.pk)
    [line] = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert json.loads(line)["title"] == "闪购"
    assert json.loads(line)["idempotency_key"] == f"outbox-{sms.pk}"
