from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.codes import short_code_format
from crm.scoring import grade_reason_text
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
def distance(metres: int | None) -> str:
    """A distance in the reader's language: "800 米" / "800 m", "1.2 公里" / "1.2 km"."""
    if metres in (None, ""):
        return ""
    metres = int(metres)
    if metres < 1000:
        return gettext("%(metres)s 米") % {"metres": metres}
    return gettext("%(km)s 公里") % {"km": formats.number_format(metres / 1000, 1)}


@register.filter
def short_code(code: str) -> str:
    """K7QM3XHDPA -> K7QM-3XHD-PA, as printed and read aloud."""
    return short_code_format(code or "")


@register.filter
def grade_reason(reason: str) -> str:
    """One stored reason of a customer's grade in the reader's language."""
    return grade_reason_text(reason)


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


@register.simple_tag(takes_context=True)
def counter_link(context) -> str:
    """The top navigation's counter entry, for anyone who may redeem (empty: no link)."""
    from django.urls import reverse

    from dashboard.access import may

    user = context["request"].user
    if not user.is_authenticated or not may(user, StaffPermission.REDEEM):
        return ""
    return reverse("dashboard:counter-entry")


@register.filter
def signed_yuan(fen: int | None) -> str:
    """+1200 -> "+12.00", -50 -> "-0.50": a change in yuan."""
    if fen is None:
        return ""
    sign = "+" if fen > 0 else "-" if fen < 0 else "±"
    return f"{sign}{Decimal(abs(fen)) / 100:,.2f}"


@register.filter
def signed(number: int | None) -> str:
    if number is None:
        return ""
    return f"+{number}" if number > 0 else f"-{abs(number)}" if number < 0 else "±0"


FIELD_LABELS = {
    "name": _("名称"),
    "description": _("介绍"),
    "title": _("标题"),
    "text": _("评价内容"),
    "reply_text": _("回复"),
}


@register.inclusion_tag("dashboard/_under_review.html")
def under_review(obj, subject: str):
    """A notice naming the texts of `obj` that wait for the platform's review."""
    from moderation.services import pending_of

    fields = sorted(pending_of(subject=subject, object_id=obj.pk)) if obj else []
    return {"fields": [str(FIELD_LABELS.get(name, name)) for name in fields]}


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
