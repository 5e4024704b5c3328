"""Consumers: the flash deals live near them (anyone may look; private deals only for their
recipients). Claiming is the campaign's claim endpoint, POST /api/v1/campaigns/{id}/claim/."""

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from core.coords import CoordTypeMixin, WGS84InputMixin
from core.pagination import CursorPagination
from coupons.api.serializers import CampaignPublicSerializer
from geo.consumer_api import LAT, LNG
from geo.radius import RADIUS_MAX_M, RADIUS_MIN_M
from merchants.api.serializers import CategoryBriefSerializer, LatLngField
from merchants.models import Category, Shop

from .models import FlashDeal
from .selectors import flash_deals_live

TAGS = ["consumer flash deals"]
CLAIM = "Claim with `POST /api/v1/campaigns/{campaign.id}/claim/` (signed-in consumers)."


class NearQuerySerializer(WGS84InputMixin, serializers.Serializer):
    lat = serializers.FloatField(**LAT)
    lng = serializers.FloatField(**LNG)
    radius_m = serializers.IntegerField(
        required=False,
        default=3000,
        min_value=RADIUS_MIN_M,
        max_value=RADIUS_MAX_M,
        help_text="metres",
    )
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.all(),
        required=False,
        help_text="A category slug; a parent category includes its children.",
    )


class PointQuerySerializer(WGS84InputMixin, serializers.Serializer):
    lat = serializers.FloatField(required=False, **LAT)
    lng = serializers.FloatField(required=False, **LNG)

    def validate(self, attrs):
        if ("lat" in attrs) != ("lng" in attrs):
            raise serializers.ValidationError({"lng": [_("lat 和 lng 需同时提供。")]})
        return attrs


class DealShopSerializer(serializers.ModelSerializer):
    location = LatLngField()
    categories = CategoryBriefSerializer(many=True)

    class Meta:
        model = Shop
        fields = ["id", "name", "address", "location", "categories"]


class FlashDealNearSerializer(serializers.ModelSerializer):
    campaign = CampaignPublicSerializer()
    shop = DealShopSerializer()
    distance_m = serializers.SerializerMethodField(
        help_text="Metres from lat/lng to the shop (WGS84 geodesic); null without them."
    )
    claimed = serializers.SerializerMethodField(
        help_text="Whether you hold a coupon of it; null when not signed in."
    )

    class Meta:
        model = FlashDeal
        fields = ["id", "starts_at", "ends_at", "campaign", "shop", "distance_m", "claimed"]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_m(self, deal) -> float | None:
        geodesic = getattr(deal, "geodesic", None)
        return None if geodesic is None else geodesic.m

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_claimed(self, deal) -> bool | None:
        held = getattr(deal.campaign, "claimed_by_me", None)
        return None if held is None else held > 0


class NearestFirstPagination(CursorPagination):
    ordering = ("distance", "pk")


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="Flash deals live near a point, nearest first",
        parameters=[NearQuerySerializer],
        description="Published deals between starts_at and ends_at whose coupons can still be "
        "claimed (not sold out, not over), at shops within `radius_m` (default 3000) of "
        "lat/lng. Deals by radius are for anyone; a deal for a customer list, membership "
        "levels or CRM segments is listed only to a signed-in consumer in that audience. " + CLAIM,
    ),
    retrieve=extend_schema(
        tags=TAGS,
        summary="One live flash deal",
        parameters=[PointQuerySerializer],
        description="The list's item, for a deal the caller may see (else 404, also for a "
        "deal meant for someone else); `distance_m` needs lat and lng. " + CLAIM,
    ),
)
class FlashDealNearViewSet(
    CoordTypeMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [AllowAny]
    serializer_class = FlashDealNearSerializer
    pagination_class = NearestFirstPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FlashDeal.objects.none()
        query = NearQuerySerializer if self.action == "list" else PointQuerySerializer
        params = query(data=self.request.query_params, context={"request": self.request})
        params.is_valid(raise_exception=True)
        where = params.validated_data
        point = Point(where["lng"], where["lat"], srid=4326) if "lat" in where else None
        return flash_deals_live(
            user=self.request.user,
            now=timezone.now(),
            point=point,
            radius_m=where.get("radius_m"),
            category=where.get("category"),
        )
