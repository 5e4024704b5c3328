from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from merchants import services
from merchants.models import StaffPermission

from ..access import shop_page
from ..forms.hours import HoursExceptionForm, WeekHoursForm

MANAGE = StaffPermission.MANAGE_SHOPS
INVALID = 422


def upcoming_exceptions(shop):
    return shop.hours_exceptions.filter(date__gte=timezone.localdate())


def exceptions_partial(request, shop, form, status=200):
    context = {"shop": shop, "exception_form": form, "exceptions": upcoming_exceptions(shop)}
    return render(request, "dashboard/hours/_exceptions.html", context, status=status)


@shop_page(permission=MANAGE)
def hours(request, shop):
    """The week's spans (one form, saved whole) and the dated exceptions (htmx partial)."""
    week = WeekHoursForm.for_hours(shop.hours.all(), data=request.POST or None)
    if request.method == "POST" and week.is_valid():
        try:
            services.shop_hours_set(shop=shop, spans=week.cleaned_data["spans"])
        except DomainError as error:
            week.add_domain_error(error)
        else:
            messages.success(request, _("营业时间已保存。"))
            return redirect("dashboard:hours", shop.pk)
    context = {
        "shop": shop,
        "week": week,
        "exception_form": HoursExceptionForm(),
        "exceptions": upcoming_exceptions(shop),
    }
    status = INVALID if week.errors else 200
    return render(request, "dashboard/hours/page.html", context, status=status)


@shop_page(permission=MANAGE)
@require_POST
def hours_exception_add(request, shop):
    form = HoursExceptionForm(request.POST)
    if form.is_valid():
        fields = form.cleaned_data
        try:
            services.hours_exception_set(
                shop=shop,
                day=fields["date"],
                is_closed=fields["is_closed"],
                opens=fields["opens"],
                closes=fields["closes"],
                note=fields["note"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return exceptions_partial(request, shop, HoursExceptionForm())
    return exceptions_partial(request, shop, form, status=INVALID)


@shop_page(permission=MANAGE)
@require_POST
def hours_exception_delete(request, shop, day):
    services.hours_exception_delete(shop=shop, day=day)
    return exceptions_partial(request, shop, HoursExceptionForm())
