"""The activity area: inferred from the consumer's own check-ins (and orders, redemptions),
shown to them, corrected or switched off, and used by subscriptions without a place."""

import pytest

from geo.matching import subscribers_of_shop_deal
from geo.services import check_in_create, location_consent_grant, subscription_create
from merchants.models import Category
from tests.conftest import client_for
from tests.deals.factories import hotpot_shop, offset
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def check_ins(consumer, north_m: float, count: int) -> None:
    location_consent_grant(consumer=consumer)
    for i in range(count):
        lat, lng = offset(north_m + 20 * i, 15 * i)
        check_in_create(consumer=consumer, lat=lat, lng=lng)


def test_clusters_come_from_the_consumers_own_history():
    consumer, other = UserFactory(), UserFactory()
    check_ins(consumer, 0, 4)  # around the shop
    check_ins(consumer, 8000, 3)  # 8 km north: a second place
    check_in_create(consumer=consumer, lat=31.5, lng=121.2)  # once: noise, no cluster
    check_ins(other, 20000, 5)  # someone else's
    api = client_for(consumer)

    area = api.post("/api/v1/me/activity-area/refresh/").json()
    assert area["enabled"] is True and area["corrected"] is False
    assert [c["points"] for c in area["clusters"]] == [4, 3]
    home = area["clusters"][0]
    assert abs(home["center"]["lat"] - offset(30, 0)[0]) < 0.001
    assert 500 <= home["radius_m"] <= 1000
    assert api.get("/api/v1/me/activity-area/").json() == area


def test_a_subscription_around_the_activity_area_follows_corrections_and_the_switch():
    shop = hotpot_shop()
    consumer = UserFactory()
    check_ins(consumer, 300, 3)
    subscription_create(
        consumer=consumer, category=Category.objects.get(slug="hotpot"), radius_m=1000
    )
    api = client_for(consumer)
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == []  # not inferred yet

    api.post("/api/v1/me/activity-area/refresh/")
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == [consumer.pk]

    off = api.patch("/api/v1/me/activity-area/", {"enabled": False}, format="json")
    assert off.json()["enabled"] is False
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == []

    far = offset(15000, 0)
    corrected = api.patch(
        "/api/v1/me/activity-area/",
        {"enabled": True, "clusters": [{"lat": far[0], "lng": far[1], "radius_m": 800}]},
        format="json",
    ).json()
    assert corrected["corrected"] is True
    assert [c["source"] for c in corrected["clusters"]] == ["manual"]
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == []  # moved away

    # Inference leaves a correction alone; asking for a fresh area discards it.
    from geo.services import activity_area_refresh

    activity_area_refresh(consumer=consumer)
    assert api.get("/api/v1/me/activity-area/").json()["corrected"] is True
    api.post("/api/v1/me/activity-area/refresh/")
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == [consumer.pk]


def test_places_and_subscriptions_api_and_moving_a_place():
    shop = hotpot_shop()
    consumer = UserFactory()
    api = client_for(consumer)
    lat, lng = offset(north_m=6000)
    place = api.post(
        "/api/v1/me/places/", {"kind": "work", "lat": lat, "lng": lng}, format="json"
    ).json()
    again = api.post("/api/v1/me/places/", {"kind": "work", "lat": lat, "lng": lng}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "place_taken"
    created = api.post(
        "/api/v1/me/subscriptions/",
        {"category": "dining", "place": place["id"], "radius_m": 2000},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["around"] == "place"
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == []

    near = offset(north_m=1000)
    api.patch(f"/api/v1/me/places/{place['id']}/", {"lat": near[0], "lng": near[1]}, format="json")
    assert subscribers_of_shop_deal(shop=shop, radius_m=3000) == [consumer.pk]

    both = api.post(
        "/api/v1/me/subscriptions/",
        {"category": "dining", "shop": shop.pk, "radius_m": 2000},
        format="json",
    )
    assert both.status_code == 400 and both.json()["code"] == "invalid_subscription"
    stranger_place = (
        client_for(UserFactory())
        .post("/api/v1/me/places/", {"kind": "pin", "lat": lat, "lng": lng}, format="json")
        .json()
    )
    borrowed = api.post(
        "/api/v1/me/subscriptions/",
        {"category": "dining", "place": stranger_place["id"], "radius_m": 2000},
        format="json",
    )
    assert borrowed.status_code == 400  # another consumer's place does not exist for me
