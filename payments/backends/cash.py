from ..models import PaymentStatus
from . import ChargeResult, PaymentBackend


class CashAtCounterBackend(PaymentBackend):
    """Cash (or the shop's own card terminal) taken by a staff member at the counter: the
    payment is recorded with who took it, and a refund is cash handed back."""

    label = "门店现金"
    online = False

    def charge(self, *, payment, token: str) -> ChargeResult:
        return ChargeResult(PaymentStatus.SUCCEEDED, external_reference=f"cash-{payment.pk}")

    def refund(self, *, payment, amount_fen: int, refund_id: int) -> str:
        return f"cash-refund-{refund_id}"
