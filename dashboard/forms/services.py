from django import forms
from django.utils.translation import gettext_lazy as _

from .base import DashboardForm, YuanField


class ServiceForm(DashboardForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    price_fen = YuanField(label=_("价格（元）"))
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    duration_minutes = forms.IntegerField(
        label=_("时长（分钟）"),
        required=False,
        min_value=1,
        max_value=24 * 60 * 30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    bookable = forms.BooleanField(label=_("可预约"), required=False)
    is_active = forms.BooleanField(label=_("上架"), required=False, initial=True)

    @staticmethod
    def initial_for(service) -> dict:
        return {
            field: getattr(service, field)
            for field in ("name", "price_fen", "description", "duration_minutes", "bookable")
        } | {"is_active": service.is_active}
