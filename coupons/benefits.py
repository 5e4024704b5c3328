"""The kinds of benefit a campaign can give: one BenefitSpec each, in BENEFITS.

A spec says which benefit columns its kind needs and may use, what it is worth on an order, how
it reads, and which edits of published terms favour the holders. The API serializer
(coupons.api.serializers.BenefitInputSerializer), the dashboard form mixin
(dashboard.forms.benefits.BenefitFormMixin), the template partial
(dashboard/_benefit_fields.html), the service's checks (coupons.services.campaigns) and the
database constraint (coupons.models) all read it, so a new kind is a spec here, a choice in
BenefitKind and a migration (the choice and the constraint).

Amounts are integer fen. Percentages round the discount half up to the fen. A free item or a
special price is worth the service's list price at the moment of use; when the cashier gives no
order amount, the order is that one service.

This module imports no model (coupons.models builds its constraint from it), only types them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .errors import BelowMinimumSpend, OrderAmountRequired

if TYPE_CHECKING:
    from rest_framework import serializers

    from .models import Campaign


class BenefitKind(models.TextChoices):
    AMOUNT_OFF = "amount_off", gettext_lazy("立减")
    PERCENT_OFF = "percent_off", gettext_lazy("折扣")
    FREE_ITEM = "free_item", gettext_lazy("赠送服务或商品")
    SPECIAL_PRICE = "special_price", gettext_lazy("服务特价")


# --- the holders'-favour comparisons -----------------------------------------------------------


def more(old, new) -> bool:
    return old is not None and new is not None and new >= old


def less(old, new) -> bool:
    return old is not None and new is not None and new <= old


def same(old, new) -> bool:
    return old == new


def more_or_none(old, new) -> bool:
    """A cap may rise or go: no cap is the most a holder can get."""
    return new is None or (old is not None and new >= old)


# --- the benefit columns of Campaign -----------------------------------------------------------

FEN, PERCENT, SERVICE = "fen", "percent", "service"


@dataclass(frozen=True)
class BenefitColumn:
    """One benefit column of Campaign, with its bounds stated once for the API field, the form
    field (by `unit`), the service's check and the database constraint."""

    name: str
    unit: str  # FEN (an amount), PERCENT (the share taken off, 1..99) or SERVICE (a Service)
    label: str  # the form's label (amounts typed in yuan)
    favours: Callable[[object, object], bool]  # may a published campaign go from old to new?
    why_not: str  # ... and what the owner reads when it may not
    min_value: int = 0
    max_value: int | None = None
    help_text: str = ""  # the API's (English) description
    form_help: str = ""

    def api_field(self) -> serializers.Field:
        """The bounded input field (core.serializers) the API parses this column with."""
        from rest_framework import serializers

        from core.serializers import MoneyFenField
        from merchants.models import Service

        options = {"required": False, "allow_null": True}
        if self.help_text:
            options["help_text"] = self.help_text
        if self.unit == SERVICE:  # the queryset is narrowed to the merchant's own services
            return serializers.PrimaryKeyRelatedField(queryset=Service.objects.none(), **options)
        if self.unit == PERCENT:
            return serializers.IntegerField(
                min_value=self.min_value, max_value=self.max_value, **options
            )
        return MoneyFenField(min_value=self.min_value, **options)

    def db_condition(self) -> dict:
        """The lookups a row must meet when its kind uses this column."""
        if self.unit == SERVICE:
            return {f"{self.name}__isnull": False}
        if self.min_value == 1 and self.max_value is None:
            return {f"{self.name}__gt": 0}
        bounds = {f"{self.name}__gte": self.min_value}
        if self.max_value is not None:
            bounds[f"{self.name}__lte"] = self.max_value
        return bounds

    def problem(self, value) -> str | None:
        """What is wrong with a value set (the services check, as the database does)."""
        if value is None or self.unit == SERVICE:
            return None
        if self.max_value is not None and not self.min_value <= value <= self.max_value:
            return _("折扣须在 1 到 99 之间（减去的百分比，20 = 8 折）。")
        if value < self.min_value:
            return _("金额须大于 0。") if self.min_value > 0 else _("金额不能为负。")
        return None


COLUMNS: dict[str, BenefitColumn] = {
    column.name: column
    for column in (
        BenefitColumn(
            "amount_off_fen",
            FEN,
            gettext_lazy("立减金额（元）"),
            more,
            gettext_lazy("优惠金额只能提高。"),
            min_value=1,
        ),
        BenefitColumn(
            "percent_off",
            PERCENT,
            gettext_lazy("折扣（减去的百分比）"),
            more,
            gettext_lazy("折扣只能加大。"),
            min_value=1,
            max_value=99,
            help_text="Percent taken off: 20 = 8折, 15 = 8.5折.",
            form_help=gettext_lazy("20 = 8 折，15 = 8.5 折"),
        ),
        BenefitColumn(
            "percent_cap_fen",
            FEN,
            gettext_lazy("最多优惠（元）"),
            more_or_none,
            gettext_lazy("优惠上限只能提高或取消。"),
            min_value=1,
            help_text="Most a percent off takes off.",
        ),
        BenefitColumn(
            "service",
            SERVICE,
            gettext_lazy("赠送或特价的服务"),
            same,
            gettext_lazy("已发布的活动不能更换服务。"),
            help_text="The free service or product (free_item), or the one at a special price.",
        ),
        BenefitColumn(
            "special_price_fen",
            FEN,
            gettext_lazy("特价（元）"),
            less,
            gettext_lazy("特价只能降低。"),
        ),
    )
}
BENEFIT_FIELDS = tuple(COLUMNS)  # every kind's columns; a kind leaves the others empty


# --- the kinds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    order_amount_fen: int
    discount_fen: int
    payable_fen: int


@dataclass(frozen=True)
class BenefitSpec:
    """One kind of benefit. `discount(campaign, order_amount_fen)` is its worth before the cap
    at the order amount; `text(campaign, words)` its wording, where `words["min"]` is the
    minimum spend in yuan ("" when there is none)."""

    kind: str
    label: str
    required: tuple[str, ...]
    discount: Callable[[Campaign, int], int]
    text: Callable[[Campaign, dict], str]
    optional: tuple[str, ...] = ()
    # Its worth depends on the order's amount, so the cashier must type one.
    needs_order_amount: bool = False
    # The designer offers a minimum spend with it (the terms accept one for every kind).
    offers_min_spend: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)

    def shown_fields(self) -> list[str]:
        """The form fields the designer shows for this kind."""
        return [*self.columns, *(["min_spend_fen"] if self.offers_min_spend else [])]

    def apply(self, campaign: Campaign, order_amount_fen: int | None) -> Applied:
        """The discount on an order; raises if the order amount is missing or below the
        minimum."""
        if order_amount_fen is None and (self.needs_order_amount or campaign.min_spend_fen > 0):
            raise OrderAmountRequired(
                fields={"order_amount_fen": [str(OrderAmountRequired.message)]}
            )
        if order_amount_fen is None:  # a free item or special price on its own
            order_amount_fen = campaign.service.price_fen
        if order_amount_fen < campaign.min_spend_fen:
            message = _("该券需消费满 %(min)s 元才能使用。") % {"min": yuan(campaign.min_spend_fen)}
            raise BelowMinimumSpend(message, fields={"order_amount_fen": [message]})
        discount = min(self.discount(campaign, order_amount_fen), order_amount_fen)
        return Applied(order_amount_fen, discount, order_amount_fen - discount)

    def words(self, campaign: Campaign) -> str:
        """ "满100元减20元" in Chinese, "¥20 off orders of ¥100 or more" in English."""
        minimum = yuan(campaign.min_spend_fen) if campaign.min_spend_fen else ""
        return self.text(campaign, {"min": minimum})

    def problems(self, fields: dict) -> dict[str, list[str]]:
        """The benefit columns of a campaign's terms that do not fit this kind."""
        found = {}
        for name, column in COLUMNS.items():
            value = fields.get(name)
            if name in self.required and value is None:
                found[name] = [_("该优惠类型需要填写此项。")]
            elif name not in self.columns and value is not None:
                found[name] = [_("该优惠类型不使用此项。")]
            elif problem := column.problem(value):
                found[name] = [problem]
        return found

    def better_for_holders(self, old: dict, new: dict) -> dict[str, list[str]]:
        """The columns a published campaign of this kind changed against its holders."""
        return {
            name: [str(COLUMNS[name].why_not)]
            for name in self.columns
            if old.get(name) != new.get(name)
            and not COLUMNS[name].favours(old.get(name), new.get(name))
        }

    def db_condition(self) -> Q:
        """What the database requires of a row of this kind (coupons.models' constraint):
        required columns within bounds, optional ones empty or within bounds, others empty."""
        lookups = {}
        for name, column in COLUMNS.items():
            if name in self.required:
                lookups |= column.db_condition()
            elif name not in self.optional:
                lookups[f"{name}__isnull"] = True
        condition = Q(**lookups)
        for name in self.optional:
            condition &= Q(**{f"{name}__isnull": True}) | Q(**COLUMNS[name].db_condition())
        return condition


def _percent_off(campaign: Campaign, order_amount_fen: int) -> int:
    discount = (order_amount_fen * campaign.percent_off + 50) // 100
    if campaign.percent_cap_fen is not None:
        discount = min(discount, campaign.percent_cap_fen)
    return discount


def _amount_off_text(campaign: Campaign, words: dict) -> str:
    words["off"] = yuan(campaign.amount_off_fen)
    return (_("满%(min)s元减%(off)s元") if words["min"] else _("立减%(off)s元")) % words


def _percent_off_text(campaign: Campaign, words: dict) -> str:
    words["rate"] = rate_words(campaign.percent_off)
    text = (_("满%(min)s元享%(rate)s") if words["min"] else _("享%(rate)s")) % words
    if campaign.percent_cap_fen is not None:
        text += _("，最多减%(cap)s元") % {"cap": yuan(campaign.percent_cap_fen)}
    return text


def _free_item_text(campaign: Campaign, words: dict) -> str:
    words["service"] = campaign.service.name
    return (
        _("满%(min)s元赠送「%(service)s」") if words["min"] else _("免费享「%(service)s」")
    ) % words


def _special_price_text(campaign: Campaign, words: dict) -> str:
    service = campaign.service
    words |= {
        "service": service.name,
        "price": yuan(campaign.special_price_fen),
        "original": yuan(service.price_fen),
    }
    if words["min"]:
        return _("满%(min)s元「%(service)s」特价%(price)s元（原价%(original)s元）") % words
    return _("「%(service)s」特价%(price)s元（原价%(original)s元）") % words


BENEFITS: dict[str, BenefitSpec] = {
    spec.kind: spec
    for spec in (
        BenefitSpec(
            BenefitKind.AMOUNT_OFF,
            BenefitKind.AMOUNT_OFF.label,
            required=("amount_off_fen",),
            discount=lambda campaign, amount: campaign.amount_off_fen,
            text=_amount_off_text,
            needs_order_amount=True,
        ),
        BenefitSpec(
            BenefitKind.PERCENT_OFF,
            BenefitKind.PERCENT_OFF.label,
            required=("percent_off",),
            optional=("percent_cap_fen",),
            discount=_percent_off,
            text=_percent_off_text,
            needs_order_amount=True,
        ),
        BenefitSpec(
            BenefitKind.FREE_ITEM,
            BenefitKind.FREE_ITEM.label,
            required=("service",),
            discount=lambda campaign, amount: campaign.service.price_fen,
            text=_free_item_text,
        ),
        BenefitSpec(
            BenefitKind.SPECIAL_PRICE,
            BenefitKind.SPECIAL_PRICE.label,
            required=("service", "special_price_fen"),
            discount=lambda campaign, amount: max(
                0, campaign.service.price_fen - campaign.special_price_fen
            ),
            text=_special_price_text,
            offers_min_spend=False,
        ),
    )
}


def benefit_spec(kind: str) -> BenefitSpec:
    try:
        return BENEFITS[kind]
    except KeyError:
        raise ValueError(f"no benefit kind {kind!r}") from None


def benefit_choices() -> list[tuple[str, str]]:
    """The kinds for the API's and the form's choice fields, read when they are built."""
    return [(spec.kind, spec.label) for spec in BENEFITS.values()]


def benefits_constraint() -> Q:
    """A row's benefit columns fit its kind (the check constraint of coupons.models)."""
    return Q(
        *[Q(benefit_kind=kind) & spec.db_condition() for kind, spec in BENEFITS.items()],
        _connector=Q.OR,
    )


def benefit_apply(campaign: Campaign, order_amount_fen: int | None) -> Applied:
    """The discount on an order (the counter's entry point; see BenefitSpec.apply)."""
    return benefit_spec(campaign.benefit_kind).apply(campaign, order_amount_fen)


def benefit_text(campaign: Campaign) -> str:
    """ "满100减20", "8.5折，最多减50元", "赠送 洗剪吹", "洗剪吹 特价58元（原价88元）"; in
    the active language (English: "¥20 off orders of ¥100 or more", "15% off, up to ¥50")."""
    return benefit_spec(campaign.benefit_kind).words(campaign)


def yuan(fen: int) -> str:
    """1990 -> "19.9", 2000 -> "20": how prices are written on a Chinese coupon."""
    whole, cents = divmod(fen, 100)
    return f"{whole}" if cents == 0 else f"{whole}.{cents:02d}".rstrip("0")


def discount_rate(percent_off: int) -> str:
    """20 -> "8折", 15 -> "8.5折", 12 -> "8.8折"."""
    tenths = 100 - percent_off
    return f"{tenths // 10}折" if tenths % 10 == 0 else f"{tenths / 10:g}折"


def rate_words(percent_off: int) -> str:
    """8.5折 in Chinese; "15% off" in other languages (折 does not translate word for word)."""
    language = get_language() or "zh-hans"
    return discount_rate(percent_off) if language.startswith("zh") else f"{percent_off}% off"


def when_text(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def validity_text(campaign: Campaign) -> str:
    if campaign.valid_days_after_issue:
        return _("领取后 %(days)s 天内有效") % {"days": campaign.valid_days_after_issue}
    return _("%(start)s 至 %(end)s") % {
        "start": when_text(campaign.valid_from),
        "end": when_text(campaign.valid_until),
    }
