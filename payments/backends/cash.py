from ..models import PaymentStatus, RefundStatus
from . import ChargeResult, PaymentBackend, PayRequest, RefundResult


class CashAtCounterBackend(PaymentBackend):
    """Cash (or the shop's own card terminal) taken by a staff member at the counter: the
    payment is recorded with who took it, and a refund is cash handed back."""

    label = "门店现金"
    online = False

    def charge(self, *, payment, request: PayRequest) -> ChargeResult:
        return ChargeResult(PaymentStatus.SUCCEEDED, external_reference=f"cash-{payment.pk}")

    def refund(self, *, payment, refund) -> RefundResult:
        return RefundResult(RefundStatus.SUCCEEDED, external_reference=f"cash-refund-{refund.pk}")
