import itertools
import random
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from geographiclib.geodesic import Geodesic

from merchants.models import Category, ShopStatus
from merchants.services import hours_exception_set, shop_hours_set
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
DISCOVER = "/api/v1/discover/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def geodesic_m(lat1, lng1, lat2, lng2) -> float:
    return Geodesic.WGS84.Inverse(lat1, lng1, lat2, lng2)["s12"]


def all_pages(api, **params) -> list[dict]:
    shops, response = [], api.get(DISCOVER, params)
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        shops += body["results"]
        if not body["next"]:
            return shops
        response = api.get(body["next"])


def scatter(rng, lat, lng, count, spread_deg):
    shops = []
    for _ in range(count):
        shop_lng = lng + rng.uniform(-spread_deg, spread_deg) / max(
            0.05, abs(__import__("math").cos(__import__("math").radians(lat)))
        )
        shop_lng = (shop_lng + 180) % 360 - 180  # wraps across the antimeridian
        shop_lat = lat + rng.uniform(-spread_deg, spread_deg)
        shops.append(ShopFactory(lat=shop_lat, lng=shop_lng))
    return shops


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(31.2286, 121.4481), (-16.5, 179.995), (69.65, 18.96), (0.0, 0.0)],
    ids=["shanghai", "antimeridian", "tromso-70N", "null-island"],
)
def test_results_equal_a_brute_force_geodesic_filter(api, lat, lng):
    rng = random.Random(f"{lat},{lng}")  # noqa: S311
    shops = scatter(rng, lat, lng, 60, 0.04)
    radius = 3000
    expected = {}
    for shop in shops:
        d = geodesic_m(lat, lng, shop.location.y, shop.location.x)
        if abs(d - radius) > radius * 0.005:  # leave out the ambiguous 0.5% band
            expected[shop.pk] = d
    inside = {pk for pk, d in expected.items() if d <= radius}
    assert inside, "the scenario should place shops inside the radius"

    found = all_pages(api, lat=lat, lng=lng, radius_m=radius, limit=7)
    ids = [shop["id"] for shop in found]
    assert len(ids) == len(set(ids)), "a shop appeared on two pages"
    assert inside <= set(ids)
    assert not (set(ids) & {pk for pk, d in expected.items() if d > radius})
    # Nearest first: the index orders on the sphere, so neighbours may swap only within the
    # sphere's error (under 0.6%); distance_m itself is the exact WGS84 geodesic.
    distances = [shop["distance_m"] for shop in found]
    assert all(b >= a * 0.994 for a, b in itertools.pairwise(distances))
    for shop in found:
        if shop["id"] in expected:
            assert shop["distance_m"] == pytest.approx(expected[shop["id"]], rel=0.005)


def test_paging_is_stable_when_shops_share_a_distance(api):
    same_spot = [ShopFactory(lat=31.23, lng=121.45) for _ in range(5)]
    found = all_pages(api, lat=31.2286, lng=121.4481, limit=2)
    assert sorted(s["id"] for s in found) == sorted(s.pk for s in same_spot)


def test_category_filter_includes_subcategories_and_rejects_unknown(api):
    hotpot = ShopFactory(categories=[Category.objects.get(slug="hotpot")])
    ShopFactory(categories=[Category.objects.get(slug="hair")])
    for slug in ("hotpot", "dining"):
        found = all_pages(api, lat=31.2286, lng=121.4481, category=slug)
        assert [s["id"] for s in found] == [hotpot.pk]
    response = api.get(DISCOVER, {"lat": 31.2, "lng": 121.4, "category": "no-such"})
    assert response.status_code == 400
    assert "category" in response.json()["fields"]


@pytest.mark.parametrize(
    "query",
    ["火", "火锅", "huoguo", "hg", "xyhg", "Huo Guo", "鸳鸯锅底"],
)
def test_text_search_in_chinese_pinyin_and_initials(api, query):
    hotpot = ShopFactory(name="鑫悦火锅", description="鸳鸯锅底，现切牛肉")
    ShopFactory(name="阳光理发", description="剪发烫发")
    found = all_pages(api, lat=31.2286, lng=121.4481, q=query)
    assert [s["id"] for s in found] == [hotpot.pk]


def test_relevance_puts_name_matches_before_description_matches(api):
    in_description = ShopFactory(name="阳光小馆", description="招牌火锅", lat=31.2287, lng=121.4481)
    in_name = ShopFactory(name="老街火锅", lat=31.25, lng=121.46)
    found = all_pages(api, lat=31.2286, lng=121.4481, radius_m=10000, q="火锅", sort="relevance")
    assert [s["id"] for s in found] == [in_name.pk, in_description.pk]


def test_sort_by_rating_and_filters(api):
    low = ShopFactory(price_level=1)
    high = ShopFactory(price_level=3, lat=31.24, lng=121.46)
    for shop, rating in ((low, 3.1), (high, 4.8)):
        shop.rating = rating
        shop.save(update_fields=["rating"])
    by_rating = all_pages(api, lat=31.2286, lng=121.4481, radius_m=5000, sort="rating", limit=1)
    assert [s["id"] for s in by_rating] == [high.pk, low.pk]
    assert [
        s["id"] for s in all_pages(api, lat=31.2286, lng=121.4481, radius_m=5000, min_rating=4)
    ] == [high.pk]
    assert [
        s["id"] for s in all_pages(api, lat=31.2286, lng=121.4481, radius_m=5000, price_level="1,2")
    ] == [low.pk]


def test_suspended_and_hidden_shops_vanish(api):
    shop = ShopFactory()
    for status in (ShopStatus.SUSPENDED, ShopStatus.HIDDEN):
        shop.status = status
        shop.save(update_fields=["status"])
        assert all_pages(api, lat=31.2286, lng=121.4481) == []
        assert api.get(f"/api/v1/shops/{shop.pk}/").status_code == 404


def test_map_view_by_bounding_box_and_as_geojson(api):
    inside = ShopFactory(lat=31.23, lng=121.45)
    ShopFactory(lat=31.40, lng=121.60)
    bbox = "121.40,31.20,121.50,31.26"
    found = all_pages(api, in_bbox=bbox)
    assert [s["id"] for s in found] == [inside.pk]
    geojson = api.get(DISCOVER, {"in_bbox": bbox, "format": "geojson"})
    assert geojson["Content-Type"].startswith("application/geo+json")
    body = geojson.json()
    assert body["type"] == "FeatureCollection"
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [121.45, 31.23]}


@pytest.mark.parametrize(
    "params",
    [
        {"lat": 91, "lng": 121},
        {"lat": 31, "lng": 181},
        {"lat": 31, "lng": 121, "radius_m": 0},
        {"lat": 31, "lng": 121, "radius_m": 50001},
        {"lat": 31},
        {},
        {"in_bbox": "121.5,31.2,121.4,31.3"},
        {"in_bbox": "a,b,c,d"},
        {"lat": 31, "lng": 121, "limit": 101},
        {"lat": 31, "lng": 121, "price_level": "5"},
        {"lat": "north", "lng": 121},
    ],
)
def test_bad_input_is_400_in_the_error_shape(api, params):
    response = api.get(DISCOVER, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]


def test_forged_or_mismatched_cursor_is_400(api):
    for _ in range(3):
        ShopFactory()
    first = api.get(DISCOVER, {"lat": 31.2286, "lng": 121.4481, "limit": 1}).json()
    cursor = first["next"].split("cursor=")[1]
    forged = api.get(DISCOVER, {"lat": 31.2, "lng": 121.4, "cursor": cursor[:-3] + "abc"})
    assert forged.status_code == 400
    assert forged.json()["code"] == "invalid_cursor"
    other_sort = api.get(
        DISCOVER,
        {"lat": 31.2, "lng": 121.4, "sort": "rating", "cursor": first["next"].split("cursor=")[1]},
    )
    assert other_sort.json()["code"] == "invalid_cursor"


def test_query_count_does_not_grow_with_the_number_of_results(api):
    def queries_for(count):
        with CaptureQueriesContext(connection) as captured:
            body = api.get(DISCOVER, {"lat": 31.2286, "lng": 121.4481, "limit": 100}).json()
        assert len(body["results"]) == count
        return len(captured)

    for _ in range(2):
        ShopFactory()
    few = queries_for(2)
    for _ in range(18):
        ShopFactory()
    assert queries_for(20) == few


def at(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=SHANGHAI)


def open_ids(moment):
    from merchants.models import Shop
    from merchants.selectors import shop_is_open

    return set(Shop.objects.filter(shop_is_open(moment)).values_list("pk", flat=True))


def test_open_now_handles_overnight_spans_and_dated_exceptions():
    # 2026-11-23 is a Monday.
    bar = ShopFactory()
    shop_hours_set(shop=bar, spans=[{"weekday": 0, "opens": time(18), "closes": time(2)}])
    salon = ShopFactory()
    shop_hours_set(
        shop=salon,
        spans=[
            {"weekday": 0, "opens": time(10), "closes": time(12)},
            {"weekday": 0, "opens": time(14), "closes": time(21)},
        ],
    )
    hotel = ShopFactory()
    shop_hours_set(shop=hotel, spans=[{"weekday": 0, "opens": time(0), "closes": time(0)}])
    assert open_ids(at("2026-11-23", "17:59")) == {salon.pk, hotel.pk}
    assert open_ids(at("2026-11-23", "12:30")) == {hotel.pk}  # the salon's lunch break
    assert open_ids(at("2026-11-23", "23:00")) == {bar.pk, hotel.pk}
    assert open_ids(at("2026-11-24", "01:30")) == {bar.pk}  # Monday's span, after midnight
    assert open_ids(at("2026-11-24", "02:00")) == set()
    # A holiday closure replaces that day's hours; special hours replace them too.
    hours_exception_set(shop=bar, day=at("2026-11-23", "00:00").date(), is_closed=True)
    hours_exception_set(
        shop=salon,
        day=at("2026-11-23", "00:00").date(),
        is_closed=False,
        opens=time(9),
        closes=time(13),
    )
    assert open_ids(at("2026-11-23", "23:00")) == {hotel.pk}
    assert open_ids(at("2026-11-24", "01:30")) == set()
    assert open_ids(at("2026-11-23", "12:30")) == {salon.pk, hotel.pk}


def test_open_now_filter_and_flag_in_the_api(api, settings):
    always = ShopFactory()
    shop_hours_set(
        shop=always,
        spans=[{"weekday": day, "opens": time(0), "closes": time(0)} for day in range(7)],
    )
    ShopFactory()  # no hours: never open
    found = all_pages(api, lat=31.2286, lng=121.4481, open_now="true")
    assert [(s["id"], s["is_open_now"]) for s in found] == [(always.pk, True)]


def test_fast_summary_keys_match_the_documented_schema(api):
    from geo.api import CategoryBriefSerializer, RatingSerializer, ShopSummarySerializer

    ShopFactory()
    shop = api.get(DISCOVER, {"lat": 31.2286, "lng": 121.4481}).json()["results"][0]
    assert list(shop) == list(ShopSummarySerializer().fields)
    assert set(shop["categories"][0]) == set(CategoryBriefSerializer().fields)  # jsonb order
    assert list(shop["rating"]) == list(RatingSerializer().fields)
    assert list(shop["rating"]) == ["score", "count", "verified_count", "general_count"]
