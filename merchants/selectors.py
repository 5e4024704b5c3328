from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from accounts.models import Role, User
from core.errors import NotFound

from .errors import NotAMerchant, StaffPermissionMissing
from .models import HoursException, Merchant, OpeningHours, Service, Shop, StaffMember


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


def open_at_condition(moment: datetime, shop_ref: str = "pk") -> Q:
    """SQL condition "the shop is open at `moment`" (Asia/Shanghai wall time).

    A dated exception replaces that day's weekly hours; a span with closes <= opens runs past
    midnight, so yesterday's overnight span can still be open early today.
    """
    local = timezone.localtime(moment)
    today, now, yesterday = local.date(), local.time(), local.date() - timedelta(days=1)
    overnight = Q(closes__lte=F("opens"))
    covers_now = Q(opens__lte=now) & (Q(closes__gt=now) | overnight)
    spills_into_now = overnight & Q(closes__gt=now)
    shop = OuterRef(shop_ref)

    def day_is_open(day, condition) -> Q:
        exception = HoursException.objects.filter(shop=shop, date=day)
        weekly = OpeningHours.objects.filter(shop=shop, weekday=day.weekday())
        return Q(Exists(exception.filter(condition, is_closed=False))) | (
            ~Q(Exists(exception)) & Q(Exists(weekly.filter(condition)))
        )

    return day_is_open(today, covers_now) | day_is_open(yesterday, spills_into_now)


def shop_is_open_annotation(moment: datetime, shop_ref: str = "pk") -> ExpressionWrapper:
    return ExpressionWrapper(open_at_condition(moment, shop_ref), output_field=BooleanField())


def shop_detail_queryset(moment: datetime) -> QuerySet[Shop]:
    """A shop with everything its page shows, in a fixed number of queries."""
    return Shop.objects.annotate(is_open_now=shop_is_open_annotation(moment)).prefetch_related(
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
