from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from merchants import services
from merchants.models import StaffPermission

from ..access import shop_page
from ..forms.services import ServiceForm

MANAGE = StaffPermission.MANAGE_SHOPS
INVALID = 422


@shop_page(permission=MANAGE)
def service_list(request, shop):
    context = {"shop": shop, "services": shop.services.order_by("-is_active", "pk")}
    return render(request, "dashboard/services/list.html", context)


@shop_page(permission=MANAGE)
def service_new(request, shop):
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
        try:
            services.service_create(shop=shop, **fields)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("服务已添加。"))
            return redirect("dashboard:services", shop.pk)
    context = {"shop": shop, "form": form, "service": None}
    status = INVALID if form.errors else 200
    return render(request, "dashboard/services/form.html", context, status=status)


@shop_page(permission=MANAGE)
def service_edit(request, shop, service_id):
    service = get_object_or_404(shop.services, pk=service_id)  # another shop's: 404
    form = ServiceForm(request.POST or None, initial=ServiceForm.initial_for(service))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(service=service, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("服务已保存。"))
            return redirect("dashboard:services", shop.pk)
    context = {"shop": shop, "form": form, "service": service}
    status = INVALID if form.errors else 200
    return render(request, "dashboard/services/form.html", context, status=status)
