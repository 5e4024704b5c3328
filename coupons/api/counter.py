"""The counter: look a coupon up, redeem it exactly once, reverse a mistake.

Owner, or staff with the `redeem` permission in the shop named by the request. Error codes are
a contract with the counter page: `invalid_code` 400 (forged or malformed, rejected before any
lookup), `not_found` 404 (also another merchant's coupon), `wrong_shop` 403, `not_yet_valid` /
`expired` 410, `below_minimum_spend` 422, `order_amount_required` 400, `already_redeemed` 409
(naming when and where in `detail` and in `fields.redeemed_at` / `fields.redeemed_shop`).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsMerchantMember
from core.codes import InvalidCode, short_code_format
from core.idempotency import IDEMPOTENCY_PARAMETER, once_of_api, once_response
from core.throttling import CodeFailuresThrottled
from coupons.errors import (
    AlreadyRedeemed,
    AlreadyReversed,
    BelowMinimumSpend,
    CouponNotFound,
    Expired,
    NotYetValid,
    OrderAmountRequired,
    ReversalWindowClosed,
    WrongShop,
)
from merchants.errors import NotAMerchant
from merchants.models import StaffPermission
from merchants.selectors import merchant_permission_check, shop_for_edit

from .. import services
from ..benefits import benefit_text, validity_text, when_text
from ..models import Redemption
from ..selectors import CounterCheck, coupon_at_counter, coupon_code_read, redemptions_visible
from .serializers import RedemptionSerializer

REDEEM = StaffPermission.REDEEM
TAGS = ["counter"]
MAX_ORDER_FEN = 10**10  # 1 亿元: more is a typo, not an order
CODE_HELP = "The scanned QR payload (O2O:C:...) or the code as typed (K7QM-3XHD-PA, any case)."


class CounterInputSerializer(serializers.Serializer):
    shop = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The shop whose counter this is."
    )
    code = serializers.CharField(max_length=200, help_text=CODE_HELP)
    order_amount_fen = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_ORDER_FEN,
        help_text="The order's amount. Required for amount or percent off and for a minimum "
        "spend; for a free item or special price without it, the order is that one service.",
    )


class PreviewSerializer(serializers.Serializer):
    order_amount_fen = serializers.IntegerField()
    discount_fen = serializers.IntegerField()
    payable_fen = serializers.IntegerField()


class LookupSerializer(serializers.Serializer):
    """What the cashier sees before confirming."""

    code = serializers.CharField()
    code_display = serializers.CharField()
    campaign_id = serializers.IntegerField()
    title = serializers.CharField()
    benefit_text = serializers.CharField()
    min_spend_fen = serializers.IntegerField()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    validity_text = serializers.CharField()
    usable = serializers.BooleanField(help_text="Whether it can be redeemed here, now.")
    reason_code = serializers.CharField(
        allow_null=True,
        help_text="Why not (or what is missing): wrong_shop, already_redeemed, not_yet_valid, "
        "expired, below_minimum_spend, order_amount_required.",
    )
    reason = serializers.CharField(allow_null=True, help_text="The same, in plain Chinese.")
    preview = PreviewSerializer(allow_null=True, help_text="The benefit on this order.")


def coupon_counter_view(check: CounterCheck) -> dict:
    """What the cashier must see of a coupon at this shop (LookupSerializer's fields)."""
    coupon, problem = check.coupon, check.problem
    campaign = coupon.campaign
    body = {
        "code": coupon.code,
        "code_display": short_code_format(coupon.code),
        "campaign_id": campaign.pk,
        "title": campaign.title,
        "benefit_text": benefit_text(campaign),
        "min_spend_fen": campaign.min_spend_fen,
        "valid_from": coupon.valid_from,
        "valid_until": coupon.valid_until,
        "validity_text": f"{when_text(coupon.valid_from)} 至 {when_text(coupon.valid_until)}"
        if not campaign.valid_days_after_issue
        else f"{validity_text(campaign)}，至 {when_text(coupon.valid_until)}",
        "usable": check.usable,
        "reason_code": problem.code if problem else None,
        "reason": str(problem.detail) if problem else None,
        "preview": vars(check.applied) if check.applied else None,
    }
    return LookupSerializer(body).data


class ReverseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("shop", int),
            OpenApiParameter("campaign", int),
            OpenApiParameter("reversed", bool),
        ],
    ),
    retrieve=extend_schema(tags=TAGS),
)
class RedemptionViewSet(
    CodeFailuresThrottled,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    code_actions = ("create", "lookup")
    errors = {
        "create": (
            InvalidCode,
            CouponNotFound,
            WrongShop,
            NotYetValid,
            Expired,
            BelowMinimumSpend,
            OrderAmountRequired,
            AlreadyRedeemed,
            NotAMerchant,
        ),
        "lookup": (
            InvalidCode,
            CouponNotFound,
            BelowMinimumSpend,
            OrderAmountRequired,
            NotAMerchant,
        ),
        "reverse": (
            AlreadyReversed,
            ReversalWindowClosed,
        ),
        "list": (NotAMerchant,),
    }
    lookup_value_regex = r"\d+"
    permission_classes = [IsMerchantMember]
    serializer_class = RedemptionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Redemption.objects.none()
        # The counter's record, as for orders: for those who work the counter (`redeem`).
        merchant_permission_check(user=self.request.user, permission=REDEEM)
        redemptions = redemptions_visible(self.request.user).select_related("campaign__service")
        params = self.request.query_params
        for name in ("shop", "campaign"):
            if (value := params.get(name)) is not None:
                redemptions = redemptions.filter(**{name: int(value) if value.isdigit() else 0})
        if (value := params.get("reversed")) in ("true", "false"):
            redemptions = redemptions.filter(reversed_at__isnull=value == "false")
        return redemptions.order_by("-pk")

    @extend_schema(
        tags=TAGS,
        request=CounterInputSerializer,
        responses={201: RedemptionSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def create(self, request):
        """Redeem: the benefit applied (discount, amount payable), recorded with staff, shop,
        order amount and time. A retry with the same key replays the first answer."""
        data = CounterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        code = coupon_code_read(fields["code"])  # a forged code costs no lookup
        shop = shop_for_edit(user=request.user, shop_id=fields["shop"], permission=REDEEM)
        answer = services.coupon_counter_redeem(
            user=request.user,
            shop=shop,
            code=code,
            order_amount_fen=fields.get("order_amount_fen"),
            once=once_of_api(request),
            render=lambda redemption: (201, RedemptionSerializer(redemption).data),
        )
        return once_response(answer)

    @extend_schema(tags=TAGS, request=CounterInputSerializer, responses=LookupSerializer)
    @action(detail=False, methods=["post"])
    def lookup(self, request):
        """What the cashier must see before confirming, without redeeming: the campaign, its
        benefit and validity, whether it is usable here and if not why, in plain Chinese.
        A POST although it changes nothing: a coupon's code is a bearer credential and stays
        out of URLs and access logs."""
        data = CounterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        code = coupon_code_read(fields["code"])  # a forged code costs no lookup
        shop = shop_for_edit(user=request.user, shop_id=fields["shop"], permission=REDEEM)
        check = coupon_at_counter(
            shop=shop, code=code, order_amount_fen=fields.get("order_amount_fen")
        )
        return Response(coupon_counter_view(check))

    @extend_schema(
        tags=TAGS,
        request=ReverseInputSerializer,
        responses=RedemptionSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Undo a mistaken redemption within the reversal window (409 `reversal_window_closed`
        after it, `already_reversed` if done): the coupon can be used again; the record stays."""
        merchant_permission_check(user=request.user, permission=REDEEM)
        data = ReverseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def render(redemption):
            body = RedemptionSerializer(self.get_queryset().get(pk=redemption.pk)).data
            return status.HTTP_200_OK, body

        answer = services.redemption_counter_reverse(
            user=request.user,
            redemption_id=int(pk),
            shop=None,
            reason=data.validated_data["reason"],
            once=once_of_api(request),
            render=render,
        )
        return once_response(answer)
