from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.serializers import date_bounds_check
from crm.models import Segment
from deals.models import DealTarget, FlashDeal
from deals.services import MAX_MINUTES, MIN_MINUTES
from geo.radius import RADIUS_MAX_M, RADIUS_MIN_M
from loyalty.models import Level
from merchants.models import Service

from .base import DashboardForm
from .benefits import BenefitFormMixin
from .coupons import DATETIME, PhoneListField


class ShopSelect(forms.Select):
    """Each shop option carries its coordinates, so the map centres on the chosen shop."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        shop = getattr(value, "instance", None)
        if shop is not None:
            option["attrs"]["data-lat"] = f"{shop.location.y:.6f}"
            option["attrs"]["data-lng"] = f"{shop.location.x:.6f}"
        return option


class FlashDealForm(BenefitFormMixin, DashboardForm):
    """The composer: field names are flash_deal_create's keywords (the view passes them on)."""

    field_order = ["shop", "title", "description"]  # then the benefit, then the rest

    shop = forms.ModelChoiceField(
        label=_("门店"), queryset=Service.objects.none(), widget=ShopSelect
    )
    title = forms.CharField(label=_("标题"), max_length=60)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    total_quantity = forms.IntegerField(label=_("发行量"), min_value=1, max_value=10_000_000)
    per_customer_limit = forms.IntegerField(
        label=_("每人限领"), min_value=1, max_value=100, initial=1
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        required=False,
        widget=DATETIME,
        help_text=_("不填 = 立即开始"),
        validators=[date_bounds_check],
    )
    duration_minutes = forms.IntegerField(
        label=_("持续分钟数"), min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=120
    )
    target = forms.ChoiceField(
        label=_("推送对象"),
        choices=DealTarget.choices,
        initial=DealTarget.RADIUS,
        widget=forms.RadioSelect,
    )
    radius_m = forms.IntegerField(
        label=_("推送半径（米）"),
        required=False,
        min_value=RADIUS_MIN_M,
        max_value=RADIUS_MAX_M,
        initial=2000,
        widget=forms.NumberInput(attrs={"step": 100}),
    )
    levels = forms.ModelMultipleChoiceField(
        label=_("会员等级"),
        queryset=Level.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    segments = forms.MultipleChoiceField(
        label=_("客户分群"),
        choices=Segment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    customer_phones = PhoneListField(label=_("顾客手机号（每行一个）"), required=False)
    sms = forms.BooleanField(label=_("同时发短信（仅限顾客名单）"), required=False)

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, merchant=merchant, **kwargs)
        self.fields["shop"].queryset = merchant.shops.order_by("pk")
        self.fields["levels"].queryset = Level.objects.filter(program__merchant=merchant)

    @staticmethod
    def initial_for(deal: FlashDeal) -> dict:
        """A draft's fields as the composer shows them (editing it replaces them all)."""
        campaign = deal.campaign
        names = ["title", "description", "total_quantity", "per_customer_limit", "segments"]
        initial = {name: getattr(campaign, name) for name in names}
        initial |= FlashDealForm.benefit_initial(campaign)
        return initial | {
            "shop": deal.shop,
            "starts_at": timezone.localtime(deal.starts_at),
            "duration_minutes": int((deal.ends_at - deal.starts_at).total_seconds() // 60),
            "target": deal.target,
            "radius_m": deal.radius_m,
            "sms": deal.sms,
            "levels": list(campaign.levels.all()),
            "customer_phones": "\n".join(
                str(p.national_number) for p in campaign.customers.values_list("phone", flat=True)
            ),
        }

    def deal_fields(self) -> dict:
        """flash_deal_create's keywords (None for the offer terms not typed)."""
        data = {k: v for k, v in self.cleaned_data.items() if v is not None}
        data["levels"] = list(data.get("levels", []))
        data.setdefault("customer_phones", [])
        data.setdefault("segments", [])
        return data


class AudienceForm(forms.Form):
    """What the audience preview needs from the composer (the rest of it may be unfinished)."""

    shop = forms.ModelChoiceField(queryset=Service.objects.none())
    target = forms.ChoiceField(choices=DealTarget.choices)
    radius_m = forms.IntegerField(required=False, min_value=RADIUS_MIN_M, max_value=RADIUS_MAX_M)
    levels = forms.ModelMultipleChoiceField(queryset=Level.objects.none(), required=False)
    segments = forms.MultipleChoiceField(choices=Segment.choices, required=False)
    customer_phones = PhoneListField(required=False)

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = merchant.shops.order_by("pk")
        self.fields["levels"].queryset = Level.objects.filter(program__merchant=merchant)
