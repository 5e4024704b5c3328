import contextlib
import uuid
from datetime import datetime

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.tokens import RefreshToken

from .authentication import SESSION_CLAIM, session_revoke
from .errors import AccountDisabled, InvalidCredentials, LoginLocked, PhoneTaken, WeakPassword
from .locks import user_by_phone_lock
from .models import Role, User


def user_registration_check(*, phone: PhoneNumber, password: str, role: str, name: str = ""):
    """What user_register would refuse, checked before an SMS code is spent on it."""
    _password_check(User(phone=phone, name=name, role=role), password)
    if User.objects.filter(phone=phone).exists():
        raise PhoneTaken(fields={"phone": [str(PhoneTaken.message)]})


def _password_check(user: User, password: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise WeakPassword(fields={"password": list(error.messages)}) from error


@transaction.atomic
def user_register(
    *,
    phone: PhoneNumber,
    password: str,
    role: str = Role.CONSUMER,
    name: str = "",
    phone_verified_at: datetime | None = None,
) -> User:
    """Create an account; the password must pass the configured validators. Accounts made by
    someone else (staff made by their owner) leave `phone_verified_at` empty."""
    user = User(phone=phone, name=name, role=role, phone_verified_at=phone_verified_at)
    _password_check(user, password)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise PhoneTaken(fields={"phone": [str(PhoneTaken.message)]}) from error
    return user


@transaction.atomic
def user_sign_in_with_proven_phone(*, phone: PhoneNumber, now: datetime | None = None) -> User:
    """The caller proved `phone` (an SMS code): its account, marked verified, or a new consumer
    with no password. A concurrent first sign-in of the same phone finds the other's row."""
    now = now or timezone.now()
    user = user_by_phone_lock(phone)
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    phone, None, role=Role.CONSUMER, phone_verified_at=now
                )
        except IntegrityError:
            user = user_by_phone_lock(phone)
    if not user.is_active:
        raise AccountDisabled()
    if user.phone_verified_at is None:
        user.phone_verified_at = now
        user.save(update_fields=["phone_verified_at"])
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
    refresh[SESSION_CLAIM] = uuid.uuid4().hex  # copied into its access and rotated tokens
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def refresh_token_revoke(*, token: str) -> None:
    """Logout: the refresh token can no longer be used (simplejwt's blacklist), nor can any
    access token of the same sign-in (its session id is revoked). A genuine refresh token that
    was already rotated or blacklisted still ends its sign-in."""
    try:
        claims = token_backend.decode(token, verify=True)
    except TokenBackendError:
        return  # not one of ours: nothing to end
    if claims.get("token_type") != "refresh":
        return
    with contextlib.suppress(TokenError):  # already unusable: logging out twice is fine
        RefreshToken(token).blacklist()
    if claims.get(SESSION_CLAIM):
        session_revoke(str(claims[SESSION_CLAIM]))
