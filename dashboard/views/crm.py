"""Customers (the CRM): the directory with search and filters, a customer's timeline, today's
list with one-tap call and SMS and the outcome form, the tier roster, plans awaiting the
owner's approval, analytics charts. Every rule is the crm app's (services, selectors,
today, analytics); these views parse and render."""

from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound
from coupons.models import Campaign, CampaignStatus
from crm import analytics, selectors, services
from crm.models import MaintenancePlan, PlanStatus, Tier
from crm.timeline import timeline_text
from crm.today import TodaySource, today_entries, today_list
from merchants.errors import StaffPermissionMissing
from merchants.models import StaffPermission
from merchants.selectors import merchant_permission_check, shops_of
from notifications.marketing import marketing_consents_of

from ..access import is_htmx, merchant_page, shops_in_view
from ..counter import new_key
from ..forms.crm import CallbackForm, ContactForm, CustomerFilterForm, ReturnForm

VIEW = StaffPermission.VIEW_CUSTOMERS
ANALYTICS = StaffPermission.VIEW_ANALYTICS
INVALID = 422
PAGE_SIZE = 30


@merchant_page(permission=VIEW)
def customer_list(request):
    form = CustomerFilterForm(request.GET or None)
    found = selectors.customer_search(
        request.merchant, **(form.search_fields() if form.is_valid() else {})
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    levels = selectors.customer_level_names(list(page))
    rows = [{"customer": c, "level": levels.get(c.pk, "")} for c in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "rows": rows, "page": page, "query": query.urlencode()}
    return render(request, "dashboard/crm/list.html", context)


def customer_page(request, customer, contact_form=None, status=200, callback_form=None):
    context = {
        "callback_form": callback_form
        or CallbackForm(initial={"due": timezone.localdate() + timedelta(days=1)}),
        "customer": customer,
        "level": selectors.customer_level_names([customer]).get(customer.pk, ""),
        "timeline": [(event, timeline_text(event)) for event in selectors.timeline(customer)[:100]],
        "contact_form": contact_form or ContactForm(),
        "consent": marketing_consents_of(
            merchant_id=customer.merchant_id, phones=[customer.phone]
        ).get(str(customer.phone)),
        "campaigns": campaigns_to_send(request, customer),
        "issue_key": new_key(),
    }
    return render(request, "dashboard/crm/detail.html", context, status=status)


def campaigns_to_send(request, customer) -> list:
    """The published campaigns a coupon of which can be sent to this customer's phone (the
    coupon pages' issue form), for staff who may manage coupons."""
    if not customer.phone:
        return []
    try:
        merchant_permission_check(user=request.user, permission=StaffPermission.MANAGE_COUPONS)
    except StaffPermissionMissing:
        return []
    published = Campaign.objects.filter(
        merchant_id=customer.merchant_id, status=CampaignStatus.PUBLISHED, flash_deal__isnull=True
    )
    return list(published.order_by("-pk")[:20])


@merchant_page(permission=VIEW)
def customer_detail(request, customer_id):
    return customer_page(request, selectors.customer_of(request.merchant, customer_id))


@merchant_page(permission=StaffPermission.MANAGE_CUSTOMERS)
@require_POST
def customer_callback(request, customer_id):
    """Book a call back: on that day's list until a contact outcome answers it."""
    customer = selectors.customer_of(request.merchant, customer_id)
    form = CallbackForm(request.POST)
    if form.is_valid():
        services.callback_book(customer=customer, by=request.user, **form.cleaned_data)
        messages.success(
            request, _("已约定 %(day)s 回电。") % {"day": form.cleaned_data["due"].isoformat()}
        )
        return redirect("dashboard:customer", customer.pk)
    return customer_page(request, customer, callback_form=form, status=422)


@merchant_page(permission=StaffPermission.MANAGE_CUSTOMERS)  # a write: viewing is not enough
@require_POST
def customer_contact(request, customer_id):
    """Log a contact's outcome (closing today's item it answers, if any)."""
    customer = selectors.customer_of(request.merchant, customer_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_log(customer=customer, staff=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if is_htmx(request):
                return render(request, "dashboard/crm/_contact_done.html", {"customer": customer})
            messages.success(request, _("联系记录已保存。"))
            return redirect("dashboard:customer", customer.pk)
    if is_htmx(request):
        context = {
            "customer": customer,
            "contact_form": form,
            "item_key": form.data.get("item_key"),
        }
        return render(request, "dashboard/crm/_contact_form.html", context, status=INVALID)
    return customer_page(request, customer, contact_form=form, status=INVALID)


def today_rows(entries) -> list[dict]:
    """The page's rows: one per customer (crm.today.today_entries), the outcome form closing
    every reason of the entry."""
    return [
        {
            "item": entry.first,
            "items": [{"item": item, "source": source_label(item.source)} for item in entry.items],
            "urgency": entry.urgency,
            "urgency_label": entry.urgency_label,
            "form": ContactForm(initial={"item_keys": " ".join(entry.keys)}),
        }
        for entry in entries
    ]


def source_label(source: str) -> str:
    return TodaySource(source).label if source in TodaySource.values else source


@merchant_page(permission=VIEW)
def today(request):
    chosen = shops_in_view(request, shops_of(request.user))[1]
    items = today_list(
        request.merchant, request.user, shop_ids=None if chosen is None else [chosen.pk]
    )
    counts = Counter(item.source for item in items)
    context = {
        "rows": today_rows(today_entries(items, timezone.localdate())),
        "counts": [(source_label(source), n) for source, n in counts.most_common()],
        "all_shops": shops_of(request.user).order_by("pk"),
        "chosen": chosen,
    }
    return render(request, "dashboard/crm/today.html", context)


@merchant_page(permission=VIEW)
def roster(request):
    tier = request.GET.get("tier", "")
    tier = tier if tier in Tier.values else ""
    customers = selectors.roster(request.merchant, tier)[:200]
    context = {"customers": customers, "tier": tier, "tiers": Tier.values}
    return render(request, "dashboard/crm/roster.html", context)


def submitted_plans(merchant):
    return (
        MaintenancePlan.objects.filter(merchant=merchant, status=PlanStatus.SUBMITTED)
        .select_related("customer", "staff", "created_by")
        .order_by("deadline", "pk")
    )


def plans_page(request, return_form=None, returning=None, status=200):
    context = {
        "plans": submitted_plans(request.merchant),
        "return_form": return_form,
        "returning": returning,
    }
    return render(request, "dashboard/crm/plans.html", context, status=status)


@merchant_page(owner_only=True)
def plans(request):
    return plans_page(request)


def plan_of(request, plan_id: int) -> MaintenancePlan:
    plan = MaintenancePlan.objects.filter(merchant=request.merchant, pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan


@merchant_page(owner_only=True)
@require_POST
def plan_approve(request, plan_id):
    plan = plan_of(request, plan_id)  # another merchant's: 404, outside the try below
    try:
        services.plan_approve(plan=plan, note=request.POST.get("note", "")[:200])
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("计划已批准，已生成任务。"))
    return redirect("dashboard:crm-plans")


@merchant_page(owner_only=True)
@require_POST
def plan_return(request, plan_id):
    plan = plan_of(request, plan_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.plan_return(plan=plan, note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("计划已退回。"))
        return redirect("dashboard:crm-plans")
    return plans_page(request, return_form=form, returning=plan.pk, status=INVALID)


@merchant_page(permission=ANALYTICS)
def crm_analytics(request):
    groups = analytics.customer_groups(request.merchant)
    purchases = analytics.purchase_structure(request.merchant)
    churn = analytics.churn_over_time(request.merchant)
    chart = {
        "tiers": {
            "labels": [row["tier"] for row in groups["tiers"]] + [_("未评级")],
            "counts": [row["customers"] for row in groups["tiers"]] + [groups["ungraded"]],
        },
        "segments": {
            "labels": [row["label"] for row in groups["segments"]],
            "counts": [row["customers"] for row in groups["segments"]],
        },
        "months": {
            "labels": [row["month"] for row in purchases["by_month"]],
            "amount_yuan": [row["amount_fen"] / 100 for row in purchases["by_month"]],
            "name": _("消费金额（元）"),
        },
        "churn": {
            "labels": [row["month"] for row in churn["months"]],
            "active": [row["active"] for row in churn["months"]],
            "new": [row["new"] for row in churn["months"]],
            "names": {"active": _("活跃顾客"), "new": _("新顾客")},
        },
    }
    context = {"groups": groups, "chart": chart}
    return render(request, "dashboard/crm/analytics.html", context)
