"""Every signed-in user's inbox and notification preferences, and consumers' push devices, under
/api/v1/me/."""

from django.core.validators import RegexValidator
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsConsumer
from core.errors import NotFound
from core.redaction import mask
from core.serializers import LocalTimeField
from merchants.models import Merchant
from notifications.errors import (
    InvalidQuietHours,
    MerchantNotVerified,
    PhoneNotVerified,
    WebPushUnavailable,
)

from . import services
from .backends.webpush import vapid_public_key, web_push_available
from .marketing import marketing_consent_set
from .models import (
    ConsentSource,
    Device,
    DevicePlatform,
    InboxMessage,
    MarketingConsent,
    MarketingOptOut,
    MessageKind,
    Preference,
)
from .subscriptions import web_auth_secret, web_push_endpoint, web_subscription_key

TAGS = ["inbox and notifications"]


class FlashDealDataSerializer(serializers.Serializer):
    """`data` of a `flash_deal` message: what the app opens (claim with the campaign)."""

    deal = serializers.IntegerField(help_text="GET /api/v1/flash-deals/{deal}/")
    campaign = serializers.IntegerField(help_text="POST /api/v1/campaigns/{campaign}/claim/")
    shop = serializers.IntegerField(help_text="GET /api/v1/shops/{shop}/")
    ends_at = serializers.DateTimeField()


class SystemDataField(serializers.DictField):
    """`data` of a `system` message: no fields defined yet (an object, usually empty)."""


# One entry per MessageKind: a new kind adds its data serializer here.
DATA_SERIALIZERS = {
    MessageKind.FLASH_DEAL: FlashDealDataSerializer,
    MessageKind.SYSTEM: SystemDataField,
}
DATETIME_KEYS = {"ends_at"}


class InboxMessageSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField()

    class Meta:
        model = InboxMessage
        fields = ["id", "kind", "title", "body", "data", "created_at", "read_at", "is_read"]

    def get_is_read(self, message) -> bool:
        return message.read_at is not None

    def get_data(self, message) -> dict:
        """The kind's fields, typed (times in Asia/Shanghai like every other time)."""
        raw = dict(message.data or {})
        for key in DATETIME_KEYS & raw.keys():
            raw[key] = parse_datetime(raw[key]) if isinstance(raw[key], str) else raw[key]
        typed = DATA_SERIALIZERS[message.kind]
        return typed(raw).data if issubclass(typed, serializers.Serializer) else raw


def message_of_kind(kind: str, data) -> type[serializers.Serializer]:
    return type(
        f"{kind.title().replace('_', '')}MessageSerializer",
        (serializers.Serializer,),
        {
            "id": serializers.IntegerField(),
            "kind": serializers.ChoiceField(choices=[kind]),
            "title": serializers.CharField(),
            "body": serializers.CharField(),
            "data": data(),
            "created_at": serializers.DateTimeField(),
            "read_at": serializers.DateTimeField(allow_null=True),
            "is_read": serializers.BooleanField(),
            "__module__": __name__,
        },
    )


def inbox_message_schema(many: bool = False) -> PolymorphicProxySerializer:
    """An inbox message is a union on `kind`: each kind has its own `data`."""
    return PolymorphicProxySerializer(
        component_name="InboxMessage",
        serializers={
            str(kind.value): message_of_kind(str(kind.value), data)
            for kind, data in DATA_SERIALIZERS.items()
        },
        resource_type_field_name="kind",
        many=many,
    )


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many messages were unread until now.")


class InboxFilterSerializer(serializers.Serializer):
    # default=None: a missing boolean in a query string is not "false" (DRF's form reading).
    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: unread only"
    )
    kind = serializers.ChoiceField(choices=MessageKind.choices, required=False)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="My inbox, newest first",
        parameters=[InboxFilterSerializer],
        responses=inbox_message_schema(many=True),
    ),
    retrieve=extend_schema(
        tags=TAGS, summary="One message of my inbox", responses=inbox_message_schema()
    ),
)
class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InboxMessageSerializer
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number is 404, not a 500

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InboxMessage.objects.none()
        return InboxMessage.objects.filter(recipient=self.request.user).order_by("-pk")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = InboxFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        if params.validated_data.get("unread") is not None:
            queryset = queryset.filter(read_at__isnull=params.validated_data["unread"])
        if kind := params.validated_data.get("kind"):
            queryset = queryset.filter(kind=kind)
        return queryset

    @extend_schema(tags=TAGS, summary="How many unread messages", responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        unread = InboxMessage.objects.filter(recipient=request.user, read_at__isnull=True).count()
        return Response({"unread": unread})

    @extend_schema(
        tags=TAGS, summary="Mark one message read", request=None, responses=inbox_message_schema()
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        try:
            message = services.inbox_mark_read(user=request.user, message_id=int(pk))
        except (InboxMessage.DoesNotExist, ValueError) as error:
            raise NotFound() from error
        return Response(InboxMessageSerializer(message).data)

    @extend_schema(
        tags=TAGS, summary="Mark every message read", request=None, responses=MarkedSerializer
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.inbox_mark_all_read(user=request.user)})


class PreferenceSerializer(serializers.ModelSerializer):
    quiet_start = LocalTimeField(
        allow_null=True, required=False, help_text="Local time (Asia/Shanghai), e.g. 22:00"
    )
    quiet_end = LocalTimeField(
        allow_null=True, required=False, help_text="Before start = spans midnight, e.g. 08:00"
    )
    max_pushes_per_day = serializers.IntegerField(min_value=0, max_value=50, required=False)

    class Meta:
        model = Preference
        fields = list(services.PREFERENCE_COLUMNS)


class PreferenceView(APIView):
    """Channels (in-app, SMS, push), quiet hours, a daily cap on pushes, or unsubscribe from
    every message. Quiet hours defer SMS and pushes to their end (dropped if the offer is over
    by then); the inbox still receives."""

    errors = {"patch": (InvalidQuietHours,)}

    @extend_schema(tags=TAGS, summary="My notification preferences", responses=PreferenceSerializer)
    def get(self, request):
        return Response(PreferenceSerializer(services.preference_of(request.user)).data)

    @extend_schema(
        tags=TAGS,
        summary="Change my notification preferences",
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer},
        description="400 `invalid_quiet_hours`: only one end given, or both equal.",
    )
    def patch(self, request):
        data = PreferenceSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        preference = services.preference_update(user=request.user, **data.validated_data)
        return Response(PreferenceSerializer(preference).data, status=status.HTTP_200_OK)


NATIVE_PLATFORMS = [(p.value, p.label) for p in DevicePlatform if p != DevicePlatform.WEB]


class DeviceSerializer(serializers.ModelSerializer):
    token_tail = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = ["id", "platform", "token_tail", "app_version", "created_at", "last_seen_at"]

    def get_token_tail(self, device) -> str:
        """The token's last characters, to tell this phone from the others; never the token."""
        return mask(device.token)


class DeviceInputSerializer(serializers.Serializer):
    """A phone's app: the token its platform's push service gave it."""

    platform = serializers.ChoiceField(choices=NATIVE_PLATFORMS)
    token = serializers.CharField(
        min_length=16,
        max_length=512,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_:.+/=-]+$", _("推送令牌只能包含字母、数字和 _:.+/=- 符号。")
            )
        ],
        help_text="The push service's token: APNs (ios), FCM (android), Push Kit (harmony).",
    )
    app_version = serializers.CharField(max_length=32, required=False, allow_blank=True)


class WebPushKeysSerializer(serializers.Serializer):
    """PushSubscription.toJSON().keys (RFC 8291), base64url."""

    p256dh = serializers.CharField(
        max_length=100,
        validators=[web_subscription_key],
        help_text="The browser's P-256 public key, uncompressed (65 bytes).",
    )
    auth = serializers.CharField(
        max_length=32, validators=[web_auth_secret], help_text="The 16-byte auth secret."
    )


class WebDeviceInputSerializer(serializers.Serializer):
    """A browser's push subscription, as PushSubscription.toJSON() gives it."""

    platform = serializers.ChoiceField(choices=[DevicePlatform.WEB.value])
    endpoint = serializers.CharField(
        max_length=1024,
        validators=[web_push_endpoint],
        help_text="The push service's URL for this subscription: https.",
    )
    keys = WebPushKeysSerializer()
    app_version = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        keys, endpoint = values.pop("keys"), values.pop("endpoint")
        return {**values, "token": endpoint, **keys}


DEVICE_INPUTS = {
    **{str(platform): DeviceInputSerializer for platform, _label in NATIVE_PLATFORMS},
    str(DevicePlatform.WEB): WebDeviceInputSerializer,
}


class WebPushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(
        help_text="The VAPID public key (RFC 8292), base64url: PushManager.subscribe's "
        "applicationServerKey."
    )


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="My phones and browsers registered for push"),
    create=extend_schema(
        tags=TAGS,
        summary="Register this phone or browser for push, or refresh it",
        request=PolymorphicProxySerializer(
            component_name="DeviceRegistration",
            serializers={name: serializer() for name, serializer in DEVICE_INPUTS.items()},
            resource_type_field_name="platform",
        ),
        responses={201: DeviceSerializer, 200: DeviceSerializer},
        description="201 for a new token; 200 for a known one, which moves to me (a phone that "
        "changed hands) and is active again. Register at every start of the app. A browser "
        "(`platform: web`) posts its push subscription; 404 `web_push_unavailable` when this "
        "server has no web push.",
    ),
    destroy=extend_schema(tags=TAGS, summary="Unregister one of my devices (no more pushes)"),
    web_push_key=extend_schema(
        tags=TAGS,
        summary="The key to subscribe a browser with (Web Push)",
        responses=WebPushKeySerializer,
        description="404 `web_push_unavailable` when this server has no web push.",
    ),
)
class DeviceViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Consumers' phones and browsers: pushes go to each active one. A token the push service
    reports invalid is deactivated and no longer listed until the app registers it again."""

    errors = {"create": (WebPushUnavailable,), "web_push_key": (WebPushUnavailable,)}

    serializer_class = DeviceSerializer
    permission_classes = [IsConsumer]
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number is 404, not a 500

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Device.objects.none()
        return Device.objects.filter(consumer=self.request.user).order_by("-pk")

    def filter_queryset(self, queryset):
        return queryset.filter(active=True) if self.action == "list" else queryset

    def create(self, request):
        platform = request.data.get("platform") if isinstance(request.data, dict) else None
        serializer = DEVICE_INPUTS.get(platform) if isinstance(platform, str) else None
        data = (serializer or DeviceInputSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        device, created = services.device_register(consumer=request.user, **data.validated_data)
        return Response(
            DeviceSerializer(device).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def perform_destroy(self, device):
        services.device_unregister(device=device)

    @action(detail=False, methods=["get"], url_path="web-push-key", pagination_class=None)
    def web_push_key(self, request):
        if not web_push_available():
            raise WebPushUnavailable()
        return Response({"public_key": vapid_public_key()})


class MarketingConsentSerializer(serializers.ModelSerializer):
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)

    class Meta:
        model = MarketingConsent
        fields = ["merchant", "merchant_name", "granted", "source", "changed_at"]


class MarketingConsentListView(APIView):
    """Which merchants may send marketing SMS (flash deals, campaigns) to my phone."""

    permission_classes = [IsConsumer]

    class OutputSerializer(serializers.Serializer):
        opted_out = serializers.BooleanField(help_text="Refused every marketing SMS (R/T, link)")
        consents = MarketingConsentSerializer(many=True)

    @extend_schema(tags=TAGS, summary="My marketing SMS consents", responses=OutputSerializer)
    def get(self, request):
        phone = str(request.user.phone)
        consents = MarketingConsent.objects.filter(phone=phone).select_related("merchant")
        return Response(
            {
                "opted_out": MarketingOptOut.objects.filter(phone=phone).exists(),
                "consents": MarketingConsentSerializer(
                    consents.order_by("merchant_id"), many=True
                ).data,
            }
        )


class MarketingConsentView(APIView):
    """Give or withdraw consent to one merchant's marketing SMS. Needs a phone proven by SMS
    code (403 `phone_not_verified`); consenting lifts an earlier opt-out."""

    errors = {"put": (MerchantNotVerified, PhoneNotVerified)}

    permission_classes = [IsConsumer]

    class InputSerializer(serializers.Serializer):
        granted = serializers.BooleanField()

    @extend_schema(
        tags=TAGS,
        summary="Consent to a merchant's marketing SMS, or withdraw it",
        request=InputSerializer,
        responses=MarketingConsentSerializer,
    )
    def put(self, request, merchant_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = Merchant.objects.filter(pk=merchant_id).first()
        if merchant is None:
            raise NotFound()
        consent = marketing_consent_set(
            phone=str(request.user.phone),
            merchant=merchant,
            granted=data.validated_data["granted"],
            source=ConsentSource.APP,
            recorded_by=request.user,
        )
        return Response(MarketingConsentSerializer(consent).data)
