"""The consumer's orders: /api/v1/me/orders/. Another consumer's order is 404."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.permissions import IsConsumer
from consumers.errors import (
    AddressRequired,
    AlreadyReviewed,
    CancelTooLate,
    DisputeNotAllowed,
    DisputeOpen,
    FulfilmentNotOffered,
    IllegalTransition,
    OrderNotConsumed,
    OutsideServiceArea,
    ServiceNotBookable,
    ServiceNotOrderable,
    SlotFull,
    SlotRequired,
    SlotUnavailable,
)
from core.coords import CoordTypeMixin, WGS84InputMixin
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent, once_of_api
from core.schema import error_response
from loyalty.errors import (
    CardNotValidHere,
    InsufficientBalance,
    InsufficientPoints,
    InvalidRedemption,
    PasswordNotSet,
    PasswordRequired,
    PasswordWrong,
    SpendingLocked,
)
from loyalty.selectors import card_for_purchase
from loyalty.services import card_spending_authorize
from merchants.errors import PublicServiceNotBookable
from merchants.models import Service
from payments.backends import PayRequest, payment_backends
from payments.errors import (
    PaymentBackendUnknown,
    PaymentDeclined,
    PaymentGatewayUnavailable,
    RefundDeclined,
    RefundTooLarge,
)

from .. import services
from ..models import ActorRole, ConsumedVia, Fulfilment, OrderState, Review, TimeSlot
from ..selectors import orders_of_consumer
from .serializers import MyReviewSerializer, OrderSerializer, ReviewPhotoSerializer

TAGS = ["orders"]
# Steps that refund: the payment is refunded through its backend and the points reversed.
REFUND_ERRORS = {
    409: error_response("订单当前状态不允许此操作 (`illegal_transition`)"),
    503: error_response("支付渠道暂时不可用，未退款，请稍后重试 (`payment_gateway_unavailable`)"),
}


class OrderCreateSerializer(WGS84InputMixin, serializers.Serializer):
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.select_related("shop"))
    slot = serializers.PrimaryKeyRelatedField(
        queryset=TimeSlot.objects.all(),
        required=False,
        allow_null=True,
        help_text="A time slot to book; without one the service is bought as a voucher.",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=20, default=1)
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices, default=Fulfilment.IN_SHOP)
    address = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    contact_phone = PhoneNumberField(required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    points = serializers.IntegerField(
        min_value=0,
        max_value=10**9,
        default=0,
        help_text="Points of my card valid at the shop to spend, in the program's redeem units "
        "(e.g. multiples of 100); they take money off after the member price.",
    )
    card_password = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The card's consumption password, required when spending points.",
    )
    payment_method = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="An online payment backend (e.g. sandbox); empty: the platform's default.",
    )
    payment_token = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="From the payment SDK"
    )
    payment_channel = serializers.ChoiceField(
        choices=["", "jsapi", "h5", "native", "wap"],
        required=False,
        default="",
        help_text="How the app pays through a real gateway: WeChat `jsapi` (inside WeChat, "
        "with `openid`), `h5` (other phone browsers), `native` (a QR code for a desktop), "
        "Alipay `wap` (phone browser). Empty: the gateway's default.",
    )
    openid = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=128,
        help_text="The payer's WeChat openid, for jsapi",
    )

    def validate(self, attrs):
        if (attrs.get("lat") is None) != (attrs.get("lng") is None):
            raise serializers.ValidationError({"lng": [_("lat 和 lng 需同时提供。")]})
        method = attrs.get("payment_method")
        if method and method not in payment_backends(online=True):
            raise serializers.ValidationError({"payment_method": [_("不支持该支付方式。")]})
        return attrs


class DisputeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DisputeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField(source="order_id")
    side = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewCreateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ReviewPhotoUploadSerializer(serializers.Serializer):
    image = serializers.ImageField()


def card_password_required(request, service: Service, password: str, points: int) -> None:
    """Spending points needs the consumption password (loyalty's card_spending_authorize),
    checked before the idempotent transaction: a wrong try is counted even though the order
    is refused and rolled back."""
    once = once_of_api(request)
    once.check()  # a request that cannot run costs no try, with or without a card
    card = card_for_purchase(consumer=request.user, shop=service.shop)
    if card is not None:  # without a card the points are refused when quoting
        card_spending_authorize(
            card_id=card.pk, password=password, points=points, balance_fen=0, once=once
        )


def pay_request(request, *, token: str, channel: str, openid: str, description: str):
    """What the gateway needs from the payer's side; H5 pay needs the phone's address."""
    return PayRequest(
        token=token,
        channel=channel,
        openid=openid,
        client_ip=request.META.get("REMOTE_ADDR", ""),
        description=description[:127],
    )


def order_body(order_id: int, request) -> dict:
    order = orders_of_consumer(request.user).get(pk=order_id)
    return OrderSerializer(order, context={"request": request}).data


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="My orders, newest first",
        parameters=[
            OpenApiParameter("state", str, enum=OrderState.values, description="only this state"),
            OpenApiParameter(
                "active",
                bool,
                description="true: awaiting payment, pending or confirmed (upcoming) orders only",
            ),
        ],
    ),
    retrieve=extend_schema(tags=TAGS, summary="One of my orders, with its QR payload"),
)
class MyOrderViewSet(
    CoordTypeMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    errors = {
        "create": (
            ServiceNotOrderable,
            ServiceNotBookable,
            PublicServiceNotBookable,
            SlotRequired,
            SlotUnavailable,
            SlotFull,
            AddressRequired,
            FulfilmentNotOffered,
            OutsideServiceArea,
            InsufficientPoints,
            PasswordWrong,
            SpendingLocked,
            PaymentBackendUnknown,
            PaymentDeclined,
            PaymentGatewayUnavailable,
            CardNotValidHere,
            InsufficientBalance,
            InvalidRedemption,
            PasswordNotSet,
            PasswordRequired,
            RefundDeclined,
            RefundTooLarge,
        ),
        "cancel": (
            IllegalTransition,
            CancelTooLate,
            PaymentGatewayUnavailable,
        ),
        "done": (
            IllegalTransition,
            DisputeOpen,
        ),
        "dispute": (
            DisputeOpen,
            DisputeNotAllowed,
        ),
        "review": (
            OrderNotConsumed,
            AlreadyReviewed,
        ),
    }
    lookup_value_regex = r"\d+"
    permission_classes = [IsConsumer]
    serializer_class = OrderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return orders_of_consumer(None).none()
        orders = orders_of_consumer(self.request.user)
        if state := self.request.query_params.get("state"):
            orders = orders.filter(state=state)
        if self.request.query_params.get("active") == "true":
            orders = orders.filter(
                Q(state=OrderState.AWAITING_PAYMENT)
                | Q(state=OrderState.PENDING)
                | Q(state=OrderState.CONFIRMED)
            )
        return orders

    @extend_schema(
        tags=TAGS,
        summary="Buy a service, or book a time slot; then pay",
        description="The member price of my card valid at the shop applies by itself; points "
        "(with the card's consumption password) take money off the rest, and what is left "
        "(`amount_fen`) is charged through the payment method. A declined payment creates no "
        "order, takes no slot place and spends no points. Through a real gateway the order is "
        "`awaiting_payment`: pay with `payment.pay_params`, then poll the order; it turns "
        "`pending` or `confirmed` when the gateway's notification comes, or `expired` (places "
        "and points given back) if not paid within the payment's `expires_at`. The sandbox "
        "answers at once.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=OrderCreateSerializer,
        responses={
            201: OrderSerializer,
            402: error_response("支付被拒绝，未下单 (`payment_declined`)"),
            409: error_response(
                "积分不足、时段已约满等 (`insufficient_points`, `slot_full`, `card_not_active`)"
            ),
            423: error_response("消费密码错误次数过多 (`card_spending_locked`)"),
            503: error_response("支付渠道暂时不可用 (`payment_gateway_unavailable`)"),
        },
    )
    def create(self, request):
        data = OrderCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        password = fields.pop("card_password")
        if fields["points"]:
            card_password_required(request, fields["service"], password, fields["points"])
        fields["pay"] = pay_request(
            request,
            token=fields["payment_token"],
            channel=fields.pop("payment_channel"),
            openid=fields.pop("openid"),
            description=fields["service"].name,
        )

        def perform():
            order = services.order_create(consumer=request.user, **fields)
            return 201, order_body(order.pk, request)

        return idempotent(request, scope="orders.create", perform=perform)

    def act(self, request, pk, scope: str, step) -> Response:
        order = self.get_object()

        def perform():
            step(order)
            return 200, order_body(order.pk, request)

        return idempotent(request, scope=scope, perform=perform)

    @extend_schema(
        tags=TAGS,
        summary="Cancel: free before the shop's cut-off, its fee after; refunds the rest",
        description="The payment is refunded less the fee (`fee_fen`); spent points come back.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses={200: OrderSerializer, **REFUND_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        def step(order):
            services.order_cancel_by_consumer(order=order, actor=request.user)

        return self.act(request, pk, "orders.cancel", step)

    @extend_schema(
        tags=TAGS,
        summary='"Done": I received the service (confirms consumption)',
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses=OrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        def step(order):
            services.order_consume(order=order, via=ConsumedVia.CONSUMER, actor=request.user)

        return self.act(request, pk, "orders.done", step)

    @extend_schema(
        tags=TAGS,
        summary="Dispute the order; platform staff decide",
        request=DisputeSerializer,
        responses={201: DisputeOutputSerializer},
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        order = self.get_object()
        data = DisputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = services.dispute_open(
            order=order,
            opened_by=request.user,
            side=ActorRole.CONSUMER,
            reason=data.validated_data["reason"],
        )
        return Response(DisputeOutputSerializer(dispute).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Review a consumed order (verified review, one per order)",
        request=ReviewCreateSerializer,
        responses={201: MyReviewSerializer},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        order = self.get_object()
        data = ReviewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create_verified(order=order, **data.validated_data)
        body = MyReviewSerializer(review, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(tags=["reviews"], summary="My reviews"),
)
class MyReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    permission_classes = [IsConsumer]
    serializer_class = MyReviewSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return (
            Review.objects.filter(consumer=self.request.user)
            .select_related("consumer")
            .prefetch_related("photos")
        )

    @extend_schema(
        tags=["reviews"],
        summary="Add a photo to my review (JPEG, PNG or WebP; at most 9)",
        request=ReviewPhotoUploadSerializer,
        responses={201: ReviewPhotoSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        review = self.get_object()
        data = ReviewPhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.review_photo_add(review=review, upload=data.validated_data["image"])
        body = ReviewPhotoSerializer(photo, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
