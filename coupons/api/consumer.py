"""Consumers: a shop's claimable campaigns, claiming, "my coupons" and a coupon's QR code."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsConsumer
from core.codes import qr_payload, qr_png
from coupons.errors import (
    CampaignNotClaimable,
    CampaignNotPublished,
    ClaimLimitReached,
    NotInAudience,
    SoldOut,
)
from merchants.models import Shop, ShopStatus

from .. import services
from ..models import Campaign, CampaignStatus, Coupon
from ..selectors import campaigns_claimable, coupons_of
from .serializers import CampaignPublicSerializer, MyCouponSerializer

TAGS = ["consumer coupons"]


@extend_schema(
    tags=TAGS,
    summary="A shop's claimable campaigns",
    description="Published, not sold out, not past their window, accepted at this shop. "
    "Anonymous visitors see campaigns for anyone; a signed-in consumer also sees those for "
    "their membership levels or customer lists, and `claimed_by_me`.",
)
class ShopCampaignsView(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CampaignPublicSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        shop = get_object_or_404(Shop, pk=self.kwargs["pk"], status=ShopStatus.ACTIVE)
        return campaigns_claimable(shop=shop, user=self.request.user, now=timezone.now())


@extend_schema(
    tags=TAGS,
    summary="Claim a coupon",
    request=None,
    responses={201: MyCouponSerializer},
    description="409 `sold_out`, `claim_limit_reached` or `campaign_not_claimable` (paused, "
    "ended, window over); 403 `not_in_audience`.",
)
class ClaimView(APIView):
    errors = (SoldOut, ClaimLimitReached, NotInAudience, CampaignNotClaimable, CampaignNotPublished)
    permission_classes = [IsConsumer]

    def post(self, request, pk):
        campaign = get_object_or_404(Campaign.objects.exclude(status=CampaignStatus.DRAFT), pk=pk)
        coupon = services.coupon_claim(campaign=campaign, consumer=request.user)
        coupon = coupons_of(user=request.user, state=None, now=timezone.now()).get(pk=coupon.pk)
        body = MyCouponSerializer(coupon, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="My coupons",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=["usable", "used", "expired"],
                description="usable: not used and not expired (may start later); default all",
            )
        ],
    ),
    retrieve=extend_schema(tags=TAGS, summary="One of my coupons"),
)
class MyCouponViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    permission_classes = [IsConsumer]
    serializer_class = MyCouponSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Coupon.objects.none()
        state = self.request.query_params.get("status")
        return coupons_of(user=self.request.user, state=state, now=timezone.now()).order_by("-pk")

    @extend_schema(
        tags=TAGS,
        summary="A coupon's QR code (PNG) for the counter to scan",
        operation_id="me_coupons_qr",
        responses={(200, "image/png"): OpenApiTypes.BINARY},
    )
    def qr(self, request, pk=None):
        coupon = self.get_object()
        response = HttpResponse(qr_png(qr_payload("C", coupon.code)), content_type="image/png")
        response["Cache-Control"] = "private, max-age=86400"
        return response
