"""Flash deals: the composer (target drawn on a map, with the audience counted before
sending), the list, a deal's page with its delivery stats, and publishing. Every rule is the
deals app's (services, selectors); these views parse and render."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from coupons.benefits import benefit_text
from deals import services
from deals.models import DealStatus, DealTarget, FlashDeal
from deals.selectors import (
    deal_shop_ids,
    flash_deal_stats,
    levels_audience_count,
    radius_audience_count,
    segments_audience_count,
)
from merchants.errors import StaffPermissionMissing
from merchants.models import StaffPermission
from merchants.selectors import merchant_permission_check, shops_write_check

from ..access import merchant_page
from ..forms.deals import AudienceForm, FlashDealForm

MANAGE = StaffPermission.MANAGE_COUPONS
INVALID = 422
NO_ONE = gettext_lazy(
    "这条闪购现在不会推送给任何顾客（0 人）。请扩大推送范围，或勾选“仍然发布”后再发布。"
)


def deal_reach(deal: FlashDeal) -> int:
    """How many consumers the deal's target reaches now (the fan-out's own audience)."""
    audience = services.audience_of(deal)
    return len(audience.user_ids) + len(audience.sms_phones_without_account)


def deals_of(merchant):
    return FlashDeal.objects.filter(merchant=merchant).select_related("campaign", "shop")


def deal_of(request, deal_id: int) -> FlashDeal:
    """The merchant's deal; another merchant's is 404. A POST (any write) needs every shop the
    deal reaches assigned to staff (merchants.selectors.shops_write_check)."""
    deal = get_object_or_404(deals_of(request.merchant), pk=deal_id)
    if request.method == "POST":
        shops_write_check(user=request.user, shop_ids=deal_shop_ids(deal))
    return deal


@merchant_page(permission=MANAGE)
def deal_list(request):
    rows = [
        {"deal": deal, "benefit": benefit_text(deal.campaign)}
        for deal in deals_of(request.merchant).order_by("-pk")[:100]
    ]
    return render(request, "dashboard/deals/list.html", {"rows": rows})


def audience_of(form: AudienceForm, merchant) -> dict:
    """The count of consumers the target reaches now, or what is missing to count them."""
    if not form.is_valid():
        return {"count": None}
    data = form.cleaned_data
    target = data["target"]
    if target == DealTarget.RADIUS:
        if not data.get("radius_m"):
            return {"count": None}
        count = radius_audience_count(shop=data["shop"], radius_m=data["radius_m"])
    elif target == DealTarget.LEVELS:
        count = levels_audience_count(levels=data["levels"])
    elif target == DealTarget.SEGMENTS:
        count = segments_audience_count(merchant=merchant, segments=data["segments"])
    else:
        count = len(set(data["customer_phones"]))
    return {"count": count, "target": target}


@merchant_page(permission=MANAGE)
@require_POST
def deal_audience(request):
    """The composer's audience count, refreshed as the radius or target changes (htmx)."""
    form = AudienceForm(request.POST, merchant=request.merchant)
    audience = audience_of(form, request.merchant)
    return render(request, "dashboard/deals/_audience.html", {"audience": audience})


@merchant_page(permission=MANAGE)
def deal_new(request):
    return composer(request, None)


@merchant_page(permission=MANAGE)
def deal_edit(request, deal_id):
    deal = deal_of(request, deal_id)
    if deal.status != DealStatus.DRAFT:
        messages.error(request, _("闪购已发布，不能再修改。"))
        return redirect("dashboard:deal", deal.pk)
    return composer(request, deal)


def composer(request, deal: FlashDeal | None):
    """A new deal, or a draft edited as a whole; saved as a draft or published at once."""
    initial = FlashDealForm.initial_for(deal) if deal else {}
    data = request.POST if request.method == "POST" else None
    form = FlashDealForm(data, initial=initial, merchant=request.merchant)
    no_one = False
    if request.method == "POST" and form.is_valid() and "publish" in request.POST:
        reach = audience_of(AudienceForm(request.POST, merchant=request.merchant), request.merchant)
        if reach["count"] == 0 and not request.POST.get("confirm_no_one"):
            form.add_error(None, NO_ONE)
            no_one = True
    if request.method == "POST" and form.is_valid():
        shops_write_check(user=request.user, shop_ids=[form.deal_fields()["shop"].pk])
        try:
            if deal is None:
                deal = services.flash_deal_create(merchant=request.merchant, **form.deal_fields())
            else:
                deal = services.flash_deal_update(deal=deal, **form.deal_fields())
            if "publish" in request.POST:
                services.flash_deal_publish(deal=deal)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            published = "publish" in request.POST
            messages.success(
                request, _("闪购已发布，开始时推送。") if published else _("草稿已保存。")
            )
            return redirect("dashboard:deal", deal.pk)
    # The audience of what the form shows: as posted, the draft's, or a first radius guess.
    if form.is_bound:
        shown = form.data
    elif deal is not None:
        shown = {**initial, "shop": deal.shop_id, "levels": [lv.pk for lv in initial["levels"]]}
    else:
        first = form.fields["shop"].queryset.first()
        form.initial["shop"] = first
        shown = {"shop": first and first.pk, "target": DealTarget.RADIUS, "radius_m": 2000}
    audience = audience_of(AudienceForm(shown, merchant=request.merchant), request.merchant)
    context = {
        "form": form,
        "deal": deal,
        "audience": audience,
        "no_one": no_one,
        "tiles_url": settings.DASHBOARD_MAP_TILES_URL,
        "tiles_attribution": settings.DASHBOARD_MAP_ATTRIBUTION,
    }
    return render(
        request, "dashboard/deals/form.html", context, status=INVALID if form.errors else 200
    )


def stats_chart(stats: dict) -> dict:
    return {
        "labels": [_("推送人数"), _("站内信送达"), _("已读"), _("领券"), _("核销")],
        "counts": [
            stats["recipients"],
            stats["inbox_delivered"],
            stats["inbox_read"],
            stats["coupons_claimed"],
            stats["coupons_redeemed"],
        ],
    }


@merchant_page
def deal_detail(request, deal_id):
    """The deal and its delivery stats: manage_coupons, or view_analytics for the stats."""
    try:
        merchant_permission_check(user=request.user, permission=MANAGE)
        can_manage = True
    except StaffPermissionMissing:
        merchant_permission_check(user=request.user, permission=StaffPermission.VIEW_ANALYTICS)
        can_manage = False
    deal = deal_of(request, deal_id)
    stats = flash_deal_stats(deal)
    context = {
        "deal": deal,
        "benefit": benefit_text(deal.campaign),
        "stats": stats,
        "chart": stats_chart(stats),
        "can_manage": can_manage,
        "reach": deal_reach(deal) if deal.status == DealStatus.DRAFT else None,
    }
    return render(request, "dashboard/deals/detail.html", context)


@merchant_page(permission=MANAGE)
@require_POST
def deal_publish(request, deal_id):
    """Publish after the browser's confirmation; a deal reaching no one needs "仍然发布"."""
    deal = deal_of(request, deal_id)
    unconfirmed = not request.POST.get("confirm_no_one")
    if deal.status == DealStatus.DRAFT and unconfirmed and deal_reach(deal) == 0:
        messages.error(request, str(NO_ONE))
        return redirect("dashboard:deal", deal.pk)
    try:
        services.flash_deal_publish(deal=deal)
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("闪购已发布，开始时推送。"))
    return redirect("dashboard:deal", deal.pk)


DEAL_ACTIONS = {
    "pause": (services.flash_deal_pause, gettext_lazy("闪购已暂停：顾客暂时不能领券。")),
    "resume": (services.flash_deal_resume, gettext_lazy("闪购已恢复。")),
    "end": (services.flash_deal_end, gettext_lazy("闪购已结束。")),
}


@merchant_page(permission=MANAGE)
@require_POST
def deal_transition(request, deal_id, action):
    """Pause, resume or end a published deal (its campaign: deals.services)."""
    deal = deal_of(request, deal_id)
    if action not in DEAL_ACTIONS:
        return redirect("dashboard:deal", deal.pk)
    perform, done = DEAL_ACTIONS[action]
    try:
        perform(deal=deal)
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, str(done))
    return redirect("dashboard:deal", deal.pk)
