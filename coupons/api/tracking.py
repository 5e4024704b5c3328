"""A campaign's figures: JSON for the dashboard's funnel and daily charts, CSV for Excel."""

from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.serializers import DATE_MAX, DATE_MIN, BoundedDateField

from ..tracking import MAX_DAYS, campaign_stats, stats_csv

TAGS = ["merchant coupons"]


class StatsFilterSerializer(serializers.Serializer):
    first = BoundedDateField(required=False, help_text="First day (default: creation).")
    to = BoundedDateField(required=False, help_text="Last day (default: today).")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("first")  # `from` cannot be a Python attribute name
        return fields

    def validate(self, attrs):
        first, last = attrs.get("from"), attrs.get("to")
        if first and last and not 0 <= (last - first).days < MAX_DAYS:
            raise serializers.ValidationError({"to": [f"日期范围须在 1 到 {MAX_DAYS} 天之间。"]})
        return attrs


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=["quantity", "issued", "redeemed"])
    label = serializers.CharField()
    count = serializers.IntegerField()


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    issued = serializers.IntegerField()
    claimed = serializers.IntegerField()
    redeemed = serializers.IntegerField()
    revenue_fen = serializers.IntegerField()
    discount_fen = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    title = serializers.CharField()
    total_quantity = serializers.IntegerField()
    issued = serializers.IntegerField(help_text="Coupons out by any channel.")
    claimed = serializers.IntegerField(help_text="Claimed by consumers in the app.")
    sent = serializers.IntegerField(help_text="Sent by the merchant to phone numbers.")
    printed = serializers.IntegerField(help_text="Paper coupons.")
    redeemed = serializers.IntegerField(help_text="Standing redemptions (reversals excluded).")
    reversed = serializers.IntegerField()
    redemption_rate = serializers.FloatField(help_text="redeemed / issued")
    time_to_redeem_median_seconds = serializers.IntegerField(allow_null=True)
    time_to_redeem_average_seconds = serializers.IntegerField(allow_null=True)
    revenue_fen = serializers.IntegerField(help_text="Order amounts recorded at redemption.")
    discount_fen = serializers.IntegerField()
    payable_fen = serializers.IntegerField()
    funnel = FunnelStageSerializer(many=True)
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    daily = DaySerializer(many=True)


DATE_BOUNDS = {"x-minimum": DATE_MIN.isoformat(), "x-maximum": DATE_MAX.isoformat()}
STATS_PARAMETERS = [
    OpenApiParameter(
        "from",
        {"type": "string", "format": "date", **DATE_BOUNDS},
        description="First day (default: creation)",
    ),
    OpenApiParameter(
        "to",
        {"type": "string", "format": "date", **DATE_BOUNDS},
        description="Last day (default: today)",
    ),
]


class TrackingActions:
    """CampaignViewSet's tracking actions; `stats.csv` is routed in coupons/urls.py."""

    def stats_for(self, request) -> dict:
        params = StatsFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        campaign = self.get_object()
        first = params.validated_data.get("from")
        last = params.validated_data.get("to") or timezone.localdate()
        first = first or max(
            timezone.localdate(campaign.created_at), last - timedelta(days=MAX_DAYS - 1)
        )
        return campaign_stats(campaign, first=first, last=last)

    @extend_schema(tags=TAGS, parameters=STATS_PARAMETERS, responses=StatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        """Funnel (quantity -> issued -> redeemed), rates, time to redeem, revenue, by day."""
        return Response(StatsSerializer(self.stats_for(request)).data)

    @extend_schema(
        tags=TAGS,
        parameters=STATS_PARAMETERS,
        operation_id="merchant_campaigns_stats_csv",
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description="UTF-8 (with BOM) CSV, one row a day + 合计"
            )
        },
    )
    def stats_csv(self, request, pk=None):
        """The daily figures as a CSV file for Excel."""
        body = stats_csv(self.stats_for(request))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="campaign-{pk}-stats.csv"'
        return response
