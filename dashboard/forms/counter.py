import re
import unicodedata
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from loyalty.services.counter import PAYMENT_CODE

from .base import DashboardForm, YuanField

AUTH_CODE = re.compile(r"\d{10,32}")  # as the API's field: digits only


class LookupForm(DashboardForm):
    """A scanned QR payload (O2O:<kind>:<value>:<signature>) or a code the cashier typed or a
    USB scanner typed: one field, its kind recognised from the code (core.codes.
    scan_resolve), never chosen by hand. Full-width letters and digits that a Chinese input
    method leaves behind read as their ASCII forms; case, spaces and dashes do not matter."""

    code = forms.CharField(
        label=_("券码或二维码内容"),
        max_length=500,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        return unicodedata.normalize("NFKC", self.cleaned_data["code"]).strip()


class CounterActionForm(DashboardForm):
    """What every counter action carries: the code found by the lookup and the key that makes
    a double tap act once."""

    error_summary = False

    code = forms.CharField(max_length=100, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)


class CouponRedeemForm(CounterActionForm):
    order_amount_fen = YuanField(
        label=_("订单金额（元）"),
        required=False,
        max_value=Decimal(100_000_000),
        help_text=_("满减、折扣券须填写；赠送或特价券可不填。"),
    )


class CardPurchaseForm(CounterActionForm):
    amount_fen = YuanField(
        label=_("消费金额（元）"), min_value=Decimal("0.01"), max_value=Decimal(1_000_000)
    )
    points = forms.IntegerField(
        label=_("使用积分"),
        required=False,
        min_value=0,
        max_value=10**9,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    balance_fen = YuanField(label=_("使用余额（元）"), required=False, max_value=Decimal(1_000_000))
    password = forms.CharField(
        label=_("消费密码"),
        required=False,
        max_length=6,
        help_text=_("使用积分或余额时，请顾客输入 6 位消费密码。"),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        data["points"] = data.get("points") or 0
        data["balance_fen"] = data.get("balance_fen") or 0
        return data


class CardTopUpForm(CounterActionForm):
    """A top-up taken in cash, or by the customer's payment code (付款码) that the scanner types
    into the focused field followed by Enter; the gateway is known from the code itself
    (payments.backends.payment_code_backend). The choice is offered only when a payment-code
    backend is in use (`code_payments`)."""

    amount_fen = YuanField(
        label=_("充值金额（元）"), min_value=Decimal("0.01"), max_value=Decimal(1_000_000)
    )
    method = forms.ChoiceField(
        label=_("收款方式"),
        choices=[("cash", _("现金")), (PAYMENT_CODE, _("扫付款码"))],
        initial="cash",
        required=False,  # cash unless the payment code is picked
        widget=forms.RadioSelect,
    )
    auth_code = forms.CharField(
        label=_("顾客付款码"),
        required=False,
        max_length=40,
        help_text=_("用扫码枪扫顾客手机上的付款码（18 位数字），或手动输入后按回车。"),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
    )

    def __init__(self, *args, code_payments: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "top-up-%s")  # beside the purchase form: ids of its own
        super().__init__(*args, **kwargs)
        if not code_payments:  # cash only: nothing to choose
            self.fields["method"].widget = forms.HiddenInput()
            self.fields["method"].choices = [("cash", _("现金"))]
            del self.fields["auth_code"]

    def clean_auth_code(self) -> str:
        # A scanner typing through a Chinese input method leaves full-width digits behind.
        code = re.sub(r"\s", "", unicodedata.normalize("NFKC", self.cleaned_data["auth_code"]))
        if code and not AUTH_CODE.fullmatch(code):
            raise forms.ValidationError(_("付款码应为 10 到 32 位数字。"))
        return code

    def clean(self):
        data = super().clean()
        data.setdefault("auth_code", "")
        data["method"] = data.get("method") or "cash"
        return data


class OrderConsumeForm(CounterActionForm):
    pass


class CouponReverseForm(DashboardForm):
    """Undo a redemption made by mistake (within the reversal window)."""

    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("撤销原因"), max_length=200, required=False)
