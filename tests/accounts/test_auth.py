from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Role, User
from merchants.models import Merchant
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory
from tests.sms import register_code

pytestmark = pytest.mark.django_db
REGISTER = "/api/v1/auth/register/"
LOGIN = "/api/v1/auth/login/"


def register(api, **data):
    """Register as the app does: with the code the phone got (tests.sms)."""
    body = {"phone": "13812345678", "password": PASSWORD, **data}
    return api.post(REGISTER, {"code": register_code(api, body["phone"]), **body})


def test_register_consumer_returns_tokens_that_work(api):
    response = register(api, name="张三")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["user"]["phone"] == "+8613812345678"
    assert body["user"]["role"] == "consumer"
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api.get("/api/v1/auth/me/").json()["name"] == "张三"


def test_register_merchant_owner_creates_the_merchant(api):
    response = register(api, role="merchant_owner", merchant_name="张记理发")
    assert response.status_code == 201
    assert Merchant.objects.get(owner__phone="+8613812345678").name == "张记理发"


def test_register_merchant_owner_needs_a_merchant_name_and_writes_nothing(api):
    response = register(api, role="merchant_owner")
    assert response.status_code == 400
    assert "merchant_name" in response.json()["fields"]
    assert not User.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "1381234567", "not-a-phone", "+861"])
def test_register_rejects_bad_phone_numbers(api, phone):
    response = register(api, phone=phone)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["phone"]


@pytest.mark.parametrize("password", ["short1", "12345678901", "password123", "13812345678"])
def test_register_rejects_weak_passwords(api, password):
    response = register(api, password=password)
    assert response.status_code == 400
    assert response.json()["code"] == "weak_password"
    assert response.json()["fields"]["password"]
    assert not User.objects.exists()


def test_register_rejects_a_phone_already_registered_in_any_format(api):
    assert register(api).status_code == 201
    response = register(api, phone="+86 138 1234 5678")
    assert response.status_code == 409
    assert response.json()["code"] == "phone_taken"
    assert User.objects.count() == 1


def test_login_with_local_or_international_format(api):
    UserFactory(phone="+8613812345678")
    for phone in ("13812345678", "+8613812345678"):
        response = api.post(LOGIN, {"phone": phone, "password": PASSWORD})
        assert response.status_code == 200, response.json()
        assert response.json()["access"]


def test_login_wrong_password_is_401_with_a_stable_code(api):
    UserFactory(phone="+8613812345678")
    response = api.post(LOGIN, {"phone": "13812345678", "password": "wrong-password"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_login_locks_the_phone_after_five_failures(api):
    UserFactory(phone="+8613812345678")
    other = UserFactory()
    codes = [
        api.post(LOGIN, {"phone": "13812345678", "password": "wrong"}).status_code for _ in range(5)
    ]
    assert codes == [401, 401, 401, 401, 429]
    locked = api.post(LOGIN, {"phone": "13812345678", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"
    # The lock is per phone: another customer on the same network still logs in.
    assert api.post(LOGIN, {"phone": str(other.phone), "password": PASSWORD}).status_code == 200


def test_lockout_ends_after_the_cool_off(api, settings):
    UserFactory(phone="+8613812345678")
    for _ in range(5):
        api.post(LOGIN, {"phone": "13812345678", "password": "wrong"})
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    assert api.post(LOGIN, {"phone": "13812345678", "password": PASSWORD}).status_code == 200


def test_refresh_rotates_and_the_old_refresh_token_stops_working(api):
    UserFactory(phone="+8613812345678")
    tokens = api.post(LOGIN, {"phone": "13812345678", "password": PASSWORD}).json()
    rotated = api.post("/api/v1/auth/refresh/", {"refresh": tokens["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["access"] != tokens["access"]
    reused = api.post("/api/v1/auth/refresh/", {"refresh": tokens["refresh"]})
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"


def test_an_expired_access_token_is_rejected(api, consumer):
    token = AccessToken.for_user(consumer)
    token.set_exp(lifetime=-timedelta(seconds=1))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_logout_revokes_the_refresh_token(api):
    UserFactory(phone="+8613812345678")
    tokens = api.post(LOGIN, {"phone": "13812345678", "password": PASSWORD}).json()
    assert api.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}).status_code == 204
    response = api.post("/api/v1/auth/refresh/", {"refresh": tokens["refresh"]})
    assert response.status_code == 401


def test_logout_revokes_the_access_tokens_of_that_sign_in_only(api):
    UserFactory(phone="+8613812345678")
    phone = {"phone": "13812345678", "password": PASSWORD}
    tokens = api.post(LOGIN, phone).json()
    other = api.post(LOGIN, phone).json()  # the same person on another phone
    rotated = api.post("/api/v1/auth/refresh/", {"refresh": tokens["refresh"]}).json()
    assert api.post("/api/v1/auth/logout/", {"refresh": rotated["refresh"]}).status_code == 204
    for access in (tokens["access"], rotated["access"]):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        response = api.get("/api/v1/auth/me/")
        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {other['access']}")
    assert api.get("/api/v1/auth/me/").status_code == 200


def test_me_updates_only_the_name(consumer):
    client = client_for(consumer)
    response = client.patch("/api/v1/auth/me/", {"name": "新名字", "role": Role.ADMIN})
    assert response.status_code == 200
    consumer.refresh_from_db()
    assert (consumer.name, consumer.role) == ("新名字", Role.CONSUMER)


def test_inactive_accounts_cannot_log_in(api):
    UserFactory(phone="+8613812345678", is_active=False)
    response = api.post(LOGIN, {"phone": "13812345678", "password": PASSWORD})
    assert response.status_code == 401
