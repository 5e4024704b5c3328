"""Coupon campaigns: the designer with a live preview, the list with each campaign's funnel,
a campaign's charts, its status actions, sending to phones and paper batches. Every rule is
the coupons app's (services, benefits, tracking); these views parse and render."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from coupons import services
from coupons.benefits import benefit_text, validity_text
from coupons.models import Campaign, CampaignStatus, CouponChannel
from coupons.selectors import campaign_shop_ids, terms_shop_ids
from coupons.tracking import campaign_stats
from merchants.models import StaffPermission
from merchants.selectors import shops_write_check

from ..access import merchant_page
from ..counter import counter_once, new_key
from ..forms.coupons import CampaignForm, IssueForm, PaperBatchForm

MANAGE = StaffPermission.MANAGE_COUPONS
INVALID = 422
CHART_DAYS = 30
ACTIONS = {  # action -> (button label, the statuses it starts from)
    "publish": (gettext_lazy("发布"), {CampaignStatus.DRAFT, CampaignStatus.PAUSED}),
    "pause": (gettext_lazy("暂停"), {CampaignStatus.PUBLISHED}),
    "end": (gettext_lazy("结束"), {CampaignStatus.PUBLISHED, CampaignStatus.PAUSED}),
}


def campaigns_of(merchant):
    return Campaign.objects.filter(merchant=merchant).order_by("-pk")


def campaign_of(request, campaign_id: int) -> Campaign:
    """The merchant's campaign; another merchant's is 404. A POST (any write) needs every shop
    the campaign reaches assigned to staff (merchants.selectors.shops_write_check)."""
    campaign = get_object_or_404(campaigns_of(request.merchant), pk=campaign_id)
    if request.method == "POST":
        shops_write_check(user=request.user, shop_ids=campaign_shop_ids(campaign))
    return campaign


@merchant_page(permission=MANAGE)
def campaign_list(request):
    campaigns = campaigns_of(request.merchant).annotate(
        claimed=Count("coupons", filter=Q(coupons__channel=CouponChannel.CLAIM), distinct=True),
        redeemed=Count(
            "redemptions", filter=Q(redemptions__reversed_at__isnull=True), distinct=True
        ),
    )
    rows = [{"campaign": c, "benefit": benefit_text(c), "funnel": funnel_of(c)} for c in campaigns]
    return render(request, "dashboard/coupons/list.html", {"rows": rows})


def funnel_of(campaign) -> list[dict]:
    """issued -> claimed -> redeemed, each as a share of the issued for the bars."""
    issued = campaign.issued_count
    stages = [
        (_("已发放"), issued),
        (_("顾客领取"), campaign.claimed),
        (_("已核销"), campaign.redeemed),
    ]
    return [
        {"label": label, "count": count, "percent": round(100 * count / issued) if issued else 0}
        for label, count in stages
    ]


def preview_of(form: CampaignForm) -> dict:
    """The coupon as a customer will read it, from what is typed so far (the coupons app's
    own wording); incomplete terms say what is missing."""
    data = getattr(form, "cleaned_data", {})
    names = {f.name for f in Campaign._meta.concrete_fields} | {"service"}
    campaign = Campaign(**{k: v for k, v in data.items() if k in names and v is not None})
    try:
        benefit = benefit_text(campaign)
    except (TypeError, AttributeError, ValueError, Campaign.service.RelatedObjectDoesNotExist):
        benefit = _("请填写优惠内容")
    try:
        validity = validity_text(campaign)
    except (TypeError, AttributeError, ValueError):
        validity = _("请填写有效期")
    return {"title": data.get("title") or _("（标题）"), "benefit": benefit, "validity": validity}


@merchant_page(permission=MANAGE)
@require_POST
def campaign_preview(request):
    """The designer's live preview, rendered by the server as the merchant types (htmx)."""
    form = CampaignForm(request.POST, merchant=request.merchant)
    form.is_valid()
    return render(request, "dashboard/coupons/_preview.html", {"preview": preview_of(form)})


def designer(request, campaign: Campaign | None):
    initial = CampaignForm.initial_for(campaign) if campaign else {}
    form = CampaignForm(request.POST or None, initial=initial, merchant=request.merchant)
    if request.method == "POST" and form.is_valid():
        fields = form.campaign_fields()
        reach = terms_shop_ids(shops=fields.get("shops", ()), service=fields.get("service"))
        shops_write_check(user=request.user, shop_ids=reach)
        try:
            if campaign is None:
                campaign = services.campaign_create(
                    merchant=request.merchant, **form.campaign_fields()
                )
            else:
                services.campaign_update(campaign=campaign, **form.campaign_fields())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("活动已保存。"))
            return redirect("dashboard:campaign", campaign.pk)
    if request.method == "POST":
        form.is_valid()
    context = {"form": form, "campaign": campaign, "preview": preview_of(form)}
    status = INVALID if form.errors else 200
    return render(request, "dashboard/coupons/form.html", context, status=status)


@merchant_page(permission=MANAGE)
def campaign_new(request):
    return designer(request, None)


@merchant_page(permission=MANAGE)
def campaign_edit(request, campaign_id):
    return designer(request, campaign_of(request, campaign_id))


def chart_data(campaign: Campaign) -> dict:
    last = timezone.localdate()
    first = max(timezone.localdate(campaign.created_at), last - timedelta(days=CHART_DAYS - 1))
    stats = campaign_stats(campaign, first=first, last=last)
    return {
        "stats": stats,
        "chart": {
            "funnel": {
                "labels": [_("已发放"), _("顾客领取"), _("已核销")],
                "counts": [stats["issued"], stats["claimed"], stats["redeemed"]],
            },
            "daily": {
                "labels": [d["day"].strftime("%m-%d") for d in stats["daily"]],
                "issued": [d["issued"] for d in stats["daily"]],
                "redeemed": [d["redeemed"] for d in stats["daily"]],
                "names": {"issued": _("发放"), "redeemed": _("核销")},
            },
        },
    }


def detail(request, campaign, issue_form=None, paper_form=None, status=200):
    actions = [
        {"name": name, "label": label}
        for name, (label, sources) in ACTIONS.items()
        if campaign.status in sources
    ]
    context = {
        "campaign": campaign,
        "benefit": benefit_text(campaign),
        "validity": validity_text(campaign),
        "actions": actions,
        "issue_form": issue_form or IssueForm(initial={"idempotency_key": new_key()}),
        "paper_form": paper_form or PaperBatchForm(initial={"idempotency_key": new_key()}),
        "batches": campaign.paper_batches.all()[:20],
        **chart_data(campaign),
    }
    return render(request, "dashboard/coupons/detail.html", context, status=status)


@merchant_page(permission=MANAGE)
def campaign_detail(request, campaign_id):
    return detail(request, campaign_of(request, campaign_id))


@merchant_page(permission=MANAGE)
@require_POST
def campaign_transition(request, campaign_id, action):
    campaign = campaign_of(request, campaign_id)
    if action not in ACTIONS:
        return redirect("dashboard:campaign", campaign.pk)
    try:
        services.campaign_transition(campaign=campaign, action=action)
    except DomainError as error:
        reasons = [message for field in error.fields.values() for message in field]
        messages.error(request, " ".join([str(error.detail), *reasons]))
    else:
        messages.success(request, _("活动状态已更新。"))
    return redirect("dashboard:campaign", campaign.pk)


@merchant_page(permission=MANAGE)
@require_POST
def campaign_delete(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    try:
        services.campaign_delete(campaign=campaign)
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("dashboard:campaign", campaign_id)
    messages.success(request, _("草稿已删除。"))
    return redirect("dashboard:campaigns")


@merchant_page(permission=MANAGE)
@require_POST
def campaign_issue(request, campaign_id):
    """Send one coupon to each phone, once per form (its idempotency key)."""
    campaign = campaign_of(request, campaign_id)
    form = IssueForm(request.POST)
    if form.is_valid():
        fields = form.cleaned_data

        def perform():
            result = services.coupons_issue(campaign=campaign, phones=fields["phones"])
            return 201, {"issued": len(result.issued), "skipped": len(result.skipped)}

        try:
            body, _replayed = counter_once(
                request, scope="coupons.issue", key=fields["idempotency_key"], perform=perform
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("已发出 %(issued)s 张；%(skipped)s 位顾客已达每人限领，未发。") % body,
            )
            return redirect("dashboard:campaign", campaign.pk)
    return detail(request, campaign, issue_form=form, status=INVALID)


@merchant_page(permission=MANAGE)
@require_POST
def campaign_paper(request, campaign_id):
    """A paper batch; its PDF is the coupons API's sheet (`pdf_url`)."""
    campaign = campaign_of(request, campaign_id)
    form = PaperBatchForm(request.POST)
    if form.is_valid():
        fields = form.cleaned_data

        def perform():
            batch = services.paper_batch_create(
                campaign=campaign, count=fields["count"], created_by=request.user
            )
            return 201, {"batch": batch.pk}

        try:
            counter_once(
                request, scope="coupons.paper", key=fields["idempotency_key"], perform=perform
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("纸质券已生成，可下载 PDF 打印。"))
            return redirect(reverse("dashboard:campaign", args=[campaign.pk]) + "#paper")
    return detail(request, campaign, paper_form=form, status=INVALID)
