"""The directory: list, add, profile, timeline, CSV import and export, CSV import and export.
Staff read with `view_customers` and write with `manage_customers`; settings are the owner's."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from core.pagination import CursorPagination
from crm.errors import CsvUnreadable, CustomerExists, NotOurStaff
from merchants.errors import NotAMerchant
from notifications.marketing import marketing_consent_set, marketing_consents_of
from notifications.models import ConsentSource

from .. import selectors, services
from ..consents import consents_of
from ..errors import CustomerHasNoPhone
from ..models import Segment, Tier
from .serializers import (
    TAGS,
    CrmCustomerCreateSerializer,
    CrmCustomerInputSerializer,
    CrmCustomerSerializer,
    CrmInteractionSerializer,
)

CSV_RESPONSE = {(200, "text/csv"): OpenApiTypes.BINARY}


def customers_out(customers, many=False):
    rows = list(customers) if many else [customers]
    levels = selectors.customer_level_names(rows)
    marketing = marketing_consents_of(
        merchant_id=rows[0].merchant_id if rows else 0, phones=[c.phone for c in rows]
    )
    context = {"levels": levels, "consents": consents_of(rows), "marketing": marketing}
    return CrmCustomerSerializer(customers, many=many, context=context).data


class CustomerPagination(CursorPagination):
    ordering = "-pk"


class CustomerListView(APIView):
    errors = {"get": (NotAMerchant,), "post": (CustomerExists, NotAMerchant, NotOurStaff)}
    pagination_class = CustomerPagination
    """GET the directory (search and filters); POST adds a customer by hand."""

    permission_classes = [IsMerchantMember]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, max_length=60, help_text="Name, phone or tag.")
        tier = serializers.ChoiceField(choices=Tier.choices, required=False)
        segment = serializers.ChoiceField(choices=Segment.choices, required=False)
        flag = serializers.ChoiceField(
            choices=["overdue", "spend_drop", "spend_spike", "arrears"], required=False
        )
        owner = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
        at_risk = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(
        tags=TAGS, parameters=[FilterSerializer], responses=CrmCustomerSerializer(many=True)
    )
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = selectors.customer_search(merchant, **params.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(customers_out(page, many=True))

    @extend_schema(
        tags=TAGS,
        request=CrmCustomerCreateSerializer,
        responses={201: CrmCustomerSerializer, 409: OpenApiResponse(description="已存在")},
    )
    def post(self, request):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        data = CrmCustomerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        owner = selectors.team_member(merchant, fields.pop("owner", None))
        customer = services.customer_add(merchant=merchant, owner=owner, **fields)
        return Response(customers_out(customer), status=status.HTTP_201_CREATED)


class CustomerDetailView(APIView):
    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=CrmCustomerSerializer)
    def get(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(customers_out(selectors.customer_of(merchant, pk)))

    @extend_schema(tags=TAGS, request=CrmCustomerInputSerializer, responses=CrmCustomerSerializer)
    def patch(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        customer = selectors.customer_of(merchant, pk)
        data = CrmCustomerInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "owner" in fields:
            fields["owner"] = selectors.team_member(merchant, fields["owner"])
        customer = services.customer_update(customer=customer, **fields)
        return Response(customers_out(customer))


class CustomerMarketingConsentView(APIView):
    """Record the customer's consent to (or refusal of) our marketing SMS, given in writing at
    the counter. Only merchants verified by the platform may record consent; it never lifts the
    customer's own opt-out (a reply R or T, the unsubscribe link)."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        granted = serializers.BooleanField()

    @extend_schema(tags=TAGS, request=InputSerializer, responses=CrmCustomerSerializer)
    def put(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        customer = selectors.customer_of(merchant, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not customer.phone:
            raise CustomerHasNoPhone(fields={"phone": [str(CustomerHasNoPhone.message)]})
        marketing_consent_set(
            phone=str(customer.phone),
            merchant=merchant,
            granted=data.validated_data["granted"],
            source=ConsentSource.COUNTER,
            recorded_by=request.user,
        )
        return Response(customers_out(customer))


class TimelinePagination(CursorPagination):
    ordering = ("-at", "-pk")


class CustomerTimelineView(APIView):
    pagination_class = TimelinePagination
    """Every interaction, newest first: purchases, cards, coupons, reviews, complaints,
    contacts and task results."""

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=CrmInteractionSerializer(many=True))
    def get(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        customer = selectors.customer_of(merchant, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.timeline(customer), request, view=self)
        return paginator.get_paginated_response(CrmInteractionSerializer(page, many=True).data)


class CustomerImportView(APIView):
    """Upload a UTF-8 CSV with a header row: name, phone (required), birthday (YYYY-MM-DD),
    birthday_lunar, tags (separated by ;), notes. Answers what was created and each rejected
    line with its reasons."""

    errors = {"post": (CsvUnreadable, CustomerExists, NotAMerchant)}

    permission_classes = [IsMerchantMember]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

    class RejectedSerializer(serializers.Serializer):
        line = serializers.IntegerField()
        name = serializers.CharField()
        errors = serializers.ListField(child=serializers.CharField())

    class OutputSerializer(serializers.Serializer):
        created = serializers.IntegerField()
        rejected = serializers.ListField(child=serializers.DictField())

    @extend_schema(tags=TAGS, request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise serializers.ValidationError({"file": [_("文件不能超过 2 MB。")]})
        report = services.customers_import(merchant=merchant, upload=upload.read())
        rejected = self.RejectedSerializer(report.rejected, many=True).data
        return Response({"created": report.created, "rejected": rejected})


class CustomerExportView(APIView):
    """The whole directory as CSV (the import's columns, then level, grade and totals)."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=CSV_RESPONSE)
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        body = services.customers_csv(merchant, by=request.user)  # recorded: who, what, when
        response = HttpResponse(body, content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="customers.csv"'
        return response
