"""The merchant's settlement: entries per order and payout batches. Owners only (money)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from accounts.permissions import IsMerchantOwner
from merchants.errors import NotAMerchant
from merchants.selectors import merchant_of

from .models import PayoutBatch, SettlementEntry


class SettlementEntrySerializer(serializers.ModelSerializer):
    order_code = serializers.CharField(source="order.code")
    shop = serializers.IntegerField(source="order.shop_id")

    class Meta:
        model = SettlementEntry
        fields = [
            "id",
            "order",
            "order_code",
            "shop",
            "kind",
            "amount_fen",
            "rate_bp",
            "commission_fen",
            "payable_fen",
            "batch",
            "created_at",
        ]


class PayoutBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayoutBatch
        fields = [
            "id",
            "period_end",
            "entry_count",
            "amount_fen",
            "commission_fen",
            "payable_fen",
            "status",
            "created_at",
            "paid_at",
        ]


@extend_schema_view(
    list=extend_schema(
        tags=["settlement"],
        summary="Settlement entries, newest first",
        parameters=[
            OpenApiParameter("batch", int, description="only this payout batch's entries"),
            OpenApiParameter("unbatched", bool, description="true: not yet in a payout batch"),
        ],
    )
)
class EntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    errors = {"list": (NotAMerchant,)}
    lookup_value_regex = r"\d+"
    permission_classes = [IsMerchantOwner]
    serializer_class = SettlementEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SettlementEntry.objects.none()
        entries = SettlementEntry.objects.filter(merchant=merchant_of(self.request.user))
        params = self.request.query_params
        if (batch := params.get("batch", "")).isdigit():
            entries = entries.filter(batch_id=batch)
        if params.get("unbatched") == "true":
            entries = entries.filter(batch__isnull=True)
        return entries.select_related("order")


@extend_schema_view(
    list=extend_schema(tags=["settlement"], summary="Payout batches, newest first"),
    retrieve=extend_schema(tags=["settlement"]),
)
class PayoutBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    errors = {"list": (NotAMerchant,)}
    lookup_value_regex = r"\d+"
    permission_classes = [IsMerchantOwner]
    serializer_class = PayoutBatchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PayoutBatch.objects.none()
        return PayoutBatch.objects.filter(merchant=merchant_of(self.request.user))
