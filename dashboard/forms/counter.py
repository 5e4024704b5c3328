from django import forms
from django.utils.translation import gettext_lazy as _

from .base import DashboardForm

TYPED_KINDS = [("C", _("优惠券")), ("M", _("会员卡")), ("O", _("订单"))]


class LookupForm(DashboardForm):
    """A scanned QR payload (O2O:<kind>:<value>:<signature>) or a code the cashier typed;
    `kind` says what a typed code is (a QR names its own kind)."""

    code = forms.CharField(
        label=_("券码或二维码内容"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=TYPED_KINDS,
        initial="C",
        required=False,  # a QR names its own kind
        widget=forms.RadioSelect,
    )
