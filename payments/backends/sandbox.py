"""A gateway for development and tests. It behaves like one: it can decline, be unreachable,
and it remembers what it charged, so refunding more than was charged fails. It takes no money,
so production refuses it (config.settings.production).

It answers at once, as if its notification had come with its answer: a payment through it is
paid (or declined) when `charge` returns, so the demo needs no gateway and no configuration.

Test tokens (the `payment_token` a client sends):
    sandbox-ok (or empty)     the charge succeeds
    sandbox-decline           declined (`card_declined`)
    sandbox-insufficient      declined (`insufficient_funds`)
    sandbox-unavailable       the gateway does not answer (503, nothing recorded)
"""

import uuid

from django.utils.translation import gettext as _

from ..errors import PaymentGatewayUnavailable
from ..models import PaymentStatus, RefundStatus
from . import ChargeResult, GatewayState, PaymentBackend, PayRequest, RefundResult

UNAVAILABLE = "sandbox-unavailable"
DECLINES = {"sandbox-decline": "card_declined", "sandbox-insufficient": "insufficient_funds"}


class SandboxBackend(PaymentBackend):
    label = "沙箱支付（测试）"
    online = True

    def charge(self, *, payment, request: PayRequest) -> ChargeResult:
        token = request.token
        if token == UNAVAILABLE:
            raise PaymentGatewayUnavailable()
        if token in DECLINES:
            return ChargeResult(PaymentStatus.FAILED, failure_code=DECLINES[token])
        if token not in ("", "sandbox-ok"):
            return ChargeResult(PaymentStatus.FAILED, failure_code="invalid_token")
        return ChargeResult(PaymentStatus.SUCCEEDED, external_reference=f"sbx_{uuid.uuid4().hex}")

    def refund(self, *, payment, refund) -> RefundResult:
        if not payment.external_reference.startswith("sbx_"):
            raise PaymentGatewayUnavailable(_("沙箱中不存在该笔支付。"))
        return RefundResult(RefundStatus.SUCCEEDED, external_reference=f"sbx_re_{uuid.uuid4().hex}")

    def query(self, *, payment) -> GatewayState:
        status = payment.status if payment.status != PaymentStatus.PENDING else PaymentStatus.CLOSED
        return GatewayState("payment", payment.trade_no or "", status, payment.amount_fen)
