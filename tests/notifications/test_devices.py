"""Consumers register their phones for push; a push leaves for each active device."""

import json
import secrets

import pytest

from notifications.backends import ChannelBackend, PushReceipt
from notifications.models import Device, OutboxMessage
from notifications.services import (
    Notification,
    device_register,
    notifications_send_many,
    outbox_due,
    outbox_send,
)
from tests.concurrency import run_concurrently
from tests.conftest import client_for
from tests.factories import MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/devices/"


def apns_token() -> str:
    return secrets.token_hex(32)


def fcm_token() -> str:
    return f"{secrets.token_urlsafe(16)}:APA91b{secrets.token_urlsafe(100)}"


class ForgetfulPushService(ChannelBackend):
    """A push service that no longer knows tokens starting "dead"; remembers what it was given."""

    pushed: list = []

    def send_push(self, message, tokens):
        self.pushed.append([t.token for t in tokens])
        dead = frozenset(t.token for t in tokens if t.token.startswith("dead"))
        return PushReceipt(f"ok-{len(self.pushed)}", invalid_tokens=dead)


@pytest.fixture
def forgetful(settings):
    settings.NOTIFICATION_PUSH_BACKEND = f"{__name__}.ForgetfulPushService"
    ForgetfulPushService.pushed = []
    return ForgetfulPushService


def push_to(user, key: str = "deal:1") -> OutboxMessage:
    """A push to `user` as the fan-out writes it, then one delivery attempt."""
    notification = Notification(kind="flash_deal", title="闪购", body="", data={}, dedupe_key=key)
    [message_id] = notifications_send_many(
        notification=notification, user_ids=[user.pk]
    ).outbox_due_ids
    outbox_send(message_id=message_id)
    return OutboxMessage.objects.get(pk=message_id)


# --- the API -------------------------------------------------------------------------------


def test_register_then_refresh_and_a_phone_that_changed_hands_moves_to_its_new_owner():
    first, second = UserFactory(), UserFactory()
    token = apns_token()
    body = {"platform": "ios", "token": token, "app_version": "3.2.0"}

    created = client_for(first).post(URL, body, format="json")
    assert created.status_code == 201
    assert created.json()["platform"] == "ios"
    assert created.json()["token_tail"] == "…" + token[-6:]
    assert token not in created.content.decode()

    refreshed = client_for(first).post(URL, {**body, "app_version": "3.3.0"}, format="json")
    assert refreshed.status_code == 200
    assert refreshed.json()["id"] == created.json()["id"]
    assert refreshed.json()["app_version"] == "3.3.0"
    assert refreshed.json()["last_seen_at"] > created.json()["last_seen_at"]

    Device.objects.filter(token=token).update(active=False)  # reported dead meanwhile
    moved = client_for(second).post(URL, {"platform": "ios", "token": token}, format="json")
    assert moved.status_code == 200
    assert moved.json()["id"] == created.json()["id"]
    assert moved.json()["app_version"] == "3.3.0"  # not sent: kept
    device = Device.objects.get(token=token)
    assert (device.consumer, device.active) == (second, True)
    assert client_for(first).get(URL).json()["results"] == []
    assert [d["id"] for d in client_for(second).get(URL).json()["results"]] == [device.pk]


def test_the_list_shows_only_my_active_devices():
    me, other = UserFactory(), UserFactory()
    phone = device_register(consumer=me, platform="android", token=fcm_token())[0]
    tablet = device_register(consumer=me, platform="harmony", token=fcm_token())[0]
    dead = device_register(consumer=me, platform="ios", token=apns_token())[0]
    Device.objects.filter(pk=dead.pk).update(active=False)
    device_register(consumer=other, platform="ios", token=apns_token())

    listed = client_for(me).get(URL).json()["results"]
    assert [d["id"] for d in listed] == [tablet.pk, phone.pk]


def test_i_unregister_my_device_and_another_consumers_is_not_found():
    me, other = UserFactory(), UserFactory()
    mine = device_register(consumer=me, platform="ios", token=apns_token())[0]
    theirs = device_register(consumer=other, platform="ios", token=apns_token())[0]
    api = client_for(me)

    assert api.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert Device.objects.filter(pk=theirs.pk, active=True).exists()
    assert api.delete(f"{URL}{mine.pk}/").status_code == 204
    assert not Device.objects.filter(pk=mine.pk).exists()
    assert api.delete(f"{URL}{mine.pk}/").status_code == 404


def test_a_malformed_token_is_refused_and_merchants_have_no_devices():
    api = client_for(UserFactory())
    answer = api.post(URL, {"platform": "ios", "token": "not a token at all"}, format="json")
    assert answer.status_code == 400
    assert "token" in answer.json()["fields"]
    owner = client_for(MerchantFactory().owner)
    refused = owner.post(URL, {"platform": "ios", "token": apns_token()}, format="json")
    assert refused.status_code == 403
    assert not Device.objects.exists()


# --- delivery ------------------------------------------------------------------------------


def test_a_push_goes_to_each_active_device_one_masked_line_each(settings, tmp_path):
    settings.NOTIFICATION_PUSH_BACKEND = "notifications.backends.file.FileBackend"
    settings.NOTIFICATION_FILE_PATH = tmp_path
    consumer = UserFactory()
    phone = device_register(consumer=consumer, platform="ios", token=apns_token())[0]
    tablet = device_register(consumer=consumer, platform="android", token=fcm_token())[0]
    old = device_register(consumer=consumer, platform="ios", token=apns_token())[0]
    Device.objects.filter(pk=old.pk).update(active=False)
    device_register(consumer=UserFactory(), platform="ios", token=apns_token())  # not theirs

    message = push_to(consumer)

    assert message.status == "sent"
    written = (tmp_path / "push.jsonl").read_text()
    lines = [json.loads(line) for line in written.splitlines()]
    assert [(line["platform"], line["token"]) for line in lines] == [
        ("ios", "…" + phone.token[-6:]),
        ("android", "…" + tablet.token[-6:]),
    ]
    assert {line["idempotency_key"] for line in lines} == {f"outbox-{message.pk}"}
    for device in (phone, tablet, old):
        assert device.token[:-6] not in written


def test_the_console_backend_prints_a_masked_line_per_device(settings, capsys):
    settings.NOTIFICATION_PUSH_BACKEND = "notifications.backends.console.ConsoleBackend"
    consumer = UserFactory()
    tokens = [apns_token(), apns_token()]
    for token in tokens:
        device_register(consumer=consumer, platform="ios", token=token)

    assert push_to(consumer).status == "sent"
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2
    for line, token in zip(printed, tokens, strict=True):
        assert line.startswith("[push] ") and token[-6:] in line and token[:-6] not in line


def test_a_token_the_push_service_no_longer_knows_deactivates_its_device(forgetful):
    consumer = UserFactory()
    alive = device_register(consumer=consumer, platform="ios", token=apns_token())[0]
    dead = device_register(consumer=consumer, platform="android", token=f"dead{fcm_token()}")[0]

    first = push_to(consumer, "deal:1")
    assert (first.status, first.provider_message_id) == ("sent", "ok-1")
    alive.refresh_from_db()
    dead.refresh_from_db()
    assert (alive.active, dead.active) == (True, False)

    second = push_to(consumer, "deal:2")
    assert second.status == "sent"
    assert forgetful.pushed == [[alive.token, dead.token], [alive.token]]

    # The app registers the same token again (it works once more): it is active again.
    device_register(consumer=consumer, platform="android", token=dead.token)
    dead.refresh_from_db()
    assert dead.active


def test_a_push_whose_every_device_is_dead_fails_as_no_device(forgetful):
    consumer = UserFactory()
    device_register(consumer=consumer, platform="android", token=f"dead{fcm_token()}")

    message = push_to(consumer)
    assert (message.status, message.last_error) == ("failed", "no_device")
    assert not Device.objects.filter(consumer=consumer, active=True).exists()


def test_a_push_to_a_consumer_without_a_device_fails_once_for_good(forgetful):
    consumer = UserFactory()
    Device.objects.filter(
        pk=device_register(consumer=consumer, platform="ios", token=apns_token())[0].pk
    ).update(active=False)

    message = push_to(consumer)

    assert (message.status, message.last_error, message.attempts) == ("failed", "no_device", 1)
    assert forgetful.pushed == []  # the backend was not called
    assert message.pk not in outbox_due(now=message.next_attempt_at)
    assert outbox_send(message_id=message.pk) is None  # no retry
    message.refresh_from_db()
    assert message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_one_token_registered_from_several_threads_at_once_is_stored_once():
    """Two consumers on one phone (or an app retrying) race to register a new token: one
    inserts it, the others find it and move it; nobody fails."""
    consumers = [UserFactory() for _ in range(6)]
    token = apns_token()

    def register(consumer):
        return device_register(consumer=consumer, platform="ios", token=token)[1]

    created = run_concurrently(register, args=consumers, raise_errors=True)
    assert sorted(created) == [False] * 5 + [True]
    [device] = Device.objects.filter(token=token)
    assert device.consumer in consumers and device.active
