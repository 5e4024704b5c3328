"""A consumer's places, flash-deal subscriptions, check-ins and activity area (/api/v1/me/)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsConsumer
from core.coords import CoordTypeMixin, WGS84InputMixin
from core.schema import error_response
from geo.errors import InvalidSubscription, LocationConsentRequired
from merchants.api.serializers import LatLngField
from merchants.models import Category, Shop, ShopStatus

from . import services
from .models import ActivityCluster, CheckIn, Place, PlaceKind, Subscription
from .radius import RADIUS_MAX_M, RADIUS_MIN_M

TAGS = ["flash deal subscriptions"]
LAT = {"min_value": -90, "max_value": 90}
LNG = {"min_value": -180, "max_value": 180}


class PlaceSerializer(serializers.ModelSerializer):
    location = LatLngField(read_only=True)

    class Meta:
        model = Place
        fields = ["id", "kind", "name", "location", "created_at"]


class PlaceInputSerializer(WGS84InputMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlaceKind.choices)
    name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    lat = serializers.FloatField(**LAT)
    lng = serializers.FloatField(**LNG)


class PlaceUpdateSerializer(WGS84InputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False, **LAT)
    lng = serializers.FloatField(required=False, **LNG)


class ConsumerOwnedMixin:
    permission_classes = [IsConsumer]
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number is 404, not a 500
    model: type

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.model.objects.filter(consumer=self.request.user).order_by("-pk")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="My places (home, work, pins)"),
    retrieve=extend_schema(tags=TAGS, summary="One of my places"),
    create=extend_schema(
        tags=TAGS,
        request=PlaceInputSerializer,
        responses={201: PlaceSerializer, 409: error_response("`place_taken`")},
        description="409 `place_taken`: one home and one work each; pins are unlimited.",
    ),
    partial_update=extend_schema(
        tags=TAGS,
        request=PlaceUpdateSerializer,
        responses=PlaceSerializer,
        description="Moving a place moves the subscriptions around it.",
    ),
    destroy=extend_schema(tags=TAGS, summary="Delete a place and its subscriptions"),
)
class PlaceViewSet(
    CoordTypeMixin,
    ConsumerOwnedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    model = Place
    serializer_class = PlaceSerializer
    http_method_names = ["get", "post", "patch", "delete"]

    def create(self, request):
        context = self.get_serializer_context()
        data = PlaceInputSerializer(data=request.data, context=context)
        data.is_valid(raise_exception=True)
        place = services.place_create(consumer=request.user, **data.validated_data)
        return Response(
            PlaceSerializer(place, context=context).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, pk=None):
        place = self.get_object()
        context = self.get_serializer_context()
        data = PlaceUpdateSerializer(data=request.data, context=context)
        data.is_valid(raise_exception=True)
        place = services.place_update(place=place, **data.validated_data)
        return Response(PlaceSerializer(place, context=context).data)

    def perform_destroy(self, place):
        services.place_delete(place=place)


class SubscriptionSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The category's slug, as given."
    )
    around = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = ["id", "category", "shop", "place", "around", "radius_m", "active", "created_at"]

    def get_around(self, subscription) -> str:
        """`place`, or `activity_area` when the subscription has no place."""
        return "place" if subscription.place_id else "activity_area"


class SubscriptionInputSerializer(serializers.Serializer):
    """A category (slug) or a shop (id), and a place (id) or none for the activity area."""

    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, allow_null=True
    )
    shop = serializers.PrimaryKeyRelatedField(
        queryset=Shop.objects.filter(status=ShopStatus.ACTIVE), required=False, allow_null=True
    )
    place = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.none(),
        required=False,
        allow_null=True,
        help_text="One of my places; empty = around my activity area.",
    )
    radius_m = serializers.IntegerField(min_value=RADIUS_MIN_M, max_value=RADIUS_MAX_M)

    def __init__(self, *args, consumer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if consumer is not None:
            self.fields["place"].queryset = Place.objects.filter(consumer=consumer)


class SubscriptionUpdateSerializer(serializers.Serializer):
    radius_m = serializers.IntegerField(
        min_value=RADIUS_MIN_M, max_value=RADIUS_MAX_M, required=False
    )
    active = serializers.BooleanField(required=False)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="My flash-deal subscriptions"),
    retrieve=extend_schema(tags=TAGS, summary="One of my subscriptions"),
    create=extend_schema(
        tags=TAGS,
        request=SubscriptionInputSerializer,
        responses={201: SubscriptionSerializer},
        description="400 `invalid_subscription`: neither or both of category and shop.",
    ),
    partial_update=extend_schema(
        tags=TAGS, request=SubscriptionUpdateSerializer, responses=SubscriptionSerializer
    ),
    destroy=extend_schema(tags=TAGS, summary="Unsubscribe"),
)
class SubscriptionViewSet(
    ConsumerOwnedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    errors = {"create": (InvalidSubscription, LocationConsentRequired)}
    model = Subscription
    serializer_class = SubscriptionSerializer
    http_method_names = ["get", "post", "patch", "delete"]

    def get_queryset(self):
        return super().get_queryset().defer("coverage", "anchor").select_related("category")

    def create(self, request):
        data = SubscriptionInputSerializer(data=request.data, consumer=request.user)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_create(consumer=request.user, **data.validated_data)
        return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        subscription = self.get_object()
        data = SubscriptionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_update(
            subscription=subscription, **data.validated_data
        )
        return Response(SubscriptionSerializer(subscription).data)


class CheckInSerializer(serializers.ModelSerializer):
    location = LatLngField(read_only=True)

    class Meta:
        model = CheckIn
        fields = ["id", "location", "shop", "created_at"]


class CheckInInputSerializer(WGS84InputMixin, serializers.Serializer):
    lat = serializers.FloatField(**LAT)
    lng = serializers.FloatField(**LNG)
    shop = serializers.PrimaryKeyRelatedField(
        queryset=Shop.objects.filter(status=ShopStatus.ACTIVE), required=False, allow_null=True
    )


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="My check-ins, newest first"),
    create=extend_schema(
        tags=TAGS,
        summary="Check in here",
        request=CheckInInputSerializer,
        responses={201: CheckInSerializer},
        description="Check-ins with location feed the inferred activity area.",
    ),
)
class CheckInViewSet(
    CoordTypeMixin, ConsumerOwnedMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    errors = {"create": (LocationConsentRequired,)}
    model = CheckIn
    serializer_class = CheckInSerializer

    def create(self, request):
        context = self.get_serializer_context()
        data = CheckInInputSerializer(data=request.data, context=context)
        data.is_valid(raise_exception=True)
        check_in = services.check_in_create(consumer=request.user, **data.validated_data)
        return Response(
            CheckInSerializer(check_in, context=context).data, status=status.HTTP_201_CREATED
        )


class ClusterSerializer(serializers.ModelSerializer):
    center = LatLngField(read_only=True)

    class Meta:
        model = ActivityCluster
        fields = ["id", "center", "radius_m", "points", "source"]


class ActivityAreaSerializer(serializers.Serializer):
    location_consent = serializers.BooleanField(
        help_text="false: nothing is inferred until I agree (POST /api/v1/me/consents/)."
    )
    enabled = serializers.BooleanField()
    corrected = serializers.BooleanField(help_text="true: the clusters are my own correction.")
    computed_at = serializers.DateTimeField(allow_null=True)
    clusters = ClusterSerializer(many=True)


class ClusterInputSerializer(WGS84InputMixin, serializers.Serializer):
    lat = serializers.FloatField(**LAT)
    lng = serializers.FloatField(**LNG)
    radius_m = serializers.IntegerField(min_value=100, max_value=10000)


class ActivityAreaInputSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False, help_text="false: switch it off.")
    clusters = ClusterInputSerializer(
        many=True, required=False, max_length=10, help_text="Replace the clusters with mine."
    )


def area_body(consumer, request) -> dict:
    area = services.activity_area_of(consumer)
    clusters = ActivityCluster.objects.filter(consumer=consumer).order_by("-points", "pk")
    return ActivityAreaSerializer(
        {
            "location_consent": services.location_consented(consumer_id=consumer.pk),
            "enabled": area.enabled,
            "corrected": area.corrected,
            "computed_at": area.computed_at,
            "clusters": clusters,
        },
        context={"request": request},
    ).data


class ActivityAreaView(CoordTypeMixin, APIView):
    """Where I usually am, inferred from my orders, redemptions and check-ins of the last 180
    days (DBSCAN clusters, 500 m apart at most, with a radius around each). Subscriptions
    without a place are around it."""

    errors = {"patch": (LocationConsentRequired,)}

    permission_classes = [IsConsumer]

    @extend_schema(tags=TAGS, summary="My activity area", responses=ActivityAreaSerializer)
    def get(self, request):
        return Response(area_body(request.user, request))

    @extend_schema(
        tags=TAGS,
        summary="Correct or switch off my activity area",
        request=ActivityAreaInputSerializer,
        responses=ActivityAreaSerializer,
    )
    def patch(self, request):
        data = ActivityAreaInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.activity_area_correct(consumer=request.user, **data.validated_data)
        return Response(area_body(request.user, request))


class ActivityAreaRefreshView(CoordTypeMixin, APIView):
    permission_classes = [IsConsumer]

    @extend_schema(
        tags=TAGS,
        summary="Infer my activity area afresh",
        request=None,
        responses=ActivityAreaSerializer,
        description="Discards my corrections and infers the clusters from my history again.",
    )
    def post(self, request):
        services.activity_area_refresh(consumer=request.user, discard_corrections=True)
        return Response(area_body(request.user, request))
