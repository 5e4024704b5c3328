"""A shop's public side of orders and reviews: free slots, reviews, general reviews, reports."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsConsumer
from consumers.errors import AlreadyReported, ReviewTooSoon
from core.errors import NotFound
from core.pagination import CursorPagination
from core.serializers import BoundedDateField, IdField
from merchants.errors import NotAMerchant

from .. import services
from ..models import ReportReason, Review, ReviewStatus, ShopOrderPolicy
from ..selectors import reviews_public, shop_public, slots_available
from .serializers import OrderPolicySerializer, ReviewSerializer, SlotSerializer


class SlotPagination(CursorPagination):
    ordering = ("starts_at", "pk")


class ShopSlotsView(APIView):
    """Bookable slots of a shop with places left, soonest first."""

    permission_classes = [AllowAny]
    pagination_class = SlotPagination

    class FilterSerializer(serializers.Serializer):
        service = IdField(required=False, help_text="only slots for this service")
        date = BoundedDateField(required=False, help_text="YYYY-MM-DD, local date")

    @extend_schema(
        tags=["orders"],
        parameters=[FilterSerializer],
        responses=SlotSerializer(many=True),
    )
    def get(self, request, shop_id: int):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        slots = slots_available(
            shop=shop_public(shop_id),
            service_id=params.validated_data.get("service"),
            day=params.validated_data.get("date"),
            now=timezone.now(),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(slots, request, view=self)
        return paginator.get_paginated_response(SlotSerializer(page, many=True).data)


class ShopOrderPolicyView(APIView):
    """What a consumer agrees to when ordering here: acceptance, cut-off and fees."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["orders"], responses=OrderPolicySerializer)
    def get(self, request, shop_id: int):
        policy = ShopOrderPolicy.for_shop(shop_public(shop_id))
        return Response(OrderPolicySerializer(policy).data)


class ReviewPagination(CursorPagination):
    ordering = "-pk"


class ShopReviewsView(GenericAPIView):
    """GET: a shop's visible reviews, newest first (anyone). POST: a general review (signed-in
    consumers; unverified, one per shop per 30 days)."""

    errors = {"post": (ReviewTooSoon,)}
    serializer_class = ReviewSerializer
    pagination_class = ReviewPagination
    queryset = Review.objects.none()  # for the schema; reads go through reviews_public

    class InputSerializer(serializers.Serializer):
        rating = serializers.IntegerField(min_value=1, max_value=5)
        text = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    def get_permissions(self):
        return [IsConsumer()] if self.request.method == "POST" else [AllowAny()]

    @extend_schema(
        tags=["reviews"],
        parameters=[
            OpenApiParameter(
                "verified", bool, description="true: verified reviews only; false: general only"
            )
        ],
        responses=ReviewSerializer(many=True),
    )
    def get(self, request, shop_id: int):
        reviews = reviews_public(shop_public(shop_id))
        verified = request.query_params.get("verified")
        if verified in ("true", "false"):
            reviews = reviews.filter(is_verified=verified == "true")
        page = self.paginate_queryset(reviews)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(tags=["reviews"], request=InputSerializer, responses={201: ReviewSerializer})
    def post(self, request, shop_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create_general(
            consumer=request.user, shop=shop_public(shop_id), **data.validated_data
        )
        body = ReviewSerializer(review, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ReviewReportView(APIView):
    """Report a review to platform staff (once per account); the review stays shown until they
    decide, unless enough established accounts report it (README, "Reviews")."""

    errors = (
        AlreadyReported,
        NotAMerchant,
    )
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=ReportReason.choices)
        text = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        review = serializers.IntegerField(source="review_id")
        reason = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(tags=["reviews"], request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, review_id: int):
        review = Review.objects.exclude(status=ReviewStatus.REMOVED).filter(pk=review_id).first()
        if review is None:
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.review_report(review=review, reporter=request.user, **data.validated_data)
        return Response(self.OutputSerializer(report).data, status=status.HTTP_201_CREATED)
