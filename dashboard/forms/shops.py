from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from merchants.models import Category, PhotoKind

from .base import DashboardForm

PRICE_LEVELS = [(1, "¥"), (2, "¥¥"), (3, "¥¥¥"), (4, "¥¥¥¥")]


def category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Subcategories grouped under their parent (a shop in 火锅 is found under 餐饮美食 too)."""
    name = "name_en" if get_language() == "en" else "name_zh"
    groups: dict[Category, list[tuple[int, str]]] = {}
    for category in Category.objects.select_related("parent").filter(parent__isnull=False):
        groups.setdefault(category.parent, []).append((category.pk, getattr(category, name)))
    return [(getattr(parent, name), children) for parent, children in groups.items()]


class ShopForm(DashboardForm):
    name = forms.CharField(label=_("店名"), max_length=100)
    description = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    categories = forms.TypedMultipleChoiceField(
        label=_("分类"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    address = forms.CharField(label=_("地址"), max_length=200)
    lat = forms.FloatField(
        label=_("纬度"),
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lng = forms.FloatField(
        label=_("经度"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    phone = PhoneNumberField(
        label=_("电话"), required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    price_level = forms.TypedChoiceField(
        label=_("价位"), coerce=int, choices=PRICE_LEVELS, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()

    def clean_categories(self) -> list[Category]:
        return list(Category.objects.filter(pk__in=self.cleaned_data["categories"]))

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return str(phone) if phone else ""

    @staticmethod
    def initial_for(shop) -> dict:
        return {
            "name": shop.name,
            "description": shop.description,
            "categories": [link.category_id for link in shop.category_links.all()],
            "address": shop.address,
            "lat": round(shop.location.y, 6),
            "lng": round(shop.location.x, 6),
            "phone": shop.phone,
            "price_level": shop.price_level,
        }


class PhotoForm(DashboardForm):
    kind = forms.ChoiceField(label=_("类型"), choices=PhotoKind.choices)
    # A plain file field: merchants.images checks format, size and sides with its own messages.
    image = forms.FileField(
        label=_("照片"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
