from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from merchants.models import Merchant, StaffPermission

from .base import DashboardForm


class StaffAccessForm(DashboardForm):
    """What a staff member may do, and in which of the owner's shops."""

    permissions = forms.MultipleChoiceField(
        label=_("权限"),
        required=False,
        choices=StaffPermission.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    shops = forms.ModelMultipleChoiceField(
        label=_("门店"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, merchant: Merchant, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the owner's own shops can be chosen; another merchant's id is an invalid choice.
        self.fields["shops"].queryset = merchant.shops.order_by("pk")


class StaffCreateForm(StaffAccessForm):
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = PhoneNumberField(label=_("手机号"), widget=forms.TextInput(attrs={"inputmode": "tel"}))
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["name", "phone", "password", "permissions", "shops"]


class StaffUpdateForm(StaffAccessForm):
    is_active = forms.BooleanField(label=_("账户有效"), required=False)
