"""Grading: the scorecard and CRM settings, the tier roster, recomputing grades, and the
per-tier service standards with what is due under them and the compliance."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from core.pagination import CursorPagination, WholeList, whole_page
from crm.errors import InvalidScorecard
from merchants.errors import NotAMerchant

from .. import selectors, services, standards
from ..models import Tier
from ..scoring import INDICATORS
from .directory import customers_out
from .serializers import (
    TAGS,
    CrmCustomerSerializer,
    CrmStandardSerializer,
)


class BandSerializer(serializers.Serializer):
    min = serializers.FloatField(min_value=-1e9, max_value=1e9)
    points = serializers.IntegerField(min_value=0, max_value=100)


class IndicatorSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=list(INDICATORS))
    weight = serializers.IntegerField(min_value=0, max_value=100)
    bands = BandSerializer(many=True, min_length=1, max_length=20)


class CrmSettingsSerializer(serializers.Serializer):
    indicators = IndicatorSerializer(many=True, min_length=1, max_length=len(INDICATORS))
    tier_a_min = serializers.IntegerField(min_value=1, max_value=100)
    tier_b_min = serializers.IntegerField(min_value=0, max_value=99)
    end_below_growth_points = serializers.IntegerField(min_value=0, max_value=100)
    gift_budget_fen = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=10**9),
        help_text='Per tier and customer: {"A": 20000, "B": 5000, "C": 0}.',
    )
    churn_horizon_days = serializers.IntegerField(
        min_value=7,
        max_value=365,
        allow_null=True,
        required=False,
        help_text="H of 'no visit within H days'; null: from the merchant's own visit gaps.",
    )
    at_risk_daily_calls = serializers.IntegerField(
        min_value=1,
        max_value=500,
        required=False,
        help_text="How many at-risk customers the staff can call a day: the at-risk list's cut.",
    )
    long_no_contact_days = serializers.IntegerField(min_value=1, max_value=3650)
    low_satisfaction_max = serializers.IntegerField(min_value=1, max_value=5)
    random_sample_size = serializers.IntegerField(min_value=0, max_value=50)
    holiday_tiers = serializers.ListField(
        child=serializers.ChoiceField(choices=Tier.choices), max_length=3
    )
    complaint_response_hours = serializers.IntegerField(min_value=1, max_value=720)

    def validate_gift_budget_fen(self, value):
        if set(value) - set(Tier.values):
            raise serializers.ValidationError(_("只能按 A、B、C 设置。"))
        return value


class ScorecardView(APIView):
    """GET the scorecard and CRM settings; PUT (owner) replaces them."""

    errors = {"get": (NotAMerchant,), "put": (InvalidScorecard, NotAMerchant)}

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=CrmSettingsSerializer)
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(CrmSettingsSerializer(selectors.settings_of(merchant)).data)

    @extend_schema(tags=TAGS, request=CrmSettingsSerializer, responses=CrmSettingsSerializer)
    def put(self, request):
        merchant = selectors.owner_check(request.user)
        data = CrmSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.crm_settings_save(merchant=merchant, **data.validated_data)
        return Response(CrmSettingsSerializer(saved).data)


class RosterPagination(CursorPagination):
    ordering = ("tier", "-score", "pk")


class RosterView(APIView):
    """The tier roster: graded customers with score, tier, recommendation and reasons, by tier
    and best score first."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = RosterPagination

    class FilterSerializer(serializers.Serializer):
        tier = serializers.ChoiceField(choices=Tier.choices, required=False)

    @extend_schema(
        tags=TAGS, parameters=[FilterSerializer], responses=CrmCustomerSerializer(many=True)
    )
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = selectors.roster(merchant, params.validated_data.get("tier", ""))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(customers_out(page, many=True))


class RecomputeView(APIView):
    """Grade, segment and flag every customer now (the nightly run does the same)."""

    errors = {"post": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    class OutputSerializer(serializers.Serializer):
        customers = serializers.IntegerField()

    @extend_schema(tags=TAGS, request=None, responses=OutputSerializer)
    def post(self, request):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        return Response({"customers": services.customers_recompute(merchant=merchant)})


class StandardsView(APIView):
    """GET the per-tier service standards; PUT (owner) replaces them (both answer the list)."""

    errors = {"get": (NotAMerchant,), "put": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    class InputSerializer(serializers.Serializer):
        standards = CrmStandardSerializer(many=True, max_length=30)

        def validate_standards(self, value):
            pairs = [(s["tier"], s["channel"]) for s in value]
            if len(set(pairs)) != len(pairs):
                raise serializers.ValidationError(_("同一等级同一渠道只能有一条标准。"))
            return value

    @extend_schema(tags=TAGS, responses=CrmStandardSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        standards = merchant.crm_standards.all()
        return Response(whole_page(CrmStandardSerializer(standards, many=True).data))

    @extend_schema(tags=TAGS, request=InputSerializer, responses=CrmStandardSerializer(many=True))
    def put(self, request):
        merchant = selectors.owner_check(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.service_standards_set(
            merchant=merchant, standards=data.validated_data["standards"]
        )
        return Response(whole_page(CrmStandardSerializer(saved, many=True).data))


class DueItemSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    customer_name = serializers.CharField()
    tier = serializers.CharField()
    owner = serializers.IntegerField(allow_null=True)
    channel = serializers.CharField()
    every_days = serializers.IntegerField()
    due = serializers.DateField()


class StandardsDueView(APIView):
    """Contacts due under the service standards, for the whole team."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    @extend_schema(tags=TAGS, responses=DueItemSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(whole_page(DueItemSerializer(standards.due_list(merchant), many=True).data))


class ComplianceView(APIView):
    """Share of customers contacted within their tier's standard, per tier and per staff."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    class RateSerializer(serializers.Serializer):
        tier = serializers.CharField(required=False)
        staff = serializers.IntegerField(required=False, allow_null=True)
        name = serializers.CharField(required=False)
        compliant = serializers.IntegerField()
        total = serializers.IntegerField()
        rate = serializers.FloatField(allow_null=True)

    class OutputSerializer(serializers.Serializer):
        tiers = serializers.ListField(child=serializers.DictField())
        staff = serializers.ListField(child=serializers.DictField())

    @extend_schema(tags=TAGS, responses=OutputSerializer)
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(standards.compliance(merchant))
