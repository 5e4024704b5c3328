"""payments: backends chosen in settings, honest declines, refunds never above what was paid."""

import pytest

from payments.backends import payment_backends
from payments.errors import PaymentBackendUnknown, PaymentGatewayUnavailable, RefundTooLarge
from payments.models import Payment, PaymentStatus
from payments.services import payment_charge, payment_refund
from tests.factories import UserFactory


def charge(merchant, backend="sandbox", token="", amount=10_000):
    payer = UserFactory()
    return payment_charge(
        payer=payer,
        merchant=merchant,
        amount_fen=amount,
        purpose="test",
        reference="test:1",
        backend=backend,
        created_by=payer,
        token=token,
    )


def test_backends_come_from_settings(settings, merchant):
    assert payment_backends(online=False) == ["cash"]
    assert payment_backends(online=True) == ["sandbox"]
    settings.PAYMENT_BACKENDS = {"cash": "payments.backends.cash.CashAtCounterBackend"}
    with pytest.raises(PaymentBackendUnknown):
        charge(merchant, backend="sandbox")


def test_a_decline_is_kept_as_a_failed_payment_and_unavailability_keeps_nothing(merchant):
    declined = charge(merchant, token="sandbox-insufficient")
    assert (declined.status, declined.failure_code) == (PaymentStatus.FAILED, "insufficient_funds")
    assert declined.refundable_fen == 0
    with pytest.raises(PaymentGatewayUnavailable):
        charge(merchant, token="sandbox-unavailable")
    assert Payment.objects.count() == 1


def test_refunds_add_up_to_at_most_the_payment(merchant):
    payment = charge(merchant, amount=10_000)
    assert payment.status == PaymentStatus.SUCCEEDED
    first = payment_refund(payment=payment, amount_fen=4_000, created_by=merchant.owner)
    assert first.external_reference.startswith("sbx_re_")
    with pytest.raises(RefundTooLarge):
        payment_refund(payment=payment, amount_fen=6_001, created_by=merchant.owner)
    payment_refund(payment=payment, amount_fen=6_000, created_by=merchant.owner)
    payment.refresh_from_db()
    assert (payment.refunded_fen, payment.refundable_fen) == (10_000, 0)
