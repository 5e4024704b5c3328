import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.factories import PASSWORD, UserFactory

from .conftest import browser_for

pytestmark = pytest.mark.django_db
LOGIN = "/dashboard/login/"


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"phone": str(user.phone), "password": password, **extra})


def test_owner_and_staff_sign_in_with_phone_and_password(merchant, staff):
    for user in (merchant.owner, staff.user):
        client = browser_for()
        response = sign_in(client, user, next="/dashboard/staff/")
        assert response.status_code == 302
        assert response["Location"] == "/dashboard/staff/"
        assert client.get("/dashboard/").status_code == 200


def test_wrong_password_is_refused_in_chinese(merchant):
    response = sign_in(browser_for(), merchant.owner, password="wrong")
    assert response.status_code == 422
    assert "手机号或密码错误。" in response.content.decode()


def test_missing_fields_are_named_in_chinese():
    response = browser_for().post(LOGIN, {"phone": "12", "password": ""})
    page = response.content.decode()
    assert "该字段是必填项。" in page
    assert "输入的电话号码无效。" in page or "电话号码" in page


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.ADMIN])
def test_accounts_of_no_merchant_cannot_sign_in(role):
    user = UserFactory(role=role)
    client = browser_for()
    response = sign_in(client, user)
    assert response.status_code == 422
    assert "当前账户不属于任何商户。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_phone_with_a_page_not_json(merchant, settings):
    client = browser_for()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, merchant.owner, password="wrong")
    response = sign_in(client, merchant.owner)  # the right password, too late
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "账户已暂时锁定" in response.content.decode()
    api = Client().post(
        "/api/v1/auth/login/",
        {"phone": str(merchant.owner.phone), "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert api.json()["code"] == "login_locked"  # the API keeps its error shape


def test_forms_need_the_csrf_token(merchant):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, merchant.owner).status_code == 403
    page = client.get(LOGIN).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = sign_in(client, merchant.owner, csrfmiddlewaretoken=token)
    assert response.status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(merchant):
    client = browser_for(merchant.owner)
    assert client.get(reverse("dashboard:logout")).status_code == 405
    assert client.post(reverse("dashboard:logout"))["Location"] == LOGIN
    assert client.get("/dashboard/").status_code == 302


def test_next_never_leaves_the_site(merchant):
    response = sign_in(browser_for(), merchant.owner, next="https://evil.example/")
    assert response["Location"] == "/dashboard/"


def test_deactivated_staff_are_signed_out(staff):
    client = browser_for(staff.user)
    assert client.get("/dashboard/").status_code == 200
    staff.user.is_active = False
    staff.user.save()
    assert client.get("/dashboard/").status_code == 302


def test_english_on_request_and_chinese_by_default(merchant):
    client = browser_for()
    assert "商户登录" in client.get(LOGIN).content.decode()
    client.post(reverse("dashboard:language"), {"language": "en", "next": LOGIN})
    page = client.get(LOGIN).content.decode()
    assert "Merchant sign-in" in page
    assert 'lang="en"' in page
    refused = sign_in(client, merchant.owner, password="wrong").content.decode()
    assert "Wrong phone number or password." in refused
    client.post(reverse("dashboard:language"), {"language": "zh-hans", "next": LOGIN})
    assert "商户登录" in client.get(LOGIN).content.decode()


@pytest.mark.parametrize("path", [LOGIN, "/admin/login/"])
def test_one_address_signing_in_as_many_phones_is_throttled(path, settings):
    """The API's `auth` rate per client address (10/min) holds for every sign-in page."""
    client = Client()
    statuses = [
        client.post(path, {"phone": f"1380000{n:04d}", "username": f"1380000{n:04d}",
                           "password": "wrong"}, REMOTE_ADDR="203.0.113.7").status_code
        for n in range(12)
    ]  # fmt: skip
    assert 429 not in statuses[:10]
    assert statuses[10:] == [429, 429]
    refused = client.post(path, {"phone": "13800009999"}, REMOTE_ADDR="203.0.113.7")
    assert refused["Retry-After"]
    assert "尝试过于频繁" in refused.content.decode()
    english = client.post(
        path, {"phone": "13800009998"}, REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Too many attempts" in english.content.decode()
    other_address = client.post(path, {"phone": "13800009997"}, REMOTE_ADDR="203.0.113.8")
    assert other_address.status_code != 429


def test_the_sign_in_pages_and_the_api_share_one_budget_per_address():
    client = Client()
    for n in range(10):
        client.post("/api/v1/auth/login/", {"phone": f"1380000{n:04d}", "password": "wrong"},
                    content_type="application/json", REMOTE_ADDR="203.0.113.9")  # fmt: skip
    response = client.post(LOGIN, {"phone": "13800001111"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429


def test_sign_in_asks_for_the_current_documents_and_records_them(merchant):
    from privacy.models import Consent
    from tests.privacy.conftest import publish

    publish("privacy", 1, title="隐私政策")
    publish("terms", 2, title="用户协议")
    client = browser_for()
    response = sign_in(client, merchant.owner, next="/dashboard/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/consents/")
    assert client.get("/dashboard/staff/")["Location"].startswith("/dashboard/consents/")
    page = client.get(response["Location"]).content.decode()
    assert "隐私政策" in page and "用户协议" in page and "第 2 版" in page

    form = {"next": "/dashboard/staff/", "version_privacy": "1", "version_terms": "2"}
    unticked = client.post("/dashboard/consents/", form)
    assert unticked.status_code == 422 and "我已阅读并同意" in unticked.content.decode()
    stale = client.post("/dashboard/consents/", {**form, "version_terms": "1", "agree": "on"})
    assert stale.status_code == 409 and not Consent.objects.filter(user=merchant.owner).exists()
    agreed = client.post("/dashboard/consents/", {**form, "agree": "on"})
    assert agreed.status_code == 302 and agreed["Location"] == "/dashboard/staff/"
    rows = Consent.objects.filter(user=merchant.owner).order_by("kind")
    assert [(c.kind, c.version, c.channel) for c in rows] == [
        ("privacy", 1, "dashboard"),
        ("terms", 2, "dashboard"),
    ]
    assert client.get("/dashboard/staff/").status_code == 200
    again = sign_in(browser_for(), merchant.owner, next="/dashboard/staff/")
    assert again["Location"] == "/dashboard/staff/"  # accepted once, not asked again
