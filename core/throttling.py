"""Rate limits as fixed-window counters in Redis: one round trip per request, whatever the rate.

DRF's throttles keep every request's timestamp in a list that is read and rewritten whole on each
request; at a high rate (a busy carrier NAT address, a load test) that list is most of the cost.
A counter per client and window allows at most twice the rate across a window's edge, which is
fine for stopping abuse. The counters live in the cache's Redis, so every web process shares them.
"""

import functools
import math

import redis
from django.conf import settings
from rest_framework import throttling


@functools.cache
def redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def redis_run(pipe: redis.client.Pipeline) -> list:
    """Execute `pipe`. A socket that breaks or times out mid-handshake can surface from redis-py
    as a bare OSError or "I/O operation on closed file" (ValueError) instead of its own
    ConnectionError; it is the same outage, so it gets the same 503 (core.faults)."""
    try:
        return pipe.execute()
    except (OSError, ValueError) as error:
        raise redis.exceptions.ConnectionError(str(error)) from error


class CounterThrottleMixin:
    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        key = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:throttle:{self.key}:{window}"
        pipe = redis_for(settings.CACHES["default"]["LOCATION"]).pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, self.duration + 1)
        count, _ = redis_run(pipe)
        self.retry_after = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return math.ceil(self.retry_after)


class AnonRateThrottle(CounterThrottleMixin, throttling.AnonRateThrottle):
    """The `anon` rate, per client address."""


class SignedInRateThrottle(CounterThrottleMixin, throttling.UserRateThrottle):
    """The `user` rate for signed-in clients only; anonymous ones have the `anon` rate."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class ScopedRateThrottle(CounterThrottleMixin, throttling.ScopedRateThrottle):
    """A view's own `throttle_scope` rate (login, redemption attempts ...)."""

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
