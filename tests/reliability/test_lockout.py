"""Login lockout (django-axes, per phone) and the per-client login throttle. The consumption
password and redemption throttles belong to the coupons and loyalty apps and are tested there.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/api/v1/auth/login/"


def attempts(api, phone: str, password: str, times: int) -> list[tuple[int, str]]:
    answers = []
    for _ in range(times):
        response = api.post(LOGIN, {"phone": phone, "password": password})
        answers.append((response.status_code, response.json()["code"]))
    return answers


def test_an_unknown_phone_locks_exactly_like_a_known_one(api):
    """Otherwise the lockout would tell an attacker which phones have accounts."""
    UserFactory(phone="+8613812340001")
    known = attempts(api, "13812340001", "wrong", 6)
    cache.clear()  # a fresh client minute: the throttle is tested below
    unknown = attempts(api, "13812340002", "wrong", 6)
    assert known == unknown
    assert known == [(401, "invalid_credentials")] * 4 + [(429, "login_locked")] * 2


def test_a_locked_phone_is_locked_on_the_admin_login_too(api):
    User.objects.create_superuser("+8613812340003", PASSWORD)
    attempts(api, "13812340003", "wrong", 5)
    response = Client().post("/admin/login/", {"username": "+8613812340003", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"


def test_one_client_spraying_many_phones_is_throttled(api):
    """Locks are per phone, so guessing one password across many phones is met by the
    per-client `auth` throttle (10 a minute)."""
    codes = [
        api.post(LOGIN, {"phone": f"1381234{n:04d}", "password": "123456"}).status_code
        for n in range(11)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429
