"""Rate limits as fixed-window counters in Redis: one round trip per request, whatever the rate.

DRF's throttles keep every request's timestamp in a list that is read and rewritten whole on each
request; at a high rate (a busy carrier NAT address, a load test) that list is most of the cost.
A counter per client and window allows at most twice the rate across a window's edge, which is
fine for stopping abuse. The counters live in the cache's Redis, so every web process shares them.
"""

import functools
import math
from collections.abc import Callable

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import throttling

from .codes import InvalidCode
from .errors import NotFound, error_body


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


class CodeFailureThrottle(throttling.SimpleRateThrottle):
    """Repeated invalid codes from one counter device are throttled (coupon, card and order
    codes alike: one count per device).

    A device is the signed-in account on one client address: the staff (or owner) user id plus
    the client IP as DRF sees it (X-Forwarded-For through NUM_PROXIES trusted proxies). The
    account part cannot be forged by the client, and the address keeps one till's typos from
    locking the same account out on another shop's till; a device header would be the client's
    to rotate.

    Only failures count (`invalid_code`, `not_found`: what guessing produces). Once a device has
    had `counter_code_failures` of them in the current window, its counter requests get 429
    until the window ends: a GET per counter request, an INCR per failure.
    """

    scope = "counter_code_failures"

    def get_cache_key(self, request, view):
        return f"{self.scope}:{request.user.pk}:{self.get_ident(request)}"

    def _counter(self, request, view) -> str:
        now = self.timer()
        window = int(now // self.duration)
        self.retry_after = (window + 1) * self.duration - now
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        return f"{prefix}:throttle:{self.get_cache_key(request, view)}:{window}"

    def allow_request(self, request, view) -> bool:
        """Only looks: a request is counted once it has failed."""
        if self.rate is None:
            return True
        pipe = redis_for(settings.CACHES["default"]["LOCATION"]).pipeline(transaction=False)
        pipe.get(self._counter(request, view))
        (failures,) = redis_run(pipe)
        return int(failures or 0) < self.num_requests

    def wait(self) -> float:
        return math.ceil(self.retry_after)

    def failure_note(self, request, view, error: Exception) -> None:
        """Count `error` against the device when it is what guessing produces."""
        if isinstance(error, InvalidCode | NotFound):
            self.failure_record(request, view)

    def failure_record(self, request, view) -> None:
        if self.rate is None:
            return
        key = self._counter(request, view)
        pipe = redis_for(settings.CACHES["default"]["LOCATION"]).pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, self.duration + 1)
        redis_run(pipe)


class CodeFailuresThrottled:
    """For counter views that take a scanned or typed code: `code_actions` (a viewset's actions;
    None for every request of a plain APIView) get CodeFailureThrottle, and an unreadable or
    unknown code counts as a failure of the device."""

    code_actions: tuple[str, ...] | None = None

    def takes_code(self) -> bool:
        return self.code_actions is None or getattr(self, "action", None) in self.code_actions

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.takes_code():
            throttles.append(CodeFailureThrottle())
        return throttles

    def handle_exception(self, exc):
        if self.takes_code():
            CodeFailureThrottle().failure_note(self.request, self, exc)
        return super().handle_exception(exc)


class SignInThrottle(CounterThrottleMixin, throttling.SimpleRateThrottle):
    """The `auth` rate per client address, signed in or not: the API's sign-in views' own
    counter (`throttle_scope = "auth"` keys an anonymous client by its address too), so every
    way of signing in or of looking a person up by phone draws on one budget per address.

    For a DRF view: `throttle_classes = [..., SignInThrottle]`; for a Django view or page:
    `@sign_in_throttled`.
    """

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AccountSignInThrottle(CounterThrottleMixin, throttling.SimpleRateThrottle):
    """The `auth` rate per signed-in account, beside SignInThrottle's per address: for a signed-
    in person's lookups by phone (a merchant inviting a customer)."""

    scope = "auth"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"user-{request.user.pk}"}


def throttled_response(request: HttpRequest, wait: float) -> HttpResponse:
    """429 in the API's error shape for API and JSON clients, a plain page for browsers."""
    detail = _("尝试过于频繁，请 %(seconds)s 秒后再试。") % {"seconds": math.ceil(wait)}
    headers = {"Retry-After": str(math.ceil(wait))}
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.path.startswith("/api/") or wants_json:
        return JsonResponse(error_body("throttled", detail), status=429, headers=headers)
    response = render(request, "core/throttled.html", {"detail": detail}, status=429)
    response["Retry-After"] = headers["Retry-After"]
    return response


def sign_in_throttled(view: Callable) -> Callable:
    """One line for any sign-in page (dashboard, admin, a later SMS-code sign-in): its POSTs
    count against SignInThrottle, and past the `auth` rate answer 429 before any password or
    code is checked."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            throttle = SignInThrottle()
            if not throttle.allow_request(request, None):
                return throttled_response(request, throttle.wait())
        return view(request, *args, **kwargs)

    return wrapper
