"""Concurrency against the real database, through a real gunicorn: 100 requests released at
once by a barrier. The server runs 2 workers × 16 threads, so up to 32 transactions race in
PostgreSQL at a time (the machine's PostgreSQL allows 100 connections, shared by everyone)."""

import json
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from accounts.services import tokens_for
from coupons.models import Campaign, Coupon, Redemption
from tests.concurrency import run_concurrently
from tests.conftest import ROOT, free_port, process_env, stop, wait_for_port
from tests.factories import ShopFactory, UserFactory

from .factories import CampaignFactory, CouponFactory

pytestmark = pytest.mark.django_db(transaction=True)
SERVER_LOG = ROOT / ".local" / "test-coupons-web.log"


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker):
    port = free_port()
    with django_db_blocker.unblock():
        env = process_env(
            PORT=str(port),
            WEB_CONCURRENCY="2",
            WEB_THREADS="16",
            ACCESS_LOG="0",
            THROTTLE_USER="1000000/min",
        )
    process = subprocess.Popen(
        [str(ROOT / "platform" / "bin" / "web")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=SERVER_LOG.open("w"),  # shown when a test fails
    )
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}"
    stop(process)


def server_log() -> str:
    return SERVER_LOG.read_text()[-5000:]


def post(url: str, token: str, body: dict, key: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    # The URL is the loopback server's, never a file: or custom scheme.
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def all_at_once(calls) -> list[tuple[int, dict]]:
    """Run the calls in threads released together; their answers in order."""
    return run_concurrently(lambda call: call(), args=calls, raise_errors=True)


def test_100_concurrent_redemptions_of_one_code_succeed_exactly_once(web, merchant):
    shop = ShopFactory(merchant=merchant, name="鑫悦火锅（静安店）")
    coupon = CouponFactory(campaign=CampaignFactory(merchant=merchant))
    token = tokens_for(merchant.owner)["access"]
    body = {"shop": shop.pk, "code": coupon.code, "order_amount_fen": 12000}
    url = f"{web}/api/v1/merchant/redemptions/"
    answers = all_at_once(
        [lambda: post(url, token, body, key=f"hammer-{uuid.uuid4()}") for _ in range(100)]
    )
    statuses = sorted(status for status, _ in answers)
    assert statuses.count(201) == 1
    # An overloaded machine may turn a request away with 503 (database busy), never a 2nd 201.
    assert set(statuses) <= {201, 409, 503}, server_log()
    assert statuses.count(409) >= 90
    refused = [body for status, body in answers if status == 409]
    assert {body["code"] for body in refused} == {"already_redeemed"}
    assert all("鑫悦火锅（静安店）" in body["detail"] for body in refused)
    assert Redemption.objects.filter(coupon=coupon).count() == 1


def test_concurrent_claims_never_exceed_the_total_quantity(web):
    campaign = CampaignFactory(total_quantity=10)
    consumers = [UserFactory() for _ in range(40)]
    url = f"{web}/api/v1/campaigns/{campaign.pk}/claim/"
    tokens = [tokens_for(consumer)["access"] for consumer in consumers]
    answers = all_at_once([lambda token=token: post(url, token, {}) for token in tokens])
    statuses = [status for status, _ in answers]
    assert statuses.count(201) == 10
    assert {body["code"] for status, body in answers if status != 201} == {"sold_out"}
    assert Coupon.objects.filter(campaign=campaign).count() == 10
    assert Campaign.objects.get(pk=campaign.pk).issued_count == 10


def test_concurrent_claims_by_one_customer_never_exceed_the_limit(web, consumer):
    campaign = CampaignFactory(total_quantity=100, per_customer_limit=3)
    url = f"{web}/api/v1/campaigns/{campaign.pk}/claim/"
    token = tokens_for(consumer)["access"]
    answers = all_at_once([lambda: post(url, token, {}) for _ in range(30)])
    statuses = [status for status, _ in answers]
    assert statuses.count(201) == 3
    assert {body["code"] for status, body in answers if status != 201} == {"claim_limit_reached"}
    assert Coupon.objects.filter(campaign=campaign, holder=consumer).count() == 3
    assert Campaign.objects.get(pk=campaign.pk).issued_count == 3
