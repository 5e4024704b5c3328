"""Discovery: shops near a point, index-driven.

Nearest first, candidates come from a KNN query: `location <-> point` (great-circle distance on
the sphere) orders through the GiST index (the composite (category, location) one when a
category is given). The page is in the order of the distance it shows, the exact WGS84 geodesic
(`distance_m`): the geodesic is within SPHERE_ERROR of the sphere distance, so once the
candidates' sphere distance has passed the page's last geodesic distance by that margin, no
unseen shop can come before it (see `nearest_page`). Keyset pagination continues after the last
(sort key, id), the key being the geodesic for nearest-first. The same query brings each row's
open-now flag, categories (as JSON), cover thumbnail and geodesic distance.
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

from core.db_router import read_replica
from merchants.models import Category, Shop, ShopCategory, ShopPhoto, ShopStatus
from merchants.selectors import shop_is_open

SORT_KEYS = {  # sort -> (annotation holding the key, ascending?)
    "distance": ("geodesic_m", True),
    "rating": ("rating", False),
    "relevance": ("relevance", False),
}


# The WGS84 geodesic over the great-circle distance on PostGIS's sphere (mean radius
# 6371008.8 m) lies between M/R = 0.9944 (north-south at the equator) and N/R = 1.0045; with a
# margin: geodesic in [sphere * (1 - SPHERE_ERROR), sphere * (1 + SPHERE_ERROR)].
SPHERE_ERROR = 0.0075


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
    """The page's shops in order, with everything the page shows: the query the bench runs.

    Nearest first, the order is the index's (sphere distance); `nearest_page` refines it."""
    rows, location = _matching(query, now)
    rows = rows.annotate(distance=GeometryDistance(location, query.point))
    if query.text:
        rows = rows.annotate(text_score=text_score(query.text)).filter(text_score__gt=0)
    return _page_columns(_ordered(rows, query), query, now)


def _matching(query: DiscoverQuery, now: datetime) -> tuple[QuerySet[Shop], str]:
    """The active shops the filters keep, and the location column the place filters use."""
    rows = Shop.objects.using(read_replica()).filter(status=ShopStatus.ACTIVE)
    location = "location"
    place = Q()
    if query.category is not None:
        # One join of the category links: every condition on them goes in one filter() call
        # (a second call would join them again and repeat each shop once per category).
        place &= Q(category_links__category=query.category)
        location = "category_links__location"  # the composite (category, location) index
    if query.radius_m is not None and radius_in_sql(query):
        place &= Q(**{f"{location}__dwithin": (query.point, D(m=query.radius_m))})
    if query.bbox is not None:
        place &= Q(**{f"{location}__intersects": Polygon.from_bbox(query.bbox)})
    rows = rows.filter(place)
    if query.price_levels:
        rows = rows.filter(price_level__in=query.price_levels)
    if query.min_rating is not None:
        rows = rows.filter(rating__gte=query.min_rating)
    if query.open_now:
        rows = rows.filter(shop_is_open(now))
    return rows, location


def _ordered(rows: QuerySet[Shop], query: DiscoverQuery) -> QuerySet[Shop]:
    if query.sort == "relevance":
        # Text match counts most, then rating (0-5 -> 0-1), then nearness (1 at 0 m, 0.5 at 1 km).
        score = F("text_score") * 2.0 if query.text else Value(0.0)
        rows = rows.annotate(
            relevance=score + F("rating") / 5.0 + 1000.0 / (F("distance") + 1000.0)
        )
    if query.sort == "distance":
        if query.after is not None:
            # Beyond the cursor's geodesic distance g0 means a sphere distance >= g0 / (1 + e).
            rows = rows.filter(distance__gte=query.after[0] / (1 + SPHERE_ERROR))
        # `<->` alone, so the GiST index yields rows in order; nearest_page() refines it.
        return rows.order_by(F("distance").asc())
    key, ascending = SORT_KEYS[query.sort]
    if query.after is not None:
        value, last_id = query.after
        beyond = Q(**{f"{key}__gt" if ascending else f"{key}__lt": value})
        rows = rows.filter(beyond | Q(**{key: value, "pk__gt": last_id}))
    return rows.order_by(F(key).asc() if ascending else F(key).desc(), "pk")


def _page_columns(rows: QuerySet[Shop], query: DiscoverQuery, now: datetime) -> QuerySet[Shop]:
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


def first_fetch(limit: int) -> int:
    """How many candidates a nearest-first page fetches first: the page, one more to know
    whether there is a next page, and a margin for the sphere's error."""
    return limit + 1 + max(8, (limit + 1) // 2)


def nearest_page(query: DiscoverQuery, now: datetime, candidates=candidates) -> list[Shop]:
    """Up to `limit + 1` shops beyond the cursor in exact (geodesic, id) order.

    The candidates come in sphere-distance order s. A shop not fetched yet has s >= s_last (the
    last fetched one's), so its geodesic is at least bound = s_last * (1 - SPHERE_ERROR). The
    fetched shops nearer than that bound are final; when `limit + 1` of them are, or the bound
    is past the radius, or the candidates ran out, the page is known. Otherwise fetch more.
    """
    after = query.after
    want = query.limit + 1
    fetch = first_fetch(query.limit)
    while True:
        rows = list(candidates(query, now)[:fetch])
        exhausted = len(rows) < fetch
        bound = rows[-1].distance * (1 - SPHERE_ERROR) if rows else 0.0
        for row in rows:
            row.geodesic_m = row.geodesic.m
        found = sorted(
            (
                row
                for row in rows
                if (after is None or (row.geodesic_m, row.pk) > after)
                and (query.radius_m is None or row.geodesic_m <= query.radius_m)
            ),
            key=lambda row: (row.geodesic_m, row.pk),
        )
        if exhausted or (query.radius_m is not None and bound > query.radius_m):
            return found[:want]
        final = [row for row in found if row.geodesic_m < bound]
        if len(final) >= want:
            return final[:want]
        fetch *= 2


def shops_discover(query: DiscoverQuery, now: datetime, *, candidates=candidates) -> DiscoverPage:
    if query.sort == "distance":
        page = nearest_page(query, now, candidates)
    else:
        page = list(candidates(query, now)[: query.limit + 1])
        for shop in page:  # ST_DWithin (on the spheroid) has applied the radius
            shop.geodesic_m = shop.geodesic.m
    key = SORT_KEYS[query.sort][0]
    more = len(page) > query.limit
    page = page[: query.limit]
    for shop in page:
        shop.distance_m = shop.geodesic_m
    next_after = (getattr(page[-1], key), page[-1].pk) if more and page else None
    return DiscoverPage(shops=page, next_after=next_after)
