"""Rate limits: fixed-window counters in the real Redis, shared by every web process."""

import pytest

from core import throttling
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
DISCOVER = "/api/v1/discover/?lat=31.2&lng=121.4"


@pytest.fixture
def low_rates(monkeypatch):
    rates = {**throttling.AnonRateThrottle.THROTTLE_RATES, "anon": "3/min", "user": "5/min"}
    monkeypatch.setattr(throttling.AnonRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(throttling.SignedInRateThrottle, "THROTTLE_RATES", rates)


def test_anonymous_clients_get_the_anon_rate_then_429_with_retry_after(api, low_rates):
    assert [api.get(DISCOVER).status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get(DISCOVER)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_signed_in_clients_get_their_own_higher_rate(api, consumer, low_rates):
    for _ in range(3):
        api.get(DISCOVER)
    signed_in = client_for(consumer)
    assert [signed_in.get(DISCOVER).status_code for _ in range(5)] == [200] * 5
    assert signed_in.get(DISCOVER).status_code == 429


def test_a_new_window_starts_from_zero(api, low_rates, monkeypatch):
    clock = iter([1000.0] * 4 + [1061.0] * 2)
    monkeypatch.setattr(throttling.AnonRateThrottle, "timer", lambda self: next(clock))
    statuses = [api.get(DISCOVER).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 200]
