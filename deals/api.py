"""The merchant's flash deals: create, list, publish, stats (owner, or staff with
manage_coupons; stats also with view_analytics). Another merchant's deal is 404."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from accounts.permissions import IsMerchantMember
from core.schema import error_response
from core.segments import Segment
from core.serializers import BoundedDateTimeField
from coupons.api.serializers import BenefitInputSerializer, CampaignSerializer
from coupons.errors import InvalidCampaign
from geo.radius import RADIUS_MAX_M, RADIUS_MIN_M
from loyalty.models import Level
from merchants.errors import NotAMerchant, ShopNotAssigned, StaffPermissionMissing
from merchants.models import Shop, StaffPermission
from merchants.selectors import merchant_permission_check, shops_write_check

from . import services
from .errors import InvalidDeal
from .models import DealTarget, FlashDeal
from .selectors import deal_shop_ids, flash_deal_stats

TAGS = ["merchant flash deals"]
MANAGE = StaffPermission.MANAGE_COUPONS


class FlashDealSerializer(serializers.ModelSerializer):
    campaign = CampaignSerializer(read_only=True)

    class Meta:
        model = FlashDeal
        fields = [
            "id",
            "campaign",
            "shop",
            "target",
            "radius_m",
            "sms",
            "starts_at",
            "ends_at",
            "status",
            "created_at",
            "published_at",
            "fanout_started_at",
            "fanout_finished_at",
        ]


class FlashDealInputSerializer(BenefitInputSerializer):
    """The offer (money in fen, as for campaigns), the window and the target."""

    title = serializers.CharField(max_length=60)
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    shop = serializers.PrimaryKeyRelatedField(queryset=Shop.objects.none())
    total_quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    per_customer_limit = serializers.IntegerField(required=False, min_value=1, max_value=100)
    starts_at = BoundedDateTimeField(required=False, help_text="Default: now.")
    duration_minutes = serializers.IntegerField(min_value=5, max_value=720)
    target = serializers.ChoiceField(choices=DealTarget.choices)
    radius_m = serializers.IntegerField(
        required=False, min_value=RADIUS_MIN_M, max_value=RADIUS_MAX_M, help_text="target `radius`"
    )
    customer_phones = serializers.ListField(
        child=PhoneNumberField(), required=False, max_length=10_000, help_text="customer_list"
    )
    levels = serializers.PrimaryKeyRelatedField(
        queryset=Level.objects.none(), many=True, required=False, help_text="target `levels`"
    )
    segments = serializers.ListField(
        child=serializers.ChoiceField(choices=Segment.choices),
        required=False,
        max_length=len(Segment.choices),
        help_text="target `segments`: the CRM's RFM segments",
    )
    sms = serializers.BooleanField(
        required=False, default=False, help_text="SMS as well (customer_list only)."
    )

    def __init__(self, *args, merchant=None, **kwargs):
        super().__init__(*args, merchant=merchant, **kwargs)
        if merchant is not None:
            self.fields["shop"].queryset = merchant.shops.all()
            self.fields["levels"].child_relation.queryset = Level.objects.filter(
                program__merchant=merchant
            )


class ChannelStatsSerializer(serializers.Serializer):
    pending = serializers.IntegerField(required=False)
    sending = serializers.IntegerField(required=False)
    sent = serializers.IntegerField(required=False)
    failed = serializers.IntegerField(required=False)


class FlashDealStatsSerializer(serializers.Serializer):
    recipients = serializers.IntegerField()
    inbox_delivered = serializers.IntegerField()
    inbox_read = serializers.IntegerField()
    push = ChannelStatsSerializer()
    sms = ChannelStatsSerializer()
    coupons_claimed = serializers.IntegerField()
    coupons_redeemed = serializers.IntegerField()
    fanout_started_at = serializers.DateTimeField(allow_null=True)
    fanout_finished_at = serializers.DateTimeField(allow_null=True)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="My flash deals, newest first"),
    retrieve=extend_schema(tags=TAGS, summary="One flash deal"),
    create=extend_schema(
        tags=TAGS,
        summary="Create a flash deal (draft)",
        request=FlashDealInputSerializer,
        responses={201: FlashDealSerializer},
        description="400 `invalid_deal` or `invalid_campaign` naming the fields.",
    ),
    update=extend_schema(
        tags=TAGS,
        summary="Edit a draft flash deal (every field, as when creating it)",
        request=FlashDealInputSerializer,
        responses={
            200: FlashDealSerializer,
            409: error_response("`deal_already_published`: it has been pushed already"),
        },
        description="400 `invalid_deal` or `invalid_campaign` naming the fields; 409 "
        "`deal_already_published` once published.",
    ),
)
class FlashDealViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    errors = {
        "create": (InvalidDeal, InvalidCampaign, NotAMerchant, ShopNotAssigned),
        "update": (InvalidDeal, InvalidCampaign, NotAMerchant, ShopNotAssigned),
    }
    permission_classes = [IsMerchantMember]
    serializer_class = FlashDealSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            self.merchant = merchant_permission_check(user=request.user, permission=MANAGE)
        except StaffPermissionMissing:
            if self.action != "stats":
                raise
            self.merchant = merchant_permission_check(
                user=request.user, permission=StaffPermission.VIEW_ANALYTICS
            )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FlashDeal.objects.none()
        return (
            FlashDeal.objects.filter(merchant=self.merchant)
            .select_related("campaign", "campaign__service")
            .prefetch_related("campaign__shops", "campaign__levels", "campaign__customers")
            .order_by("-pk")
        )

    def get_object(self):
        """A write (any unsafe method) needs every shop the deal reaches assigned to staff."""
        deal = super().get_object()
        if self.request.method not in SAFE_METHODS:
            shops_write_check(user=self.request.user, shop_ids=deal_shop_ids(deal))
        return deal

    def output(self, deal: FlashDeal, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=deal.pk)).data, status=code)

    def create(self, request):
        data = FlashDealInputSerializer(data=request.data, merchant=self.merchant)
        data.is_valid(raise_exception=True)
        shops_write_check(user=request.user, shop_ids=[data.validated_data["shop"].pk])
        deal = services.flash_deal_create(merchant=self.merchant, **data.validated_data)
        return self.output(deal, status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        deal = self.get_object()
        data = FlashDealInputSerializer(data=request.data, merchant=self.merchant)
        data.is_valid(raise_exception=True)
        shops_write_check(user=request.user, shop_ids=[data.validated_data["shop"].pk])
        return self.output(services.flash_deal_update(deal=deal, **data.validated_data))

    @extend_schema(
        tags=TAGS,
        summary="Publish: push it to its target",
        request=None,
        responses={
            200: FlashDealSerializer,
            409: error_response("`deal_already_published` or `deal_over`"),
        },
        description="The fan-out starts at starts_at (now if past), in the background. 409 "
        "`deal_already_published` or `deal_over`.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.output(services.flash_deal_publish(deal=self.get_object()))

    @extend_schema(
        tags=TAGS,
        summary="Pause a published deal: no claims, a push not yet sent waits",
        request=None,
        responses={200: FlashDealSerializer, 409: error_response("`invalid_transition`")},
    )
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self.output(services.flash_deal_pause(deal=self.get_object()))

    @extend_schema(
        tags=TAGS,
        summary="Resume a paused deal (a waiting push goes out)",
        request=None,
        responses={200: FlashDealSerializer, 409: error_response("`invalid_transition`")},
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self.output(services.flash_deal_resume(deal=self.get_object()))

    @extend_schema(
        tags=TAGS,
        summary="End a published deal for good (held coupons stay usable until they expire)",
        request=None,
        responses={200: FlashDealSerializer, 409: error_response("`invalid_transition`")},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.output(services.flash_deal_end(deal=self.get_object()))

    @extend_schema(tags=TAGS, summary="Reach and results", responses=FlashDealStatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        return Response(FlashDealStatsSerializer(flash_deal_stats(self.get_object())).data)
