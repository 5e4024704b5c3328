"""The benefit fields of the coupon designer and the flash-deal composer, from the kinds' specs
(coupons.benefits): one form field per benefit column, by its unit, and the map of which fields
each kind shows (dashboard/_benefit_fields.html hands it to dashboard/choices.js)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from coupons.benefits import BENEFIT_FIELDS, BENEFITS, COLUMNS, FEN, PERCENT, benefit_choices
from merchants.models import Service

from .base import DISCOUNT, YuanField

MAX_YUAN = Decimal(100_000_000)


class ServiceChoiceField(forms.ModelChoiceField):
    """A service named with its shop: two shops often offer a service of the same name."""

    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.shop.name} · {obj.name}"


def _form_field(column) -> forms.Field:
    if column.unit == FEN:
        return YuanField(label=column.label, required=False, max_value=MAX_YUAN)
    if column.unit == PERCENT:
        return forms.IntegerField(
            label=column.label,
            required=False,
            min_value=column.min_value,
            max_value=column.max_value,
            help_text=column.form_help,
            widget=DISCOUNT,
        )
    return ServiceChoiceField(label=column.label, queryset=Service.objects.none(), required=False)


BENEFIT_FORM_FIELDS = ("benefit_kind", *BENEFIT_FIELDS, "min_spend_fen")
_BenefitFields = type(
    "BenefitFields",
    (forms.Form,),
    {
        "benefit_kind": forms.ChoiceField(
            label=_("优惠类型"), choices=benefit_choices(), widget=forms.RadioSelect
        ),
        **{name: _form_field(column) for name, column in COLUMNS.items()},
        "min_spend_fen": YuanField(
            label=_("最低消费（元）"),
            required=False,
            max_value=MAX_YUAN,
            help_text=_("0 = 无门槛"),
        ),
    },
)


class BenefitFormMixin(_BenefitFields):
    """The benefit terms, named as campaign_create's keywords. Its fields come first; a form
    puts its own before them with `field_order`. `merchant` narrows the services to its own."""

    benefit_field_names = BENEFIT_FORM_FIELDS

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit_kind"].choices = benefit_choices()  # the registry as it is now
        services = (
            Service.objects.filter(shop__merchant=merchant)
            .select_related("shop")
            .order_by("shop_id", "name")
        )
        for name in COLUMNS:
            if isinstance(self.fields[name], forms.ModelChoiceField):
                self.fields[name].queryset = services

    def clean(self):
        data = super().clean()
        data["min_spend_fen"] = data.get("min_spend_fen") or 0
        return data

    @property
    def benefit_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in BENEFIT_FORM_FIELDS]

    @staticmethod
    def benefit_shown() -> dict[str, list[str]]:
        """kind -> the fields the form shows for it (the others are hidden, still sent)."""
        return {kind: spec.shown_fields() for kind, spec in BENEFITS.items()}

    @staticmethod
    def benefit_initial(campaign) -> dict:
        return {name: getattr(campaign, name) for name in BENEFIT_FORM_FIELDS}
