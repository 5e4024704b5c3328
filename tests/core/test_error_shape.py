"""Every API error has one shape, {code, detail, fields}, with a stable code."""

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == code
    assert body["detail"]
    return body


def test_400_names_the_fields(api):
    body = assert_error(api.post("/api/v1/auth/login/", {"phone": ""}), 400, "invalid")
    assert set(body["fields"]) == {"phone", "password"}


def test_400_on_malformed_json(api):
    response = api.post("/api/v1/auth/login/", "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_401_without_credentials(api):
    response = assert_error(api.get("/api/v1/auth/me/"), 401, "not_authenticated")
    assert response["fields"] == {}


def test_403_for_the_wrong_role(consumer):
    assert_error(client_for(consumer).get("/api/v1/merchant/staff/"), 403, "permission_denied")


def test_404_for_unknown_paths_and_objects(api, owner_client):
    assert_error(api.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(owner_client.get("/api/v1/merchant/staff/999999/"), 404, "not_found")


def test_405_for_a_wrong_method(api):
    assert_error(api.delete("/api/v1/auth/login/"), 405, "method_not_allowed")


def test_429_when_throttled_with_retry_after(api):
    for _ in range(10):  # the auth scope allows 10 a minute
        api.post("/api/v1/auth/register/", {"phone": "1"})
    response = api.post("/api/v1/auth/register/", {"phone": "1"})
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_messages_are_chinese_by_default_and_english_on_request(api):
    chinese = api.get("/api/v1/auth/me/").json()["detail"]
    english = api.get("/api/v1/auth/me/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert "身份认证" in chinese
    assert english == "Authentication credentials were not provided."


def test_an_unknown_api_path_answers_in_the_callers_language(api):
    english = api.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = api.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert (english["detail"], chinese["detail"]) == ("Not found.", "未找到。")
