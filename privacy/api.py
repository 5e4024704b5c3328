"""Policies (public), my consents, my data export and my account deletion (/api/v1/me/)."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import CLIENT_CHANNELS
from accounts.permissions import IsConsumer
from core.errors import NotFound
from core.pagination import WholeList, whole_page
from core.schema import error_response
from core.serializers import CountField, IdField
from privacy.errors import DeletionBlocked, ExportNotReady, ReauthenticationFailed, UnknownConsent
from verification.errors import SmsCodeExhausted, SmsCodeInvalid

from .consents import KINDS
from .errors import PolicyNotPublished
from .models import DocumentKind, PolicyDocument
from .services import consents, deletion, export

CONSENT_TAGS = ["privacy"]
CHANNELS = CLIENT_CHANNELS


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyDocument
        fields = ["kind", "version", "language", "title", "summary", "body", "published_at"]


class PolicyListView(APIView):
    errors = {"get": (PolicyNotPublished,)}
    permission_classes = [AllowAny]
    pagination_class = WholeList

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="The current version of each published document (text in my language)",
        responses=PolicySerializer(many=True),
    )
    def get(self, request):
        language = translation.get_language() or consents.PRIMARY_LANGUAGE
        documents = []
        for kind in DocumentKind.values:
            if consents.policy_current_version(kind) is not None:
                documents.append(consents.policy_document(kind=kind, language=language))
        return Response(whole_page(PolicySerializer(documents, many=True).data))


class PolicyDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="One document: its current version, or ?version=",
        parameters=[OpenApiParameter("version", int, required=False)],
        responses={200: PolicySerializer, 404: error_response("未发布 (`policy_not_published`)")},
    )
    def get(self, request, kind):
        version = request.query_params.get("version")
        version = int(version) if version and version.isdigit() else None
        language = translation.get_language() or consents.PRIMARY_LANGUAGE
        if kind not in DocumentKind.values:
            raise PolicyNotPublished()
        document = consents.policy_document(kind=kind, language=language, version=version)
        return Response(PolicySerializer(document).data)


class ConsentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    required = serializers.BooleanField()
    granted = serializers.BooleanField()
    version = serializers.IntegerField(allow_null=True)
    current_version = serializers.IntegerField(allow_null=True)
    channel = serializers.CharField()
    granted_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    merchant = serializers.IntegerField(
        allow_null=True, help_text="`marketing`: the merchant whose SMS this row allows."
    )
    merchant_name = serializers.CharField()


class ConsentsSerializer(serializers.Serializer):
    consents = ConsentSerializer(many=True)
    missing = serializers.ListField(child=serializers.DictField())


def consents_body(user) -> dict:
    rows = []
    for entry in consents.kinds_for(user):
        for state in entry.states(user):
            rows.append(
                {
                    "kind": entry.kind,
                    "title": str(entry.title),
                    "required": entry.required,
                    "granted": state.granted,
                    "version": state.version,
                    "current_version": entry.document
                    and consents.policy_current_version(entry.document),
                    "channel": state.channel,
                    "granted_at": state.granted_at,
                    "withdrawn_at": state.withdrawn_at,
                    "merchant": state.merchant,
                    "merchant_name": state.merchant_name,
                }
            )
    return ConsentsSerializer({"consents": rows, "missing": consents.consents_missing(user)}).data


class ConsentsView(APIView):
    """What I agreed to and when; accept a document (or location use); withdraw any."""

    errors = {"post": (UnknownConsent,)}

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=list(KINDS))
        version = CountField(
            min_value=1, required=False, help_text="The version shown (documents)."
        )
        channel = serializers.ChoiceField(choices=CHANNELS, default="app")
        merchant = IdField(
            min_value=1, required=False, help_text="`marketing`: the merchant allowed to text me."
        )

    @extend_schema(tags=CONSENT_TAGS, summary="My consents", responses=ConsentsSerializer)
    def get(self, request):
        return Response(consents_body(request.user))

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="Accept (a document's version, or the use of my location)",
        request=InputSerializer,
        responses={
            200: ConsentsSerializer,
            400: error_response("`unknown_consent`; `marketing` without `merchant_required`"),
            403: error_response("`marketing`: the phone is not proven (`phone_not_verified`)"),
            404: error_response("`not_found`: no such merchant; `policy_not_published`"),
            409: error_response("版本已更新 (`policy_version_outdated`)"),
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consents.consent_grant(user=request.user, **data.validated_data)
        return Response(consents_body(request.user))


class ConsentWithdrawView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="Withdraw a consent",
        description="Withdrawing `location` stops check-ins, activity-area inference and "
        "subscriptions around it, and deletes those data. `marketing`: `?merchant=` withdraws "
        "one merchant's consent, none named withdraws every merchant's.",
        parameters=[OpenApiParameter("merchant", int, required=False)],
        request=None,
        responses={
            200: ConsentsSerializer,
            400: error_response("`unknown_consent`"),
            404: error_response("`not_found`: no such merchant"),
        },
    )
    def delete(self, request, kind):
        merchant = request.query_params.get("merchant", "")
        if merchant and not merchant.isdigit():
            raise NotFound(fields={"merchant": [str(NotFound.message)]})
        consents.consent_withdraw(user=request.user, kind=kind, merchant=int(merchant or 0) or None)
        return Response(consents_body(request.user))


class ExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="pending, ready, downloaded, expired")
    requested_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    downloaded_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.CharField(
        allow_null=True, help_text="When ready: works once, for PRIVACY_EXPORT_LINK_MINUTES."
    )


def export_body(request, data_export) -> dict:
    url = None
    if data_export.status == "ready":
        token = export.data_export_link_token(export=data_export)
        url = request.build_absolute_uri(reverse("my-export-download")) + f"?token={token}"
    return ExportSerializer(
        {
            "id": data_export.pk,
            "status": data_export.status,
            "requested_at": data_export.requested_at,
            "ready_at": data_export.ready_at,
            "downloaded_at": data_export.downloaded_at,
            "download_url": url,
        }
    ).data


class ExportView(APIView):
    """Everything the platform holds about me, as a JSON file prepared in the background."""

    errors = {"get": (ExportNotReady,), "post": (ExportNotReady,)}

    permission_classes = [IsConsumer]

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="My latest data export and its one-time download link",
        responses={200: ExportSerializer, 404: error_response("`not_found`")},
    )
    def get(self, request):
        latest = export.data_export_latest(user=request.user)
        if latest is None:
            raise NotFound()
        return Response(export_body(request, latest))

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="Ask for my data",
        request=None,
        responses={202: ExportSerializer},
    )
    def post(self, request):
        data_export = export.data_export_request(user=request.user)
        return Response(export_body(request, data_export), status=status.HTTP_202_ACCEPTED)


class ExportDownloadView(APIView):
    """The signed link is the credential (a download manager or browser has no token)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="Download my data export (once)",
        parameters=[OpenApiParameter("token", str, required=True)],
        responses={
            (200, "application/json"): OpenApiTypes.BINARY,
            410: error_response("`export_link_invalid`"),
        },
    )
    def get(self, request):
        name, body = export.data_export_download(token=request.query_params.get("token", ""))
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class BlockersSerializer(serializers.Serializer):
    open_orders = serializers.ListField(child=serializers.DictField())
    open_disputes = serializers.ListField(child=serializers.DictField())
    stored_value = serializers.ListField(child=serializers.DictField())
    points = serializers.ListField(child=serializers.DictField())
    coupons = serializers.ListField(child=serializers.DictField())


class DeletionSerializer(serializers.Serializer):
    status = serializers.CharField(allow_null=True, help_text="pending, or null: none pending")
    requested_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Erased after this time.")
    forfeit = serializers.BooleanField()
    blockers = BlockersSerializer(
        help_text="Open orders and disputes must be settled first; the rest can be forfeited."
    )


def deletion_body(user) -> dict:
    pending = deletion.deletion_pending(user=user)
    return DeletionSerializer(
        {
            "status": pending and pending.status,
            "requested_at": pending and pending.requested_at,
            "due_at": pending and pending.due_at,
            "forfeit": bool(pending and pending.forfeit),
            "blockers": deletion.deletion_blockers(user=user),
        }
    ).data


class DeletionView(APIView):
    """Cancel my account (注销): shows what is left first; erased after the waiting period
    unless I sign in again (or DELETE this) before."""

    errors = {"post": (ReauthenticationFailed, DeletionBlocked, SmsCodeInvalid, SmsCodeExhausted)}

    permission_classes = [IsConsumer]

    def initial(self, request, *args, **kwargs):
        # A request checks the password: it is throttled like sign-in, against guessing.
        self.throttle_scope = "auth" if request.method == "POST" else None
        super().initial(request, *args, **kwargs)

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(
            required=False, default="", allow_blank=True, style={"input_type": "password"}
        )
        sms_code = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            max_length=8,
            help_text="Instead of the password: a code sent to my phone by POST "
            "/api/v1/auth/sms-code/ with purpose `deletion` (a `login` code works too).",
        )
        forfeit = serializers.BooleanField(
            default=False, help_text="true: I give up my stored value, points and coupons."
        )
        channel = serializers.ChoiceField(choices=CHANNELS, default="app")

    @extend_schema(tags=CONSENT_TAGS, summary="My account deletion", responses=DeletionSerializer)
    def get(self, request):
        return Response(deletion_body(request.user))

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="Ask to delete my account",
        request=InputSerializer,
        responses={
            202: DeletionSerializer,
            400: error_response("`sms_code_exhausted`"),
            403: error_response("`reauthentication_failed`"),
            409: error_response("`deletion_blocked`: see fields"),
            429: error_response("`throttled`"),
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deletion.deletion_request(user=request.user, **data.validated_data)
        return Response(deletion_body(request.user), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        tags=CONSENT_TAGS,
        summary="Withdraw my deletion request",
        request=None,
        responses={200: DeletionSerializer, 404: error_response("`deletion_not_pending`")},
    )
    def delete(self, request):
        deletion.deletion_cancel(user=request.user)
        return Response(deletion_body(request.user))
