from decimal import Decimal

from django import template

from core.codes import short_code_format
from dashboard.nav import crm_links, merchant_links, shop_links
from merchants.models import StaffPermission

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """8800 -> "88.00": prices are stored in fen and shown in yuan."""
    if fen is None:
        return ""
    return f"{Decimal(fen) / 100:,.2f}"


@register.filter
def short_code(code: str) -> str:
    """K7QM3XHDPA -> K7QM-3XHD-PA, as printed and read aloud."""
    return short_code_format(code or "")


@register.filter
def permission_label(value: str) -> str:
    return StaffPermission(value).label if value in StaffPermission.values else value


@register.simple_tag(takes_context=True)
def shop_nav(context, shop) -> list[dict]:
    """The pages of `shop` this user may open (dashboard.nav.SHOP_LINKS)."""
    return shop_links(context["request"].user, shop)


@register.simple_tag(takes_context=True)
def merchant_nav(context) -> list[dict]:
    return merchant_links(context["request"].user)


@register.simple_tag(takes_context=True)
def crm_nav(context) -> list[dict]:
    return crm_links(context["request"].user)


def _hhmm(value) -> str:
    if value is None or value == "":
        return ""
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]


@register.simple_tag
def next_day(opens, closes) -> bool:
    """A span that closes at or before it opens ends the next day (18:00–02:00); 00:00–00:00
    is all day, not next day."""
    start, end = _hhmm(opens.value()), _hhmm(closes.value())
    return bool(start and end) and end <= start and not (start == end == "00:00")
