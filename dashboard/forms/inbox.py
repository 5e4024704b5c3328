"""Forms of the orders inbox, the reviews page and the money page's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consumers.models import ReportReason

from .base import DashboardForm


class ReasonForm(DashboardForm):
    reason = forms.CharField(label=_("原因（顾客可见）"), max_length=200, required=False)


class DisputeForm(DashboardForm):
    reason = forms.CharField(
        label=_("争议理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(DashboardForm):
    text = forms.CharField(
        label=_("公开回复"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(DashboardForm):
    reason = forms.ChoiceField(label=_("举报原因"), choices=ReportReason.choices)
    text = forms.CharField(label=_("说明"), max_length=500, required=False)


class HistoryFilterForm(forms.Form):
    KINDS = [
        ("", _("全部")),
        ("coupon", _("优惠券核销")),
        ("card", _("会员卡消费与充值")),
        ("order", _("订单核销")),
    ]
    shop = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类型"), choices=KINDS, required=False)
    date_from = forms.DateField(
        label=_("从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data
