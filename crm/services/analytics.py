"""Analytics: the KPI targets the snapshots are measured against."""

from datetime import date

from django.db import transaction

from merchants.models import Merchant

from ..models import KpiTarget


@transaction.atomic
def kpi_target_set(*, merchant: Merchant, kpi: str, target: float, valid_from: date) -> KpiTarget:
    found, _ = KpiTarget.objects.update_or_create(
        merchant=merchant, kpi=kpi, valid_from=valid_from, defaults={"target": target}
    )
    return found
