from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from merchants import services
from merchants.models import StaffPermission

from ..access import merchant_page, shop_page
from ..forms.shops import PhotoForm, ShopForm

MANAGE = StaffPermission.MANAGE_SHOPS
INVALID = 422  # a form with errors, shown again


def map_settings() -> dict:
    return {
        "tiles_url": settings.DASHBOARD_MAP_TILES_URL,
        "tiles_attribution": settings.DASHBOARD_MAP_ATTRIBUTION,
    }


@merchant_page(owner_only=True)
def shop_new(request):
    form = ShopForm(request.POST or None, initial={"price_level": 2})
    if request.method == "POST" and form.is_valid():
        try:
            shop = services.shop_create(merchant=request.merchant, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("门店已创建。"))
            return redirect("dashboard:shop-profile", shop.pk)
    status = INVALID if form.errors else 200
    context = {"form": form, **map_settings()}
    return render(request, "dashboard/shops/new.html", context, status=status)


@shop_page(permission=MANAGE)
def shop_profile(request, shop):
    form = ShopForm(request.POST or None, initial=ShopForm.initial_for(shop))
    if request.method == "POST" and form.is_valid():
        try:
            services.shop_update(shop=shop, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("门店资料已保存。"))
            return redirect("dashboard:shop-profile", shop.pk)
    status = INVALID if form.errors else 200
    context = {"shop": shop, "form": form, **map_settings()}
    return render(request, "dashboard/shops/profile.html", context, status=status)


@shop_page(permission=MANAGE)
def shop_photos(request, shop):
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.shop_photo_add(
                shop=shop, kind=form.cleaned_data["kind"], upload=form.cleaned_data["image"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("照片已上传。"))
            return redirect("dashboard:shop-photos", shop.pk)
    status = INVALID if form.errors else 200
    context = {"shop": shop, "form": form, "photos": shop.photos.all()}
    return render(request, "dashboard/shops/photos.html", context, status=status)


@shop_page(permission=MANAGE)
@require_POST
def shop_photo_delete(request, shop, photo_id):
    services.shop_photo_delete(shop=shop, photo_id=photo_id)
    messages.success(request, _("照片已删除。"))
    return redirect("dashboard:shop-photos", shop.pk)
