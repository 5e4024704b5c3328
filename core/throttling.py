from rest_framework.throttling import UserRateThrottle


class SignedInRateThrottle(UserRateThrottle):
    """The `user` rate for signed-in clients only; anonymous ones have the `anon` rate.

    DRF's UserRateThrottle also counts anonymous clients by IP, which would put them under
    both rates and cost a second Redis round trip per request.
    """

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
