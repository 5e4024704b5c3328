from django.http import JsonResponse
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.views import TokenRefreshView

from core import events
from core.errors import error_body
from core.schema import error_response
from core.serializers import CountField

from .errors import LoginLocked
from .models import CLIENT_CHANNELS, User
from .services import refresh_token_revoke, tokens_for, user_login


class UserSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "phone", "name", "role", "date_joined", "phone_verified_at"]
        read_only_fields = ["id", "phone", "role", "date_joined", "phone_verified_at"]


class MissingConsentSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="privacy, terms, ...")
    version = serializers.IntegerField(help_text="The version to accept.")
    title = serializers.CharField()


class SessionSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="JWT access token: `Authorization: Bearer <access>`")
    refresh = serializers.CharField(help_text="Refresh token for POST /api/v1/auth/refresh/")
    user = UserSerializer()
    consents_missing = MissingConsentSerializer(
        many=True,
        required=False,
        help_text="Documents to accept (a new version asks again): show them, then "
        "POST /api/v1/me/consents/ {kind, version}.",
    )
    deletion_cancelled = serializers.BooleanField(
        required=False, help_text="true: signing in cancelled my pending account deletion."
    )


class AcceptedSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=20)
    version = CountField(min_value=1)


CHANNELS = CLIENT_CHANNELS


def session_response(user: User, http_status: int, **opened) -> Response:
    """Tokens and the user, plus what the apps above add when a session opens (the privacy
    app: consents missing, a pending deletion cancelled; see core.events). They answer
    first: one may refuse the session (privacy: current documents not accepted), and then
    no token is made."""
    extras = events.publish("session_opened", user=user, **opened)
    body = {**tokens_for(user), "user": UserSerializer(user).data}
    for extra in extras:
        body.update(extra or {})
    return Response(body, status=http_status)


class LoginView(APIView):
    errors = (LoginLocked,)
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        phone = PhoneNumberField()
        password = serializers.CharField(write_only=True, style={"input_type": "password"})
        accepted = AcceptedSerializer(
            many=True, required=False, default=list, help_text="As at registration."
        )
        channel = serializers.ChoiceField(choices=CHANNELS, default="app")

    @extend_schema(
        request=InputSerializer,
        responses={
            200: SessionSerializer,
            401: error_response("手机号或密码错误 (`invalid_credentials`)"),
            403: error_response(
                "须先同意最新文档 (`consent_required`): `fields` {kind: [version, title]}; "
                "sign in again with them in `accepted`"
            ),
        },
        tags=["auth"],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # django-axes records attempts on the HttpRequest underneath DRF's Request.
        fields = data.validated_data
        user = user_login(
            request=request._request, phone=fields["phone"], password=fields["password"]
        )
        return session_response(
            user,
            status.HTTP_200_OK,
            registered=False,
            accepted=fields["accepted"],
            channel=fields["channel"],
        )


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
