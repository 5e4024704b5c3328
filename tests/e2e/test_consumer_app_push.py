"""Web Push in the consumer app (Debian's Chromium at 390x844, as test_consumer_app.py): the
switch on 通知设置 subscribes this browser and registers it; a notification to the consumer
then reaches the push service encrypted for the subscription and signed with our VAPID key;
switching off, or signing out, deletes the device.

What is stubbed, and why: headless Chromium offline has no push service to subscribe at (its
own is Google's FCM, on the internet), so `PushManager.prototype.subscribe` and
`getSubscription` are replaced (page.add_init_script) by ones returning a subscription the
test made at the fake push service on 127.0.0.1 (tests/notifications/fakes.py: it verifies the
VAPID JWT and decrypts with the subscription's private key). Everything else is real: the
permission prompt (granted to the context), the service worker, the app's requests, the
server's pywebpush. The service worker's push handler is then driven through the DevTools
protocol (ServiceWorker.deliverPushMessage) with the payload the fake decrypted, and shows it.
"""

import json
import time

import pytest
from playwright.sync_api import expect

from notifications.backends.webpush import vapid_public_key
from notifications.models import Device
from notifications.services import Notification, notifications_send_many, outbox_send
from tests.factories import UserFactory
from tests.notifications.fakes import FakeWebPush

from .conftest import phone_page
from .test_consumer_app import app_sign_in, built_app, phone_shot  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# The page's PushManager, stubbed: subscribe() hands out the test's subscription and records
# the applicationServerKey it was given; the state lives in localStorage under "stub:" keys
# (not the app's "o2o:" ones), so it survives reloads as a real subscription does.
STUB = """
(() => {
  const subscription = %s;
  const encode = (key) => btoa(String.fromCharCode(...new Uint8Array(key)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const current = () => localStorage.getItem("stub:subscribed") ? {
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    toJSON: () => subscription,
    unsubscribe: async () => { localStorage.removeItem("stub:subscribed"); return true; },
  } : null;
  PushManager.prototype.subscribe = async function (options) {
    localStorage.setItem("stub:key", encode(options.applicationServerKey));
    localStorage.setItem("stub:subscribed", "1");
    return current();
  };
  PushManager.prototype.getSubscription = async function () { return current(); };
})();
"""


@pytest.fixture
def push_service():
    server = FakeWebPush(vapid_public_key())
    yield server
    server.close()


def worker_ready(page) -> None:
    page.goto("/app/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def notify(consumer, key: str) -> None:
    """A system notification to the consumer, delivered at once (as the outbox task does)."""
    notification = Notification(
        kind="system", title="订单已确认", body="鑫悦美发 明天 10:00", data={}, dedupe_key=key
    )
    result = notifications_send_many(notification=notification, user_ids=[consumer.pk])
    for message_id in result.outbox_due_ids:
        outbox_send(message_id=message_id)


def shown_notifications(page, payload: dict, live_url: str) -> list[str]:
    """Deliver `payload` to the app's service worker as a push, and the titles it then shows."""
    cdp = page.context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_url, "registrationId": registrations[0], "data": json.dumps(payload)},
    )
    titles: list[str] = []
    while not titles and time.monotonic() < deadline + 5:
        page.wait_for_timeout(200)
        titles = page.evaluate(
            "async () => (await (await navigator.serviceWorker.ready).getNotifications())"
            ".map((n) => n.title)"
        )
    return titles


def test_push_switch_subscribes_a_pushed_message_arrives_and_off_or_sign_out_remove_it(
    page, live_server, push_service
):
    consumer = UserFactory(phone="+8613955556666")
    subscription = push_service.subscribe()
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(STUB % json.dumps(subscription))
    worker_ready(page)
    app_sign_in(page, consumer)
    page.goto("/app/me/notifications")
    switch = page.locator("[data-test=web-push-switch]")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    phone_shot(page, "app-push-switch")
    device = Device.objects.get(consumer=consumer, platform="web")
    assert device.token == subscription["endpoint"] and device.active
    assert device.p256dh == subscription["keys"]["p256dh"]
    assert page.evaluate("localStorage.getItem('stub:key')") == vapid_public_key()

    notify(consumer, key="order:1")
    assert push_service.refused == []
    (received,) = push_service.sent
    assert received["payload"]["title"] == "订单已确认"
    assert received["payload"]["body"] == "鑫悦美发 明天 10:00"
    titles = shown_notifications(page, received["payload"], live_server.url)
    assert titles == ["订单已确认"]  # the service worker showed what was pushed

    page.reload()  # still on: the subscription is refreshed, not doubled
    expect(switch).to_have_attribute("aria-checked", "true")
    assert Device.objects.filter(consumer=consumer).count() == 1
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    assert not Device.objects.filter(consumer=consumer).exists()
    assert page.evaluate("localStorage.getItem('stub:subscribed')") is None

    switch.click()  # on again, then signing out takes the device away too
    expect(switch).to_have_attribute("aria-checked", "true")
    assert Device.objects.filter(consumer=consumer, platform="web").exists()
    page.goto("/app/me")
    page.locator("[data-test=sign-out]").click()
    expect(page).to_have_url(f"{live_server.url}/app/")
    assert not Device.objects.filter(consumer=consumer).exists()
    assert page.evaluate("localStorage.getItem('stub:subscribed')") is None


def test_where_the_browser_has_no_push_the_switch_is_hidden_with_the_reason(browser, live_server):
    consumer = UserFactory(phone="+8613955557777")
    page = phone_page(browser, live_server)
    try:
        page.add_init_script("delete window.PushManager;")
        app_sign_in(page, consumer)
        page.goto("/app/me/notifications")
        expect(page.locator("[data-test=web-push-unavailable]")).to_contain_text(
            "此浏览器不支持推送通知"
        )
        expect(page.locator("[data-test=web-push-switch]")).to_have_count(0)
    finally:
        page.context.close()
