from django.contrib.gis.geos import Point
from django.core import signing
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from core.coords import (
    CoordTypeMixin,
    WGS84InputMixin,
    coord_type_in,
    coord_type_of,
    point_out,
    to_wgs84,
)
from core.errors import DomainError
from core.renderers import GeoJSONRenderer, JSONRenderer
from merchants.api.serializers import CategoryBriefSerializer, LatLngField, RatingSerializer
from merchants.models import Category, Shop

from .selectors import DiscoverQuery, shops_discover

CURSOR_SALT = "geo.discover.cursor"
RADIUS_RENAMED = _("参数 radius 已改名为 radius_m（单位：米）。")


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    message = _("翻页游标无效，请从第一页重新加载。")


SHOP_SUMMARY_FIELDS = [
    "id",
    "name",
    "address",
    "distance_m",
    "location",
    "categories",
    "rating",
    "price_level",
    "is_open_now",
    "is_public_service",
    "cover_url",
]


class ShopSummaryMixin(serializers.Serializer):
    """A shop in a result list, from the annotations geo.selectors.shops_discover adds."""

    distance_m = serializers.FloatField(help_text="Metres from the query point (WGS84 geodesic).")
    categories = CategoryBriefSerializer(many=True, source="category_list")
    rating = RatingSerializer(source="*")
    is_open_now = serializers.BooleanField()
    is_public_service = serializers.SerializerMethodField()
    cover_url = serializers.SerializerMethodField()

    def get_is_public_service(self, shop) -> bool:
        return any(category["is_public_service"] for category in shop.category_list)

    def get_cover_url(self, shop) -> str | None:
        if not shop.cover:
            return None
        return self.context["request"].build_absolute_uri(default_storage.url(shop.cover))


class ShopSummarySerializer(ShopSummaryMixin, serializers.ModelSerializer):
    location = LatLngField()

    class Meta:
        model = Shop
        fields = SHOP_SUMMARY_FIELDS

    def to_representation(self, shop) -> dict:
        """The declared fields, written out: discovery's hottest loop (a third of a request's
        time through DRF's generic field machinery). The declared fields still define the
        OpenAPI schema; tests/geo check that the keys agree."""
        lat, lng = point_out(shop.lat, shop.lng, self.context)  # the request's coord_type
        return {
            "id": shop.pk,
            "name": shop.name,
            "address": shop.address,
            "distance_m": shop.distance_m,
            "location": {"lat": lat, "lng": lng},
            "categories": shop.category_list,
            "rating": {
                "score": shop.rating,
                "count": shop.rating_count,
                "verified_count": shop.rating_verified_count,
                "general_count": shop.rating_general_count,
            },
            "price_level": shop.price_level,
            "is_open_now": shop.is_open_now,
            "is_public_service": self.get_is_public_service(shop),
            "cover_url": self.get_cover_url(shop),
        }


class AnnotatedPointField(GeometryField):
    """The shop's point, made from the lat/lng that geo.selectors.candidates annotates."""

    def get_attribute(self, shop) -> Point:
        lat, lng = point_out(shop.lat, shop.lng, self.context)  # the request's coord_type
        return Point(lng, lat, srid=4326)


class ShopFeatureSerializer(ShopSummaryMixin, GeoFeatureModelSerializer):
    location = AnnotatedPointField()

    class Meta:
        model = Shop
        geo_field = "location"
        fields = SHOP_SUMMARY_FIELDS


class DiscoverPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null at the end.")
    next_cursor = serializers.CharField(
        allow_null=True, help_text="The next page's `cursor` parameter, or null at the end."
    )
    results = ShopSummarySerializer(many=True)


class ShopFeatureCollectionSerializer(serializers.Serializer):
    """`format=geojson`: a GeoJSON FeatureCollection with the page links beside it."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = ShopFeatureSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page, or null at the end.")
    next_cursor = serializers.CharField(
        allow_null=True, help_text="The next page's `cursor` parameter, or null at the end."
    )


class DiscoverView(CoordTypeMixin, APIView):
    """Shops near a point (nearest first), or inside a map's bounding box."""

    errors = {"get": (InvalidCursor,)}

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, GeoJSONRenderer]

    class FilterSerializer(WGS84InputMixin, serializers.Serializer):
        lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
        lng = serializers.FloatField(required=False, min_value=-180, max_value=180)
        radius_m = serializers.FloatField(
            required=False,
            min_value=1,
            max_value=50000,
            help_text="Metres (WGS84 geodesic) around lat/lng; default 2000, none with in_bbox.",
        )
        in_bbox = serializers.CharField(
            required=False, help_text="lng1,lat1,lng2,lat2 (south-west and north-east corners)"
        )
        category = serializers.SlugRelatedField(
            slug_field="slug", queryset=Category.objects.all(), required=False
        )
        q = serializers.CharField(required=False, max_length=50, trim_whitespace=True)
        open_now = serializers.BooleanField(required=False, default=False)
        min_rating = serializers.FloatField(required=False, min_value=0, max_value=5)
        price_level = serializers.CharField(required=False, help_text="e.g. 1,2")
        sort = serializers.ChoiceField(
            choices=["distance", "rating", "relevance"], default="distance"
        )
        limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
        cursor = serializers.CharField(required=False)

        def validate_in_bbox(self, value):
            try:
                x1, y1, x2, y2 = (float(part) for part in value.split(","))
            except ValueError as error:
                raise serializers.ValidationError(_("格式应为 lng1,lat1,lng2,lat2。")) from error
            if not (-180 <= x1 < x2 <= 180 and -90 <= y1 < y2 <= 90):
                raise serializers.ValidationError(_("经纬度超出范围，或西南角不在东北角的西南方。"))
            coord_type = coord_type_in(self.context)  # the corners, in WGS84
            (y1, x1), (y2, x2) = to_wgs84(y1, x1, coord_type), to_wgs84(y2, x2, coord_type)
            return (x1, y1, x2, y2)

        def validate_price_level(self, value):
            try:
                levels = sorted({int(part) for part in value.split(",")})
            except ValueError as error:
                raise serializers.ValidationError(_("价位应为 1-4，多个用逗号分隔。")) from error
            if not all(1 <= level <= 4 for level in levels):
                raise serializers.ValidationError(_("价位应为 1-4，多个用逗号分隔。"))
            return levels

        def validate(self, attrs):
            if "radius" in self.initial_data:
                raise serializers.ValidationError({"radius": [RADIUS_RENAMED]})
            has_point = "lat" in attrs and "lng" in attrs
            if not has_point and "in_bbox" not in attrs:
                raise serializers.ValidationError({"lat": [_("请提供 lat 和 lng，或 in_bbox。")]})
            if ("lat" in attrs) != ("lng" in attrs):
                raise serializers.ValidationError({"lng": [_("lat 和 lng 需同时提供。")]})
            return attrs

    def query_from(self, params: dict) -> DiscoverQuery:
        bbox = params.get("in_bbox")
        if "lat" in params:
            point = Point(params["lng"], params["lat"], srid=4326)
        else:
            point = Point((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, srid=4326)
        radius = params.get("radius_m", None if bbox else 2000)
        return DiscoverQuery(
            point=point,
            radius_m=radius,
            bbox=bbox,
            category=params.get("category"),
            text=params.get("q", ""),
            open_now=params["open_now"],
            min_rating=params.get("min_rating"),
            price_levels=params.get("price_level", []),
            sort=params["sort"],
            limit=params["limit"],
            after=self.cursor_decode(params.get("cursor"), params["sort"]),
        )

    @staticmethod
    def cursor_decode(cursor: str | None, sort: str) -> tuple[float, int] | None:
        if not cursor:
            return None
        try:
            cursor_sort, value, last_id = signing.loads(cursor, salt=CURSOR_SALT)
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise InvalidCursor(fields={"cursor": [str(InvalidCursor.message)]}) from error
        if cursor_sort != sort:
            raise InvalidCursor(fields={"cursor": [_("游标与排序方式不一致。")]})
        return float(value), int(last_id)

    @extend_schema(
        tags=["discovery"],
        parameters=[FilterSerializer],
        responses={
            (200, "application/json"): DiscoverPageSerializer,
            (200, "application/geo+json"): OpenApiResponse(
                ShopFeatureCollectionSerializer,
                description="`format=geojson` or `Accept: application/geo+json`",
            ),
        },
    )
    def get(self, request):
        context = {"request": request, "coord_type": coord_type_of(request)}
        params = self.FilterSerializer(data=request.query_params, context=context)
        params.is_valid(raise_exception=True)
        query = self.query_from(params.validated_data)
        page = shops_discover(query, timezone.now())
        next_url = cursor = None
        if page.next_after is not None:
            cursor = signing.dumps([query.sort, *page.next_after], salt=CURSOR_SALT)
            next_url = request.build_absolute_uri(
                request.path + "?" + self.next_query(request, cursor)
            )
        if request.accepted_renderer.format == "geojson":
            collection = ShopFeatureSerializer(page.shops, many=True, context=context).data
            return Response({**collection, "next": next_url, "next_cursor": cursor})
        results = ShopSummarySerializer(page.shops, many=True, context=context).data
        return Response({"next": next_url, "next_cursor": cursor, "results": results})

    @staticmethod
    def next_query(request, cursor: str) -> str:
        query = request.query_params.copy()
        query["cursor"] = cursor
        return query.urlencode()
