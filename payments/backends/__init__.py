"""The payment backend interface; settings.PAYMENT_BACKENDS names the ones in use:

    PAYMENT_BACKENDS = {"cash": "payments.backends.cash.CashAtCounterBackend", ...}

A backend takes money for a `Payment` row that already exists (its id is the idempotency key a
gateway gets, so a retried charge never takes money twice) and gives it back for a refund.
It reports the outcome honestly: `ChargeResult(succeeded=False, failure_code=...)` for a
decline, `PaymentGatewayUnavailable` when the gateway cannot be reached. A real gateway
(WeChat Pay, Alipay) answers asynchronously: its backend returns `pending` and a webhook later
calls `payments.services.payment_confirm`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from ..errors import PaymentBackendUnknown


@dataclass(frozen=True)
class ChargeResult:
    status: str  # PaymentStatus: succeeded, failed or pending
    external_reference: str = ""
    failure_code: str = ""


class PaymentBackend:
    name = ""
    label = ""
    # Online backends are chosen by consumers in the app; the others only by staff at the counter.
    online = True

    def charge(self, *, payment, token: str) -> ChargeResult:
        raise NotImplementedError

    def refund(self, *, payment, amount_fen: int, refund_id: int) -> str:
        """Give `amount_fen` back; returns the gateway's refund reference or raises."""
        raise NotImplementedError


def payment_backend(name: str) -> PaymentBackend:
    path = settings.PAYMENT_BACKENDS.get(name)
    if path is None:
        raise PaymentBackendUnknown(fields={"method": [str(PaymentBackendUnknown.message)]})
    backend = import_string(path)()
    backend.name = name
    return backend


def payment_backends(*, online: bool) -> list[str]:
    return [name for name in settings.PAYMENT_BACKENDS if payment_backend(name).online == online]
