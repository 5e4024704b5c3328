"""Row locks of the accounts app, one at a time (ARCHITECTURE.md, "locks.py")."""

from phonenumber_field.phonenumber import PhoneNumber

from .models import User


def user_lock(pk: int) -> User:
    """The account, locked: one privacy request or erasure at a time per account."""
    return User.objects.select_for_update(of=("self",)).get(pk=pk)


def user_by_phone_lock(phone: PhoneNumber) -> User | None:
    """The phone's account, locked, or None: concurrent first sign-ins of a phone queue here."""
    return User.objects.select_for_update(of=("self",)).filter(phone=phone).first()
