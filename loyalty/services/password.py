"""The consumption password (消费密码): six digits, required to spend points or balance.

Stored with a Django password hasher (`CardPinHasher`). Wrong tries are counted on the card row
under its lock, in a transaction of their own that commits even though the spend is refused:
concurrent wrong guesses queue on the lock, each sees the count its predecessors left, and once
the count reaches the limit the rest are refused without the hash being checked. So at most
CARD_PASSWORD_FAILURE_LIMIT (5) guesses are checked per CARD_PASSWORD_LOCK_MINUTES (15).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.idempotency import Once

from ..errors import PasswordNotSet, PasswordRequired, PasswordWrong, SpendingLocked
from ..locks import card_lock
from ..models import MembershipCard

PIN_PATTERN = re.compile(r"\d{6}")


class CardPinHasher(PBKDF2PasswordHasher):
    """PBKDF2 over an HMAC of the PIN keyed with CARD_PIN_PEPPER (a secret of its own, kept out
    of the database and apart from SECRET_KEY, so rotating the one leaves the other working).

    A six-digit PIN has 10^6 values: no iteration count protects a stolen hash on its own, the
    pepper does; online guessing is bounded by the lockout. Fewer iterations than a login
    password then cost nothing in safety and keep a counter spend fast. A PIN hashed with a
    pepper from CARD_PIN_PEPPER_FALLBACKS still verifies, and is re-hashed with the current one.
    """

    algorithm = "card_pin_pbkdf2"
    iterations = 20_000

    def encode(self, password, salt, iterations=None, *, pepper: str | None = None):
        return super().encode(self.pepper(password, pepper), salt, iterations)

    def verify(self, password, encoded):
        return self.pepper_matching(password, encoded) is not None

    def pepper_matching(self, password: str, encoded: str) -> str | None:
        """The configured pepper (current first, then fallbacks) `encoded` was made with."""
        if not encoded.startswith(self.algorithm + "$"):
            return None
        decoded = self.decode(encoded)
        for pepper in [settings.CARD_PIN_PEPPER, *settings.CARD_PIN_PEPPER_FALLBACKS]:
            candidate = self.encode(password, decoded["salt"], decoded["iterations"], pepper=pepper)
            if constant_time_compare(encoded, candidate):
                return pepper
        return None

    @staticmethod
    def pepper(password: str, pepper: str | None = None) -> str:
        key = pepper or settings.CARD_PIN_PEPPER
        return salted_hmac("loyalty.card-pin", password, secret=key).hexdigest()


def pin_validate(pin: str) -> str:
    if not PIN_PATTERN.fullmatch(pin or ""):
        raise serializers.ValidationError({"password": [_("消费密码须为 6 位数字。")]})
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise serializers.ValidationError({"password": [_("消费密码过于简单。")]})
    return pin


@transaction.atomic
def card_password_set(*, card: MembershipCard, password: str) -> MembershipCard:
    """Set or reset (the API checks the consumer's login password first); clears the lock."""
    pin_validate(password)
    card = card_lock(card.pk)
    card.password = make_password(password, hasher=CardPinHasher())
    card.password_failures = 0
    card.spending_locked_until = None
    card.save(update_fields=["password", "password_failures", "spending_locked_until"])
    return card


def spending_locked(card: MembershipCard) -> bool:
    return bool(card.spending_locked_until and card.spending_locked_until > timezone.now())


def card_spending_authorize(
    *, card_id: int, password: str | None, points: int, balance_fen: int, once: Once
) -> None:
    """The one rule before paying with a card, at the counter or in an order: using points or
    balance needs the consumption password. It is checked in its own transaction before the
    payment's, so a wrong try is counted although the payment is refused and rolled back; a
    request that could not run (no idempotency key) costs no try."""
    if not (points or balance_fen):
        return
    once.check()
    card_password_check(card_id=card_id, password=password)


def card_password_check(*, card_id: int, password: str | None) -> None:
    """Raise unless `password` is the card's; counts a wrong try durably (own transaction).

    Call it outside the spend's transaction: a refused spend rolls back, the count must not.
    """
    if not password:
        raise PasswordRequired(fields={"password": [str(PasswordRequired.message)]})
    with transaction.atomic():
        card = card_lock(card_id)
        if not card.password:
            raise PasswordNotSet()
        if spending_locked(card):
            raise SpendingLocked()
        hasher = CardPinHasher()
        pepper = hasher.pepper_matching(password, card.password)
        if pepper is not None:
            fields = ["password_failures", "spending_locked_until"]
            if pepper != settings.CARD_PIN_PEPPER:  # a rotated pepper: re-hash with the new
                card.password = make_password(password, hasher=hasher)
                fields.append("password")
            if card.password_failures or "password" in fields:
                card.password_failures = 0
                card.spending_locked_until = None
                card.save(update_fields=fields)
            return
        if card.spending_locked_until:  # an earlier lock has run out: count afresh
            card.password_failures = 0
            card.spending_locked_until = None
        card.password_failures += 1
        limit = settings.CARD_PASSWORD_FAILURE_LIMIT
        if card.password_failures >= limit:
            card.spending_locked_until = timezone.now() + timedelta(
                minutes=settings.CARD_PASSWORD_LOCK_MINUTES
            )
        card.save(update_fields=["password_failures", "spending_locked_until"])
    if card.spending_locked_until:
        raise SpendingLocked()
    left = limit - card.password_failures
    raise PasswordWrong(
        fields={"password": [_("消费密码错误，还可尝试 %(left)s 次。") % {"left": left}]}
    )
