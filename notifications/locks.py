"""Row locks of the notifications app (ARCHITECTURE.md, "locks.py"): one row at a time."""

from accounts.models import User
from merchants.models import Merchant

from .models import MarketingConsent, Preference


def preference_lock(user: User) -> Preference | None:
    return Preference.objects.select_for_update(of=("self",)).filter(user=user).first()


def marketing_consent_lock(*, phone: str, merchant: Merchant) -> MarketingConsent | None:
    return (
        MarketingConsent.objects.select_for_update(of=("self",))
        .filter(phone=phone, merchant=merchant)
        .first()
    )
