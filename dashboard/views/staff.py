from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from merchants.services import staff_create, staff_update

from ..access import merchant_page
from ..forms.staff import StaffCreateForm, StaffUpdateForm

INVALID = 422


@merchant_page(owner_only=True)
def staff_list(request):
    members = request.merchant.staff.select_related("user").prefetch_related("shops").order_by("pk")
    return render(request, "dashboard/staff/list.html", {"members": members})


@merchant_page(owner_only=True)
def staff_new(request):
    form = StaffCreateForm(request.POST or None, merchant=request.merchant)
    if request.method == "POST" and form.is_valid():
        try:
            staff_create(merchant=request.merchant, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("店员账户已创建，请把手机号和初始密码告诉店员。"))
            return redirect("dashboard:staff")
    status = INVALID if form.errors else 200
    return render(request, "dashboard/staff/form.html", {"form": form}, status=status)


@merchant_page(owner_only=True)
def staff_edit(request, member_id):
    member = get_object_or_404(request.merchant.staff.select_related("user"), pk=member_id)
    initial = {
        "permissions": member.permissions,
        "shops": list(member.shops.all()),
        "is_active": member.user.is_active,
    }
    form = StaffUpdateForm(request.POST or None, merchant=request.merchant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            staff_update(member=member, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("店员权限已保存。"))
            return redirect("dashboard:staff")
    status = INVALID if form.errors else 200
    context = {"form": form, "member": member}
    return render(request, "dashboard/staff/form.html", context, status=status)
