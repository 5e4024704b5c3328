from collections.abc import Iterable
from datetime import datetime

from django.db.models import BooleanField, F, Func, Prefetch, QuerySet, Value
from django.utils import timezone

from accounts.models import Role, User
from core.errors import NotFound

from .errors import NotAMerchant, ShopNotAssigned, StaffPermissionMissing
from .models import HoursException, Merchant, Service, Shop, StaffMember


def merchant_of(user: User) -> Merchant:
    """The merchant a dashboard user acts for: owners own one, staff belong to one."""
    if user.role == Role.MERCHANT_OWNER and hasattr(user, "merchant"):
        return user.merchant
    if user.role == Role.MERCHANT_STAFF and hasattr(user, "staff_membership"):
        return user.staff_membership.merchant
    raise NotAMerchant()


def shops_of(user: User) -> QuerySet[Shop]:
    """The shops a dashboard user can see: all of the owner's, or the staff member's own."""
    merchant = merchant_of(user)
    if user.role == Role.MERCHANT_OWNER:
        return merchant.shops.all()
    return user.staff_membership.shops.all()


def shop_for_edit(*, user: User, shop_id: int, permission: str) -> Shop:
    """A shop the user may change; another merchant's shop is simply not found (404)."""
    shop = shops_of(user).filter(pk=shop_id).first()
    if shop is None:
        raise NotFound()
    merchant_permission_check(user=user, permission=permission, shop=shop)
    return shop


def merchant_permission_check(*, user: User, permission: str, shop: Shop | None = None) -> Merchant:
    """Owners may do everything; staff only what the owner granted, in the shops assigned."""
    merchant = merchant_of(user)
    if user.role == Role.MERCHANT_OWNER:
        return merchant
    membership: StaffMember = user.staff_membership
    if permission not in membership.permissions:
        raise StaffPermissionMissing()
    if shop is not None and not membership.shops.filter(pk=shop.pk).exists():
        raise StaffPermissionMissing()
    return merchant


def merchant_permission_any_check(*, user: User, permissions: Iterable[str]) -> Merchant:
    """Like merchant_permission_check, for reads that any of several permissions allows."""
    permissions = list(permissions)
    for permission in permissions[:-1]:
        try:
            return merchant_permission_check(user=user, permission=permission)
        except StaffPermissionMissing:
            continue
    return merchant_permission_check(user=user, permission=permissions[-1])


def shops_write_check(*, user: User, shop_ids: Iterable[int] | None) -> None:
    """The one rule for every shop-scoped write, in the API and the dashboard alike: staff may
    write only what reaches shops assigned to them. `shop_ids` are the shops the write names
    and, for a change, those the object already reaches; empty means every shop of the merchant
    (a campaign or card program valid everywhere), which staff reach only if assigned to all.
    Owners write anything of their own. Raises ShopNotAssigned (403)."""
    merchant = merchant_of(user)
    if user.role == Role.MERCHANT_OWNER:
        return
    reached = set(shop_ids or ()) or set(merchant.shops.values_list("pk", flat=True))
    assigned = set(user.staff_membership.shops.values_list("pk", flat=True))
    if not reached <= assigned:
        raise ShopNotAssigned()


class ShopIsOpen(Func):
    """shop_is_open(shop id, local date, local time), the SQL function of migration 0003."""

    function = "shop_is_open"
    output_field = BooleanField()


def shop_is_open(moment: datetime, shop_ref: str = "pk") -> ShopIsOpen:
    """Whether the shop is open at `moment`, as a SQL expression for filters and annotations."""
    local = timezone.localtime(moment)
    return ShopIsOpen(F(shop_ref), Value(local.date()), Value(local.time()))


def shop_detail_queryset(moment: datetime) -> QuerySet[Shop]:
    """A shop with everything its page shows, in a fixed number of queries."""
    return Shop.objects.annotate(is_open_now=shop_is_open(moment)).prefetch_related(
        "categories",
        "hours",
        "photos",
        Prefetch(
            "hours_exceptions",
            queryset=HoursException.objects.filter(date__gte=timezone.localdate(moment)),
        ),
        Prefetch(
            "services",
            queryset=Service.objects.filter(is_active=True).prefetch_related("photos"),
            to_attr="active_services",
        ),
    )
