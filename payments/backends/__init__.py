"""The payment backend interface; settings.PAYMENT_BACKENDS names the ones in use:

    PAYMENT_BACKENDS = {"cash": "payments.backends.cash.CashAtCounterBackend", ...}

A backend takes money for a `Payment` row that already exists (its `trade_no` is the
idempotency key a gateway gets, so a retried charge never takes money twice) and gives it back
for a `Refund` row. It reports the outcome honestly: `ChargeResult(FAILED, failure_code=...)`
for a decline, `PaymentGatewayUnavailable` when the gateway cannot be reached.

A real gateway (WeChat Pay, Alipay) answers asynchronously: `charge` returns `pending` with
what the app needs to pay (`pay_params`), and the gateway's notification (`notification`,
verified by the backend: signature, decryption, our merchant and app ids) or a `query` later
says what happened; `payments.services` checks the amount and applies it once.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.utils.module_loading import import_string

from ..errors import PaymentBackendUnknown


@dataclass(frozen=True)
class PayRequest:
    """What the payer's side tells the gateway: the scene (channel), the WeChat openid for
    JSAPI, the phone browser's address for H5, the customer's payment code at the counter."""

    token: str = ""
    channel: str = ""
    openid: str = ""
    client_ip: str = ""
    auth_code: str = ""
    description: str = ""


@dataclass(frozen=True)
class ChargeResult:
    status: str  # PaymentStatus: succeeded, failed or pending
    external_reference: str = ""
    failure_code: str = ""
    pay_params: dict = field(default_factory=dict)
    user_paying: bool = False  # a payment code waiting for the customer's confirmation


@dataclass(frozen=True)
class RefundResult:
    status: str  # RefundStatus: succeeded, failed or pending
    external_reference: str = ""
    failure_code: str = ""


@dataclass(frozen=True)
class GatewayState:
    """What a gateway says about one payment or refund, from a notification or a query."""

    kind: str  # "payment" or "refund"
    number: str  # our trade_no (payment) or refund_no (refund)
    status: str  # PaymentStatus / RefundStatus value; pending while the gateway waits
    amount_fen: int
    external_reference: str = ""
    user_paying: bool = False


@dataclass(frozen=True)
class BillLine:
    """One line of a gateway's daily statement."""

    kind: str  # "payment" or "refund"
    number: str  # our trade_no or refund_no
    amount_fen: int
    external_reference: str = ""


class PaymentBackend:
    name = ""
    label = ""
    # Online backends are chosen by consumers in the app; the others only by staff at the counter.
    online = True
    # True: the payment waits for a notification or a query (the beat task asks for it).
    asynchronous = False
    channels: tuple[str, ...] = ()
    # A payment-code backend: the first two digits of the customer's codes it takes.
    code_prefixes: tuple[str, ...] = ()
    # Backends that share a merchant account share its daily statement (reconciled together).
    statement = ""

    def charge(self, *, payment, request: PayRequest) -> ChargeResult:
        raise NotImplementedError

    def refund(self, *, payment, refund) -> RefundResult:
        """Start giving `refund.amount_fen` back; raises when the gateway cannot be reached."""
        raise NotImplementedError

    def query(self, *, payment) -> GatewayState:
        raise NotImplementedError

    def query_refund(self, *, refund) -> GatewayState:
        raise NotImplementedError

    def close(self, *, payment) -> None:
        """Stop an unpaid payment at the gateway so it can no longer be paid."""

    def reverse(self, *, payment) -> None:
        """Cancel a payment-code payment, giving the money back if it was taken."""
        self.close(payment=payment)

    def notification(self, *, headers, body: bytes) -> GatewayState:
        """Verify and read a notification; raises NotificationRejected when it is not genuine."""
        raise NotImplementedError

    def notification_answer(self, *, accepted: bool, message: str = "") -> HttpResponse:
        return HttpResponse(status=204 if accepted else 400)

    def bill(self, *, day) -> list[BillLine] | None:
        """The gateway's statement for `day`; None for a backend that has none."""
        return None


def payment_backend(name: str) -> PaymentBackend:
    path = settings.PAYMENT_BACKENDS.get(name)
    if path is None:
        raise PaymentBackendUnknown(fields={"method": [str(PaymentBackendUnknown.message)]})
    backend = import_string(path)()
    backend.name = name
    return backend


def payment_code_backend(auth_code: str) -> str:
    """The backend in use that takes this customer's payment code, known by its prefix (each
    backend declares its own `code_prefixes`): the cashier only scans the code."""
    for name in settings.PAYMENT_BACKENDS:
        if auth_code[:2] in payment_backend(name).code_prefixes:
            return name
    raise PaymentBackendUnknown(fields={"auth_code": [str(PaymentBackendUnknown.message)]})


def payment_backends(*, online: bool) -> list[str]:
    return [name for name in settings.PAYMENT_BACKENDS if payment_backend(name).online == online]
