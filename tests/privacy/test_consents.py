"""Consent: the documents are served and versioned; registration and sign-in record what was
accepted; a new version asks again; location features wait for their own consent."""

import pytest

from geo.matching import subscribers_of_shop_deal
from geo.models import ActivityArea, ActivityCluster, CheckIn, Subscription
from geo.services import activity_area_refresh, activity_areas_refresh_recent, place_create
from privacy.models import Consent
from tests.conftest import client_for
from tests.consumers.factories import purchase
from tests.deals.factories import hotpot_shop, offset
from tests.factories import PASSWORD, ServiceFactory, UserFactory
from tests.sms import code_stored

from .conftest import publish

pytestmark = pytest.mark.django_db


def test_registration_records_acceptance_and_a_new_version_asks_again(api, policies):
    accepted = [{"kind": "privacy", "version": 1}, {"kind": "terms", "version": 1}]
    answer = api.post(
        "/api/v1/auth/register/",
        {
            "phone": "13912340001",
            "password": PASSWORD,
            "accepted": accepted,
            "channel": "web",
            "code": code_stored("13912340001"),
        },
        format="json",
    )
    assert answer.status_code == 201
    assert answer.json()["consents_missing"] == []
    rows = Consent.objects.filter(user__phone="+8613912340001").order_by("kind")
    assert [(c.kind, c.version, c.channel) for c in rows] == [
        ("privacy", 1, "web"),
        ("terms", 1, "web"),
    ]

    publish("privacy", 2, title="隐私政策（2026 修订）")
    login = {"phone": "13912340001", "password": PASSWORD}
    refused = api.post("/api/v1/auth/login/", login).json()  # a new version asks again
    assert refused["code"] == "consent_required"
    assert refused["fields"] == {"privacy": ["2", "隐私政策（2026 修订）"]}
    me = client_for(Consent.objects.first().user)
    old = me.post("/api/v1/me/consents/", {"kind": "privacy", "version": 1})
    assert old.status_code == 409 and old.json()["code"] == "policy_version_outdated"
    agreed = me.post("/api/v1/me/consents/", {"kind": "privacy", "version": 2}).json()
    privacy = next(c for c in agreed["consents"] if c["kind"] == "privacy")
    assert privacy["granted"] and privacy["version"] == privacy["current_version"] == 2
    assert privacy["granted_at"] and agreed["missing"] == []
    assert api.post("/api/v1/auth/login/", login).json()["consents_missing"] == []

    withdrawn = me.delete("/api/v1/me/consents/terms/").json()
    terms = next(c for c in withdrawn["consents"] if c["kind"] == "terms")
    assert terms["granted"] is False and terms["withdrawn_at"]
    assert [m["kind"] for m in withdrawn["missing"]] == ["terms"]


def test_registration_without_acceptance_is_told_what_is_missing(api, policies):
    answer = api.post(
        "/api/v1/auth/register/",
        {"phone": "13912340002", "password": PASSWORD, "code": code_stored("13912340002")},
    )
    assert [m["kind"] for m in answer.json()["consents_missing"]] == ["privacy", "terms"]


def test_documents_are_served_in_chinese_first(api, policies):
    publish("privacy", 1, language="en", title="Privacy policy")
    listed = api.get("/api/v1/policies/").json()["results"]
    assert [(d["kind"], d["version"], d["title"]) for d in listed] == [
        ("privacy", 1, "隐私政策"),
        ("terms", 1, "用户协议"),
    ]
    english = api.get("/api/v1/policies/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [d["title"] for d in english] == ["Privacy policy", "用户协议"]  # terms: zh only
    publish("privacy", 2)
    assert api.get("/api/v1/policies/privacy/").json()["version"] == 2
    assert api.get("/api/v1/policies/privacy/?version=1").json()["title"] == "隐私政策"
    missing = api.get("/api/v1/policies/location/")
    assert missing.status_code == 404 and missing.json()["code"] == "policy_not_published"
    assert api.get("/api/v1/policies/nonsense/").status_code == 404


def check_ins(me, north_m: float, count: int):
    answers = []
    for i in range(count):
        lat, lng = offset(north_m + 20 * i, 15 * i)
        answers.append(me.post("/api/v1/me/check-ins/", {"lat": lat, "lng": lng}))
    return answers


def test_location_features_wait_for_consent_and_withdrawal_deletes_them():
    shop = hotpot_shop()
    consumer = UserFactory()
    me = client_for(consumer)
    for _ in range(3):  # an order history at the shop, which inference would use
        purchase(service=ServiceFactory(shop=shop), consumer=consumer)

    refused = check_ins(me, 300, 1)[0]
    assert refused.status_code == 403 and refused.json()["code"] == "location_consent_required"
    around_area = {"category": "hotpot", "radius_m": 1000}
    refused = me.post("/api/v1/me/subscriptions/", around_area)
    assert refused.json()["code"] == "location_consent_required"
    area = me.post("/api/v1/me/activity-area/refresh/").json()
    assert area["location_consent"] is False and area["clusters"] == []
    activity_areas_refresh_recent()  # beat infers nothing either
    assert not ActivityCluster.objects.filter(consumer=consumer).exists()
    # A subscription around a place the consumer typed in needs no location consent.
    home = place_create(consumer=consumer, kind="home", lat=31.3, lng=121.6)
    kept = me.post("/api/v1/me/subscriptions/", {**around_area, "place": home.pk})
    assert kept.status_code == 201

    granted = me.post("/api/v1/me/consents/", {"kind": "location", "channel": "app"}).json()
    location = next(c for c in granted["consents"] if c["kind"] == "location")
    assert location["granted"] and location["granted_at"]
    assert all(a.status_code == 201 for a in check_ins(me, 300, 3))
    assert me.post("/api/v1/me/subscriptions/", around_area).status_code == 201
    area = me.post("/api/v1/me/activity-area/refresh/").json()
    assert area["location_consent"] is True and area["clusters"]
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == [consumer.pk]

    withdrawn = me.delete("/api/v1/me/consents/location/").json()
    location = next(c for c in withdrawn["consents"] if c["kind"] == "location")
    assert location["granted"] is False and location["withdrawn_at"]
    assert not CheckIn.objects.filter(consumer=consumer).exists()
    assert not ActivityCluster.objects.filter(consumer=consumer).exists()
    assert not ActivityArea.objects.filter(consumer=consumer).exists()
    assert list(Subscription.objects.filter(consumer=consumer).values_list("place", flat=True)) == [
        home.pk
    ]
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == []
    activity_area_refresh(consumer=consumer)  # inference has stopped, orders or not
    activity_areas_refresh_recent()
    assert not ActivityCluster.objects.filter(consumer=consumer).exists()
    assert check_ins(me, 300, 1)[0].status_code == 403


def test_merchants_have_no_location_consent_to_give(owner_client):
    kinds = [c["kind"] for c in owner_client.get("/api/v1/me/consents/").json()["consents"]]
    assert kinds == ["privacy", "terms"]
    refused = owner_client.post("/api/v1/me/consents/", {"kind": "location"})
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_consent"


def test_refusals_speak_english_when_asked(consumer):
    refused = client_for(consumer).post(
        "/api/v1/me/check-ins/", {"lat": 31.2, "lng": 121.4}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.json()["detail"].startswith("Please allow the use of your location")
