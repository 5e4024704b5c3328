from accounts.models import Role, User

from .errors import NotAMerchant, StaffPermissionMissing
from .models import Merchant, Shop, StaffMember


def merchant_of(user: User) -> Merchant:
    """The merchant a dashboard user acts for: owners own one, staff belong to one."""
    if user.role == Role.MERCHANT_OWNER and hasattr(user, "merchant"):
        return user.merchant
    if user.role == Role.MERCHANT_STAFF and hasattr(user, "staff_membership"):
        return user.staff_membership.merchant
    raise NotAMerchant()


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
