"""The merchant's side: orders and the counter, slots, order policies, review replies.

Owners act on every shop; staff on their assigned shops with the permission each step needs
(REDEEM for orders and the counter, MANAGE_SHOPS for slots and policies, MANAGE_CUSTOMERS for
review replies). Another merchant's order, slot or review is 404.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from consumers.errors import (
    DisputeOpen,
    IllegalTransition,
    NotStartedYet,
    OrderWrongShop,
    ServiceNotBookable,
    VoucherExpired,
)
from core.codes import InvalidCode
from core.coords import CoordTypeMixin
from core.errors import NotFound
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent, once_of_api, once_response
from core.pagination import whole_page
from core.serializers import BoundedDateTimeField, IdField
from core.throttling import CodeFailuresThrottled
from loyalty.errors import CardNotUsable, CardNotValidHere, InsufficientBalance, InsufficientPoints
from merchants.errors import NotAMerchant, PublicServiceNotBookable
from merchants.models import Service, StaffPermission
from merchants.selectors import (
    merchant_permission_any_check,
    merchant_permission_check,
    shop_for_edit,
    shops_of,
)

from .. import services
from ..models import (
    ActorRole,
    Order,
    OrderState,
    ResourceKind,
    Review,
    ShopOrderPolicy,
    TimeSlot,
)
from ..selectors import order_for_counter, order_for_merchant, orders_of_merchant_user
from .me import REFUND_ERRORS, DisputeOutputSerializer, DisputeSerializer
from .serializers import (
    CounterOrderSerializer,
    MerchantOrderSerializer,
    MerchantReviewSerializer,
    OrderPolicySerializer,
    SlotSerializer,
)

REDEEM = StaffPermission.REDEEM
MANAGE = StaffPermission.MANAGE_SHOPS
TAGS = ["merchant"]


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=200, help_text="The scanned QR payload, or the order code as typed"
    )
    shop = IdField(help_text="The cashier's shop: another shop's order is 403 `wrong_shop`.")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


def merchant_order_body(order_id: int, request, serializer=MerchantOrderSerializer) -> dict:
    order = orders_of_merchant_user(request.user).get(pk=order_id)
    return serializer(order, context={"request": request}).data


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="Orders of my shops, newest first",
        parameters=[
            OpenApiParameter("shop", int, description="only this shop's orders"),
            OpenApiParameter("state", str, enum=OrderState.values),
        ],
    ),
    retrieve=extend_schema(tags=TAGS),
)
class MerchantOrderViewSet(
    CoordTypeMixin,
    CodeFailuresThrottled,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    code_actions = ("lookup", "consume")
    errors = {
        "lookup": (
            InvalidCode,
            NotFound,
            OrderWrongShop,
            NotAMerchant,
        ),
        "consume": (
            InvalidCode,
            NotFound,
            OrderWrongShop,
            IllegalTransition,
            NotStartedYet,
            VoucherExpired,
            DisputeOpen,
            CardNotUsable,
            CardNotValidHere,
            InsufficientBalance,
            InsufficientPoints,
            NotAMerchant,
        ),
        "list": (NotAMerchant,),
    }
    lookup_value_regex = r"\d+"
    finds_objects = False  # the counter actions find their order by a code: they may 404
    permission_classes = [IsMerchantMember]
    serializer_class = MerchantOrderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        merchant_permission_check(user=self.request.user, permission=REDEEM)
        orders = orders_of_merchant_user(self.request.user)
        if (shop := self.request.query_params.get("shop", "")).isdigit():
            orders = orders.filter(shop_id=shop)
        if state := self.request.query_params.get("state"):
            orders = orders.filter(state=state)
        return orders

    def order(self, pk):
        return order_for_merchant(user=self.request.user, order_id=pk, permission=REDEEM)

    def act(self, request, pk, scope: str, step) -> Response:
        order = self.order(pk)

        def perform():
            step(order)
            return 200, merchant_order_body(order.pk, request)

        return idempotent(request, scope=scope, perform=perform)

    @extend_schema(tags=TAGS, summary="Accept a pending order", request=None)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        order = services.order_accept(order=self.order(pk), actor=request.user)
        return Response(merchant_order_body(order.pk, request))

    @extend_schema(
        tags=TAGS,
        summary="Decline a pending order or cancel a confirmed one (full refund)",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ReasonSerializer,
        responses={200: MerchantOrderSerializer, **REFUND_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def step(order):
            services.order_cancel_by_merchant(
                order=order, actor=request.user, reason=data.validated_data["reason"]
            )

        return self.act(request, pk, "orders.merchant_cancel", step)

    @extend_schema(
        tags=TAGS,
        summary="The consumer did not come: keep the no-show fee, refund the rest",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses={200: MerchantOrderSerializer, **REFUND_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        def step(order):
            services.order_mark_no_show(order=order, actor=request.user)

        return self.act(request, pk, "orders.no_show", step)

    @extend_schema(
        tags=TAGS,
        summary="Dispute the order; platform staff decide",
        request=DisputeSerializer,
        responses={201: DisputeOutputSerializer},
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        data = DisputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = services.dispute_open(
            order=self.order(pk),
            opened_by=request.user,
            side=ActorRole.MERCHANT,
            reason=data.validated_data["reason"],
        )
        return Response(DisputeOutputSerializer(dispute).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["counter"],
        summary="Counter: what a scanned or typed order code is, and whether it can be redeemed",
        parameters=[CodeSerializer],
        responses=CounterOrderSerializer,
    )
    @action(detail=False, methods=["get"], finds_objects=True)
    def lookup(self, request):
        data = CodeSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        shop = shop_for_edit(user=request.user, shop_id=fields["shop"], permission=REDEEM)
        order = order_for_counter(user=request.user, code=fields["code"], shop_id=shop.pk)
        return Response(CounterOrderSerializer(order, context={"request": request}).data)

    @extend_schema(
        tags=["counter"],
        summary="Counter: redeem (confirm consumption of) a scanned or typed order",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=CodeSerializer,
        responses=CounterOrderSerializer,
    )
    @action(detail=False, methods=["post"], finds_objects=True)
    def consume(self, request):
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        answer = services.order_counter_consume(
            user=request.user,
            shop=shop_for_edit(user=request.user, shop_id=fields["shop"], permission=REDEEM),
            code=fields["code"],
            once=once_of_api(request),
            render=lambda order: (
                200,
                merchant_order_body(order.pk, request, CounterOrderSerializer),
            ),
        )
        return once_response(answer)


class SlotCreateSerializer(serializers.Serializer):
    shop = IdField()
    service = IdField(
        required=False, allow_null=True, help_text="null: shared by all the shop's services"
    )
    resource_kind = serializers.ChoiceField(choices=ResourceKind.choices, default="seat")
    resource_name = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )
    starts = serializers.ListField(
        child=BoundedDateTimeField(), min_length=1, max_length=200, help_text="start times"
    )
    duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60)
    capacity = serializers.IntegerField(min_value=1, max_value=10000)


class SlotCapacitySerializer(serializers.Serializer):
    capacity = serializers.IntegerField(min_value=0, max_value=10000)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS, parameters=[OpenApiParameter("shop", int, description="only this shop")]
    ),
    retrieve=extend_schema(tags=TAGS),
    create=extend_schema(
        tags=TAGS,
        summary="Open slots: one per start time",
        request=SlotCreateSerializer,
        responses={201: SlotSerializer(many=True)},
    ),
    partial_update=extend_schema(
        tags=TAGS,
        summary="Change a slot's capacity (never below what is booked)",
        request=SlotCapacitySerializer,
        responses=SlotSerializer,
    ),
    destroy=extend_schema(tags=TAGS, summary="Delete a slot nobody has booked"),
)
class MerchantSlotViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    errors = {
        "create": (NotAMerchant, PublicServiceNotBookable, ServiceNotBookable),
        "list": (NotAMerchant,),
    }
    finds_objects = True
    lookup_value_regex = r"\d+"
    permission_classes = [IsMerchantMember]
    serializer_class = SlotSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TimeSlot.objects.none()
        # Staff who run the shop's schedule or its counter; nobody else's business.
        merchant_permission_any_check(user=self.request.user, permissions=[MANAGE, REDEEM])
        slots = TimeSlot.objects.filter(shop__in=shops_of(self.request.user))
        if (shop := self.request.query_params.get("shop", "")).isdigit():
            slots = slots.filter(shop_id=shop)
        return slots.order_by("-starts_at", "-pk")

    def editable(self) -> TimeSlot:
        slot = self.get_object()
        shop_for_edit(user=self.request.user, shop_id=slot.shop_id, permission=MANAGE)
        return slot

    def create(self, request):
        data = SlotCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        shop = shop_for_edit(user=request.user, shop_id=fields.pop("shop"), permission=MANAGE)
        service_id = fields.pop("service", None)
        service = get_object_or_404(Service, pk=service_id, shop=shop) if service_id else None
        slots = services.slots_create(shop=shop, service=service, **fields)
        created = whole_page(SlotSerializer(slots, many=True).data)  # the one page shape
        return Response(created, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        slot = self.editable()
        data = SlotCapacitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = services.slot_capacity_set(slot=slot, capacity=data.validated_data["capacity"])
        return Response(SlotSerializer(slot).data)

    def destroy(self, request, pk=None):
        services.slot_delete(slot=self.editable())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrderPolicyView(APIView):
    """A shop's order policy: acceptance, cancellation cut-off and fees, home service."""

    errors = {"get": (NotAMerchant,), "put": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=OrderPolicySerializer)
    def get(self, request, shop_id: int):
        shop = shop_for_edit(user=request.user, shop_id=shop_id, permission=MANAGE)
        return Response(OrderPolicySerializer(ShopOrderPolicy.for_shop(shop)).data)

    @extend_schema(tags=TAGS, request=OrderPolicySerializer, responses=OrderPolicySerializer)
    def put(self, request, shop_id: int):
        shop = shop_for_edit(user=request.user, shop_id=shop_id, permission=MANAGE)
        data = OrderPolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.order_policy_set(shop=shop, **data.validated_data)
        return Response(OrderPolicySerializer(policy).data)


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=1000)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="Reviews of my shops, including those hidden pending moderation",
        parameters=[OpenApiParameter("shop", int, description="only this shop")],
    ),
)
class MerchantReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    errors = {"list": (NotAMerchant,)}
    lookup_value_regex = r"\d+"
    permission_classes = [IsMerchantMember]
    serializer_class = MerchantReviewSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        merchant_permission_any_check(  # what customers say: for staff who see customers
            user=self.request.user,
            permissions=[StaffPermission.VIEW_CUSTOMERS, StaffPermission.MANAGE_CUSTOMERS],
        )
        reviews = Review.objects.filter(shop__in=shops_of(self.request.user))
        if (shop := self.request.query_params.get("shop", "")).isdigit():
            reviews = reviews.filter(shop_id=shop)
        return reviews.select_related("consumer").prefetch_related("photos")

    @extend_schema(
        tags=TAGS,
        summary="Reply publicly to a review (replaces an earlier reply)",
        request=ReplySerializer,
        responses=MerchantReviewSerializer,
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        review = self.get_object()
        merchant_permission_check(
            user=request.user, permission=StaffPermission.MANAGE_CUSTOMERS, shop=review.shop
        )
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_reply(review=review, text=data.validated_data["text"])
        return Response(MerchantReviewSerializer(review, context={"request": request}).data)
