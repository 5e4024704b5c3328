from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import DomainError, ServiceUnavailable


class PaymentBackendUnknown(DomainError):
    code = "payment_method_unavailable"
    message = _("不支持该支付方式。")


class PaymentDeclined(DomainError):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    code = "payment_declined"
    message = _("支付被拒绝，请更换支付方式后重试。")


class PaymentGatewayUnavailable(ServiceUnavailable):
    code = "payment_gateway_unavailable"
    message = _("支付渠道暂时不可用，请稍后重试。")


class RefundTooLarge(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "refund_exceeds_payment"
    message = _("退款金额超过可退金额。")


class RefundDeclined(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "refund_declined"
    message = _("支付渠道拒绝了退款，请稍后重试或联系平台。")


class NotificationRejected(Exception):
    """A gateway notification that is not genuine (signature, decryption, merchant or app id)
    or that names nothing of ours. Not a DomainError: the gateway, not a user, reads the answer."""
