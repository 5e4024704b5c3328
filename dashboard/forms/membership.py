from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from loyalty.models import CardProgram, CardTemplate, PointsRounding, UpgradeBasis

from .base import DISCOUNT, DashboardForm, YuanField

NUMERIC = forms.NumberInput(attrs={"inputmode": "numeric"})


class ProgramForm(DashboardForm):
    """The program's rules; field names are card_program_save's keywords."""

    name = forms.CharField(label=_("会员卡名称"), max_length=60)
    shops = forms.ModelMultipleChoiceField(
        label=_("适用门店（不选 = 全部门店）"),
        queryset=CardProgram.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    auto_approve = forms.BooleanField(label=_("申请自动通过"), required=False, initial=True)
    earn_offline = forms.BooleanField(label=_("线下消费积分"), required=False, initial=True)
    earn_online = forms.BooleanField(label=_("线上消费积分"), required=False, initial=True)
    points_rounding = forms.ChoiceField(
        label=_("积分取整"), choices=PointsRounding.choices, initial=PointsRounding.FLOOR
    )
    points_expiry_days = forms.IntegerField(
        label=_("积分有效期（天，空 = 永久）"), required=False, min_value=1, max_value=3650
    )
    redeem_points = forms.IntegerField(
        label=_("抵扣单位积分"), min_value=1, max_value=1_000_000, initial=100, widget=NUMERIC
    )
    redeem_fen = YuanField(
        label=_("每单位抵扣（元）"),
        min_value=Decimal("0.01"),
        max_value=Decimal(10_000),
        initial=100,
    )
    upgrade_basis = forms.ChoiceField(
        label=_("升级依据"), choices=UpgradeBasis.choices, initial=UpgradeBasis.SPEND
    )
    upgrade_window_days = forms.IntegerField(
        label=_("升级统计周期（天）"), min_value=1, max_value=3650, initial=365
    )
    downgrade_enabled = forms.BooleanField(label=_("允许降级"), required=False)
    top_up_enabled = forms.BooleanField(label=_("可充值"), required=False)
    min_top_up_fen = YuanField(
        label=_("最低充值（元）"),
        min_value=Decimal("0.01"),
        max_value=Decimal(1_000_000),
        initial=100,
    )
    max_top_up_fen = YuanField(
        label=_("单次最高充值（元）"),
        min_value=Decimal("0.01"),
        max_value=Decimal(1_000_000),
        initial=500_00,
    )

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shops"].queryset = merchant.shops.order_by("pk")


class LevelForm(forms.Form):
    name = forms.CharField(label=_("等级名称"), max_length=30)
    points_per_yuan = forms.DecimalField(
        label=_("每元积分"), min_value=0, max_digits=6, decimal_places=2
    )
    percent_off = forms.IntegerField(
        label=_("会员折扣（减去的百分比）"),
        min_value=0,
        max_value=99,
        widget=DISCOUNT,
        help_text=_("0 = 原价，12 = 八八折"),
    )
    threshold = forms.DecimalField(
        label=_("升级门槛"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("按消费：元；按积分：分"),
    )


LevelFormSet = forms.formset_factory(LevelForm, extra=1, can_delete=True, max_num=10)


class BonusTierForm(forms.Form):
    """充 500 送 50: a top-up of at least this much gets this bonus; the best tier wins."""

    min_amount_fen = YuanField(
        label=_("充值满（元）"), min_value=Decimal("0.01"), max_value=Decimal(1_000_000)
    )
    bonus_fen = YuanField(
        label=_("赠送（元）"), min_value=Decimal("0.01"), max_value=Decimal(1_000_000)
    )


BonusTierFormSet = forms.formset_factory(BonusTierForm, extra=1, can_delete=True, max_num=10)


class DesignForm(DashboardForm):
    template = forms.ChoiceField(
        label=_("1. 选择模板"), choices=CardTemplate.choices, widget=forms.RadioSelect
    )
    image = forms.ImageField(label=_("2. 添加图片（可选）"), required=False)
    remove_image = forms.BooleanField(label=_("去掉图片"), required=False)
    title = forms.CharField(label=_("3. 卡面标题"), max_length=30, required=False)
    subtitle = forms.CharField(label=_("副标题"), max_length=40, required=False)
    text_color = forms.RegexField(
        label=_("文字颜色"),
        regex=r"^#[0-9A-Fa-f]{6}$",
        initial="#FFFFFF",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
