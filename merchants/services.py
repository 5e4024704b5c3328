from django.db import transaction
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import Role
from accounts.services import user_register

from .models import Merchant, Shop, StaffMember


@transaction.atomic
def merchant_register(
    *, phone: PhoneNumber, password: str, name: str, merchant_name: str
) -> Merchant:
    """A merchant owner's account and the merchant it owns, together or not at all."""
    owner = user_register(phone=phone, password=password, name=name, role=Role.MERCHANT_OWNER)
    return Merchant.objects.create(owner=owner, name=merchant_name)


@transaction.atomic
def staff_create(
    *,
    merchant: Merchant,
    phone: PhoneNumber,
    password: str,
    name: str,
    permissions: list[str],
    shops: list[Shop],
) -> StaffMember:
    user = user_register(phone=phone, password=password, name=name, role=Role.MERCHANT_STAFF)
    member = StaffMember.objects.create(merchant=merchant, user=user, permissions=permissions)
    member.shops.set(shops)
    return member


@transaction.atomic
def staff_update(
    *,
    member: StaffMember,
    permissions: list[str] | None = None,
    shops: list[Shop] | None = None,
    is_active: bool | None = None,
) -> StaffMember:
    if permissions is not None:
        member.permissions = permissions
        member.save(update_fields=["permissions"])
    if shops is not None:
        member.shops.set(shops)
    if is_active is not None:
        member.user.is_active = is_active
        member.user.save(update_fields=["is_active"])
    return member
