"""The counter: find a card by its scanned QR or typed number, record a purchase (with points
or balance used behind the consumption password), take a top-up in cash. Staff need the
`redeem` permission in the shop they work at; another merchant's card is not found."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from core.codes import InvalidCode
from core.errors import NotFound, error_body
from core.idempotency import IDEMPOTENCY_PARAMETER, once_of_api, once_response
from core.serializers import IdField, MoneyFenField, PointsField
from core.throttling import CodeFailuresThrottled
from loyalty.errors import (
    CardNotUsable,
    CardNotValidHere,
    CounterPaymentInvalid,
    InsufficientBalance,
    InsufficientPoints,
    InvalidRedemption,
    PasswordNotSet,
    PasswordRequired,
    PasswordWrong,
    SpendingLocked,
    TopUpNotAllowed,
)
from merchants.errors import NotAMerchant
from merchants.models import StaffPermission
from merchants.selectors import shop_for_edit, shops_of
from payments.errors import (
    PaymentBackendUnknown,
    PaymentDeclined,
    PaymentGatewayUnavailable,
    RefundDeclined,
    RefundTooLarge,
)
from payments.models import PaymentStatus
from payments.selectors import counter_payment
from payments.serializers import PaymentSerializer

from .. import services
from ..models import MembershipCard
from ..selectors import program_valid_at
from ..services.password import spending_locked
from .serializers import CardSerializer, LedgerEntrySerializer

TAGS = ["merchant: counter"]
CODE_HELP = "The scanned QR payload (O2O:M:...) or the card number as typed (dashes optional)."


def counter_shop(request, shop_id: int):
    return shop_for_edit(user=request.user, shop_id=shop_id, permission=StaffPermission.REDEEM)


class CounterCardSerializer(CardSerializer):
    """What the cashier must see before taking the customer's word for anything."""

    valid_here = serializers.BooleanField(help_text="The card's program covers this shop.")
    spending_locked = serializers.BooleanField(help_text="Wrong passwords: spending paused.")
    password_required = serializers.BooleanField(
        help_text="Spending points or balance needs the consumption password (always true)."
    )
    redeem_points = serializers.IntegerField(source="program.redeem_points")
    redeem_fen = serializers.IntegerField(source="program.redeem_fen")
    top_up_enabled = serializers.BooleanField(source="program.top_up_enabled")

    class Meta(CardSerializer.Meta):
        fields = [
            *CardSerializer.Meta.fields,
            "valid_here",
            "spending_locked",
            "password_required",
            "redeem_points",
            "redeem_fen",
            "top_up_enabled",
        ]


def counter_view_of(card: MembershipCard, shop) -> dict:
    card.valid_here = program_valid_at(card.program, shop)
    card.spending_locked = spending_locked(card)
    card.password_required = True
    return CounterCardSerializer(card).data


class CounterCardView(CodeFailuresThrottled, APIView):
    finds_objects = True
    errors = (
        InvalidCode,
        NotFound,
        NotAMerchant,
    )
    permission_classes = [IsMerchantMember]

    @extend_schema(
        tags=TAGS,
        summary="Find a card by scanned QR or typed number",
        parameters=[
            OpenApiParameter("code", str, required=True, description=CODE_HELP),
            OpenApiParameter("shop", int, required=True, description="The cashier's shop"),
        ],
        responses=CounterCardSerializer,
    )
    def get(self, request):
        params = CodeSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        shop = counter_shop(request, params.validated_data["shop"])
        card = services.card_at_counter(shop=shop, code=params.validated_data["code"])
        return Response(counter_view_of(card, shop))


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=200, help_text=CODE_HELP)
    shop = IdField(help_text="The shop where this happens")


class PurchaseOutputSerializer(serializers.Serializer):
    amount_fen = serializers.IntegerField(help_text="List price")
    member_price_fen = serializers.IntegerField(help_text="After the level's discount")
    discount_fen = serializers.IntegerField()
    points_used = serializers.IntegerField()
    points_value_fen = serializers.IntegerField()
    balance_used_fen = serializers.IntegerField()
    cash_due_fen = serializers.IntegerField(help_text="What the cashier collects in money")
    points_earned = serializers.IntegerField()
    card = CardSerializer()
    entries = LedgerEntrySerializer(many=True)


def purchase_output(result) -> dict:
    quote = result.quote
    earned = sum(e.points_delta for e in result.entries if e.kind == "earn")
    return PurchaseOutputSerializer(
        {
            "amount_fen": quote.amount_fen,
            "member_price_fen": quote.member_price_fen,
            "discount_fen": quote.discount_fen,
            "points_used": quote.points_used,
            "points_value_fen": quote.points_value_fen,
            "balance_used_fen": result.balance_used_fen,
            "cash_due_fen": result.cash_due_fen,
            "points_earned": earned,
            "card": result.card,
            "entries": result.entries,
        }
    ).data


class CounterPurchaseView(CodeFailuresThrottled, APIView):
    finds_objects = True
    errors = (
        InvalidCode,
        NotFound,
        CardNotUsable,
        CardNotValidHere,
        InsufficientPoints,
        InsufficientBalance,
        InvalidRedemption,
        PasswordRequired,
        PasswordNotSet,
        PasswordWrong,
        SpendingLocked,
        NotAMerchant,
    )
    permission_classes = [IsMerchantMember]

    class InputSerializer(CodeSerializer):
        amount_fen = MoneyFenField(min_value=1, help_text="List price in fen")
        points = PointsField(min_value=0, default=0, help_text="Points to use (whole redeem units)")
        balance_fen = MoneyFenField(default=0, help_text="Balance to use")
        password = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="Consumption password, to use points/balance",
        )

    @extend_schema(
        tags=TAGS,
        summary="Record an offline purchase: member price, points/balance used, points earned",
        request=InputSerializer,
        responses={201: PurchaseOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        _card, answer = services.card_counter_purchase(
            user=request.user,
            shop=counter_shop(request, fields["shop"]),
            code=fields["code"],
            amount_fen=fields["amount_fen"],
            points=fields["points"],
            balance_fen=fields["balance_fen"],
            password=fields.get("password"),
            once=once_of_api(request),
            render=lambda result: (201, purchase_output(result)),
        )
        return once_response(answer)


class TopUpOutputSerializer(serializers.Serializer):
    payment_id = serializers.IntegerField()
    method = serializers.CharField()
    amount_fen = serializers.IntegerField()
    bonus_fen = serializers.IntegerField()
    card = CardSerializer()
    entries = LedgerEntrySerializer(many=True)
    payment = PaymentSerializer(
        help_text="202: still waiting for the gateway (pay with pay_params; at the counter, "
        "follow the payment code's progress at merchant/counter/payments/{id}/)."
    )


def top_up_answer(result, card_serializer=CardSerializer, context=None) -> tuple[int, dict]:
    """201 with the credited card; 202 while the gateway has not yet said the money came (the
    card is credited then); 402 in the error shape when the payment was declined (kept, so a
    retry with the same Idempotency-Key gets the same answer)."""
    if result.payment.status in (PaymentStatus.FAILED, PaymentStatus.CLOSED):
        error = PaymentDeclined(fields={"payment": [result.payment.failure_code]})
        return 402, error_body(error.code, error.detail, error.fields)
    bonus = sum(e.balance_delta_fen for e in result.entries if e.kind == "bonus")
    return 201 if result.succeeded else 202, {
        "payment_id": result.payment.pk,
        "method": result.payment.backend,
        "amount_fen": result.payment.amount_fen,
        "bonus_fen": bonus,
        "card": card_serializer(result.card, context=context or {}).data,
        "entries": LedgerEntrySerializer(result.entries, many=True).data,
        "payment": PaymentSerializer(result.payment).data,
    }


class CounterTopUpView(CodeFailuresThrottled, APIView):
    finds_objects = True
    errors = (
        InvalidCode,
        NotFound,
        CardNotUsable,
        TopUpNotAllowed,
        CounterPaymentInvalid,
        PaymentBackendUnknown,
        PaymentDeclined,
        PaymentGatewayUnavailable,
        CardNotValidHere,
        NotAMerchant,
        RefundDeclined,
        RefundTooLarge,
    )
    permission_classes = [IsMerchantMember]

    class InputSerializer(CodeSerializer):
        amount_fen = MoneyFenField(min_value=1)
        method = serializers.CharField(
            default="cash",
            help_text="An offline backend: cash, or a payment code (wechatpay_code, "
            "alipay_code; `code`: the one the payment code's prefix names)",
        )
        auth_code = serializers.RegexField(
            r"^(\d{10,32})?$",  # blank (the default): no payment code
            required=False,
            allow_blank=True,
            default="",
            help_text="The customer's payment code (付款码), typed by the scanner",
        )

    @extend_schema(
        tags=TAGS,
        summary="Top up a card with money taken at the counter",
        description="With a payment code the customer may have to confirm on the phone: the "
        "answer is then 202 and the payment's `progress` tells the cashier each step; the "
        "card is credited once the customer pays, or the payment is cancelled after "
        "PAYMENT_CODE_WAIT_SECONDS.",
        request=InputSerializer,
        responses={201: TopUpOutputSerializer, 202: TopUpOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        _card, answer = services.card_counter_top_up(
            user=request.user,
            shop=counter_shop(request, fields["shop"]),
            code=fields["code"],
            amount_fen=fields["amount_fen"],
            method=fields["method"],
            auth_code=fields["auth_code"],
            once=once_of_api(request),
            render=top_up_answer,
        )
        return once_response(answer)


class CounterPaymentView(APIView):
    """A payment taken at one of my shops' counters, e.g. a payment code waiting for the
    customer: its status and each step in plain words (`progress`). Another merchant's
    payment is 404."""

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, summary="A counter payment's progress", responses=PaymentSerializer)
    def get(self, request, pk):
        payment = counter_payment(payment_id=pk, shop_ids=shops_of(request.user))
        shop_for_edit(user=request.user, shop_id=payment.shop_id, permission=StaffPermission.REDEEM)
        return Response(PaymentSerializer(payment).data)
