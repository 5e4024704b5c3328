from datetime import date

from django.urls import path, register_converter
from django.views.i18n import set_language

from .views import auth, counter, hours, services, shops, staff


class IsoDateConverter:
    """2026-10-01 -> date; an impossible date (2026-02-30) matches no URL, so it is 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError: no match

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value


register_converter(IsoDateConverter, "isodate")

app_name = "dashboard"
shop = "shops/<int:shop_id>/"

urlpatterns = [
    path("", shops.home, name="home"),
    path("login/", auth.sign_in, name="login"),
    path("logout/", auth.sign_out, name="logout"),
    path("language/", set_language, name="language"),
    path("shops/new/", shops.shop_new, name="shop-new"),
    path(shop, shops.shop_profile, name="shop-profile"),
    path(f"{shop}photos/", shops.shop_photos, name="shop-photos"),
    path(f"{shop}photos/<int:photo_id>/delete/", shops.shop_photo_delete, name="shop-photo-delete"),
    path(f"{shop}services/", services.service_list, name="services"),
    path(f"{shop}services/new/", services.service_new, name="service-new"),
    path(f"{shop}services/<int:service_id>/", services.service_edit, name="service-edit"),
    path(f"{shop}hours/", hours.hours, name="hours"),
    path(f"{shop}hours/exceptions/", hours.hours_exception_add, name="hours-exception-add"),
    path(
        f"{shop}hours/exceptions/<isodate:day>/delete/",
        hours.hours_exception_delete,
        name="hours-exception-delete",
    ),
    path(f"{shop}counter/", counter.counter, name="counter"),
    path(f"{shop}counter/lookup/", counter.counter_lookup, name="counter-lookup"),
    path("staff/", staff.staff_list, name="staff"),
    path("staff/new/", staff.staff_new, name="staff-new"),
    path("staff/<int:member_id>/", staff.staff_edit, name="staff-edit"),
]
