"""The fan-out on a real Celery worker against the real Redis broker and the test database:
publish, and the right consumers get one inbox row each; SIGKILL the worker mid-fan-out and
start another: still exactly one each, nobody missed."""

import os
import signal
import subprocess
import time

import pytest
from django.db.models import Count

from deals.models import DealRecipient, FlashDeal
from deals.services import flash_deal_publish
from notifications.models import InboxMessage, OutboxMessage
from notifications.services import device_register
from tests.conftest import ROOT, process_env, stop

from .factories import deal_for, hotpot_shop, subscriber

pytestmark = pytest.mark.django_db(transaction=True)
# A queue of this test run's own, so no other worker of the session takes the fan-out.
QUEUE = f"fanout-test-{os.getpid()}"
VISIBILITY_TIMEOUT = 3


def start_worker(**extra: str) -> subprocess.Popen:
    env = process_env(
        CELERY_QUEUES=f"{QUEUE},notifications",
        CELERY_CONCURRENCY="1",
        CELERY_HOSTNAME=f"deals-{os.getpid()}-{time.monotonic_ns()}@%h",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        FLASH_DEAL_FANOUT_QUEUE=QUEUE,
        **extra,
    )
    return subprocess.Popen(
        [str(ROOT / "platform" / "bin" / "worker")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, to kill the pool child with it
    )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def workers():
    started: list[subprocess.Popen] = []

    def start(**extra):
        process = start_worker(**extra)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            stop(process)


@pytest.fixture
def fanout_queue(settings):
    settings.FLASH_DEAL_FANOUT_QUEUE = QUEUE


def inbox_counts(deal) -> dict[int, int]:
    rows = (
        InboxMessage.objects.filter(dedupe_key=deal.dedupe_key)
        .values("recipient_id")
        .annotate(n=Count("pk"))
    )
    return {row["recipient_id"]: row["n"] for row in rows}


def finished(deal) -> bool:
    return FlashDeal.objects.get(pk=deal.pk).fanout_finished_at is not None


def test_publishing_tells_the_right_consumers_once_each(workers, fanout_queue):
    shop = hotpot_shop()
    inside = [subscriber(north_m=100 * i) for i in range(1, 6)]
    for consumer in inside:  # a push goes to the consumer's phones
        device_register(consumer=consumer, platform="ios", token=f"{consumer.pk:064x}")
    outside = [subscriber(north_m=6000), subscriber(north_m=200, category="hair")]
    workers()
    deal = flash_deal_publish(deal=deal_for(shop, radius_m=3000))

    wait_for(lambda: finished(deal), 60, "the fan-out")
    assert inbox_counts(deal) == {consumer.pk: 1 for consumer in inside}
    assert not set(inbox_counts(deal)) & {consumer.pk for consumer in outside}
    # The pushes went out through the notifications queue, one per consumer.
    pushes = OutboxMessage.objects.filter(dedupe_key=deal.dedupe_key, channel="push")
    wait_for(lambda: not pushes.exclude(status="sent").exists(), 30, "the pushes")
    assert sorted(pushes.values_list("recipient_id", flat=True)) == sorted(u.pk for u in inside)


def test_a_worker_killed_mid_fan_out_leaves_no_one_told_twice_or_missed(workers, fanout_queue):
    shop = hotpot_shop()
    audience = [subscriber(north_m=5 * i) for i in range(1, 241)]
    slow = {"FLASH_DEAL_FANOUT_BATCH": "8", "FLASH_DEAL_FANOUT_PAUSE_MS": "60"}
    first = workers(**slow)
    deal = flash_deal_publish(deal=deal_for(shop, radius_m=3000))
    recipients = DealRecipient.objects.filter(deal=deal)

    wait_for(lambda: recipients.count() >= 40, 60, "the fan-out to get under way")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    partial = recipients.count()
    assert 0 < partial < len(audience), "the worker was killed mid-way"
    time.sleep(VISIBILITY_TIMEOUT + 1)  # the unacknowledged task becomes visible again
    assert recipients.count() == partial  # nobody worked on it meanwhile

    workers(**slow)
    wait_for(lambda: finished(deal), 90, "the redelivered fan-out")
    assert inbox_counts(deal) == {consumer.pk: 1 for consumer in audience}
    assert recipients.count() == len(audience)
    pushes = OutboxMessage.objects.filter(dedupe_key=deal.dedupe_key, channel="push")
    assert pushes.count() == len(audience)
