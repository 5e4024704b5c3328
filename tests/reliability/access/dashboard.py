"""The merchant dashboard (Django views, session sign-in): anonymous visitors are sent to sign
in (302), accounts of no merchant (consumers, platform admins) are refused (403), a staff
member needs the page's permission (403), another merchant's shop or staff is not found."""

from tests.reliability.world import HOLIDAY

from . import Row, everyone
from .loyalty import counter_payment


def page(ok: int, *, staff: int = 403, owner_b: int = 404) -> dict[str, int]:
    return {
        "anonymous": 302,
        "consumer_a": 403,
        "consumer_b": 403,
        "owner_a": ok,
        "staff_a": staff,
        "owner_b": owner_b,
        "admin": 403,
    }


def shop(world) -> dict:
    return {"shop_id": world.shop_a.pk}


def campaign(world) -> dict:
    return {"campaign_id": world.campaign_a.pk}


ROWS = [
    Row("root", method, everyone(302)) for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
] + [
    Row("dashboard:login", "GET", everyone(200)),
    Row("dashboard:logout", "POST", everyone(302)),
    Row("dashboard:language", "POST", everyone(302), body=lambda w: {"language": "en"}),
    # Everyone in the world accepted the documents: a merchant is sent on (302).
    *[
        Row("dashboard:consents", method, page(302, staff=302, owner_b=302))
        for method in ("GET", "POST")
    ],
    Row("dashboard:home", "GET", page(200, staff=200, owner_b=200)),
    Row("dashboard:shop-new", "GET", page(200, owner_b=200)),
    # Today's pages (issue 20): the inbox needs redeem, reviews manage_customers, money the owner.
    Row("dashboard:counter-entry", "GET", page(302, owner_b=302)),
    Row("dashboard:orders", "GET", page(200, owner_b=200)),
    Row("dashboard:orders-pending", "GET", page(200, owner_b=200)),
    Row("dashboard:bookings-day", "GET", page(200, owner_b=200)),
    Row(
        "dashboard:order-accept",
        "POST",
        page(302),
        kwargs=lambda w: {"order_id": w.pending_order_a.pk},
    ),
    Row("dashboard:order-cancel", "GET", page(200), kwargs=lambda w: {"order_id": w.order_a.pk}),
    Row("dashboard:order-cancel", "POST", page(302), kwargs=lambda w: {"order_id": w.order_a.pk}),
    Row("dashboard:order-no-show", "GET", page(200), kwargs=lambda w: {"order_id": w.order_a.pk}),
    # Not started yet: the form comes back saying so.
    Row("dashboard:order-no-show", "POST", page(422), kwargs=lambda w: {"order_id": w.order_a.pk}),
    Row("dashboard:order-dispute", "GET", page(200), kwargs=lambda w: {"order_id": w.order_a.pk}),
    Row("dashboard:order-dispute", "POST", page(422), kwargs=lambda w: {"order_id": w.order_a.pk}),
    Row("dashboard:reviews", "GET", page(200, owner_b=200)),
    Row("dashboard:review-reply", "POST", page(302), kwargs=lambda w: {"review_id": w.review_a.pk}),
    Row(
        "dashboard:review-report", "POST", page(302), kwargs=lambda w: {"review_id": w.review_a.pk}
    ),
    Row("dashboard:money", "GET", page(200, owner_b=200)),
    Row("dashboard:money-history", "GET", page(200, owner_b=200)),
    Row("dashboard:money-reconciliation", "GET", page(200, owner_b=200)),
    Row("dashboard:shop-profile", "GET", page(200), kwargs=shop),
    Row("dashboard:shop-photos", "GET", page(200), kwargs=shop),
    Row(
        "dashboard:shop-photo-delete",
        "POST",
        page(302),
        kwargs=lambda w: {"shop_id": w.shop_a.pk, "photo_id": w.photo_a.pk},
    ),
    Row("dashboard:services", "GET", page(200), kwargs=shop),
    Row("dashboard:service-new", "GET", page(200), kwargs=shop),
    Row(
        "dashboard:service-edit",
        "GET",
        page(200),
        kwargs=lambda w: {"shop_id": w.shop_a.pk, "service_id": w.service_a.pk},
    ),
    Row("dashboard:hours", "GET", page(200), kwargs=shop),
    # An empty form: the page comes back with its errors (422) for those allowed.
    Row("dashboard:hours-exception-add", "POST", page(422), kwargs=shop),
    Row(  # answers the list of exceptions left, as a partial for htmx
        "dashboard:hours-exception-delete",
        "POST",
        page(200),
        kwargs=lambda w: {"shop_id": w.shop_a.pk, "day": HOLIDAY.isoformat()},
    ),
    Row("dashboard:counter", "GET", page(200), kwargs=shop),
    Row("dashboard:counter-lookup", "POST", page(422), kwargs=shop),
    # The counter's actions in shop A, posted empty: the form comes back with its errors.
    *(
        Row(f"dashboard:counter-{action}", "POST", page(422), kwargs=shop)
        for action in ("coupon-redeem", "card-purchase", "card-top-up", "order-consume")
    ),
    Row(  # a payment taken at shop A's counter, step by step
        "dashboard:counter-payment",
        "GET",
        page(200),
        kwargs=lambda w: {"shop_id": w.shop_a.pk, "payment_id": counter_payment(w)},
    ),
    Row(  # posted empty: the form (it needs its key) comes back with its errors
        "dashboard:counter-coupon-reverse",
        "POST",
        page(422),
        kwargs=lambda w: {"shop_id": w.shop_a.pk, "redemption_id": w.redemption_a.pk},
    ),
    # Coupons (manage_coupons): A's campaigns are not found for B.
    Row("dashboard:campaigns", "GET", page(200, owner_b=200)),
    Row("dashboard:campaign-new", "GET", page(200, owner_b=200)),
    Row("dashboard:campaign-preview", "POST", page(200, owner_b=200)),
    Row("dashboard:campaign", "GET", page(200), kwargs=campaign),
    Row("dashboard:campaign-edit", "GET", page(200), kwargs=campaign),
    Row(
        "dashboard:campaign-delete",
        "POST",
        page(302),
        kwargs=lambda w: {"campaign_id": w.draft_campaign_a.pk},
    ),
    Row("dashboard:campaign-issue", "POST", page(422), kwargs=campaign),
    Row("dashboard:campaign-paper", "POST", page(422), kwargs=campaign),
    Row(
        "dashboard:campaign-transition",
        "POST",
        page(302),
        kwargs=lambda w: {"campaign_id": w.campaign_a.pk, "action": "pause"},
    ),
    # Membership (manage_cards): each merchant's own program.
    Row("dashboard:membership", "GET", page(200, owner_b=200)),
    Row("dashboard:card-design", "GET", page(200, owner_b=200)),
    Row("dashboard:card-design-preview", "GET", page(200, owner_b=200)),
    Row("dashboard:card-design-publish", "POST", page(302, owner_b=302)),
    Row("dashboard:members", "GET", page(200, owner_b=200)),
    Row("dashboard:staff", "GET", page(200, owner_b=200)),
    Row("dashboard:staff-new", "GET", page(200, owner_b=200)),
    Row("dashboard:staff-edit", "GET", page(200), kwargs=lambda w: {"member_id": w.cashier_a.pk}),
]
