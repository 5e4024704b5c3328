"""A gateway for development and tests. It behaves like one: it can decline, be unreachable,
and it remembers what it charged, so refunding more than was charged fails. It takes no money,
so it is never in production's PAYMENT_BACKENDS.

Test tokens (the `payment_token` a client sends):
    sandbox-ok (or empty)     the charge succeeds
    sandbox-decline           declined (`card_declined`)
    sandbox-insufficient      declined (`insufficient_funds`)
    sandbox-unavailable       the gateway does not answer (503, nothing recorded)
"""

import uuid

from django.utils.translation import gettext as _

from ..errors import PaymentGatewayUnavailable
from ..models import PaymentStatus
from . import ChargeResult, PaymentBackend

UNAVAILABLE = "sandbox-unavailable"
DECLINES = {"sandbox-decline": "card_declined", "sandbox-insufficient": "insufficient_funds"}


class SandboxBackend(PaymentBackend):
    label = "沙箱支付（测试）"
    online = True

    def charge(self, *, payment, token: str) -> ChargeResult:
        if token == UNAVAILABLE:
            raise PaymentGatewayUnavailable()
        if token in DECLINES:
            return ChargeResult(PaymentStatus.FAILED, failure_code=DECLINES[token])
        if token not in ("", "sandbox-ok"):
            return ChargeResult(PaymentStatus.FAILED, failure_code="invalid_token")
        return ChargeResult(PaymentStatus.SUCCEEDED, external_reference=f"sbx_{uuid.uuid4().hex}")

    def refund(self, *, payment, amount_fen: int, refund_id: int) -> str:
        if not payment.external_reference.startswith("sbx_"):
            raise PaymentGatewayUnavailable(_("沙箱中不存在该笔支付。"))
        return f"sbx_re_{uuid.uuid4().hex}"
