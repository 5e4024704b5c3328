from rest_framework import serializers

from .models import Payment
from .selectors import payment_steps


class PaymentSerializer(serializers.ModelSerializer):
    """A payment as its payer (or the cashier) sees it: its state, and what the app needs to
    pay while it is pending."""

    method = serializers.CharField(source="backend")
    status_label = serializers.CharField(source="get_status_display")
    pay_params = serializers.JSONField(
        help_text="While pending: WeChat JSAPI parameters (appId, timeStamp, nonceStr, package, "
        "signType, paySign), an H5 `h5_url`, a Native `code_url` to show as a QR code, or an "
        "Alipay `pay_url`; empty for a gateway that answered at once."
    )
    progress = serializers.SerializerMethodField(
        help_text="A payment code's steps in plain words for the cashier: [{at, text}], in "
        "the reader's language."
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "method",
            "channel",
            "status",
            "status_label",
            "amount_fen",
            "refunded_fen",
            "failure_code",
            "pay_params",
            "progress",
            "expires_at",
            "succeeded_at",
        ]

    def get_progress(self, payment) -> list[dict[str, str]]:
        return payment_steps(payment)
