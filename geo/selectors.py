"""Discovery: shops near a point, index-driven.

A page is one KNN query: `location <-> point` (great-circle distance on the sphere) orders
through the GiST index (the composite (category, location) one when a category is given), and
keyset pagination continues after the last (sort key, id). The same query brings each row's
open-now flag, categories (as JSON), cover thumbnail and exact WGS84 distance (`distance_m`; the
sphere is up to 0.56% off near the equator).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONObject

from config.db_router import read_replica
from merchants.models import Category, Shop, ShopCategory, ShopPhoto, ShopStatus
from merchants.selectors import shop_is_open

SORT_KEYS = {  # sort -> (annotation holding the key, ascending?)
    "distance": ("distance", True),
    "rating": ("rating", False),
    "relevance": ("relevance", False),
}


@dataclass
class DiscoverQuery:
    point: Point
    radius_m: float | None = None
    bbox: tuple[float, float, float, float] | None = None
    category: Category | None = None
    text: str = ""
    open_now: bool = False
    min_rating: float | None = None
    price_levels: list[int] = field(default_factory=list)
    sort: str = "distance"
    limit: int = 20
    after: tuple[float, int] | None = None


@dataclass
class DiscoverPage:
    shops: list[Shop]
    next_after: tuple[float, int] | None


def pinyin_query(text: str) -> str:
    """The ASCII letters of a query, for matching pinyin ("huoguo") and initials ("hg")."""
    letters = "".join(c for c in text.lower() if c.isascii() and c.isalnum())
    return letters if letters and text.isascii() else ""


def text_score(text: str) -> Case:
    """1.0 name match, 0.8 pinyin or initials match, 0.4 description match, else 0."""
    whens = [When(name__contains=text, then=Value(1.0))]
    if letters := pinyin_query(text):
        whens.append(
            When(
                Q(name_pinyin__contains=letters) | Q(name_initials__contains=letters),
                then=Value(0.8),
            )
        )
    whens.append(When(description__contains=text, then=Value(0.4)))
    return Case(*whens, default=Value(0.0), output_field=FloatField())


def radius_in_sql(query: DiscoverQuery) -> bool:
    """Whether ST_DWithin goes into the SQL, or the radius is applied to the KNN rows after.

    Nearest-first without a text or open-now filter, the KNN scan stops after `limit + 1` rows
    whatever the radius, so the radius is applied to those rows (by their exact geodesic
    distance). Putting ST_DWithin in that query only hurts: PostgreSQL underestimates how many
    shops it matches in a dense centre (100 against 59,000 at 1M shops) and then sorts them all
    instead of walking the index. Other sorts, and filters that could make the scan run far,
    keep ST_DWithin so the index bounds the work.
    """
    return query.sort != "distance" or bool(query.text) or query.open_now


class Coordinate(Func):
    """ST_Y or ST_X of the shop's location, as a float."""

    template = "%(function)s(%(expressions)s::geometry)"
    output_field = FloatField()

    def __init__(self, function: str):
        super().__init__(F("location"), function=function)


def candidates(query: DiscoverQuery, now: datetime) -> QuerySet[Shop]:
    """The page's shops in order, with everything the page shows: the query the bench runs."""
    rows = Shop.objects.using(read_replica()).filter(status=ShopStatus.ACTIVE)
    location = "location"
    if query.category is not None:
        rows = rows.filter(category_links__category=query.category)
        location = "category_links__location"  # the composite (category, location) index
    if query.radius_m is not None and radius_in_sql(query):
        rows = rows.filter(**{f"{location}__dwithin": (query.point, D(m=query.radius_m))})
    if query.bbox is not None:
        rows = rows.filter(**{f"{location}__intersects": Polygon.from_bbox(query.bbox)})
    if query.price_levels:
        rows = rows.filter(price_level__in=query.price_levels)
    if query.min_rating is not None:
        rows = rows.filter(rating__gte=query.min_rating)
    if query.open_now:
        rows = rows.filter(shop_is_open(now))
    rows = rows.annotate(distance=GeometryDistance(location, query.point))
    if query.text:
        rows = rows.annotate(text_score=text_score(query.text)).filter(text_score__gt=0)
    if query.sort == "relevance":
        # Text match counts most, then rating (0-5 -> 0-1), then nearness (1 at 0 m, 0.5 at 1 km).
        score = F("text_score") * 2.0 if query.text else Value(0.0)
        rows = rows.annotate(
            relevance=score + F("rating") / 5.0 + 1000.0 / (F("distance") + 1000.0)
        )
    key, ascending = SORT_KEYS[query.sort]
    if query.after is not None:
        value, last_id = query.after
        beyond = Q(**{f"{key}__gt" if ascending else f"{key}__lt": value})
        rows = rows.filter(beyond | Q(**{key: value, "pk__gt": last_id}))
    if query.sort == "distance":
        # `<->` alone, so the GiST index yields rows in order; ties: see complete_ties().
        rows = rows.order_by(F("distance").asc())
    else:
        rows = rows.order_by(F(key).asc() if ascending else F(key).desc(), "pk")
    return rows.defer("location").annotate(
        # Coordinates as plain floats: parsing 20 geography values through GEOS costs more
        # than the rest of the row.
        lat=Coordinate("ST_Y"),
        lng=Coordinate("ST_X"),
        geodesic=Distance("location", query.point),
        is_open_now=shop_is_open(now),
        # The shop's own categories first, then their parents: "火锅, 餐饮美食".
        category_list=ArraySubquery(
            ShopCategory.objects.filter(shop=OuterRef("pk"))
            .order_by(F("category__parent").asc(nulls_last=True), "category_id")
            .values(
                json=JSONObject(
                    id="category_id",
                    slug="category__slug",
                    name_zh="category__name_zh",
                    name_en="category__name_en",
                    is_public_service="category__is_public_service",
                )
            )
        ),
        cover=Subquery(
            ShopPhoto.objects.filter(shop=OuterRef("pk"))
            .order_by("kind", "pk")
            .values("thumbnail")[:1]
        ),
    )


def complete_ties(query: DiscoverQuery, now: datetime, rows: list[Shop], candidates) -> list:
    """Order a distance page by (distance, id) exactly.

    The KNN scan cannot break ties by id. Ties wholly inside the fetched rows are just sorted;
    when equal distances straddle the page's end (shops at one address), all rows at that
    distance are fetched in id order, so keyset paging never skips or repeats one.
    """
    limit = query.limit
    if len(rows) > limit and rows[limit - 1].distance == rows[limit].distance:
        boundary = rows[limit].distance
        tied = candidates(query, now).filter(distance=boundary).order_by("pk")
        rows = [row for row in rows if row.distance < boundary] + list(tied)
    return sorted(rows, key=lambda row: (row.distance, row.pk))


def shops_discover(query: DiscoverQuery, now: datetime, *, candidates=candidates) -> DiscoverPage:
    rows = list(candidates(query, now)[: query.limit + 1])
    if query.sort == "distance":
        rows = complete_ties(query, now, rows, candidates)
    key = SORT_KEYS[query.sort][0]
    page = [shop for shop in rows if query.radius_m is None or shop.geodesic.m <= query.radius_m]
    more = len(page) > query.limit
    page = page[: query.limit]
    for shop in page:
        shop.distance_m = shop.geodesic.m
    next_after = (getattr(page[-1], key), page[-1].pk) if more and page else None
    return DiscoverPage(shops=page, next_after=next_after)
