"""Discovery against a brute force: every filter combination, every page, exact order.

The brute force reads the shops back from the database and decides in Python which ones match a
query and in what order, with the WGS84 geodesic from GeographicLib. The API's pages, walked
through `next`, must give each matching shop exactly once, nothing else, and (nearest first)
in non-decreasing order of the `distance_m` they show.
"""

import itertools
import math
import random
from datetime import time
from functools import partial
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing
from django.core.cache import cache
from geographiclib.geodesic import Geodesic

from geo.api import CURSOR_SALT
from merchants.models import Category, Shop, ShopCategory
from merchants.services import shop_hours_set
from tests.factories import MerchantFactory, ShopFactory

pytestmark = pytest.mark.django_db
DISCOVER = "/api/v1/discover/"
CENTRE = (31.2304, 121.4737)  # lat, lng: People's Square
BBOX = (121.44, 31.20, 121.50, 31.25)  # lng1, lat1, lng2, lat2
NAMES = ["鑫悦火锅", "老街火锅店", "阳光理发", "海底捞火锅", "小杨生煎", "星巴克咖啡", "快剪"]
DESCRIPTIONS = ["鸳鸯锅底，现切牛肉", "招牌火锅", "剪发烫发", "", "生煎包"]
SLUGS = ["hotpot", "chinese", "hair", "cafe", "gym"]


def geodesic_m(lat1, lng1, lat2, lng2) -> float:
    return Geodesic.WGS84.Inverse(lat1, lng1, lat2, lng2)["s12"]


def all_pages(api, params: dict) -> list[dict]:
    """Every page through `next`, as flat shop dicts (GeoJSON features flattened too)."""
    cache.clear()  # the anonymous throttle: this walks thousands of pages
    shops, response, pages = [], api.get(DISCOVER, params), 0
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        if params.get("format") == "geojson":
            assert body["type"] == "FeatureCollection"
            rows = [
                {
                    "id": f["id"],
                    **f["properties"],
                    "lng": f["geometry"]["coordinates"][0],
                    "lat": f["geometry"]["coordinates"][1],
                }
                for f in body["features"]
            ]
        else:
            assert list(body) == ["next", "next_cursor", "results"]
            rows = body["results"]
        assert len(rows) <= int(params.get("limit", 20))
        shops += rows
        pages += 1
        assert pages < 500, "paging does not end"
        if body["next"] is None:
            assert body["next_cursor"] is None
            return shops
        assert parse_qs(urlparse(body["next"]).query)["cursor"] == [body["next_cursor"]]
        cache.clear()
        response = api.get(body["next"])


def make_world(rng: random.Random) -> list[Shop]:
    merchant = MerchantFactory()
    categories = {slug: Category.objects.get(slug=slug) for slug in SLUGS}
    shops = []
    for i in range(90):
        if i % 15 == 0 and shops:  # several shops at one address: equal distances
            lat, lng = shops[-1].location.y, shops[-1].location.x
        else:
            lat = CENTRE[0] + rng.uniform(-0.05, 0.05)
            lng = CENTRE[1] + rng.uniform(-0.06, 0.06)
        chosen = rng.sample(SLUGS, rng.choice([1, 1, 2, 3]))
        shop = ShopFactory(
            merchant=merchant,
            name=rng.choice(NAMES) + str(i),
            description=rng.choice(DESCRIPTIONS),
            lat=lat,
            lng=lng,
            price_level=rng.randint(1, 4),
            categories=[categories[slug] for slug in chosen],
        )
        shop.rating = rng.choice([0.0, 3.0, 3.5, 4.0, 4.2, 4.8, 5.0])
        shop.save(update_fields=["rating"])
        if rng.random() < 0.5:
            shop_hours_set(
                shop=shop,
                spans=[{"weekday": d, "opens": time(0), "closes": time(0)} for d in range(7)],
            )
        shops.append(shop)
    return shops


class Brute:
    """What the API must answer, decided in Python."""

    def __init__(self, shops):
        self.shops = list(Shop.objects.filter(pk__in=[s.pk for s in shops]))
        self.categories = {}
        for link in ShopCategory.objects.filter(shop__in=self.shops).select_related("category"):
            self.categories.setdefault(link.shop_id, set()).add(link.category.slug)
        self.open = {s.pk for s in shops if s.hours.exists()}

    def matches(self, shop, params, lat, lng) -> bool:
        if "category" in params and params["category"] not in self.categories[shop.pk]:
            return False
        if q := params.get("q"):
            letters = "".join(c for c in q.lower() if c.isascii() and c.isalnum())
            letters = letters if letters and q.isascii() else ""
            hit = q in shop.name or q in shop.description
            hit |= bool(letters) and (letters in shop.name_pinyin or letters in shop.name_initials)
            if not hit:
                return False
        if params.get("open_now") == "true" and shop.pk not in self.open:
            return False
        if "min_rating" in params and shop.rating < float(params["min_rating"]):
            return False
        levels = params.get("price_level")
        if levels and shop.price_level not in {int(p) for p in levels.split(",")}:
            return False
        if "in_bbox" in params:
            x1, y1, x2, y2 = (float(p) for p in params["in_bbox"].split(","))
            if not (x1 <= shop.location.x <= x2 and y1 <= shop.location.y <= y2):
                return False
        return True

    def answer(self, params) -> tuple[list[tuple[float, int]], set[int]]:
        """(geodesic, id) of the matching shops in exact nearest-first order, and the ids of
        shops too close to the radius to call (within 1 cm)."""
        if "lat" in params:
            lat, lng = float(params["lat"]), float(params["lng"])
        else:
            x1, y1, x2, y2 = (float(p) for p in params["in_bbox"].split(","))
            lat, lng = (y1 + y2) / 2, (x1 + x2) / 2
        radius = params.get("radius_m", None if "in_bbox" in params else 2000)
        found, unsure = [], set()
        for shop in self.shops:
            if not self.matches(shop, params, lat, lng):
                continue
            d = geodesic_m(lat, lng, shop.location.y, shop.location.x)
            if radius is not None and abs(d - float(radius)) < 0.01:
                unsure.add(shop.pk)
            elif radius is None or d <= float(radius):
                found.append((d, shop.pk))
        return sorted(found), unsure


def check(api, brute, params):
    shops = all_pages(api, params)
    ids = [s["id"] for s in shops]
    assert len(ids) == len(set(ids)), f"duplicates for {params}: {ids}"
    expected, unsure = brute.answer(params)
    assert set(ids) - unsure == {pk for _, pk in expected}, f"wrong set for {params}"
    by_id = dict((pk, d) for d, pk in expected)
    for shop in shops:
        if shop["id"] in by_id:
            assert shop["distance_m"] == pytest.approx(by_id[shop["id"]], abs=1e-3)
    sort = params.get("sort", "distance")
    if sort == "distance":
        distances = [s["distance_m"] for s in shops]
        assert all(a <= b for a, b in itertools.pairwise(distances)), (params, distances)
        # Equal distances (one address) in id order, so keyset paging is well defined.
        keys = [(round(s["distance_m"], 6), s["id"]) for s in shops]
        assert keys == sorted(keys)
    elif sort == "rating":
        keys = [(-s["rating"]["score"], s["id"]) for s in shops]
        assert keys == sorted(keys)
    return shops


@pytest.fixture
def world():
    return Brute(make_world(random.Random(16)))  # noqa: S311


ISSUE_CASES = [
    {"category": "hotpot", "q": "火锅"},
    {"category": "dining", "q": "火锅"},
    {"category": "hotpot", "q": "huoguo"},
    {"category": "hotpot", "q": "火锅", "sort": "relevance"},
    {"category": "hotpot", "q": "火锅", "format": "geojson"},
    {"category": "hotpot", "q": "火锅", "limit": 3},
    {"category": "dining", "q": "hg", "limit": 3, "sort": "relevance", "format": "geojson"},
]


@pytest.mark.parametrize("extra", ISSUE_CASES, ids=lambda p: "&".join(map(str, p.values())))
def test_the_issue_queries_have_no_duplicates_and_lose_nothing(api, world, extra):
    params = {"lat": CENTRE[0], "lng": CENTRE[1], "radius_m": 5000, **extra}
    found = check(api, world, params)
    assert found, "the scenario should find shops"


CHOICES = {
    "category": [None, "hotpot", "dining", "hair", "beauty", "gym"],
    "q": [None, None, None, "火锅", "火", "huoguo", "hg", "Huo Guo", "锅底", "xingbake"],
    "open_now": [None, "true", "false"],
    "min_rating": [None, "4", "4.5"],
    "price_level": [None, "1,2", "3", "1,3,4"],
    "sort": ["distance", "rating", "relevance"],
    "format": [None, "geojson"],
    "limit": [1, 2, 3, 7, 20, 100],
    "radius_m": [None, 800, 2500, 5000, 9000],
    "in_bbox": [None, None, ",".join(map(str, BBOX))],
}


def combination(rng, **fixed) -> dict:
    params = {k: rng.choice(v) for k, v in CHOICES.items()}
    params.update(fixed)
    params = {k: v for k, v in params.items() if v is not None}
    if "in_bbox" not in params or rng.random() < 0.5:
        params["lat"], params["lng"] = CENTRE
    if "in_bbox" in params and "lat" not in params:
        params.pop("radius_m", None)  # a map view without a point has no radius
    return params


def test_every_filter_combination_against_a_brute_force(api, world):
    rng = random.Random(1616)  # noqa: S311
    seen = 0
    # Every category (none, child, parent, other) x text (none, Chinese, pinyin, initials) x
    # sort x format, the other filters and the page size drawn at random ...
    for category, q, sort, fmt in itertools.product(
        [None, "hotpot", "dining", "hair"],
        [None, "火锅", "huoguo", "hg"],
        CHOICES["sort"],
        CHOICES["format"],
    ):
        params = combination(rng, category=category, q=q, sort=sort, format=fmt)
        seen += len(check(api, world, params))
    # ... every on/off of open_now, min_rating, price_level and in_bbox for each sort ...
    for open_now, rating, price, bbox, sort in itertools.product(
        [None, "true"], [None, "4"], [None, "1,2"], [None, CHOICES["in_bbox"][-1]], CHOICES["sort"]
    ):
        fixed = {"open_now": open_now, "min_rating": rating, "price_level": price}
        params = combination(rng, **fixed, in_bbox=bbox, sort=sort)
        seen += len(check(api, world, params))
    # ... and random draws of everything.
    for _ in range(100):
        seen += len(check(api, world, combination(rng)))
    assert seen > 500, "the combinations should find shops"


def test_shops_in_two_matching_categories_appear_once(api):
    merchant = MerchantFactory()
    both = ShopFactory(
        merchant=merchant,
        name="鑫悦火锅",
        categories=[Category.objects.get(slug="hotpot"), Category.objects.get(slug="chinese")],
    )
    params = {"lat": CENTRE[0], "lng": CENTRE[1], "radius_m": 10000}
    for extra in (
        {"category": "dining", "q": "火锅"},
        {"category": "dining", "in_bbox": "121,31,122,32"},
    ):
        for fmt in ("json", "geojson"):
            found = all_pages(api, {**params, **extra, "format": fmt})
            assert [s["id"] for s in found] == [both.pk]


# Nearest first, exactly: random points, radii, filters and page sizes.

REGIONS = [(31.2304, 121.4737), (0.3, 32.58), (69.65, 18.96), (-33.87, 151.21)]


def scatter(merchant, rng, lat, lng, count, spread_deg) -> list[Shop]:
    shops = []
    hair, hotpot = Category.objects.get(slug="hair"), Category.objects.get(slug="hotpot")
    for i in range(count):
        shop_lat = lat + rng.uniform(-spread_deg, spread_deg)
        shop_lng = lng + rng.uniform(-spread_deg, spread_deg) / math.cos(math.radians(lat))
        shops.append(
            ShopFactory(
                merchant=merchant,
                name=f"门店{i}",
                lat=shop_lat,
                lng=shop_lng,
                price_level=rng.randint(1, 4),
                categories=[rng.choice([hair, hotpot])],
            )
        )
    return shops


def test_nearest_first_pages_are_in_exact_geodesic_order(api):
    rng = random.Random(2)  # noqa: S311
    merchant = MerchantFactory()
    shops = []
    for lat, lng in REGIONS:
        shops += scatter(merchant, rng, lat, lng, 70, 0.06)
    brute = Brute(shops)
    for _ in range(40):
        lat, lng = rng.choice(REGIONS)
        params = {
            "lat": lat + rng.uniform(-0.03, 0.03),
            "lng": lng + rng.uniform(-0.03, 0.03),
            "radius_m": rng.choice([1500, 4000, 8000, 15000]),
            "limit": rng.choice([1, 2, 3, 5, 8, 13, 40]),
        }
        if rng.random() < 0.3:
            params["category"] = rng.choice(["hair", "hotpot", "dining"])
        if rng.random() < 0.2:
            params["price_level"] = "1,2"
        check(api, brute, params)


def test_pages_are_declared_as_they_are_answered(api):
    import yaml

    for _ in range(3):
        ShopFactory()
    near = {"lat": 31.2286, "lng": 121.4481, "limit": 2}
    page = api.get(DISCOVER, near).json()
    assert list(page) == ["next", "next_cursor", "results"]
    geojson = api.get(DISCOVER, {**near, "format": "geojson"}).json()
    assert set(geojson) == {"type", "features", "next", "next_cursor"}
    # The same position; the signature carries the second it was made, so compare what it says.
    position = partial(signing.loads, salt=CURSOR_SALT)
    assert geojson["next_cursor"] and position(geojson["next_cursor"]) == position(
        page["next_cursor"]
    )

    schema = yaml.safe_load(api.get("/api/schema/").content)
    content = schema["paths"][DISCOVER]["get"]["responses"]["200"]["content"]
    components = schema["components"]["schemas"]
    json_page = components[content["application/json"]["schema"]["$ref"].split("/")[-1]]
    geo_page = components[content["application/geo+json"]["schema"]["$ref"].split("/")[-1]]
    assert set(json_page["required"]) == set(page)
    assert set(geo_page["required"]) == set(geojson)
    assert json_page["properties"]["next_cursor"]["nullable"] is True


def test_the_old_radius_name_is_refused_not_ignored(api):
    response = api.get(DISCOVER, {"lat": 31.2, "lng": 121.4, "radius": 500})
    assert response.status_code == 400
    assert "radius_m" in response.json()["fields"]["radius"][0]


def test_a_mall_of_shops_at_one_address_pages_in_id_order(api):
    """More shops at one distance than a page's first fetch: the page fetches again, twice as
    many each time, until the order past the tie is settled."""
    merchant = MerchantFactory()
    mall = [ShopFactory(merchant=merchant, lat=31.2300, lng=121.4700) for _ in range(40)]
    others = [
        ShopFactory(merchant=merchant, lat=31.2300 + i * 0.001, lng=121.4700) for i in range(1, 6)
    ]
    brute = Brute(mall + others)
    for limit in (1, 3, 20):
        found = check(api, brute, {"lat": CENTRE[0], "lng": CENTRE[1], "limit": limit})
        assert [s["id"] for s in found[:40]] == sorted(s.pk for s in mall)
