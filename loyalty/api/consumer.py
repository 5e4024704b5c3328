"""A consumer's own cards: list, apply at a shop, history, card image, consumption password,
top-up through an online payment backend. Another consumer's card is not found (404)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import InvalidCredentials
from accounts.permissions import IsConsumer
from accounts.services import user_login
from core.errors import NotFound
from core.idempotency import HEADER, IDEMPOTENCY_PARAMETER, idempotent
from core.serializers import MoneyFenField
from loyalty.errors import (
    CardAlreadyHeld,
    CardNotUsable,
    CardNotValidHere,
    NotAConsumer,
    TopUpNotAllowed,
)
from merchants.models import Shop, ShopStatus
from payments.backends import PayRequest, payment_backends
from payments.errors import PaymentBackendUnknown, PaymentDeclined, PaymentGatewayUnavailable

from .. import services
from ..errors import LoginPasswordWrong
from ..models import CardInvitation, MembershipCard
from ..selectors import card_entries, consumer_cards, consumer_invitations
from .common import PNG_RESPONSE, PNGView
from .counter import TopUpOutputSerializer, top_up_answer
from .serializers import LedgerEntrySerializer, MyCardSerializer

TAGS = ["me: cards"]


def my_card(request, pk) -> MembershipCard:
    card = consumer_cards(request.user).filter(pk=pk).first()
    if card is None:
        raise NotFound()
    return card


class MyCardListView(generics.ListAPIView):
    """My cards; POST applies for the card of the shop's merchant (active at once, or pending
    until the merchant approves, as the program says)."""

    errors = {"post": (CardAlreadyHeld, CardNotValidHere, NotAConsumer, NotFound)}

    permission_classes = [IsConsumer]
    serializer_class = MyCardSerializer

    class InputSerializer(serializers.Serializer):
        shop = serializers.PrimaryKeyRelatedField(
            queryset=Shop.objects.filter(status=ShopStatus.ACTIVE)
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MembershipCard.objects.none()
        return consumer_cards(self.request.user)

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAGS, request=InputSerializer, responses={201: MyCardSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = services.card_apply(consumer=request.user, shop=data.validated_data["shop"])
        body = MyCardSerializer(my_card(request, card.pk), context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class MyCardDetailView(APIView):
    permission_classes = [IsConsumer]

    @extend_schema(tags=TAGS, responses=MyCardSerializer)
    def get(self, request, pk):
        return Response(MyCardSerializer(my_card(request, pk), context={"request": request}).data)


class MyCardEntriesView(generics.ListAPIView):
    """Every movement of my card, newest first: purchases, points, top-ups, expiry."""

    permission_classes = [IsConsumer]
    serializer_class = LedgerEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MembershipCard.objects.none()
        return card_entries(my_card(self.request, self.kwargs["pk"]))

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MyCardImageView(PNGView):
    """The card face with its number and signed QR code, to show at the counter."""

    permission_classes = [IsConsumer]

    @extend_schema(tags=TAGS, responses=PNG_RESPONSE)
    def get(self, request, pk):
        png = services.card_image_png(card=my_card(request, pk))
        return HttpResponse(png, content_type="image/png")


class MyCardPasswordView(APIView):
    errors = (LoginPasswordWrong,)
    """Set or reset the consumption password: the account's login password proves it is the
    holder (wrong ones count towards the login lockout). Clears a spending lock."""

    permission_classes = [IsConsumer]

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(help_text="The new consumption password: 6 digits")
        login_password = serializers.CharField(style={"input_type": "password"})

    @extend_schema(tags=TAGS, request=InputSerializer, responses={204: None})
    def put(self, request, pk):
        card = my_card(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user_login(
                request=request._request,
                phone=request.user.phone,
                password=data.validated_data["login_password"],
            )
        except InvalidCredentials as error:
            raise LoginPasswordWrong(
                fields={"login_password": [str(LoginPasswordWrong.message)]}
            ) from error
        services.card_password_set(card=card, password=data.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCardTopUpView(APIView):
    errors = (
        CardNotUsable,
        TopUpNotAllowed,
        PaymentBackendUnknown,
        PaymentDeclined,
        PaymentGatewayUnavailable,
    )
    """Top up my card through an online payment method; the program's bonus tier is added.
    A declined payment answers 402 `payment_declined` and credits nothing."""

    permission_classes = [IsConsumer]

    class InputSerializer(serializers.Serializer):
        amount_fen = MoneyFenField(min_value=1)
        method = serializers.CharField(help_text="An online payment backend, e.g. sandbox")
        payment_token = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="From the payment SDK"
        )
        payment_channel = serializers.ChoiceField(
            choices=["", "jsapi", "h5", "native", "wap"],
            required=False,
            default="",
            help_text="A real gateway's scene: WeChat jsapi (with openid), h5, native; Alipay wap",
        )
        openid = serializers.CharField(required=False, allow_blank=True, default="", max_length=128)

    @extend_schema(
        tags=TAGS,
        description="Through a real gateway the answer is 202 with `payment.pay_params`; the "
        "card is credited when the gateway's verified notification comes (poll the card).",
        request=InputSerializer,
        responses={201: TopUpOutputSerializer, 202: TopUpOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, pk):
        card = my_card(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if fields["method"] not in payment_backends(online=True):
            raise serializers.ValidationError({"method": [_("不支持该支付方式。")]})

        def perform():
            result = services.card_top_up(
                card=card,
                amount_fen=fields["amount_fen"],
                backend=fields["method"],
                token=fields["payment_token"],
                by=request.user,
                idempotency_key=request.headers[HEADER],
                pay=PayRequest(
                    token=fields["payment_token"],
                    channel=fields["payment_channel"],
                    openid=fields["openid"],
                    client_ip=request.META.get("REMOTE_ADDR", ""),
                    description="会员卡充值",
                ),
            )
            return top_up_answer(result)

        return idempotent(request, scope="loyalty.top_up", perform=perform)


class MyInvitationSerializer(serializers.ModelSerializer):
    merchant_id = serializers.IntegerField(source="program.merchant_id")
    merchant_name = serializers.CharField(source="program.merchant.name")
    program_name = serializers.CharField(source="program.name")
    level_name = serializers.CharField(source="level.name", allow_null=True, default=None)

    class Meta:
        model = CardInvitation
        fields = ["id", "merchant_id", "merchant_name", "program_name", "level_name", "created_at"]


class MyInvitationListView(generics.ListAPIView):
    """Merchants' pending invitations to take their card, sent to my phone number. Nothing
    about me reaches the merchant until I accept."""

    permission_classes = [IsConsumer]
    serializer_class = MyInvitationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CardInvitation.objects.none()
        return consumer_invitations(self.request.user)

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MyInvitationAcceptView(APIView):
    """Accept: the card is mine (active, at the level the merchant offered)."""

    permission_classes = [IsConsumer]

    @extend_schema(tags=TAGS, request=None, responses={201: MyCardSerializer})
    def post(self, request, pk):
        card = services.card_invitation_accept(invitation_id=pk, consumer=request.user)
        body = MyCardSerializer(my_card(request, card.pk), context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class MyInvitationDeclineView(APIView):
    """Decline: no card, and the merchant learns nothing about me."""

    permission_classes = [IsConsumer]

    @extend_schema(tags=TAGS, request=None, responses={204: None})
    def post(self, request, pk):
        services.card_invitation_decline(invitation_id=pk, consumer=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
