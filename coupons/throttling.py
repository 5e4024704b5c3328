"""Repeated invalid codes from one counter device are throttled.

A device is the signed-in account on one client address: the staff (or owner) user id plus
the client IP as DRF sees it (X-Forwarded-For through NUM_PROXIES trusted proxies). The account
part cannot be forged by the client, and the address keeps one till's typos from locking the
same account out on another shop's till; a device header would be the client's to rotate.

Only failures count (`invalid_code`, `not_found`: what guessing produces). Once a device has
had `coupon_code_failures` of them in the current window, its counter requests get 429 until
the window ends. The count is a fixed-window counter in the cache's Redis, like the platform's
other throttles (core.throttling): a GET per counter request, an INCR per failure.
"""

import math

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.throttling import redis_for, redis_run


class CodeFailureThrottle(SimpleRateThrottle):
    scope = "coupon_code_failures"

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

    def failure_record(self, request, view) -> None:
        if self.rate is None:
            return
        key = self._counter(request, view)
        pipe = redis_for(settings.CACHES["default"]["LOCATION"]).pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, self.duration + 1)
        redis_run(pipe)
