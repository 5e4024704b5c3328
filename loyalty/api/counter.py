"""The counter: find a card by its scanned QR or typed number, record a purchase (with points
or balance used behind the consumption password), take a top-up in cash. Staff need the
`redeem` permission in the shop they work at; another merchant's card is not found."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from core.codes import InvalidCode
from core.errors import NotFound, error_body
from core.idempotency import (
    HEADER,
    IDEMPOTENCY_PARAMETER,
    KEY_PATTERN,
    IdempotencyKeyMissing,
    idempotent,
)
from core.serializers import IdField, MoneyFenField, PointsField
from core.throttling import CodeFailuresThrottled
from loyalty.errors import (
    CardNotUsable,
    CardNotValidHere,
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
from merchants.selectors import shop_for_edit
from payments.backends import PayRequest, payment_backend, payment_backends
from payments.errors import (
    PaymentBackendUnknown,
    PaymentDeclined,
    PaymentGatewayUnavailable,
    RefundDeclined,
    RefundTooLarge,
)
from payments.models import Payment, PaymentStatus
from payments.serializers import PaymentSerializer

from .. import services
from ..models import MembershipCard
from ..selectors import merchant_card_by_code, program_valid_at
from ..services.password import spending_locked
from .serializers import CardSerializer, LedgerEntrySerializer

TAGS = ["merchant: counter"]
CODE_HELP = "The scanned QR payload (O2O:M:...) or the card number as typed (dashes optional)."


def idempotency_key_check(request) -> None:
    if not KEY_PATTERN.fullmatch(request.headers.get(HEADER, "")):
        raise IdempotencyKeyMissing(fields={HEADER: [str(IdempotencyKeyMissing.message)]})


def counter_card(request, *, code: str, shop_id: int) -> tuple[MembershipCard, object]:
    shop = shop_for_edit(user=request.user, shop_id=shop_id, permission=StaffPermission.REDEEM)
    return merchant_card_by_code(merchant=shop.merchant, code=code), shop


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
        card, shop = counter_card(
            request, code=params.validated_data["code"], shop_id=params.validated_data["shop"]
        )
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
        card, shop = counter_card(request, code=fields["code"], shop_id=fields["shop"])
        if fields["points"] or fields["balance_fen"]:
            idempotency_key_check(request)  # a request that cannot run costs no try
            # Before the idempotent transaction: a wrong try must be counted even though the
            # purchase is refused and rolled back.
            services.card_password_check(card_id=card.pk, password=fields.get("password"))

        def perform():
            result = services.card_purchase_record(
                card_id=card.pk,
                amount_fen=fields["amount_fen"],
                points_to_use=fields["points"],
                balance_to_use_fen=fields["balance_fen"],
                shop=shop,
                by=request.user,
                idempotency_key=request.headers[HEADER],
            )
            return 201, purchase_output(result)

        return idempotent(request, scope="loyalty.purchase", perform=perform)


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
            help_text="An offline backend: cash, or a payment code (wechatpay_code, alipay_code)",
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
        card, shop = counter_card(request, code=fields["code"], shop_id=fields["shop"])
        if fields["method"] not in payment_backends(online=False):
            raise serializers.ValidationError({"method": [_("门店只能使用线下收款方式。")]})
        code_channel = "code" in payment_backend(fields["method"]).channels
        if code_channel and not fields["auth_code"]:
            raise serializers.ValidationError({"auth_code": [_("请扫描顾客的付款码。")]})

        def perform():
            return top_up_answer(
                services.card_top_up(
                    card=card,
                    amount_fen=fields["amount_fen"],
                    backend=fields["method"],
                    by=request.user,
                    shop=shop,
                    idempotency_key=request.headers[HEADER],
                    pay=PayRequest(
                        channel="code" if code_channel else "",
                        auth_code=fields["auth_code"],
                        description="会员卡充值",
                    ),
                )
            )

        return idempotent(request, scope="loyalty.top_up", perform=perform)


class CounterPaymentView(APIView):
    """A payment taken at one of my shops' counters, e.g. a payment code waiting for the
    customer: its status and each step in plain words (`progress`). Another merchant's
    payment is 404."""

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, summary="A counter payment's progress", responses=PaymentSerializer)
    def get(self, request, pk):
        payment = Payment.objects.filter(pk=pk, shop__isnull=False).first()
        if payment is None:
            raise NotFound()
        shop_for_edit(user=request.user, shop_id=payment.shop_id, permission=StaffPermission.REDEEM)
        return Response(PaymentSerializer(payment).data)
