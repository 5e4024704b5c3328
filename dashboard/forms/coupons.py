from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.serializers import date_bounds_check
from coupons.models import Audience, Campaign
from crm.models import Segment
from loyalty.models import Level
from merchants.models import Service

from .base import DashboardForm
from .benefits import BenefitFormMixin

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
VALIDITY = [("fixed", _("固定日期")), ("relative", _("领取后若干天"))]


class PhoneListField(forms.CharField):
    """Phone numbers, one a line (commas and spaces also separate them)."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "13800000001"})

    def clean(self, value):
        text = super().clean(value) or ""
        phones, parse = [], PhoneNumberField(region="CN")
        for item in text.replace(",", "\n").replace("，", "\n").split():
            try:
                phones.append(parse.clean(item))
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("手机号 %(phone)s 无效。"), params={"phone": item}
                ) from error
        return phones


class CampaignForm(BenefitFormMixin, DashboardForm):
    """The designer: field names are campaign_create's keywords, so the view passes them on."""

    field_order = ["title", "description"]  # then the benefit, then the rest

    title = forms.CharField(label=_("标题"), max_length=60)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    validity = forms.ChoiceField(
        label=_("有效期"), choices=VALIDITY, initial="relative", widget=forms.RadioSelect
    )
    valid_from = forms.DateTimeField(
        label=_("开始时间"), required=False, widget=DATETIME, validators=[date_bounds_check]
    )
    valid_until = forms.DateTimeField(
        label=_("结束时间"), required=False, widget=DATETIME, validators=[date_bounds_check]
    )
    valid_days_after_issue = forms.IntegerField(
        label=_("领取后有效天数"), required=False, min_value=1, max_value=3650, initial=30
    )
    total_quantity = forms.IntegerField(label=_("发行量"), min_value=1, max_value=10_000_000)
    per_customer_limit = forms.IntegerField(
        label=_("每人限领"), min_value=1, max_value=100, initial=1
    )
    shops = forms.ModelMultipleChoiceField(
        label=_("适用门店（不选 = 全部门店）"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(
        label=_("适用人群"),
        choices=Audience.choices,
        initial=Audience.ANYONE,
        widget=forms.RadioSelect,
    )
    levels = forms.ModelMultipleChoiceField(
        label=_("会员等级"),
        queryset=Level.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    customer_phones = PhoneListField(label=_("顾客手机号（每行一个）"), required=False)
    segments = forms.MultipleChoiceField(
        label=_("客户分群"),
        choices=Segment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, merchant=merchant, **kwargs)
        self.fields["shops"].queryset = merchant.shops.order_by("pk")
        self.fields["levels"].queryset = Level.objects.filter(program__merchant=merchant)

    def clean(self):
        data = super().clean()
        if data.get("validity") == "fixed":
            data["valid_days_after_issue"] = None
        else:
            data["valid_from"] = data["valid_until"] = None
        return data

    def campaign_fields(self) -> dict:
        """campaign_create's / campaign_update's keywords."""
        data = dict(self.cleaned_data)
        data.pop("validity", None)
        data["shops"] = list(data["shops"])
        data["levels"] = list(data["levels"])
        return data

    @staticmethod
    def initial_for(campaign: Campaign) -> dict:
        names = [
            "title", "description", "valid_from", "valid_until", "valid_days_after_issue",
            "total_quantity", "per_customer_limit", "audience",
        ]  # fmt: skip
        initial = {name: getattr(campaign, name) for name in names}
        initial |= CampaignForm.benefit_initial(campaign)
        return initial | {
            "validity": "relative" if campaign.valid_days_after_issue else "fixed",
            "shops": list(campaign.shops.all()),
            "levels": list(campaign.levels.all()),
            "segments": list(campaign.segments),
            "customer_phones": "\n".join(
                str(p.national_number) for p in campaign.customers.values_list("phone", flat=True)
            ),
        }


class IssueForm(DashboardForm):
    phones = PhoneListField(label=_("发给这些手机号（每行一个）"))
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)


class PaperBatchForm(DashboardForm):
    count = forms.IntegerField(label=_("打印张数"), min_value=1, max_value=1000, initial=50)
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
