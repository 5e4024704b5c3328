"""Analytics: customer groups and segments, purchase structure, churn over time, campaign
effect, KPIs against targets."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from core.pagination import WholeList, whole_page
from core.serializers import BoundedDateField
from merchants.errors import NotAMerchant

from .. import analytics, selectors, services
from ..models import Kpi
from .serializers import TAGS


class SegmentsView(APIView):
    """RFM segments with their customer counts: the audiences coupons and deals can target."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    class OutputSerializer(serializers.Serializer):
        segment = serializers.CharField()
        label = serializers.CharField()
        customers = serializers.IntegerField()

    @extend_schema(tags=TAGS, responses=OutputSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(whole_page(analytics.customer_groups(merchant)["segments"]))


class AnalyticsGroupsView(APIView):
    """Customers by tier, RFM segment and source; how many are at risk."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.ANALYTICS)
        return Response(analytics.customer_groups(merchant))


class AnalyticsPurchasesView(APIView):
    """Purchase structure of the last year: by service, month, weekday and hour."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.ANALYTICS)
        return Response(analytics.purchase_structure(merchant))


class AnalyticsChurnView(APIView):
    """Per month: active, new, retained customers, retention and churn rates; KPI history."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.ANALYTICS)
        return Response(analytics.churn_over_time(merchant))


class CampaignEffectSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    title = serializers.CharField()
    redemptions = serializers.IntegerField()
    customers = serializers.IntegerField()
    spend_before_fen = serializers.IntegerField()
    spend_after_fen = serializers.IntegerField()
    window_days = serializers.IntegerField()


class AnalyticsCampaignsView(APIView):
    """Coupon campaigns' redemptions attributed to customers, and those customers' spend in
    the 30 days before and after."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    @extend_schema(tags=TAGS, responses=CampaignEffectSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.ANALYTICS)
        return Response(whole_page(analytics.campaign_effect(merchant)))


class KpiView(APIView):
    """KPI snapshots over time, each with the target in force that day; PUT (owner) sets a
    target from a date on (both answer the series, on one page)."""

    errors = {"get": (NotAMerchant,), "put": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    class InputSerializer(serializers.Serializer):
        kpi = serializers.ChoiceField(choices=Kpi.choices)
        target = serializers.FloatField(min_value=0, max_value=1e6)
        valid_from = BoundedDateField(required=False)

    class ValueSerializer(serializers.Serializer):
        value = serializers.FloatField(allow_null=True)
        target = serializers.FloatField(allow_null=True)

    class OutputSerializer(serializers.Serializer):
        day = serializers.DateField()
        customers = serializers.IntegerField()
        churn_rate = serializers.DictField()
        satisfaction = serializers.DictField()
        tenure_days = serializers.DictField()

    @extend_schema(tags=TAGS, responses=OutputSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.ANALYTICS)
        return Response(whole_page(analytics.kpi_series(merchant)))

    @extend_schema(tags=TAGS, request=InputSerializer, responses=OutputSerializer(many=True))
    def put(self, request):
        merchant = selectors.owner_check(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        services.kpi_target_set(
            merchant=merchant,
            kpi=fields["kpi"],
            target=fields["target"],
            valid_from=fields.get("valid_from") or timezone.localdate(),
        )
        return Response(whole_page(analytics.kpi_series(merchant)))
