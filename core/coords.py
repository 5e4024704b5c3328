"""Coordinates at the API's edge: WGS84 (GPS, and what we store) or GCJ-02 (AMap, Tencent Maps,
WeChat maps: about 300-600 m off WGS84 in China).

An operation that takes or returns coordinates accepts `?coord_type=wgs84|gcj02` (default
wgs84). Its lat/lng in, and its lat/lng out, are then in that system; storage, distances and
radii stay WGS84. The conversion happens here only:

- views say they take `coord_type` with `CoordTypeMixin` (which checks the parameter early and
  declares it in the OpenAPI schema, see core.schema.AutoSchema);
- input serializers with `lat`/`lng` fields inherit `WGS84InputMixin`;
- output fields (merchants.api.serializers.LatLngField, discovery's fast paths) call
  `point_out(lat, lng, context)`.

The transform is prcoords' (public domain). Its inverse, `gcj_wgs_bored`, iterates the forward
transform to a fixed point: round trips are exact to about 5 mm, where one-step inverses (the
maintained `coordtransform` included) err by up to 4.4 m. The GCJ-02 algorithm is frozen, so an
old release is no drawback.

Outside China GCJ-02 is WGS84: the transform is the identity. The GCJ libraries' test is a
rectangle (0.83-55.83 N, 72.00-137.83 E) that also holds Seoul, Hanoi, Manila, Delhi and
Singapore, whose map apps send WGS84; so a point must also lie within 0.25 degrees of China's
outline (countryinfo's, a 1:110m polygon; the margin covers its coarse coasts, Hong Kong and
Macau; Taiwan is outside).
"""

import json
from functools import cache

import prcoords
from countryinfo import CountryInfo
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

PARAMETER = "coord_type"


class CoordType(models.TextChoices):
    WGS84 = "wgs84", "WGS84 (GPS)"
    GCJ02 = "gcj02", "GCJ-02 (AMap, Tencent Maps, WeChat)"


COORD_TYPE_PARAMETER = OpenApiParameter(
    PARAMETER,
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=CoordType.values,
    default=CoordType.WGS84,
    description=(
        "The coordinate system of this request's lat/lng, in and out: `wgs84` (GPS, default) "
        "or `gcj02` (AMap, Tencent Maps, WeChat maps). Distances and radii are metres either "
        "way."
    ),
)


CHINA_MARGIN_DEG = 0.25


@cache
def china_outline():
    """China's outline widened by CHINA_MARGIN_DEG, prepared for fast point tests."""
    geometry = CountryInfo("china").geo_json()["features"][0]["geometry"]
    return GEOSGeometry(json.dumps(geometry), srid=4326).buffer(CHINA_MARGIN_DEG).prepared


def in_china(lat: float, lng: float) -> bool:
    """Where GCJ-02 differs from WGS84."""
    if not prcoords.sanity_in_china_p(prcoords.Coords(lat, lng)):
        return False
    return china_outline().contains(Point(lng, lat, srid=4326))


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if not in_china(lat, lng):
        return lat, lng
    out = prcoords.wgs_gcj((lat, lng), False)
    return out.lat, out.lon


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """The WGS84 point whose GCJ-02 is (lat, lng): the shifted one if it is in China (so that
    round trips hold at the outline too), else the point itself."""
    if not prcoords.sanity_in_china_p(prcoords.Coords(lat, lng)):
        return lat, lng
    out = prcoords.gcj_wgs_bored((lat, lng), False)
    return (out.lat, out.lon) if in_china(out.lat, out.lon) else (lat, lng)


def to_wgs84(lat: float, lng: float, coord_type: str) -> tuple[float, float]:
    return gcj02_to_wgs84(lat, lng) if coord_type == CoordType.GCJ02 else (lat, lng)


def from_wgs84(lat: float, lng: float, coord_type: str) -> tuple[float, float]:
    return wgs84_to_gcj02(lat, lng) if coord_type == CoordType.GCJ02 else (lat, lng)


INVALID = _("coord_type 应为 wgs84 或 gcj02。")


def coord_type_of(request) -> str:
    """The request's `coord_type` query parameter; a bad one is a 400 `invalid`."""
    if request is None:
        return CoordType.WGS84
    value = request.query_params.get(PARAMETER, CoordType.WGS84) or CoordType.WGS84
    if value not in CoordType.values:
        raise serializers.ValidationError({PARAMETER: [INVALID]})
    return value


def coord_type_in(context: dict) -> str:
    """The coordinate system a serializer reads and writes: its context's `coord_type`, else its
    request's, else WGS84."""
    if PARAMETER in context:
        return context[PARAMETER]
    return coord_type_of(context.get("request"))


def point_out(lat: float, lng: float, context: dict) -> tuple[float, float]:
    """A stored (WGS84) lat/lng, as the request wants to see it."""
    return from_wgs84(lat, lng, coord_type_in(context))


class WGS84InputMixin(serializers.Serializer):
    """For an input serializer with `lat` and `lng` fields: they arrive in the request's
    coordinate system and leave validation in WGS84 (when both are given)."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if values.get("lat") is not None and values.get("lng") is not None:
            values["lat"], values["lng"] = to_wgs84(
                values["lat"], values["lng"], coord_type_in(self.context)
            )
        return values


class CoordTypeMixin:
    """A view whose operations take `coord_type`: checked before anything else runs (a bad
    value is a 400), and declared on each of its operations in the schema."""

    takes_coord_type = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method != "DELETE":
            coord_type_of(request)
