"""Export: a JSON file of everything the platform holds about me, prepared in the background,
downloadable once through a short-lived link, with nothing of other people."""

import json

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from rest_framework.test import APIClient

from geo.services import (
    activity_area_refresh,
    check_in_create,
    location_consent_grant,
    place_create,
)
from privacy.models import DataExport
from privacy.services.export import SECTIONS
from privacy.tasks import data_export_prepare
from tests.conftest import client_for
from tests.reliability.world import World

pytestmark = pytest.mark.django_db

LISTED = [  # the kinds the issue lists, by their section
    "profile",
    "orders",
    "payments",
    "cards",
    "card_ledger",
    "coupons",
    "reviews",
    "places",
    "check_ins",
    "activity_area",
    "subscriptions",
    "messages",
    "consents",
]


def prepared(me) -> dict:
    asked = me.post("/api/v1/me/export/")
    assert asked.status_code == 202 and asked.json()["status"] == "pending"
    assert asked.json()["download_url"] is None
    data_export_prepare(asked.json()["id"])  # the Celery task's body
    return me.get("/api/v1/me/export/").json()


def test_the_export_holds_every_kind_and_nothing_of_other_people():
    world = World()
    consumer, other = world.users["consumer_a"], world.users["consumer_b"]
    for step in range(3):
        check_in_create(consumer=consumer, lat=31.23 + step * 0.001, lng=121.45)
    activity_area_refresh(consumer=consumer)
    me = client_for(consumer)
    me.post("/api/v1/me/consents/", {"kind": "privacy", "version": 1})
    # Consumer B has data of the same kinds.
    client_for(other).post("/api/v1/me/consents/", {"kind": "privacy", "version": 1})
    location_consent_grant(consumer=other)
    check_in_create(consumer=other, lat=31.24, lng=121.46)
    place_create(consumer=other, kind="home", lat=31.24, lng=121.46)

    ready = prepared(me)
    assert ready["status"] == "ready" and ready["download_url"]
    anyone = APIClient()  # the link is the credential
    response = anyone.get(ready["download_url"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)

    assert [s["section"] for s in document["summary"]] == [s.key for s in SECTIONS]
    empty = [key for key in LISTED if not document["data"][key]]
    assert empty == [], f"nothing exported for {empty}"
    assert "订单：" in document["summary_text"]
    assert document["data"]["profile"][0]["phone"] == consumer.phone.as_e164
    assert "password" not in document["data"]["profile"][0]
    assert all("password" not in card for card in document["data"]["cards"])
    text = response.content.decode()
    for stranger in (other.phone.as_e164, other.name, "+8613912349999", "老客"):
        assert stranger not in text
    for section in ("orders", "cards", "reviews", "check_ins", "places", "subscriptions"):
        assert {row["consumer_id"] for row in document["data"][section]} == {consumer.pk}
    assert {row["user_id"] for row in document["data"]["consents"]} == {consumer.pk}
    assert {row["recipient_id"] for row in document["data"]["messages"]} == {consumer.pk}

    # Once: the link is spent and the file is gone from storage.
    again = anyone.get(ready["download_url"])
    assert again.status_code == 410 and again.json()["code"] == "export_link_invalid"
    export = DataExport.objects.get(pk=ready["id"])
    assert export.status == "downloaded" and not export.file
    assert me.get("/api/v1/me/export/").json()["download_url"] is None


def test_a_link_expires_and_a_forged_one_is_refused(consumer):
    me = client_for(consumer)
    url = prepared(me)["download_url"]
    forged = APIClient().get(url[:-3] + "xyz")
    assert forged.status_code == 410
    with override_settings(PRIVACY_EXPORT_LINK_MINUTES=-1):
        assert APIClient().get(url).status_code == 410
    name = DataExport.objects.get(user=consumer).file.name
    assert default_storage.exists(name)  # not spent by the refused tries
    assert APIClient().get(url).status_code == 200


def test_asking_twice_while_pending_is_one_export(consumer):
    me = client_for(consumer)
    first = me.post("/api/v1/me/export/").json()
    assert me.post("/api/v1/me/export/").json()["id"] == first["id"]
    assert client_for(consumer).get("/api/v1/me/export/").json()["status"] == "pending"


def test_an_export_nobody_downloads_is_deleted_after_the_keep_days(
    consumer, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from privacy.tasks import exports_expire

    prepared(client_for(consumer))
    export = DataExport.objects.get(user=consumer)
    name = export.file.name
    assert exports_expire() == 0
    DataExport.objects.filter(pk=export.pk).update(ready_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_expire() == 1
    assert not default_storage.exists(name)
    assert DataExport.objects.get(pk=export.pk).status == "expired"
