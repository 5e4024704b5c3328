"""Reads of payments that more than one front needs."""

from django.utils.translation import gettext

from core.errors import NotFound

from .models import Payment


def counter_payment(*, payment_id: int, shop_ids) -> Payment:
    """A payment taken at the counter of one of these shops (a payment code waiting for the
    customer, say); any other payment is not found, like a wrong id."""
    payment = Payment.objects.filter(pk=payment_id, shop_id__in=shop_ids).first()
    if payment is None:
        raise NotFound()
    return payment


def payment_steps(payment: Payment) -> list[dict[str, str]]:
    """A payment code's steps in plain words for the cashier, [{at, text}], in the reader's
    language (the steps are kept in Chinese with their parameters: services.progress_note)."""
    return [
        {"at": step["at"], "text": gettext(step["text"]) % step.get("params", {})}
        for step in payment.progress
    ]
