from rest_framework.throttling import SimpleRateThrottle

from core.throttling import CounterThrottleMixin


class SmsCodeAddressThrottle(CounterThrottleMixin, SimpleRateThrottle):
    """SMS codes asked for from one client address (`sms_code_address` rate), whatever the
    phones: one address cannot make the platform text many strangers."""

    scope = "sms_code_address"

    def get_cache_key(self, request, view):
        return f"{self.scope}:{self.get_ident(request)}"
