"""The merchant's program, card design and cards (staff need manage_cards)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from core.errors import NotFound
from core.idempotency import HEADER, IDEMPOTENCY_PARAMETER, idempotent
from core.serializers import (
    DAYS_MAX,
    MONEY_FEN_MAX,
    CountField,
    IdField,
    MoneyFenField,
    PointsField,
)
from core.throttling import AccountSignInThrottle, SignInThrottle
from loyalty.errors import (
    InsufficientBalance,
    InsufficientPoints,
    InvalidProgram,
    NoCardProgram,
    ReversalNotPossible,
)
from merchants.errors import NotAMerchant, ShopNotAssigned
from merchants.images import InvalidImage
from merchants.models import StaffPermission
from merchants.selectors import merchant_permission_check, shops_write_check
from payments.errors import PaymentBackendUnknown, RefundDeclined, RefundTooLarge
from payments.models import Payment

from .. import services
from ..models import (
    CardDesign,
    CardProgram,
    CardStatus,
    CardTemplate,
    MembershipCard,
    PointsRounding,
    UpgradeBasis,
)
from ..selectors import card_entries, merchant_cards, program_shop_ids
from ..services.top_up import TOP_UP_PURPOSE
from .common import PNG_RESPONSE, PNGView, program_of
from .serializers import (
    BonusTierSerializer,
    CardSerializer,
    LedgerEntrySerializer,
    LevelSerializer,
    ProgramSerializer,
)

MANAGE = StaffPermission.MANAGE_CARDS
TAGS = ["merchant: cards"]


def managing(request):
    return merchant_permission_check(user=request.user, permission=MANAGE)


def program_for_write(request):
    """The merchant's program, to change: staff need every shop it is valid at."""
    program = program_of(managing(request))
    shops_write_check(user=request.user, shop_ids=program_shop_ids(program))
    return program


class CardProgramView(APIView):
    """GET the program; PUT creates or replaces it (levels are matched by rank)."""

    errors = {
        "get": (NoCardProgram, NotAMerchant),
        "put": (InvalidProgram, NotAMerchant, ShopNotAssigned),
    }

    finds_objects = True

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=60)
        shops = serializers.ListField(child=IdField(), default=list, help_text="Empty: all shops.")
        auto_approve = serializers.BooleanField(default=True)
        earn_online = serializers.BooleanField(default=True)
        earn_offline = serializers.BooleanField(default=True)
        points_rounding = serializers.ChoiceField(PointsRounding.choices, default="floor")
        points_expiry_days = CountField(
            min_value=1, max_value=DAYS_MAX, allow_null=True, default=None
        )
        redeem_points = PointsField(min_value=1, default=100)
        redeem_fen = MoneyFenField(min_value=1, default=100)
        upgrade_basis = serializers.ChoiceField(UpgradeBasis.choices, default="spend")
        upgrade_window_days = CountField(min_value=1, max_value=DAYS_MAX, default=365)
        downgrade_enabled = serializers.BooleanField(default=False)
        top_up_enabled = serializers.BooleanField(default=False)
        min_top_up_fen = MoneyFenField(min_value=1, default=100)
        max_top_up_fen = MoneyFenField(min_value=1, default=500_000)
        levels = LevelSerializer(many=True, allow_empty=False)
        bonus_tiers = BonusTierSerializer(many=True, default=list)

    @extend_schema(tags=TAGS, responses=ProgramSerializer)
    def get(self, request):
        return Response(ProgramSerializer(program_of(managing(request))).data)

    @extend_schema(tags=TAGS, request=InputSerializer, responses=ProgramSerializer)
    def put(self, request):
        merchant = managing(request)
        current = CardProgram.objects.filter(merchant=merchant).first()
        if current is not None:
            shops_write_check(user=request.user, shop_ids=program_shop_ids(current))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        shop_ids = fields.pop("shops")
        shops = list(merchant.shops.filter(pk__in=shop_ids))
        if len(shops) != len(set(shop_ids)):
            raise serializers.ValidationError({"shops": [_("包含不属于本商户的门店。")]})
        shops_write_check(user=request.user, shop_ids=[shop.pk for shop in shops])
        program = services.card_program_save(merchant=merchant, shops=shops, **fields)
        return Response(ProgramSerializer(program).data)


class DesignSerializer(serializers.ModelSerializer):
    image = serializers.ImageField(read_only=True)
    published_image = serializers.ImageField(read_only=True)

    class Meta:
        model = CardDesign
        fields = [
            "template",
            "image",
            "title",
            "subtitle",
            "text_color",
            "published",
            "published_image",
            "published_at",
            "updated_at",
        ]
        read_only_fields = ["published", "published_at", "updated_at"]


class CardDesignView(APIView):
    """The draft design: choose a template, add text (PATCH), an image (PUT image/), preview
    (GET preview/), edit again, publish (POST publish/). Cards show the published copy."""

    errors = {
        "get": (NoCardProgram, NotAMerchant),
        "patch": (NoCardProgram, NotAMerchant, ShopNotAssigned),
    }

    finds_objects = True

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        template = serializers.ChoiceField(CardTemplate.choices, required=False)
        title = serializers.CharField(max_length=30, required=False, allow_blank=True)
        subtitle = serializers.CharField(max_length=40, required=False, allow_blank=True)
        text_color = serializers.RegexField(r"^#[0-9A-Fa-f]{6}$", required=False)

    @extend_schema(tags=TAGS, responses=DesignSerializer)
    def get(self, request):
        design = services.design.design_of(program_of(managing(request)))
        return Response(DesignSerializer(design, context={"request": request}).data)

    @extend_schema(tags=TAGS, request=InputSerializer, responses=DesignSerializer)
    def patch(self, request):
        program = program_for_write(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        design = services.card_design_update(program=program, **data.validated_data)
        return Response(DesignSerializer(design, context={"request": request}).data)


class CardDesignImageView(APIView):
    errors = {
        "delete": (InvalidImage, NoCardProgram, NotAMerchant, ShopNotAssigned),
        "put": (InvalidImage, NoCardProgram, NotAMerchant, ShopNotAssigned),
    }
    finds_objects = True
    permission_classes = [IsMerchantMember]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        image = serializers.ImageField(help_text="JPEG, PNG or WebP, 200-8000 px a side")

    @extend_schema(tags=TAGS, request=InputSerializer, responses=DesignSerializer)
    def put(self, request):
        program = program_for_write(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        design = services.card_design_image_set(
            program=program, upload=data.validated_data["image"]
        )
        return Response(DesignSerializer(design, context={"request": request}).data)

    @extend_schema(tags=TAGS, responses={200: DesignSerializer})  # the design without it
    def delete(self, request):
        design = services.card_design_image_set(program=program_for_write(request), upload=None)
        return Response(DesignSerializer(design, context={"request": request}).data)


class CardDesignPreviewView(PNGView):
    errors = {"get": (NoCardProgram, NotAMerchant)}
    finds_objects = True
    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=PNG_RESPONSE, summary="The draft design as a PNG")
    def get(self, request):
        png = services.card_design_preview_png(program=program_of(managing(request)))
        return HttpResponse(png, content_type="image/png")


class CardDesignPublishView(APIView):
    errors = {"post": (NoCardProgram, NotAMerchant, ShopNotAssigned)}
    finds_objects = True
    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, request=None, responses=DesignSerializer)
    def post(self, request):
        design = services.card_design_publish(program=program_for_write(request))
        return Response(DesignSerializer(design, context={"request": request}).data)


def merchant_card(request, pk) -> MembershipCard:
    card = merchant_cards(managing(request)).filter(pk=pk).first()
    if card is None:
        raise NotFound()
    return card


class CardListView(generics.ListAPIView):
    """The program's cards (?status=pending for applications to approve); POST invites the
    holder of a phone number to take the card: the consumer accepts or declines in the app.
    The answer is the same whether or not the phone belongs to anyone, and says nothing about
    them; POSTs have the sign-in rate (per account and per address)."""

    errors = {"post": (NoCardProgram, NotAMerchant)}

    finds_objects = True

    permission_classes = [IsMerchantMember]
    serializer_class = CardSerializer

    class InputSerializer(serializers.Serializer):
        phone = PhoneNumberField()
        level = IdField(required=False, help_text="Level id; default the lowest")

    class InvitationSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        phone = serializers.CharField(help_text="The number invited, as the merchant gave it")
        level = serializers.IntegerField(source="level_id", allow_null=True)
        status = serializers.CharField(help_text="pending until the consumer answers in the app")
        created_at = serializers.DateTimeField()

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.request.method == "POST":  # looks a person up by phone: like signing in
            throttles += [SignInThrottle(), AccountSignInThrottle()]
        return throttles

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MembershipCard.objects.none()
        cards = merchant_cards(managing(self.request))
        if wanted := self.request.query_params.get("status"):
            cards = cards.filter(status=wanted)
        return cards

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAGS, request=InputSerializer, responses={201: InvitationSerializer})
    def post(self, request):
        program = program_of(managing(request))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        level = None
        if "level" in data.validated_data:
            level = program.levels.filter(pk=data.validated_data["level"]).first()
            if level is None:
                raise serializers.ValidationError({"level": [_("等级不存在。")]})
        invitation = services.card_invite(
            program=program,
            phone=data.validated_data["phone"],
            level=level,
            invited_by=request.user,
        )
        body = self.InvitationSerializer(invitation).data
        return Response(body, status=status.HTTP_201_CREATED)


class CardDetailView(APIView):
    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=CardSerializer)
    def get(self, request, pk):
        return Response(CardSerializer(merchant_card(request, pk)).data)


class CardStatusView(APIView):
    """Approve a pending card (active), freeze or unfreeze one."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(CardStatus.choices, help_text="active or frozen")

        def validate_status(self, value):
            if value == CardStatus.PENDING:
                raise serializers.ValidationError(_("只能设为有效或冻结。"))
            return value

    @extend_schema(tags=TAGS, request=InputSerializer, responses=CardSerializer)
    def post(self, request, pk):
        card = merchant_card(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = services.card_status_set(card=card, status=data.validated_data["status"])
        return Response(CardSerializer(merchant_card(request, card.pk)).data)


class CardEntriesView(generics.ListAPIView):
    """Every movement of the card, newest first."""

    permission_classes = [IsMerchantMember]
    serializer_class = LedgerEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MembershipCard.objects.none()
        return card_entries(merchant_card(self.request, self.kwargs["pk"]))

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CardAdjustView(APIView):
    """A manual correction of points or balance, with its reason (never below zero)."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        points_delta = PointsField(default=0)
        balance_delta_fen = MoneyFenField(min_value=-MONEY_FEN_MAX, default=0)
        note = serializers.CharField(max_length=200)

        def validate(self, attrs):
            if not attrs["points_delta"] and not attrs["balance_delta_fen"]:
                raise serializers.ValidationError({"points_delta": [_("请填写调整数量。")]})
            return attrs

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses={201: LedgerEntrySerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, pk):
        card = merchant_card(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def perform():
            entry = services.card_adjust(
                card_id=card.pk,
                by=request.user,
                idempotency_key=request.headers[HEADER],
                **data.validated_data,
            )
            return 201, LedgerEntrySerializer(entry).data

        return idempotent(request, scope="loyalty.adjust", perform=perform)


class CardPrintView(PNGView):
    """A print-ready image of a physical card: CR80 at 300 dpi with 2 mm bleed."""

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=PNG_RESPONSE)
    def get(self, request, pk):
        png = services.card_image_png(card=merchant_card(request, pk), for_print=True)
        response = HttpResponse(png, content_type="image/png")
        response["Content-Disposition"] = f'attachment; filename="card-{pk}-300dpi.png"'
        return response


class TopUpRefundView(APIView):
    """Refund a whole top-up (to a customer leaving, say): the top-up and its bonus come off
    the card (refused with `reversal_not_possible` if the balance was spent), and the money
    goes back through the backend that took it."""

    errors = {
        "post": (
            InsufficientBalance,
            InsufficientPoints,
            NotAMerchant,
            PaymentBackendUnknown,
            RefundDeclined,
            RefundTooLarge,
            ReversalNotPossible,
        )
    }

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200)

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Payment
            fields = ["id", "amount_fen", "refunded_fen", "backend", "status", "reference"]

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses=OutputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, payment_id):
        merchant = managing(request)
        payment = Payment.objects.filter(
            pk=payment_id, merchant=merchant, purpose=TOP_UP_PURPOSE
        ).first()
        if payment is None:
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def perform():
            refunded = services.card_top_up_refund(
                payment=payment, by=request.user, reason=data.validated_data["reason"]
            )
            return 200, self.OutputSerializer(refunded).data

        return idempotent(request, scope="loyalty.top_up_refund", perform=perform)
