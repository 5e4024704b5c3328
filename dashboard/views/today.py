"""Home: today's business, what needs doing now, and the way to the counter."""

from datetime import timedelta

from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone

from consumers.selectors import bookings_between, orders_to_accept, reviews_unanswered
from crm.today import today_entries, today_list
from merchants.models import Category, ShopPhoto, StaffPermission
from merchants.selectors import shop_is_open, shops_of

from .. import figures
from ..access import may, merchant_page, shops_in_view

SOON_HOURS = 3  # "bookings in the next hours"


@merchant_page
def home(request):
    user = request.user
    shops, chosen = shops_in_view(request, shops_of(user))
    now = timezone.now()
    context = {"chosen": chosen, "all_shops": shops_of(user).order_by("pk"), "now": now}
    if may(user, StaffPermission.VIEW_ANALYTICS):
        context["figures"] = figures.today_compared(shops, now=now)
        today = timezone.localdate(now)
        context["chart"] = {
            "labels": [f"{hour:02d}" for hour in range(24)],
            "today": [fen / 100 for fen in figures.takings_by_hour(shops, today)],
            "last_week": [
                fen / 100 for fen in figures.takings_by_hour(shops, today - timedelta(days=7))
            ],
        }
    if may(user, StaffPermission.REDEEM):
        context["to_accept"] = orders_to_accept(user).filter(shop__in=shops)[:20]
        context["soon"] = bookings_between(user, now, now + timedelta(hours=SOON_HOURS)).filter(
            shop__in=shops
        )[:20]
        context["soon_hours"] = SOON_HOURS
        context["counter_shops"] = counter_shops(user)
    if may(user, StaffPermission.MANAGE_CUSTOMERS):
        context["unanswered"] = reviews_unanswered(user).filter(shop__in=shops).count()
    if may(user, StaffPermission.VIEW_CUSTOMERS):
        # One per customer, as the list shows them, for the shop in view.
        items = today_list(
            request.merchant, user, now=now, shop_ids=None if chosen is None else [chosen.pk]
        )
        context["today_list_count"] = len(today_entries(items, timezone.localdate(now)))
    context["shops"] = (
        shops.annotate(is_open_now=shop_is_open(now))
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.filter(parent__isnull=False)),
            Prefetch("photos", queryset=ShopPhoto.objects.filter(kind="storefront")),
        )
        .order_by("pk")
    )
    return render(request, "dashboard/today/home.html", context)


def counter_shops(user):
    """The shops where this user may work the counter."""
    shops = shops_of(user).order_by("pk")
    return list(shops)  # staff: their shops; REDEEM is held merchant-wide by the membership


@merchant_page(permission=StaffPermission.REDEEM)
def counter_entry(request):
    """The top navigation's 验券 / 收款: straight to the counter of the user's only shop, or a
    choice of shop."""
    shops = counter_shops(request.user)
    if len(shops) == 1:
        return redirect("dashboard:counter", shops[0].pk)
    return render(request, "dashboard/today/counter_pick.html", {"shops": shops})
