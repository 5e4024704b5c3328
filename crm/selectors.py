"""Reads: the merchant's settings, who may act, the directory, the roster, audiences."""

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from accounts.models import Role, User
from consumers.models import Order
from core.segments import segment_member_ids
from coupons.models import Redemption
from loyalty.models import LedgerEntry, MembershipCard
from merchants.models import Merchant, StaffPermission
from merchants.selectors import merchant_of, merchant_permission_check

from .errors import NotOurStaff, OwnerOnly
from .models import CrmSettings, Customer, Interaction
from .scoring import DEFAULT_INDICATORS

VIEW = StaffPermission.VIEW_CUSTOMERS
MANAGE = StaffPermission.MANAGE_CUSTOMERS
ANALYTICS = StaffPermission.VIEW_ANALYTICS

DEFAULTS = {
    "indicators": DEFAULT_INDICATORS,
    "gift_budget_fen": {"A": 20_000, "B": 5_000, "C": 0},
    "holiday_tiers": ["A", "B"],
}


def settings_of(merchant: Merchant) -> CrmSettings:
    """The merchant's CRM settings, or the defaults (unsaved) until the owner changes them."""
    return settings_of_merchant_id(merchant.pk)


def settings_of_merchant_id(merchant_id: int) -> CrmSettings:
    found = CrmSettings.objects.filter(merchant_id=merchant_id).first()
    return found or CrmSettings(merchant_id=merchant_id, **DEFAULTS)


# --- who acts --------------------------------------------------------------------------------


def member_check(user: User, permission: str) -> Merchant:
    return merchant_permission_check(user=user, permission=permission)


def owner_check(user: User) -> Merchant:
    merchant = merchant_of(user)
    if user.role != Role.MERCHANT_OWNER:
        raise OwnerOnly()
    return merchant


def team_of(merchant: Merchant) -> QuerySet[User]:
    """The owner and the staff accounts: who may own customers and tasks."""
    return User.objects.filter(Q(merchant=merchant) | Q(staff_membership__merchant=merchant))


def team_member(merchant: Merchant, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = team_of(merchant).filter(pk=user_id).first()
    if found is None:
        raise NotOurStaff(fields={"staff": [_("该店员不属于本商户。")]})
    return found


# --- directory -------------------------------------------------------------------------------


def customers_of(merchant: Merchant) -> QuerySet[Customer]:
    return Customer.objects.filter(merchant=merchant)


def customer_of(merchant: Merchant, pk: int) -> Customer:
    from core.errors import NotFound

    found = customers_of(merchant).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def customer_search(
    merchant: Merchant,
    *,
    q: str = "",
    tier: str = "",
    segment: str = "",
    flag: str = "",
    owner: int | None = None,
    at_risk: bool | None = None,
) -> QuerySet[Customer]:
    found = customers_of(merchant)
    if q:
        found = found.annotate(phone_text=Cast("phone", CharField())).filter(
            Q(name__icontains=q) | Q(phone_text__contains=q) | Q(tags__contains=[q])
        )
    if tier:
        found = found.filter(tier=tier)
    if segment:
        found = found.filter(segment=segment)
    if flag:
        found = found.filter(flags__contains=[{"code": flag}])
    if owner is not None:
        found = found.filter(owner_id=owner)
    if at_risk is not None:
        found = found.filter(at_risk=at_risk)
    return found.order_by("-last_visit_at", "pk")


def at_risk_ranked(merchant: Merchant, *, limit: int | None = None) -> QuerySet[Customer]:
    """Today's at-risk list: the customers the churn fit flags, by probability x yearly value
    (the spend at stake), cut to what the staff can call a day (CrmSettings)."""
    limit = limit or settings_of(merchant).at_risk_daily_calls
    return customers_of(merchant).filter(at_risk=True).order_by("-at_stake_fen", "pk")[:limit]


def churn_model_of(merchant: Merchant):
    from .models import ChurnModel

    return ChurnModel.objects.filter(merchant=merchant).first()


def customer_level_names(customers: list[Customer]) -> dict[int, str]:
    """Customer id -> the member level of their card at this merchant."""
    from loyalty.selectors import level_names_by_consumer

    by_consumer = {c.consumer_id: c.pk for c in customers if c.consumer_id}
    if not by_consumer:
        return {}
    levels = level_names_by_consumer(
        merchant_ids={c.merchant_id for c in customers}, consumer_ids=list(by_consumer)
    )
    return {by_consumer[consumer]: level for consumer, level in levels.items()}


def customers_at_shops(merchant: Merchant, shop_ids) -> QuerySet[Customer]:
    """The merchant's customers who belong to any of the shops: those whose account ordered
    there (bookings and purchases; disputes are about orders), redeemed a coupon there, opened
    a membership card there or used one there. The shop is taken from those records, which
    carry it; a customer with no account (added by hand or CSV) belongs to no shop and is only
    on the unfiltered lists."""
    shops = list(shop_ids)
    consumer = OuterRef("consumer_id")
    return customers_of(merchant).filter(
        Exists(Order.objects.filter(consumer=consumer, shop_id__in=shops))
        | Exists(Redemption.objects.filter(coupon__holder=consumer, shop_id__in=shops))
        | Exists(MembershipCard.objects.filter(consumer=consumer, shop_id__in=shops))
        | Exists(LedgerEntry.objects.filter(card__consumer=consumer, shop_id__in=shops))
    )


def timeline(customer: Customer) -> QuerySet[Interaction]:
    return customer.interactions.select_related("staff", "campaign")


def roster(merchant: Merchant, tier: str = "") -> QuerySet[Customer]:
    """Graded customers, best first, each with the reasons of its grade."""
    found = customers_of(merchant).exclude(tier="")
    if tier:
        found = found.filter(tier=tier)
    return found.order_by("tier", "-score", "pk")


# --- audiences (coupons, flash deals) --------------------------------------------------------


def audience_consumer_ids(merchant: Merchant | int, *segments: str) -> QuerySet:
    """Consumer ids of the merchant's customers in any of the segments (core.segments, which
    the offers ask through the directory registered in CrmConfig.ready)."""
    return segment_member_ids(merchant if isinstance(merchant, int) else merchant.pk, segments)
