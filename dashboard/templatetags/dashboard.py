from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

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
