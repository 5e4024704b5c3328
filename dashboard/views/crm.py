"""Customers (the CRM): the directory with search and filters, a customer's timeline, today's
list with one-tap call and SMS and the outcome form, the tier roster, plans awaiting the
owner's approval, analytics charts. Every rule is the crm app's (services, selectors,
worklist, analytics); these views parse and render."""

from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound
from coupons.models import Campaign, CampaignStatus
from crm import analytics, selectors, services, worklist
from crm.models import MaintenancePlan, PlanStatus, Tier
from merchants.errors import StaffPermissionMissing
from merchants.models import StaffPermission
from merchants.selectors import merchant_permission_check
from notifications.marketing import marketing_consents_of

from ..access import is_htmx, merchant_page
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
        "timeline": selectors.timeline(customer)[:100],
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


SOURCE_LABELS = {
    "complaint": gettext_lazy("投诉"),
    "at_risk": gettext_lazy("流失预警"),
    "purchase_callback": gettext_lazy("消费回访"),
    "service_level": gettext_lazy("服务标准"),
    "long_no_contact": gettext_lazy("久未联系"),
    "low_satisfaction": gettext_lazy("满意度低"),
    "birthday": gettext_lazy("生日"),
    "holiday": gettext_lazy("节日问候"),
    "random_sample": gettext_lazy("抽查回访"),
    "callback": gettext_lazy("约定回电"),
}
URGENCY_LABELS = [
    gettext_lazy("投诉"),
    gettext_lazy("已逾期 / 流失预警"),
    gettext_lazy("今天到期"),
    gettext_lazy("近期"),
]


def urgency(item, day) -> int:
    """Complaints first, then overdue or at-risk, then due today, then the rest."""
    if item.source == "complaint":
        return 0
    if item.due < day or item.source == "at_risk":
        return 1
    return 2 if item.due == day else 3


def today_rows(items, day) -> list[dict]:
    """One entry per customer with all their reasons, the most urgent first; the outcome form
    closes the most urgent reason."""
    by_customer: dict[int, list] = {}
    for item in items:
        by_customer.setdefault(item.customer_id, []).append(item)
    rows = []
    for reasons in by_customer.values():
        reasons.sort(key=lambda item: (urgency(item, day), item.due))
        first = reasons[0]
        rank = urgency(first, day)
        rows.append(
            {
                "item": first,
                "items": [
                    {"item": item, "source": SOURCE_LABELS.get(item.source, item.source)}
                    for item in reasons
                ],
                "urgency": rank,
                "urgency_label": URGENCY_LABELS[rank],
                "form": ContactForm(initial={"item_key": first.key}),
            }
        )
    rows.sort(key=lambda row: (row["urgency"], row["item"].due, row["item"].customer_id))
    return rows


@merchant_page(permission=VIEW)
def today(request):
    items = worklist.today_list(request.merchant, request.user)
    day = timezone.localdate()
    counts = Counter(item.source for item in items)
    context = {
        "rows": today_rows(items, day),
        "counts": [(SOURCE_LABELS.get(source, source), n) for source, n in counts.most_common()],
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
