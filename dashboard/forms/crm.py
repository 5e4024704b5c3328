from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import ContactChannel, Segment, Tier

from .base import DashboardForm

ANY = [("", _("全部"))]
FLAGS = [
    ("overdue", _("超期未到店")),
    ("spend_drop", _("消费下降")),
    ("spend_spike", _("消费突增")),
    ("arrears", _("欠款")),
]
SATISFACTION = [
    (1, _("★ 很不满意")),
    (2, _("★★ 不满意")),
    (3, _("★★★ 一般")),
    (4, _("★★★★ 满意")),
    (5, _("★★★★★ 很满意")),
]
# What the call was for, in the words of the person making it.
PURPOSES = [
    ("care", _("问候关心")),
    ("promote", _("推荐服务或优惠")),
    ("explain", _("解释说明")),
    ("guide", _("使用指导")),
    ("suggest", _("听取意见")),
    ("mediate", _("处理不满")),
]


class CustomerFilterForm(DashboardForm):
    """The directory's search and filters: crm.selectors.customer_search's keywords."""

    q = forms.CharField(label=_("搜索姓名、手机号或标签"), required=False, max_length=60)
    tier = forms.ChoiceField(label=_("等级"), choices=ANY + Tier.choices, required=False)
    segment = forms.ChoiceField(label=_("分群"), choices=ANY + Segment.choices, required=False)
    flag = forms.ChoiceField(label=_("提醒"), choices=ANY + FLAGS, required=False)
    at_risk = forms.NullBooleanField(
        label=_("流失风险"),
        required=False,
        widget=forms.Select(
            choices=[("", _("全部")), ("true", _("有风险")), ("false", _("无风险"))]
        ),
    )

    def search_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class ContactForm(DashboardForm):
    """The outcome of a call, message or visit: crm.services.contact_log's keywords."""

    channel = forms.ChoiceField(
        label=_("渠道"), choices=ContactChannel.choices, widget=forms.RadioSelect
    )
    purpose = forms.ChoiceField(
        label=_("这次联系是为了"), choices=PURPOSES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("记录"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfaction = forms.TypedChoiceField(
        label=_("顾客满意吗"),
        choices=SATISFACTION,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    item_key = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    # The keys of every reason of a today-list entry, space-separated: the outcome closes all.
    item_keys = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean_item_keys(self) -> list[str]:
        return self.cleaned_data["item_keys"].split()


class CallbackForm(DashboardForm):
    """A call back promised to the customer: crm.services.callback_book's keywords."""

    due = forms.DateField(
        label=_("回电日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=100)

    def clean_due(self):
        due = self.cleaned_data["due"]
        today = timezone.localdate()
        if not today <= due <= today + timedelta(days=366):
            raise forms.ValidationError(_("请选择今天起一年内的日期。"))
        return due


class ReturnForm(DashboardForm):
    note = forms.CharField(label=_("退回原因"), max_length=200)
