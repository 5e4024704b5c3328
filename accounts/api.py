from django.http import JsonResponse
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.views import TokenRefreshView

from accounts.errors import PhoneTaken, WeakPassword
from core.errors import error_body
from core.schema import error_response
from merchants.services import merchant_register

from .errors import LoginLocked
from .models import Role, User
from .services import refresh_token_revoke, tokens_for, user_login, user_register


class UserSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "phone", "name", "role", "date_joined"]
        read_only_fields = ["id", "phone", "role", "date_joined"]


class SessionSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="JWT access token: `Authorization: Bearer <access>`")
    refresh = serializers.CharField(help_text="Refresh token for POST /api/v1/auth/refresh/")
    user = UserSerializer()


def session_response(user: User, http_status: int) -> Response:
    return Response({**tokens_for(user), "user": UserSerializer(user).data}, status=http_status)


class RegisterView(APIView):
    errors = (PhoneTaken, WeakPassword)
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        phone = PhoneNumberField(help_text="手机号; +86 assumed when no country code is given")
        password = serializers.CharField(write_only=True, style={"input_type": "password"})
        name = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
        role = serializers.ChoiceField(
            choices=[Role.CONSUMER, Role.MERCHANT_OWNER], default=Role.CONSUMER
        )
        merchant_name = serializers.CharField(
            max_length=100, required=False, help_text="Required when role is merchant_owner."
        )

        def validate(self, attrs):
            if attrs["role"] == Role.MERCHANT_OWNER and not attrs.get("merchant_name"):
                raise serializers.ValidationError({"merchant_name": "商户名称不能为空。"})
            return attrs

    @extend_schema(request=InputSerializer, responses={201: SessionSerializer}, tags=["auth"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        credentials = {
            "phone": fields["phone"],
            "password": fields["password"],
            "name": fields["name"],
        }
        if fields["role"] == Role.MERCHANT_OWNER:
            merchant = merchant_register(**credentials, merchant_name=fields["merchant_name"])
            user = merchant.owner
        else:
            user = user_register(**credentials)
        return session_response(user, status.HTTP_201_CREATED)


class LoginView(APIView):
    errors = (LoginLocked,)
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        phone = PhoneNumberField()
        password = serializers.CharField(write_only=True, style={"input_type": "password"})

    @extend_schema(
        request=InputSerializer,
        responses={
            200: SessionSerializer,
            401: error_response("手机号或密码错误 (`invalid_credentials`)"),
        },
        tags=["auth"],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # django-axes records attempts on the HttpRequest underneath DRF's Request.
        user = user_login(request=request._request, **data.validated_data)
        return session_response(user, status.HTTP_200_OK)


class RefreshView(TokenRefreshView):
    """Exchange a refresh token for a new access token (and a new refresh token)."""

    throttle_scope = "auth"

    @extend_schema(
        responses={
            200: TokenRefreshSerializer,
            401: error_response("刷新令牌无效、过期或已注销 (`token_not_valid`)"),
        },
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LogoutView(APIView):
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={204: None}, tags=["auth"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refresh_token_revoke(token=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserSerializer, tags=["auth"])
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=UserSerializer, responses=UserSerializer, tags=["auth"])
    def patch(self, request):
        serializer = UserSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        request.user.name = serializer.validated_data.get("name", request.user.name)
        request.user.save(update_fields=["name"])
        return Response(UserSerializer(request.user).data)


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """django-axes' lockout page, in the API's error shape (admin login included)."""
    return JsonResponse(error_body(LoginLocked.code, LoginLocked.message), status=429)
