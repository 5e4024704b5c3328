"""The orders and bookings inbox: new orders to accept before their deadline (polled, with a
sound), a day view of bookings per shop and per staff, no-show and cancel with the fee shown
before the click, and disputes. Every step is the consumers service the merchant API calls."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consumers import services
from consumers.models import ActorRole, DisputeStatus, OrderState
from consumers.selectors import (
    bookings_of_day,
    disputes_of_merchant_user,
    no_show_fee_fen,
    order_for_merchant,
    orders_of_merchant_user,
    orders_to_accept,
)
from core.errors import DomainError
from merchants.models import StaffPermission
from merchants.selectors import shops_of

from ..access import is_htmx, merchant_page, shops_in_view
from ..forms.inbox import DisputeForm, ReasonForm

REDEEM = StaffPermission.REDEEM
INVALID = 422
UPCOMING_DAYS = 2


def inbox_context(request) -> dict:
    shops, chosen = shops_in_view(request, shops_of(request.user))
    pending = list(orders_to_accept(request.user).filter(shop__in=shops))
    now = timezone.now()
    upcoming = (
        orders_of_merchant_user(request.user)
        .filter(
            shop__in=shops,
            state=OrderState.CONFIRMED,
            starts_at__gte=now - timedelta(hours=12),
            starts_at__lt=now + timedelta(days=UPCOMING_DAYS),
        )
        .order_by("starts_at", "pk")[:50]
    )
    return {
        "poll_seconds": settings.DASHBOARD_INBOX_POLL_SECONDS,
        "pending": pending,
        "latest_pending": max((order.pk for order in pending), default=0),
        "upcoming": upcoming,
        "now": now,
        "chosen": chosen,
        "all_shops": shops_of(request.user).order_by("pk"),
    }


@merchant_page(permission=REDEEM)
def inbox(request):
    context = inbox_context(request)
    context["disputes"] = disputes_of_merchant_user(request.user).filter(status=DisputeStatus.OPEN)[
        :20
    ]
    return render(request, "dashboard/orders/inbox.html", context)


@merchant_page(permission=REDEEM)
def inbox_pending(request):
    """The polled part of the inbox: the orders waiting for acceptance."""
    return render(request, "dashboard/orders/_pending.html", inbox_context(request))


def back_to_inbox(request):
    if is_htmx(request):
        return render(request, "dashboard/orders/_pending.html", inbox_context(request))
    return redirect("dashboard:orders")


@require_POST
@merchant_page(permission=REDEEM)
def order_accept(request, order_id: int):
    order = order_for_merchant(user=request.user, order_id=order_id, permission=REDEEM)
    try:
        services.order_accept(order=order, actor=request.user)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("已接单：%(code)s") % {"code": order.code})
    return back_to_inbox(request)


def order_step(request, order_id: int, *, template: str, fee_fen, perform, done: str):
    """A step with a money consequence: GET shows what the shop keeps and what the consumer
    gets back; POST does it."""
    order = order_for_merchant(user=request.user, order_id=order_id, permission=REDEEM)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(order, form.cleaned_data.get("reason", ""))
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done % {"code": order.code})
            return redirect("dashboard:orders")
    fee = fee_fen(order)
    context = {"order": order, "form": form, "fee_fen": fee, "refund_fen": order.amount_fen - fee}
    return render(request, template, context, status=INVALID if form.errors else 200)


@merchant_page(permission=REDEEM)
def order_cancel(request, order_id: int):
    """Decline a pending order or cancel a confirmed one: the consumer gets everything back."""

    def perform(order, reason):
        services.order_cancel_by_merchant(order=order, actor=request.user, reason=reason)

    return order_step(
        request,
        order_id,
        template="dashboard/orders/cancel.html",
        fee_fen=lambda order: 0,
        perform=perform,
        done=_("订单 %(code)s 已取消，已全额退款。"),
    )


@merchant_page(permission=REDEEM)
def order_no_show(request, order_id: int):
    def perform(order, reason):
        services.order_mark_no_show(order=order, actor=request.user)

    return order_step(
        request,
        order_id,
        template="dashboard/orders/no_show.html",
        fee_fen=no_show_fee_fen,
        perform=perform,
        done=_("订单 %(code)s 已记为爽约。"),
    )


@merchant_page(permission=REDEEM)
def order_dispute(request, order_id: int):
    order = order_for_merchant(user=request.user, order_id=order_id, permission=REDEEM)
    form = DisputeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_open(
                order=order,
                opened_by=request.user,
                side=ActorRole.MERCHANT,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("已提交争议，平台会尽快处理。"))
            return redirect("dashboard:orders")
    status = INVALID if form.errors else 200
    return render(
        request, "dashboard/orders/dispute.html", {"order": order, "form": form}, status=status
    )


@merchant_page(permission=REDEEM)
def bookings_day(request):
    """One day's bookings, grouped by shop and then by staff member (the slot's resource)."""
    shops, chosen = shops_in_view(request, shops_of(request.user))
    try:
        day = date.fromisoformat(request.GET["day"])
    except (KeyError, ValueError):
        day = timezone.localdate()
    bookings = bookings_of_day(request.user, day).filter(shop__in=shops)
    groups: dict = {}
    for order in bookings:
        shop_group = groups.setdefault(order.shop, {})
        staff = order.slot.resource_name if order.slot_id else ""
        shop_group.setdefault(staff or _("未指定"), []).append(order)
    context = {
        "day": day,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "groups": [(shop, sorted(staff.items())) for shop, staff in groups.items()],
        "chosen": chosen,
        "all_shops": shops_of(request.user).order_by("pk"),
        "now": timezone.now(),
    }
    return render(request, "dashboard/orders/day.html", context)
