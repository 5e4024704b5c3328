"""Paper coupons: issue a batch of N bearer coupons, then print its A4 PDF sheet."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action

from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent

from .. import services
from ..models import PaperBatch
from ..paper import paper_batch_pdf
from .files import FileNegotiation

TAGS = ["merchant coupons"]
MAX_PAPER_BATCH = 1000


class PaperBatchInputSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=MAX_PAPER_BATCH)


class PaperBatchSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = PaperBatch
        fields = ["id", "campaign", "count", "created_at", "pdf_url"]

    def get_pdf_url(self, batch) -> str:
        path = reverse(
            "merchant-campaign-paper-batch-pdf",
            kwargs={"pk": batch.campaign_id, "batch_id": batch.pk},
        )
        return self.context["request"].build_absolute_uri(path)


class PaperBatchActions:
    """CampaignViewSet's paper batch actions."""

    @extend_schema(
        tags=TAGS,
        request=PaperBatchInputSerializer,
        responses={201: PaperBatchSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(detail=True, methods=["post"], url_path="paper-batches")
    def paper_batches(self, request, pk=None):
        """Issue `count` (at most 1000) paper coupons; download the sheet from `pdf_url`."""
        campaign = self.get_object()
        data = PaperBatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def perform():
            batch = services.paper_batch_create(
                campaign=campaign, count=data.validated_data["count"], created_by=request.user
            )
            body = PaperBatchSerializer(batch, context={"request": request}).data
            return status.HTTP_201_CREATED, body

        return idempotent(request, scope="coupons.paper", perform=perform)

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("batch_id", int, OpenApiParameter.PATH)],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"paper-batches/(?P<batch_id>\d+)/pdf",
        content_negotiation_class=FileNegotiation,
    )
    def paper_batch_pdf(self, request, pk=None, batch_id=None):
        """The print-ready A4 sheet of a paper batch: 8 coupons a page with QR, code, terms."""
        batch = get_object_or_404(PaperBatch, pk=batch_id, campaign=self.get_object())
        response = HttpResponse(paper_batch_pdf(batch), content_type="application/pdf")
        filename = f"coupons-{batch.campaign_id}-batch-{batch.pk}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
