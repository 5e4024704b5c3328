"""The gateways' notifications: POST /api/v1/payments/notify/<backend>/.

Anyone on the internet can reach this URL, so nothing in a request is believed until the
backend has verified it (signature with the gateway's key, decryption, our merchant and app
ids); then `payments.services` checks the amount and applies it once. The answer is in the
gateway's own protocol: success only once applied (or already applied), failure otherwise, so
the gateway sends it again later (a payment whose transaction had not committed yet)."""

import logging

from django.http import Http404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from .backends import payment_backend
from .errors import NotificationRejected, PaymentBackendUnknown
from .services import Outcome, payment_state_apply, refund_state_apply

logger = logging.getLogger("payments")


@method_decorator(csrf_exempt, name="dispatch")
class GatewayNotificationView(View):
    http_method_names = ["post"]

    def post(self, request, backend: str):
        try:
            chosen = payment_backend(backend)
        except PaymentBackendUnknown as error:
            raise Http404() from error
        try:
            state = chosen.notification(headers=request.META, body=request.body)
        except (NotificationRejected, NotImplementedError) as error:
            logger.warning("notification to %s refused: %s", backend, error)
            return chosen.notification_answer(accepted=False, message="验签失败")
        apply = payment_state_apply if state.kind == "payment" else refund_state_apply
        kwargs = {"notified": True} if state.kind == "payment" else {}
        outcome, _ = apply(backend=backend, state=state, **kwargs)
        if outcome == Outcome.REFUSED:
            logger.warning("notification %s %s refused: no match", backend, state.number)
            return chosen.notification_answer(accepted=False, message="订单不符")
        return chosen.notification_answer(accepted=True)
