"""`coord_type=gcj02`: a client on AMap, Tencent Maps or WeChat maps sends and gets GCJ-02
coordinates everywhere the API takes or returns them; storage and distances stay WGS84."""

import pytest
import yaml
from django.core.cache import cache
from geographiclib.geodesic import Geodesic

from consumers.models import ShopOrderPolicy
from core.coords import gcj02_to_wgs84, wgs84_to_gcj02
from deals.services import flash_deal_publish
from geo.models import CheckIn, Place
from geo.services import location_consent_grant
from merchants.models import Category, Shop
from tests.conftest import client_for
from tests.consumers.conftest import key
from tests.consumers.factories import BookableServiceFactory, SlotFactory
from tests.deals.factories import SHOP_LAT, SHOP_LNG, deal_for, hotpot_shop
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
WGS = (SHOP_LAT, SHOP_LNG)
GCJ = wgs84_to_gcj02(*WGS)  # where an AMap user sees the same shop
GCJ_PARAM = {"coord_type": "gcj02"}


def metres(a, b) -> float:
    return Geodesic.WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"]


def at(location: dict) -> tuple[float, float]:
    return location["lat"], location["lng"]


def stored(point) -> tuple[float, float]:
    return point.y, point.x


def test_the_two_systems_are_hundreds_of_metres_apart():
    assert 300 < metres(WGS, GCJ) < 700


def test_discovery_takes_and_answers_gcj02(api):
    shop = hotpot_shop()
    near_wgs = {"lat": WGS[0] + 0.003, "lng": WGS[1]}
    near_gcj = dict(zip(("lat", "lng"), wgs84_to_gcj02(*near_wgs.values()), strict=True))
    by_wgs = api.get("/api/v1/discover/", near_wgs).json()["results"]
    by_gcj = api.get("/api/v1/discover/", {**near_gcj, **GCJ_PARAM}).json()["results"]
    assert [s["id"] for s in by_gcj] == [s["id"] for s in by_wgs] == [shop.pk]
    assert by_gcj[0]["distance_m"] == pytest.approx(by_wgs[0]["distance_m"], abs=0.05)
    assert at(by_wgs[0]["location"]) == pytest.approx(WGS)
    assert metres(at(by_gcj[0]["location"]), GCJ) < 0.01

    # The same place given in GCJ-02 but read as WGS84 is some 500 m off: the radius tells.
    tight = {"radius_m": 400}
    assert api.get("/api/v1/discover/", {**near_gcj, **tight}).json()["results"] == []
    assert (
        len(api.get("/api/v1/discover/", {**near_gcj, **tight, **GCJ_PARAM}).json()["results"]) == 1
    )

    geojson = api.get("/api/v1/discover/", {**near_gcj, **GCJ_PARAM, "format": "geojson"}).json()
    lng, lat = geojson["features"][0]["geometry"]["coordinates"]
    assert metres((lat, lng), GCJ) < 0.01


def test_a_map_box_in_gcj02_is_the_box_the_user_sees(api):
    hotpot_shop()
    # A box around the shop as a GCJ-02 map draws it, which leaves out its WGS84 position.
    box = f"{GCJ[1] - 0.002},{GCJ[0] - 0.001},{GCJ[1] + 0.002},{GCJ[0] + 0.001}"
    assert api.get("/api/v1/discover/", {"in_bbox": box}).json()["results"] == []
    found = api.get("/api/v1/discover/", {"in_bbox": box, **GCJ_PARAM}).json()["results"]
    assert len(found) == 1
    assert metres(at(found[0]["location"]), GCJ) < 0.01


def test_a_shop_page_in_gcj02(api):
    shop = hotpot_shop()
    page = api.get(f"/api/v1/shops/{shop.pk}/", GCJ_PARAM).json()
    assert metres(at(page["location"]), GCJ) < 0.01
    assert at(api.get(f"/api/v1/shops/{shop.pk}/").json()["location"]) == pytest.approx(WGS)


def test_a_merchant_places_a_shop_with_an_amap_pin(merchant):
    owner = client_for(merchant.owner)
    body = {
        "name": "鑫悦火锅",
        "categories": ["hotpot"],
        "address": "上海市静安区长乐路 1 号",
        "lat": GCJ[0],
        "lng": GCJ[1],
    }
    created = owner.post("/api/v1/merchant/shops/?coord_type=gcj02", body, format="json")
    assert created.status_code == 201, created.json()
    assert metres(at(created.json()["location"]), GCJ) < 0.01  # answered as sent
    shop = Shop.objects.get(pk=created.json()["id"])
    assert metres(stored(shop.location), WGS) < 0.05  # stored as GPS sees it
    assert metres(stored(shop.category_links.first().location), WGS) < 0.05

    moved_gcj = wgs84_to_gcj02(WGS[0] + 0.01, WGS[1])
    moved = owner.patch(
        f"/api/v1/merchant/shops/{shop.pk}/?coord_type=gcj02",
        {"lat": moved_gcj[0], "lng": moved_gcj[1]},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    shop.refresh_from_db()
    assert metres(stored(shop.location), (WGS[0] + 0.01, WGS[1])) < 0.05
    listed = owner.get("/api/v1/merchant/shops/", GCJ_PARAM).json()["results"]
    assert metres(at(listed[0]["location"]), moved_gcj) < 0.01


def test_flash_deals_near_me_in_gcj02(api):
    deal = flash_deal_publish(deal=deal_for(hotpot_shop()))
    by_wgs = api.get("/api/v1/flash-deals/", {"lat": WGS[0], "lng": WGS[1]}).json()
    by_gcj = api.get("/api/v1/flash-deals/", {"lat": GCJ[0], "lng": GCJ[1], **GCJ_PARAM}).json()
    [item] = by_gcj["results"]
    assert item["id"] == deal.pk
    assert item["distance_m"] == pytest.approx(0, abs=0.05)
    assert by_wgs["results"][0]["distance_m"] == pytest.approx(0, abs=0.05)
    assert metres(at(item["shop"]["location"]), GCJ) < 0.01
    one = api.get(f"/api/v1/flash-deals/{deal.pk}/", {"lat": GCJ[0], "lng": GCJ[1], **GCJ_PARAM})
    assert one.json()["distance_m"] == pytest.approx(0, abs=0.05)


def test_places_check_ins_and_the_activity_area_in_gcj02(consumer):
    location_consent_grant(consumer=consumer)  # check-ins and the area need their own consent
    me = client_for(consumer)
    body = {"kind": "home", "lat": GCJ[0], "lng": GCJ[1]}
    place = me.post("/api/v1/me/places/?coord_type=gcj02", body, format="json")
    assert place.status_code == 201, place.json()
    assert metres(at(place.json()["location"]), GCJ) < 0.01
    assert metres(stored(Place.objects.get().location), WGS) < 0.05
    assert at(me.get("/api/v1/me/places/").json()["results"][0]["location"]) == pytest.approx(
        WGS, abs=1e-6
    )
    new_gcj = wgs84_to_gcj02(WGS[0] + 0.01, WGS[1])
    me.patch(
        f"/api/v1/me/places/{place.json()['id']}/?coord_type=gcj02",
        {"lat": new_gcj[0], "lng": new_gcj[1]},
        format="json",
    )
    assert metres(stored(Place.objects.get().location), (WGS[0] + 0.01, WGS[1])) < 0.05

    check_in = me.post("/api/v1/me/check-ins/?coord_type=gcj02", {"lat": GCJ[0], "lng": GCJ[1]})
    assert check_in.status_code == 201, check_in.json()
    assert metres(stored(CheckIn.objects.get().location), WGS) < 0.05
    listed = me.get("/api/v1/me/check-ins/", GCJ_PARAM).json()["results"]
    assert metres(at(listed[0]["location"]), GCJ) < 0.01

    area = me.patch(
        "/api/v1/me/activity-area/?coord_type=gcj02",
        {"clusters": [{"lat": GCJ[0], "lng": GCJ[1], "radius_m": 800}]},
        format="json",
    )
    assert area.status_code == 200, area.json()
    assert metres(at(area.json()["clusters"][0]["center"]), GCJ) < 0.01
    plain = me.get("/api/v1/me/activity-area/").json()
    assert metres(at(plain["clusters"][0]["center"]), WGS) < 0.05


def test_a_home_service_order_with_a_gcj02_address(consumer):
    shop = ShopFactory(categories=[Category.objects.get(slug="cleaning")])
    ShopOrderPolicy.objects.create(shop=shop, service_mode="at_home", home_service_radius_m=3000)
    slot = SlotFactory(service=BookableServiceFactory(shop=shop))
    home_wgs = (31.2300, 121.4500)
    home_gcj = wgs84_to_gcj02(*home_wgs)
    body = {
        "service": slot.service_id,
        "slot": slot.pk,
        "fulfilment": "at_home",
        "address": "长乐路 1 号",
        "contact_phone": "13912345678",
        "lat": home_gcj[0],
        "lng": home_gcj[1],
    }
    me = client_for(consumer)
    order = me.post("/api/v1/me/orders/?coord_type=gcj02", body, **key())
    assert order.status_code == 201, order.json()
    assert metres(at(order.json()["location"]), home_gcj) < 0.01
    mine = me.get(f"/api/v1/me/orders/{order.json()['id']}/").json()
    assert metres(at(mine["location"]), home_wgs) < 0.05
    merchant_view = client_for(shop.merchant.owner).get(
        f"/api/v1/merchant/orders/{order.json()['id']}/", GCJ_PARAM
    )
    assert metres(at(merchant_view.json()["location"]), home_gcj) < 0.01


@pytest.mark.parametrize(
    "url",
    ["/api/v1/discover/?lat=31.2&lng=121.4", "/api/v1/flash-deals/?lat=31.2&lng=121.4"],
)
def test_an_unknown_coord_type_is_a_400(api, url):
    cache.clear()
    response = api.get(url + "&coord_type=bd09")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "coord_type" in response.json()["fields"]


def test_places_with_an_unknown_coord_type_are_refused(consumer):
    body = {"kind": "home", "lat": GCJ[0], "lng": GCJ[1]}
    response = client_for(consumer).post("/api/v1/me/places/?coord_type=baidu", body)
    assert response.status_code == 400
    assert "coord_type" in response.json()["fields"]
    assert not Place.objects.exists()


def test_outside_china_gcj02_is_wgs84(api):
    ShopFactory(lat=51.5007, lng=-0.1246)
    london = {"lat": 51.5007, "lng": -0.1246}
    found = api.get("/api/v1/discover/", {**london, **GCJ_PARAM}).json()["results"]
    assert found[0]["location"] == london
    assert gcj02_to_wgs84(51.5007, -0.1246) == (51.5007, -0.1246)


def test_the_schema_declares_coord_type_on_every_operation_with_coordinates(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    operations = {
        ("/api/v1/discover/", "get"),
        ("/api/v1/shops/{id}/", "get"),
        ("/api/v1/merchant/shops/", "post"),
        ("/api/v1/merchant/shops/{id}/", "patch"),
        ("/api/v1/flash-deals/", "get"),
        ("/api/v1/flash-deals/{id}/", "get"),
        ("/api/v1/me/places/", "post"),
        ("/api/v1/me/places/{id}/", "patch"),
        ("/api/v1/me/check-ins/", "post"),
        ("/api/v1/me/activity-area/", "patch"),
        ("/api/v1/me/orders/", "post"),
        ("/api/v1/merchant/orders/{id}/", "get"),
    }
    for path, method in operations:
        parameters = schema["paths"][path][method].get("parameters", [])
        [coord] = [p for p in parameters if p["name"] == "coord_type"]
        assert sorted(coord["schema"]["enum"]) == ["gcj02", "wgs84"], (path, method)
        assert coord["schema"]["default"] == "wgs84"
