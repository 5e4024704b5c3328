"""The JPush backend, through the jpush SDK, against a fake JPush on 127.0.0.1 that checks the
app key and master secret (HTTP basic auth) and refuses registration ids it does not know."""

import secrets

import pytest

from notifications.models import Device, OutboxMessage, OutboxStatus
from notifications.services import outbox_send
from tests.factories import UserFactory

from .fakes import FakeJPush

pytestmark = pytest.mark.django_db
KNOWN = "1a0018970a9e7c4b2b1"
GONE = "191e35f7e0bb8f2d4c7"  # the app was uninstalled: JPush no longer knows it


@pytest.fixture
def fake(settings):
    key, secret = secrets.token_hex(12), secrets.token_hex(12)
    server = FakeJPush(key, secret, known={KNOWN})
    settings.NOTIFICATION_PUSH_BACKEND = "notifications.backends.jpush.JPushBackend"
    settings.JPUSH_APP_KEY, settings.JPUSH_MASTER_SECRET = key, secret
    settings.JPUSH_API_URL = server.url
    settings.JPUSH_APNS_PRODUCTION = False
    yield server
    server.close()


def push_for(user) -> OutboxMessage:
    return OutboxMessage.objects.create(
        recipient=user,
        channel="push",
        address=str(user.pk),
        kind="flash_deal",
        title="闪购：洗剪吹 5 折",
        body="李记理发，18:00 前有效。",
        data={"deal": 7},
        dedupe_key="deal:7",
    )


def test_a_push_reaches_the_known_device_and_the_unknown_one_is_deactivated(fake):
    consumer = UserFactory()
    Device.objects.create(consumer=consumer, platform="android", token=KNOWN)
    Device.objects.create(consumer=consumer, platform="ios", token=GONE)
    message = push_for(consumer)
    assert outbox_send(message_id=message.pk) is None
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT, message.last_error
    assert fake.refused == []
    (sent,) = fake.sent
    assert sent["audience"] == {"registration_id": [KNOWN]}
    assert sent["platform"] == ["android"]
    assert sent["notification"]["android"]["title"] == "闪购：洗剪吹 5 折"
    assert sent["notification"]["android"]["extras"]["data"] == {"deal": 7}
    assert sent["options"]["apns_production"] is False
    assert message.provider_message_id == sent["msg_id"]
    active = dict(Device.objects.values_list("token", "active"))
    assert active == {KNOWN: True, GONE: False}


def test_a_push_to_devices_jpush_does_not_know_fails_and_deactivates_them(fake):
    consumer = UserFactory()
    Device.objects.create(consumer=consumer, platform="ios", token=GONE)
    message = push_for(consumer)
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.last_error) == (OutboxStatus.FAILED, "no_device")
    assert not Device.objects.get(token=GONE).active


def test_a_wrong_master_secret_is_refused_and_no_device_is_touched(fake, settings):
    settings.JPUSH_MASTER_SECRET = "not-the-secret"
    consumer = UserFactory()
    Device.objects.create(consumer=consumer, platform="android", token=KNOWN)
    message = push_for(consumer)
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert fake.refused == ["auth"] and fake.sent == []
    assert message.status == OutboxStatus.FAILED
    assert Device.objects.get(token=KNOWN).active


def test_jpush_unreachable_is_retried(fake):
    consumer = UserFactory()
    Device.objects.create(consumer=consumer, platform="android", token=KNOWN)
    fake.close()
    message = push_for(consumer)
    assert outbox_send(message_id=message.pk) is not None
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and "unreachable" in message.last_error
    assert Device.objects.get(token=KNOWN).active
