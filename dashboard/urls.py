from datetime import date

from django.urls import path, register_converter
from django.views.i18n import set_language

from .views import (
    auth,
    counter,
    coupons,
    crm,
    deals,
    hours,
    membership,
    money,
    orders,
    reviews,
    services,
    shops,
    staff,
    today,
)


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
    path("", today.home, name="home"),
    path("counter/", today.counter_entry, name="counter-entry"),
    path("orders/", orders.inbox, name="orders"),
    path("orders/pending/", orders.inbox_pending, name="orders-pending"),
    path("orders/bookings/", orders.bookings_day, name="bookings-day"),
    path("orders/<int:order_id>/accept/", orders.order_accept, name="order-accept"),
    path("orders/<int:order_id>/cancel/", orders.order_cancel, name="order-cancel"),
    path("orders/<int:order_id>/no-show/", orders.order_no_show, name="order-no-show"),
    path("orders/<int:order_id>/dispute/", orders.order_dispute, name="order-dispute"),
    path("reviews/", reviews.review_list, name="reviews"),
    path("reviews/<int:review_id>/reply/", reviews.review_reply, name="review-reply"),
    path("reviews/<int:review_id>/report/", reviews.review_report, name="review-report"),
    path("money/", money.overview, name="money"),
    path("money/history/", money.history, name="money-history"),
    path("money/reconciliation/", money.reconciliation, name="money-reconciliation"),
    path("login/", auth.sign_in, name="login"),
    path("logout/", auth.sign_out, name="logout"),
    path("consents/", auth.consents, name="consents"),
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
    path(f"{shop}counter/coupon/", counter.coupon_redeem, name="counter-coupon-redeem"),
    path(
        f"{shop}counter/redemptions/<int:redemption_id>/reverse/",
        counter.coupon_reverse,
        name="counter-coupon-reverse",
    ),
    path(f"{shop}counter/card/purchase/", counter.card_purchase, name="counter-card-purchase"),
    path(f"{shop}counter/card/top-up/", counter.card_top_up, name="counter-card-top-up"),
    path(f"{shop}counter/order/", counter.order_consume, name="counter-order-consume"),
    path(
        f"{shop}counter/payments/<int:payment_id>/",
        counter.counter_payment_progress,
        name="counter-payment",
    ),
    path("coupons/", coupons.campaign_list, name="campaigns"),
    path("coupons/new/", coupons.campaign_new, name="campaign-new"),
    path("coupons/preview/", coupons.campaign_preview, name="campaign-preview"),
    path("coupons/<int:campaign_id>/", coupons.campaign_detail, name="campaign"),
    path("coupons/<int:campaign_id>/edit/", coupons.campaign_edit, name="campaign-edit"),
    path("coupons/<int:campaign_id>/delete/", coupons.campaign_delete, name="campaign-delete"),
    path("coupons/<int:campaign_id>/issue/", coupons.campaign_issue, name="campaign-issue"),
    path("coupons/<int:campaign_id>/paper/", coupons.campaign_paper, name="campaign-paper"),
    path(
        "coupons/<int:campaign_id>/<str:action>/",
        coupons.campaign_transition,
        name="campaign-transition",
    ),
    path("deals/", deals.deal_list, name="deals"),
    path("deals/new/", deals.deal_new, name="deal-new"),
    path("deals/audience/", deals.deal_audience, name="deal-audience"),
    path("deals/<int:deal_id>/", deals.deal_detail, name="deal"),
    path("deals/<int:deal_id>/edit/", deals.deal_edit, name="deal-edit"),
    path("deals/<int:deal_id>/publish/", deals.deal_publish, name="deal-publish"),
    path("deals/<int:deal_id>/status/<str:action>/", deals.deal_transition, name="deal-transition"),
    path("customers/", crm.customer_list, name="customers"),
    path("customers/today/", crm.today, name="crm-today"),
    path("customers/roster/", crm.roster, name="crm-roster"),
    path("customers/plans/", crm.plans, name="crm-plans"),
    path("customers/plans/<int:plan_id>/approve/", crm.plan_approve, name="crm-plan-approve"),
    path("customers/plans/<int:plan_id>/return/", crm.plan_return, name="crm-plan-return"),
    path("customers/analytics/", crm.crm_analytics, name="crm-analytics"),
    path("customers/<int:customer_id>/", crm.customer_detail, name="customer"),
    path("customers/<int:customer_id>/contact/", crm.customer_contact, name="customer-contact"),
    path("customers/<int:customer_id>/callback/", crm.customer_callback, name="customer-callback"),
    path("membership/", membership.program, name="membership"),
    path("membership/card/", membership.design, name="card-design"),
    path("membership/card/preview.png", membership.design_preview, name="card-design-preview"),
    path("membership/card/publish/", membership.design_publish, name="card-design-publish"),
    path("membership/members/", membership.members, name="members"),
    path("staff/", staff.staff_list, name="staff"),
    path("staff/new/", staff.staff_new, name="staff-new"),
    path("staff/<int:member_id>/", staff.staff_edit, name="staff-edit"),
]
