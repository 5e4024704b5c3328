"""Proving a phone, under /api/v1/auth/: get an image challenge, answer it to have a code sent,
then sign in with the code (creating the consumer) or register with a password and the code."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import CHANNELS, AcceptedSerializer, SessionSerializer, session_response
from accounts.errors import AccountDisabled, PhoneTaken, WeakPassword
from accounts.models import Role
from core.schema import error_response
from verification.errors import CaptchaInvalid, SmsCodeExhausted

from . import services
from .models import CodePurpose
from .throttling import SmsCodeAddressThrottle

TAGS = ["auth"]


class RegisterView(APIView):
    """Register with a password, proving the phone with an SMS code sent for `register`
    (POST /api/v1/auth/sms-code/)."""

    errors = (
        PhoneTaken,
        WeakPassword,
        SmsCodeExhausted,
    )
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        phone = PhoneNumberField(help_text="手机号; +86 assumed when no country code is given")
        password = serializers.CharField(write_only=True, style={"input_type": "password"})
        code = serializers.RegexField(
            r"^\s*[0-9]{6}\s*$", max_length=8, help_text="SMS code sent for purpose `register`"
        )
        name = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
        role = serializers.ChoiceField(
            choices=[Role.CONSUMER, Role.MERCHANT_OWNER], default=Role.CONSUMER
        )
        merchant_name = serializers.CharField(
            max_length=100, required=False, help_text="Required when role is merchant_owner."
        )
        accepted = AcceptedSerializer(
            many=True,
            required=False,
            default=list,
            help_text="The documents shown and accepted (GET /api/v1/policies/): "
            '[{"kind": "privacy", "version": 3}, {"kind": "terms", "version": 2}].',
        )
        channel = serializers.ChoiceField(choices=CHANNELS, default="app")

        def validate(self, attrs):
            if attrs["role"] == Role.MERCHANT_OWNER and not attrs.get("merchant_name"):
                raise serializers.ValidationError({"merchant_name": "商户名称不能为空。"})
            return attrs

    @extend_schema(
        request=InputSerializer,
        responses={
            201: SessionSerializer,
            400: error_response("验证码错误 (`sms_code_invalid`), 密码太弱 (`weak_password`)"),
        },
        tags=["auth"],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        opened = {"accepted": fields.pop("accepted"), "channel": fields.pop("channel")}
        user = services.register_with_code(**fields)
        return session_response(user, status.HTTP_201_CREATED, registered=True, **opened)


class CaptchaView(APIView):
    """A new image challenge; show `image_url` and send its key with the answer."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    class OutputSerializer(serializers.Serializer):
        captcha_key = serializers.CharField()
        image_url = serializers.CharField(help_text="PNG of the challenge (same origin)")

    @extend_schema(responses=OutputSerializer, tags=TAGS)
    def get(self, request):
        key = services.captcha_new()
        url = reverse("captcha-image", kwargs={"key": key})
        return Response({"captcha_key": key, "image_url": request.build_absolute_uri(url)})


class SmsCodeView(APIView):
    """Send a 6-digit code by SMS: at most 1 a minute, 5 an hour, 10 a day per phone, and a
    limit per client address; each send needs a fresh captcha answer."""

    errors = {"post": (CaptchaInvalid,)}

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        phone = PhoneNumberField(help_text="手机号; +86 assumed when no country code is given")
        purpose = serializers.ChoiceField(choices=CodePurpose.choices, default=CodePurpose.LOGIN)
        captcha_key = serializers.CharField(max_length=40)
        captcha_answer = serializers.CharField(max_length=32)

    class OutputSerializer(serializers.Serializer):
        expires_at = serializers.DateTimeField()

    def get_throttles(self):
        return [*super().get_throttles(), SmsCodeAddressThrottle()]

    @extend_schema(
        request=InputSerializer,
        responses={
            202: OutputSerializer,
            429: error_response("发送过于频繁 (`sms_code_too_soon`, `throttled`)"),
        },
        tags=TAGS,
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = services.sms_code_send(
            **data.validated_data, client_address=SmsCodeAddressThrottle().get_ident(request)
        )
        return Response({"expires_at": code.expires_at}, status=status.HTTP_202_ACCEPTED)


class SmsLoginView(APIView):
    """Sign in with a code (purpose `login`); a phone with no account becomes a consumer. The
    answer is the same as password login's."""

    errors = {"post": (AccountDisabled,)}

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        phone = PhoneNumberField()
        code = serializers.RegexField(r"^\s*[0-9]{6}\s*$", max_length=8)
        accepted = AcceptedSerializer(
            many=True, required=False, default=list, help_text="As in login/."
        )
        channel = serializers.ChoiceField(choices=CHANNELS, default="app")

    @extend_schema(
        request=InputSerializer,
        responses={
            200: SessionSerializer,
            400: error_response("验证码错误或过期 (`sms_code_invalid`, `sms_code_exhausted`)"),
            403: error_response("须先同意最新文档 (`consent_required`), as in login/"),
        },
        tags=TAGS,
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        opened = {"accepted": fields.pop("accepted"), "channel": fields.pop("channel")}
        user = services.sms_login(**fields)
        return session_response(user, status.HTTP_200_OK, registered=False, **opened)
