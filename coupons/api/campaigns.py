"""The merchant designs, issues and tracks campaigns (owner, or staff with manage_coupons).

Another merchant's campaign is 404. Stats are also open to staff with view_analytics.
"""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from accounts.permissions import IsMerchantMember
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.segments import Segment
from core.serializers import BoundedDateTimeField
from coupons.errors import InvalidCampaign
from loyalty.models import Level
from merchants.errors import NotAMerchant, ShopNotAssigned, StaffPermissionMissing
from merchants.models import Shop, StaffPermission
from merchants.selectors import merchant_permission_check, shops_write_check

from .. import services
from ..models import Audience, Campaign, Coupon
from ..selectors import campaign_shop_ids, terms_shop_ids
from .paper import PaperBatchActions
from .serializers import BenefitInputSerializer, CampaignSerializer, MerchantCouponSerializer
from .tracking import TrackingActions

MANAGE = StaffPermission.MANAGE_COUPONS
TAGS = ["merchant coupons"]
MAX_ISSUE = 1000


class CampaignInputSerializer(BenefitInputSerializer):
    """Money in fen. Validity: either `valid_from` + `valid_until` (aware datetimes; a naive
    one is Asia/Shanghai) or `valid_days_after_issue`."""

    title = serializers.CharField(max_length=60)
    description = serializers.CharField(required=False, allow_blank=True)
    valid_from = BoundedDateTimeField(required=False, allow_null=True)
    valid_until = BoundedDateTimeField(required=False, allow_null=True)
    valid_days_after_issue = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=3650
    )
    total_quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    per_customer_limit = serializers.IntegerField(required=False, min_value=1, max_value=100)
    shops = serializers.PrimaryKeyRelatedField(
        queryset=Shop.objects.none(), many=True, required=False, help_text="Empty = every shop."
    )
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    levels = serializers.PrimaryKeyRelatedField(
        queryset=Level.objects.none(),
        many=True,
        required=False,
        help_text="Membership levels (audience `levels`).",
    )
    customer_phones = serializers.ListField(
        child=PhoneNumberField(),
        required=False,
        max_length=10_000,
        help_text="The customer list (audience `customer_list`).",
    )
    segments = serializers.ListField(
        child=serializers.ChoiceField(choices=Segment.choices),
        required=False,
        max_length=len(Segment.choices),
        help_text="CRM RFM segments (audience `segments`).",
    )

    def __init__(self, *args, merchant=None, **kwargs):
        super().__init__(*args, merchant=merchant, **kwargs)
        if merchant is not None:  # only the merchant's own shops and levels
            self.fields["shops"].child_relation.queryset = merchant.shops.all()
            self.fields["levels"].child_relation.queryset = Level.objects.filter(
                program__merchant=merchant
            )


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.ImageField()


class IssueInputSerializer(serializers.Serializer):
    phones = serializers.ListField(child=PhoneNumberField(), min_length=1, max_length=MAX_ISSUE)


class SkippedSerializer(serializers.Serializer):
    phone = serializers.CharField()
    code = serializers.CharField(help_text="Why: `claim_limit_reached`.")


class IssueOutputSerializer(serializers.Serializer):
    issued = MerchantCouponSerializer(many=True)
    skipped = SkippedSerializer(many=True)


TRANSITION_SCHEMA = extend_schema(tags=TAGS, request=None, responses=CampaignSerializer)


@extend_schema_view(
    list=extend_schema(tags=TAGS),
    retrieve=extend_schema(tags=TAGS),
    create=extend_schema(
        tags=TAGS, request=CampaignInputSerializer, responses={201: CampaignSerializer}
    ),
    partial_update=extend_schema(
        tags=TAGS,
        request=CampaignInputSerializer,
        responses=CampaignSerializer,
        description="A draft changes freely. Published or paused: title and description "
        "freely; terms only in the holders' favour, else 409 `terms_locked` naming each field: "
        "amount_off_fen, percent_off up; percent_cap_fen up or null; special_price_fen, "
        "min_spend_fen down; valid_from earlier, valid_until later, valid_days_after_issue up "
        "(held coupons follow); per_customer_limit up; total_quantity not below issued_count; "
        "shops added (or emptied = all shops); levels or customer_phones added, or audience "
        "widened to `anyone`. benefit_kind and service never change. Ended: title and "
        "description only.",
    ),
    destroy=extend_schema(tags=TAGS, summary="Delete a draft (409 `invalid_transition` else)"),
)
class CampaignViewSet(
    PaperBatchActions,
    TrackingActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    errors = {"create": (InvalidCampaign, NotAMerchant, ShopNotAssigned)}
    lookup_value_regex = r"\d+"
    permission_classes = [IsMerchantMember]
    serializer_class = CampaignSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in ("stats", "stats_csv"):
            self.merchant = self.analytics_merchant()
        else:
            self.merchant = merchant_permission_check(user=request.user, permission=MANAGE)

    def analytics_merchant(self):
        try:
            return merchant_permission_check(user=self.request.user, permission=MANAGE)
        except StaffPermissionMissing:
            return merchant_permission_check(
                user=self.request.user, permission=StaffPermission.VIEW_ANALYTICS
            )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return (
            Campaign.objects.filter(merchant=self.merchant)
            .select_related("service", "merchant")
            .prefetch_related("shops", "levels", "customers")
            .order_by("-pk")
        )

    def get_object(self):
        """A write (any unsafe method) needs every shop the campaign reaches assigned to staff."""
        campaign = super().get_object()
        if self.request.method not in SAFE_METHODS:
            shops_write_check(user=self.request.user, shop_ids=campaign_shop_ids(campaign))
        return campaign

    def output(self, campaign: Campaign, code=status.HTTP_200_OK) -> Response:
        campaign = self.get_queryset().get(pk=campaign.pk)
        return Response(self.get_serializer(campaign).data, status=code)

    def create(self, request):
        data = CampaignInputSerializer(data=request.data, merchant=self.merchant)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        reach = terms_shop_ids(shops=fields.get("shops", ()), service=fields.get("service"))
        shops_write_check(user=request.user, shop_ids=reach)
        campaign = services.campaign_create(merchant=self.merchant, **data.validated_data)
        return self.output(campaign, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        campaign = self.get_object()
        data = CampaignInputSerializer(data=request.data, partial=True, merchant=self.merchant)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if "shops" in fields or fields.get("service"):
            shops = fields.get("shops", campaign.shops.all())
            reach = terms_shop_ids(shops=shops, service=fields.get("service", campaign.service))
            shops_write_check(user=request.user, shop_ids=reach)
        campaign = services.campaign_update(campaign=campaign, **data.validated_data)
        return self.output(campaign)

    def destroy(self, request, pk=None):
        services.campaign_delete(campaign=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def transition(self, action_name: str) -> Response:
        campaign = services.campaign_transition(campaign=self.get_object(), action=action_name)
        return self.output(campaign)

    @TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Draft or paused -> published: consumers can claim, the merchant can issue."""
        return self.transition("publish")

    @TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Stops claiming and issuing; coupons already held stay usable."""
        return self.transition("pause")

    @TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Ends the campaign for good; coupons already held stay usable until they expire."""
        return self.transition("end")

    @extend_schema(tags=TAGS, request=ImageUploadSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def image(self, request, pk=None):
        """The campaign's picture (JPEG, PNG or WebP, at most 10 MB, 200-8000 px a side)."""
        data = ImageUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["image"]
        campaign = services.campaign_image_set(campaign=self.get_object(), upload=upload)
        return self.output(campaign)

    @extend_schema(
        tags=TAGS,
        request=IssueInputSerializer,
        responses={201: IssueOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Send one coupon to each phone number. A phone whose owner has no account yet gets
        it when they sign up; one at the per-customer limit is skipped and listed."""
        campaign = self.get_object()
        data = IssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def perform():
            result = services.coupons_issue(campaign=campaign, phones=data.validated_data["phones"])
            body = {
                "issued": MerchantCouponSerializer(result.issued, many=True).data,
                "skipped": [{"phone": phone, "code": code} for phone, code in result.skipped],
            }
            return status.HTTP_201_CREATED, body

        return idempotent(request, scope="coupons.issue", perform=perform)

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("status", str, enum=["available", "redeemed"]),
            OpenApiParameter("channel", str, enum=["claim", "issue", "paper"]),
        ],
        responses=MerchantCouponSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def coupons(self, request, pk=None):
        """The coupons out of this campaign, newest first."""
        coupons = Coupon.objects.filter(campaign=self.get_object()).order_by("-pk")
        for name in ("status", "channel"):
            if value := request.query_params.get(name):
                coupons = coupons.filter(**{name: value})
        page = self.paginate_queryset(coupons)
        return self.get_paginated_response(MerchantCouponSerializer(page, many=True).data)
