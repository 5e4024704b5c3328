"""API authentication: simplejwt's bearer tokens, refused once their sign-in was logged out.

Every token pair carries a session id (`sid`) that the access tokens made from it (and from the
refresh tokens rotated from it) copy. Logout records the sid as revoked in Redis for as long as
an access token can live, so an access token used after logout is 401 like a refresh token.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken

SESSION_CLAIM = "sid"


def revoked_key(session_id: str) -> str:
    return f"jwt:revoked:{session_id}"


def session_revoke(session_id: str) -> None:
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    cache.set(revoked_key(session_id), 1, timeout=int(lifetime) + 60)


def session_revoked(session_id: str) -> bool:
    return bool(cache.get(revoked_key(session_id)))


class JWTAuthentication(authentication.JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        session_id = token.get(SESSION_CLAIM)
        if session_id and session_revoked(str(session_id)):
            raise InvalidToken({"detail": _("登录已退出，请重新登录。"), "code": "token_not_valid"})
        return token


class RevocableJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"
