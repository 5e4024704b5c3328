"""What a campaign's benefit is worth on an order, and how it reads in Chinese.

Amounts are integer fen. Percentages round the discount half up to the fen. A free item or a
special price is worth the service's list price at the moment of use; when the cashier gives no
order amount, the order is that one service.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .errors import BelowMinimumSpend, OrderAmountRequired
from .models import BenefitKind, Campaign


@dataclass(frozen=True)
class Applied:
    order_amount_fen: int
    discount_fen: int
    payable_fen: int


def benefit_apply(campaign: Campaign, order_amount_fen: int | None) -> Applied:
    """The discount on an order; raises if the order amount is missing or below the minimum."""
    kind = campaign.benefit_kind
    needs_amount = kind in (BenefitKind.AMOUNT_OFF, BenefitKind.PERCENT_OFF)
    if order_amount_fen is None and (needs_amount or campaign.min_spend_fen > 0):
        raise OrderAmountRequired(fields={"order_amount_fen": [str(OrderAmountRequired.message)]})
    if order_amount_fen is None:  # a free item or special price on its own
        order_amount_fen = campaign.service.price_fen
    if order_amount_fen < campaign.min_spend_fen:
        raise BelowMinimumSpend(
            _min_spend_message(campaign),
            fields={"order_amount_fen": [_min_spend_message(campaign)]},
        )
    if kind == BenefitKind.AMOUNT_OFF:
        discount = campaign.amount_off_fen
    elif kind == BenefitKind.PERCENT_OFF:
        discount = (order_amount_fen * campaign.percent_off + 50) // 100
        if campaign.percent_cap_fen is not None:
            discount = min(discount, campaign.percent_cap_fen)
    elif kind == BenefitKind.FREE_ITEM:
        discount = campaign.service.price_fen
    else:
        discount = max(0, campaign.service.price_fen - campaign.special_price_fen)
    discount = min(discount, order_amount_fen)
    return Applied(order_amount_fen, discount, order_amount_fen - discount)


def _min_spend_message(campaign: Campaign) -> str:
    return f"该券需消费满 {yuan(campaign.min_spend_fen)} 元才能使用。"


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


def benefit_text(campaign: Campaign) -> str:
    """ "满100减20", "8.5折，最多减50元", "赠送 洗剪吹", "洗剪吹 特价58元（原价88元）"; in
    the active language (English: "¥20 off orders of ¥100 or more", "15% off, up to ¥50")."""
    kind = campaign.benefit_kind
    words = {"min": yuan(campaign.min_spend_fen)}
    threshold = bool(campaign.min_spend_fen)
    if kind == BenefitKind.AMOUNT_OFF:
        words["off"] = yuan(campaign.amount_off_fen)
        if threshold:
            return _("满%(min)s元减%(off)s元") % words
        return _("立减%(off)s元") % words
    if kind == BenefitKind.PERCENT_OFF:
        words["rate"] = rate_words(campaign.percent_off)
        text = (_("满%(min)s元享%(rate)s") if threshold else _("享%(rate)s")) % words
        if campaign.percent_cap_fen is not None:
            text += _("，最多减%(cap)s元") % {"cap": yuan(campaign.percent_cap_fen)}
        return text
    service = campaign.service
    words["service"] = service.name
    if kind == BenefitKind.FREE_ITEM:
        return (
            _("满%(min)s元赠送「%(service)s」") if threshold else _("免费享「%(service)s」")
        ) % words
    words |= {"price": yuan(campaign.special_price_fen), "original": yuan(service.price_fen)}
    if threshold:
        return _("满%(min)s元「%(service)s」特价%(price)s元（原价%(original)s元）") % words
    return _("「%(service)s」特价%(price)s元（原价%(original)s元）") % words


def when_text(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def validity_text(campaign: Campaign) -> str:
    if campaign.valid_days_after_issue:
        return _("领取后 %(days)s 天内有效") % {"days": campaign.valid_days_after_issue}
    return _("%(start)s 至 %(end)s") % {
        "start": when_text(campaign.valid_from),
        "end": when_text(campaign.valid_until),
    }
