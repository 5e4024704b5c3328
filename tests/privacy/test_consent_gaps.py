"""Deletion re-authenticated by an SMS code; marketing consents beside the others (listed,
withdrawn, exported, erased); a sign-in with a current document not accepted is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.marketing import marketing_consent_set
from notifications.models import ConsentSource, MarketingConsent
from privacy.models import DeletionRequest
from privacy.services.deletion import deletions_due_erase
from privacy.services.export import export_document
from tests.conftest import client_for
from tests.factories import PASSWORD, MerchantFactory, UserFactory
from tests.sms import code_sent
from verification.models import SmsCode

from .conftest import publish

pytestmark = pytest.mark.django_db
DELETION = "/api/v1/me/deletion/"


def test_deletion_accepts_an_sms_code_sent_for_deletion_and_counts_wrong_ones(api, tmp_path):
    user = UserFactory()
    me = client_for(user)
    code = code_sent(api, str(user.phone), tmp_path, purpose="deletion")
    wrong = me.post(DELETION, {"sms_code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "reauthentication_failed"
    assert "sms_code" in wrong.json()["fields"]
    assert SmsCode.objects.get(phone=str(user.phone)).attempts == 1  # the try stays counted
    asked = me.post(DELETION, {"sms_code": code})
    assert asked.status_code == 202, asked.json()
    assert asked.json()["status"] == "pending"
    again = client_for(user).post(DELETION, {"sms_code": code})
    assert again.status_code == 403  # a code works once

    request = DeletionRequest.objects.get(user=user)
    assert deletions_due_erase(now=request.due_at + timedelta(minutes=1)) == 1
    assert not SmsCode.objects.filter(phone=str(user.phone)).exists()


def test_a_login_code_re_authenticates_too_and_another_phones_code_does_not(api, tmp_path):
    user, other = UserFactory(), UserFactory()
    others_code = code_sent(api, str(other.phone), tmp_path, purpose="deletion")
    refused = client_for(user).post(DELETION, {"sms_code": others_code})
    assert refused.status_code == 403
    code = code_sent(api, str(user.phone), tmp_path, purpose="login")
    assert client_for(user).post(DELETION, {"sms_code": code}).status_code == 202


def test_marketing_consents_are_listed_withdrawn_exported_and_erased():
    user = UserFactory()
    tea, noodles = MerchantFactory(name="茶饮店"), MerchantFactory(name="面馆")
    noodles.verified_at = timezone.now()
    noodles.save(update_fields=["verified_at"])
    me = client_for(user)
    given = me.post("/api/v1/me/consents/", {"kind": "marketing", "merchant": tea.pk})
    assert given.status_code == 200, given.json()
    marketing_consent_set(
        phone=str(user.phone), merchant=noodles, granted=True, source=ConsentSource.COUNTER
    )
    rows = [
        r for r in me.get("/api/v1/me/consents/").json()["consents"] if r["kind"] == "marketing"
    ]
    assert [(r["merchant_name"], r["granted"], r["channel"]) for r in rows] == [
        ("茶饮店", True, "app"),
        ("面馆", True, "counter"),
    ]
    nameless = me.post("/api/v1/me/consents/", {"kind": "marketing"})
    assert nameless.status_code == 400 and nameless.json()["code"] == "merchant_required"
    gone = me.post("/api/v1/me/consents/", {"kind": "marketing", "merchant": 10**9})
    assert gone.status_code == 404

    one = me.delete(f"/api/v1/me/consents/marketing/?merchant={tea.pk}")
    assert one.status_code == 200
    rows = [r for r in one.json()["consents"] if r["kind"] == "marketing"]
    assert [(r["merchant_name"], r["granted"]) for r in rows] == [("茶饮店", False), ("面馆", True)]
    assert me.delete("/api/v1/me/consents/marketing/?merchant=x").status_code == 404

    exported = export_document(user)["data"]["marketing_consents"]
    assert {row["merchant_id"] for row in exported} == {tea.pk, noodles.pk}
    assert "recorded_by_id" not in exported[0]

    every = me.delete("/api/v1/me/consents/marketing/")
    assert not any(r["granted"] for r in every.json()["consents"] if r["kind"] == "marketing")

    other = UserFactory()
    marketing_consent_set(
        phone=str(other.phone), merchant=noodles, granted=True, source=ConsentSource.COUNTER
    )
    assert me.post(DELETION, {"password": PASSWORD}).status_code == 202
    request = DeletionRequest.objects.get(user=user)
    deletions_due_erase(now=request.due_at + timedelta(minutes=1))
    assert not MarketingConsent.objects.filter(phone=str(user.phone)).exists()
    assert MarketingConsent.objects.filter(phone=str(other.phone), granted=True).exists()


def test_sign_in_is_refused_until_the_current_documents_are_accepted(api, policies):
    user = UserFactory()
    login = {"phone": str(user.phone), "password": PASSWORD}
    refused = api.post("/api/v1/auth/login/", login, format="json")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "consent_required"
    assert body["fields"] == {"privacy": ["1", "隐私政策"], "terms": ["1", "用户协议"]}
    assert "access" not in body
    accepted = [{"kind": "privacy", "version": 1}, {"kind": "terms", "version": 1}]
    session = api.post("/api/v1/auth/login/", {**login, "accepted": accepted}, format="json")
    assert session.status_code == 200 and session.json()["consents_missing"] == []
    publish("terms", 2, title="用户协议（修订）")
    again = api.post("/api/v1/auth/login/", login, format="json")
    assert again.status_code == 403 and set(again.json()["fields"]) == {"terms"}
    en = api.post("/api/v1/auth/login/", login, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "accept" in en.json()["detail"].lower()
