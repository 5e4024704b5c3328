"""Complaints: list, open, change, resolve (the resolution callback is then on today's list)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from core.errors import NotFound
from core.pagination import CursorPagination
from core.serializers import BoundedDateTimeField, IdField
from crm.errors import NotOurStaff
from merchants.errors import NotAMerchant

from .. import selectors, services
from ..models import (
    Complaint,
    ComplaintStatus,
    ContactChannel,
)
from .serializers import (
    CONFLICT,
    TAGS,
    CrmComplaintSerializer,
)


def respond_by_check(value):
    now = timezone.now()
    if value is not None and not now - timedelta(days=1) <= value <= now + timedelta(days=365):
        raise serializers.ValidationError(_("答复期限须在一年之内。"))


class ComplaintPagination(CursorPagination):
    ordering = "-pk"


def complaint_of(merchant, pk: int) -> Complaint:
    found = Complaint.objects.filter(merchant=merchant, pk=pk).select_related("customer").first()
    if found is None:
        raise NotFound()
    return found


class ComplaintListView(APIView):
    errors = {"get": (NotAMerchant,), "post": (NotAMerchant, NotOurStaff)}
    pagination_class = ComplaintPagination
    permission_classes = [IsMerchantMember]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ComplaintStatus.choices, required=False)

    class InputSerializer(serializers.Serializer):
        customer = serializers.IntegerField(min_value=1, max_value=2**62)
        channel = serializers.ChoiceField(choices=ContactChannel.choices)
        content = serializers.CharField(max_length=4000)
        owner = IdField(required=False, allow_null=True)
        respond_by = BoundedDateTimeField(
            required=False, allow_null=True, validators=[respond_by_check]
        )

    @extend_schema(
        tags=TAGS, parameters=[FilterSerializer], responses=CrmComplaintSerializer(many=True)
    )
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = Complaint.objects.filter(merchant=merchant).select_related("customer")
        if "status" in params.validated_data:
            found = found.filter(status=params.validated_data["status"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(CrmComplaintSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, request=InputSerializer, responses={201: CrmComplaintSerializer})
    def post(self, request):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        customer = customer_field(merchant, fields["customer"])
        complaint = services.complaint_create(
            merchant=merchant,
            customer=customer,
            channel=fields["channel"],
            content=fields["content"],
            owner=selectors.team_member(merchant, fields.get("owner")),
            respond_by=fields.get("respond_by"),
        )
        return Response(CrmComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


def customer_field(merchant, pk: int):
    found = selectors.customers_of(merchant).filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({"customer": [_("顾客不存在。")]})
    return found


class ComplaintDetailView(APIView):
    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        owner = IdField(required=False, allow_null=True)
        respond_by = BoundedDateTimeField(required=False, validators=[respond_by_check])

    @extend_schema(tags=TAGS, responses=CrmComplaintSerializer)
    def get(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(CrmComplaintSerializer(complaint_of(merchant, pk)).data)

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses={200: CrmComplaintSerializer, 409: CONFLICT},
    )
    def patch(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        complaint = complaint_of(merchant, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "owner" in fields:
            fields["owner"] = selectors.team_member(merchant, fields["owner"])
        complaint = services.complaint_update(complaint=complaint, **fields)
        return Response(CrmComplaintSerializer(complaint_of(merchant, complaint.pk)).data)


class ComplaintResolveView(APIView):
    """Record the resolution; the customer then appears on the today list for a callback."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        resolution = serializers.CharField(max_length=4000)

    @extend_schema(
        tags=TAGS, request=InputSerializer, responses={200: CrmComplaintSerializer, 409: CONFLICT}
    )
    def post(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        complaint = complaint_of(merchant, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_resolve(
            complaint=complaint, resolution=data.validated_data["resolution"], by=request.user
        )
        return Response(CrmComplaintSerializer(complaint_of(merchant, pk)).data)
