"""Web Push for the consumer app: a browser registers its subscription through the devices API,
and pushes reach it through pywebpush (VAPID, aes128gcm), against a fake push service on
127.0.0.1 that checks the VAPID signature and decrypts what it is given (tests/.../fakes.py).
The web channel is its own: it serves browsers even while the native push backend is JPush."""

import base64
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.test import override_settings

from notifications.backends.webpush import vapid_public_key
from notifications.models import Device, OutboxStatus
from tests.conftest import client_for
from tests.factories import UserFactory

from .fakes import FakeJPush, FakeWebPush, b64url
from .test_devices import push_to

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/devices/"
AUTH = "MDEyMzQ1Njc4OWFiY2RlZg"  # 16 bytes
KEY_URL = "/api/v1/me/devices/web-push-key/"


@pytest.fixture
def push_service():
    server = FakeWebPush(vapid_public_key())
    yield server
    server.close()


def register(user, subscription: dict):
    return client_for(user).post(URL, {"platform": "web", **subscription}, format="json")


# --- the devices API -------------------------------------------------------------------------


def test_the_app_gets_the_vapid_public_key_and_none_when_web_push_is_off(settings):
    consumer = UserFactory()
    answer = client_for(consumer).get(KEY_URL)
    assert answer.status_code == 200
    raw = base64.urlsafe_b64decode(answer.json()["public_key"] + "=")
    assert len(raw) == 65 and raw[0] == 4  # the uncompressed P-256 point subscribe() takes
    settings.WEBPUSH_ENABLED = False
    off = client_for(consumer).get(KEY_URL)
    assert (off.status_code, off.json()["code"]) == (404, "web_push_unavailable")


def test_a_browser_registers_its_subscription_refreshes_it_and_unregisters(push_service):
    consumer = UserFactory()
    subscription = push_service.subscribe()
    created = register(consumer, subscription)
    assert created.status_code == 201, created.json()
    assert created.json()["platform"] == "web"
    assert subscription["endpoint"] not in created.content.decode()  # only its tail
    device = Device.objects.get(pk=created.json()["id"])
    assert (device.token, device.p256dh, device.auth) == (
        subscription["endpoint"],
        subscription["keys"]["p256dh"],
        subscription["keys"]["auth"],
    )
    renewed = {**subscription, "keys": push_service.subscribe()["keys"]}  # same endpoint
    assert register(consumer, renewed).status_code == 200
    device.refresh_from_db()
    assert device.p256dh == renewed["keys"]["p256dh"]
    assert client_for(consumer).delete(f"{URL}{device.pk}/").status_code == 204
    assert not Device.objects.filter(pk=device.pk).exists()


def good_subscription() -> dict:
    point = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {
        "endpoint": "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH",
        "keys": {"p256dh": b64url(raw), "auth": b64url(b"0123456789abcdef")},
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({"endpoint": "https://10.0.0.7/push/x"}, "endpoint"),  # not into our own network
        ({"endpoint": "https://localhost/push/x"}, "endpoint"),
        ({"endpoint": "https://user:pw@fcm.googleapis.com/x"}, "endpoint"),
        # Only the browsers' push services: no other host, however it is spelt.
        ({"endpoint": "https://127.1/x"}, "endpoint"),
        ({"endpoint": "https://0x7f.0.0.1/x"}, "endpoint"),
        ({"endpoint": "https://localhost./x"}, "endpoint"),
        ({"endpoint": "https://169.254.169.254.nip.io/x"}, "endpoint"),
        ({"endpoint": "https://redis.internal:6379/x"}, "endpoint"),
        ({"endpoint": "https://fcm.googleapis.com.evil.example/x"}, "endpoint"),
        ({"endpoint": "https://evilfcm.googleapis.com/x"}, "endpoint"),
        ({"endpoint": "https://fcm.googleapis.com:8443/x"}, "endpoint"),
        ({"endpoint": "https://push.example.com/" + "x" * 1024}, "endpoint"),
        ({"keys": {"p256dh": b64url(b"\x04" + b"1" * 64), "auth": AUTH}}, "keys"),
        ({"keys": {"p256dh": "not base64!", "auth": AUTH}}, "keys"),
        ({"keys": {"auth": AUTH}}, "keys"),
        ({"keys": {"p256dh": None, "auth": b64url(b"short")}}, "keys"),
    ],
)  # fmt: skip
def test_a_malformed_subscription_is_refused(change, field):
    answer = register(UserFactory(), {**good_subscription(), **change})
    assert answer.status_code == 400
    assert {name.split(".")[0] for name in answer.json()["fields"]} == {field}
    assert not Device.objects.exists()


def test_http_to_127_0_0_1_is_taken_only_in_debug_or_tests(settings):
    subscription = {**good_subscription(), "endpoint": "http://127.0.0.1:9/push/x"}
    assert register(UserFactory(), subscription).status_code == 201
    settings.WEBPUSH_ALLOW_LOCAL_HTTP, settings.DEBUG = False, False
    refused = register(UserFactory(), subscription)
    assert (refused.status_code, list(refused.json()["fields"])) == (400, ["endpoint"])
    assert register(UserFactory(), good_subscription()).status_code == 201


def test_no_web_subscription_is_taken_while_web_push_is_off(settings):
    settings.WEBPUSH_ENABLED = False
    answer = register(UserFactory(), good_subscription())
    assert (answer.status_code, answer.json()["code"]) == (404, "web_push_unavailable")
    assert not Device.objects.exists()


# --- delivery --------------------------------------------------------------------------------


def test_a_push_reaches_the_browser_encrypted_and_signed(push_service):
    consumer = UserFactory()
    register(consumer, push_service.subscribe())
    message = push_to(consumer, key="deal:42")
    assert message.status == OutboxStatus.SENT, message.last_error
    assert push_service.refused == []
    (received,) = push_service.sent
    assert received["payload"]["title"] == "闪购"
    assert received["payload"]["kind"] == "flash_deal"
    assert received["payload"]["tag"] == f"outbox-{message.pk}"
    assert received["ttl"] == "86400"
    assert received["urgency"] == "low"  # marketing waits for a good moment
    assert message.provider_message_id == received["id"]


def test_the_fake_refuses_a_push_signed_with_another_vapid_key(push_service):
    """The fake's own sanity: it checks the signature, so a passing test means a real one."""
    subscription = push_service.subscribe()
    forger = ec.generate_private_key(ec.SECP256R1())
    claims = {"aud": push_service.origin, "exp": int(time.time()) + 600, "sub": "mailto:x@y.z"}
    token = jwt.encode(claims, forger, algorithm="ES256")
    headers = {
        "Authorization": f"vapid t={token}, k={push_service.application_server_key}",
        "Content-Encoding": "aes128gcm",
        "TTL": "60",
    }
    answer = requests.post(subscription["endpoint"], data=b"x", headers=headers, timeout=5)
    assert answer.status_code == 403
    assert push_service.refused[0].startswith("jwt: Signature verification failed")
    assert push_service.sent == []


def test_a_subscription_the_push_service_calls_gone_deactivates_its_device(push_service):
    consumer = UserFactory()
    gone, kept = push_service.subscribe(), push_service.subscribe()
    register(consumer, gone), register(consumer, kept)
    push_service.gone.add(gone["endpoint"].rsplit("/", 1)[1])
    message = push_to(consumer)
    assert message.status == OutboxStatus.SENT
    active = dict(Device.objects.values_list("token", "active"))
    assert active == {gone["endpoint"]: False, kept["endpoint"]: True}
    assert [m["subscription"] for m in push_service.sent] == [kept["endpoint"].rsplit("/", 1)[1]]
    assert client_for(consumer).get(URL).json()["results"][0]["platform"] == "web"
    assert len(client_for(consumer).get(URL).json()["results"]) == 1


@pytest.mark.parametrize(
    "answer",
    [
        (403, {"reason": "made for another application server key"}),  # RFC 8292 §4.2
        (400, {"reason": "malformed"}),
        (307, {}, {"Location": "/push/elsewhere"}),  # never followed
    ],
)
def test_a_subscription_refused_for_good_is_deactivated_and_the_others_still_get_it(
    push_service, answer
):
    consumer = UserFactory()
    dead, kept = push_service.subscribe(), push_service.subscribe()
    register(consumer, dead), register(consumer, kept)
    dead_name = dead["endpoint"].rsplit("/", 1)[1]
    handle = push_service.handle

    def refusing(request, body):
        return answer if request.path.endswith(dead_name) else handle(request, body)

    push_service.handle = refusing
    message = push_to(consumer)
    assert message.status == OutboxStatus.SENT, message.last_error
    active = dict(Device.objects.values_list("token", "active"))
    assert active == {dead["endpoint"]: False, kept["endpoint"]: True}
    assert [m["subscription"] for m in push_service.sent] == [kept["endpoint"].rsplit("/", 1)[1]]


def test_browsers_get_web_push_while_phones_get_jpush(settings, push_service):
    consumer = UserFactory()
    jpush = FakeJPush("k" * 24, "s" * 24, known={"1a0018970a9e7c4b2b1"})
    settings.NOTIFICATION_PUSH_BACKEND = "notifications.backends.jpush.JPushBackend"
    settings.JPUSH_APP_KEY, settings.JPUSH_MASTER_SECRET = "k" * 24, "s" * 24
    settings.JPUSH_API_URL = jpush.url
    try:
        Device.objects.create(consumer=consumer, platform="android", token="1a0018970a9e7c4b2b1")
        register(consumer, push_service.subscribe())
        message = push_to(consumer)
    finally:
        jpush.close()
    assert message.status == OutboxStatus.SENT, message.last_error
    assert [s["audience"] for s in jpush.sent] == [{"registration_id": ["1a0018970a9e7c4b2b1"]}]
    assert len(push_service.sent) == 1


@pytest.mark.parametrize(("status", "outcome"), [(503, OutboxStatus.PENDING), (413, "failed")])
def test_a_push_service_failure_is_retried_or_given_up(push_service, status, outcome):
    consumer = UserFactory()
    register(consumer, push_service.subscribe())
    push_service.handle = lambda request, body: (status, {"reason": "no"})
    message = push_to(consumer)
    assert message.status == outcome
    assert message.last_error.startswith(f"web push {status}")
    assert Device.objects.get().active


def test_a_vapid_public_key_that_is_not_the_pair_of_the_private_key_is_refused():
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = other.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    with override_settings(WEBPUSH_VAPID_PUBLIC_KEY=b64url(raw)), pytest.raises(Exception) as error:
        vapid_public_key()
    assert "not the private key's pair" in str(error.value)
    assert json.dumps(vapid_public_key())  # the derived one, unchanged


@pytest.mark.parametrize("platform", [["web"], {"web": 1}, 7])
def test_a_platform_that_is_no_string_is_a_400_not_a_500(platform):
    answer = client_for(UserFactory()).post(URL, {"platform": platform}, format="json")
    assert answer.status_code == 400 and "platform" in answer.json()["fields"]
