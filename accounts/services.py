import contextlib

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from phonenumber_field.phonenumber import PhoneNumber
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from .errors import InvalidCredentials, LoginLocked, PhoneTaken, WeakPassword
from .models import Role, User


@transaction.atomic
def user_register(
    *, phone: PhoneNumber, password: str, role: str = Role.CONSUMER, name: str = ""
) -> User:
    """Create an account; the password must pass the configured validators."""
    user = User(phone=phone, name=name, role=role)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise WeakPassword(fields={"password": list(error.messages)}) from error
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise PhoneTaken(fields={"phone": [str(PhoneTaken.message)]}) from error
    return user


def user_login(*, request: HttpRequest, phone: PhoneNumber, password: str) -> User:
    """Check the password through Django's backends; django-axes counts failures and locks."""
    user = authenticate(request, username=str(phone), password=password)
    if getattr(request, "axes_locked_out", False):
        raise LoginLocked()
    if user is None:
        raise InvalidCredentials()
    return user


def tokens_for(user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    refresh["role"] = user.role
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def refresh_token_revoke(*, token: str) -> None:
    """Logout: the refresh token can no longer be used (simplejwt's blacklist)."""
    with contextlib.suppress(TokenError):  # already unusable: logging out twice is fine
        RefreshToken(token).blacklist()
