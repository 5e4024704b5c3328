"""Every kind of consent a user can give, in one registry: the documents (privacy policy and
terms, stored here), location (stored in geo, beside the features it gates), and marketing SMS
(kept by notifications per phone and merchant: one row per merchant, `merchant` naming it).
A new kind is one entry; /me/consents/ lists, accepts and withdraws each the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import NotFound
from geo import services as geo_services
from geo.models import LocationConsent
from merchants.models import Merchant
from notifications import marketing
from notifications.models import ConsentSource, MarketingConsent, MarketingOptOut

from .errors import MerchantRequired
from .models import Consent, DocumentKind


@dataclass(frozen=True)
class ConsentState:
    granted: bool
    version: int | None = None
    channel: str = ""
    granted_at: Any = None
    withdrawn_at: Any = None
    merchant: int | None = None  # per-merchant kinds (marketing): whose
    merchant_name: str = ""


@dataclass(frozen=True)
class ConsentKind:
    kind: str
    title: Any
    required: bool  # the service cannot be used without it (asked again on a new version)
    document: str | None  # the PolicyDocument kind that explains it
    state: Callable[[User], ConsentState]
    grant: Callable[..., None]  # (user, version, channel, merchant=None)
    withdraw: Callable[..., None]  # (user, merchant=None)
    consumers_only: bool = False
    rows: Callable[[User], list[ConsentState]] | None = None  # several (per merchant)

    def states(self, user: User) -> list[ConsentState]:
        return self.rows(user) if self.rows else [self.state(user)]


def document_state(kind: str) -> Callable[[User], ConsentState]:
    def state(user: User) -> ConsentState:
        last = Consent.objects.filter(user=user, kind=kind).order_by("-granted_at", "-pk").first()
        if last is None:
            return ConsentState(granted=False)
        return ConsentState(
            granted=last.withdrawn_at is None,
            version=last.version,
            channel=last.channel,
            granted_at=last.granted_at,
            withdrawn_at=last.withdrawn_at,
        )

    return state


def document_grant(kind: str) -> Callable[[User, int | None, str], None]:
    def grant(user: User, version: int | None, channel: str, merchant: int | None = None) -> None:
        from .services.consents import document_consent_record

        document_consent_record(user=user, kind=kind, version=version, channel=channel)

    return grant


def document_withdraw(kind: str) -> Callable[[User], None]:
    def withdraw(user: User, merchant: int | None = None) -> None:
        from .services.consents import document_consent_withdraw

        document_consent_withdraw(user=user, kind=kind)

    return withdraw


def location_state(user: User) -> ConsentState:
    consent = LocationConsent.objects.filter(consumer=user).first()
    if consent is None:
        return ConsentState(granted=False)
    return ConsentState(
        granted=consent.granted,
        version=consent.version,
        channel=consent.channel,
        granted_at=consent.granted_at,
        withdrawn_at=consent.withdrawn_at,
    )


def marketing_rows(user: User) -> list[ConsentState]:
    phone = str(user.phone)
    opted_out = MarketingOptOut.objects.filter(phone=phone).exists()
    consents = MarketingConsent.objects.filter(phone=phone).select_related("merchant")
    return [
        ConsentState(
            granted=consent.granted and not opted_out,
            channel=consent.source,
            granted_at=consent.granted_at,
            withdrawn_at=consent.withdrawn_at,
            merchant=consent.merchant_id,
            merchant_name=consent.merchant.name,
        )
        for consent in consents.order_by("merchant_id")
    ]


def marketing_state(user: User) -> ConsentState:
    """Any merchant may text me (the per-merchant rows say which)."""
    rows = marketing_rows(user)
    return ConsentState(granted=any(row.granted for row in rows))


def marketing_merchant(merchant: int | None) -> Merchant:
    if not merchant:
        raise MerchantRequired(fields={"merchant": [str(MerchantRequired.message)]})
    found = Merchant.objects.filter(pk=merchant).first()
    if found is None:
        raise NotFound(fields={"merchant": [str(NotFound.message)]})
    return found


def marketing_grant(user: User, version: int | None, channel: str, merchant: int | None = None):
    marketing.marketing_consent_set(
        phone=str(user.phone),
        merchant=marketing_merchant(merchant),
        granted=True,
        source=ConsentSource.APP,
        recorded_by=user,
    )


def marketing_withdraw(user: User, merchant: int | None = None) -> None:
    """One merchant's consent, or (no merchant named) every merchant's."""
    phone = str(user.phone)
    consents = MarketingConsent.objects.filter(phone=phone, granted=True)
    merchants = [marketing_merchant(merchant)] if merchant else [c.merchant for c in consents]
    for each in merchants:
        marketing.marketing_consent_set(
            phone=phone, merchant=each, granted=False, source=ConsentSource.APP, recorded_by=user
        )


KINDS: dict[str, ConsentKind] = {
    "privacy": ConsentKind(
        kind="privacy",
        title=DocumentKind.PRIVACY.label,
        required=True,
        document=DocumentKind.PRIVACY,
        state=document_state(DocumentKind.PRIVACY),
        grant=document_grant(DocumentKind.PRIVACY),
        withdraw=document_withdraw(DocumentKind.PRIVACY),
    ),
    "terms": ConsentKind(
        kind="terms",
        title=DocumentKind.TERMS.label,
        required=True,
        document=DocumentKind.TERMS,
        state=document_state(DocumentKind.TERMS),
        grant=document_grant(DocumentKind.TERMS),
        withdraw=document_withdraw(DocumentKind.TERMS),
    ),
    "location": ConsentKind(
        kind="location",
        title=_("位置信息（活动区域、签到、附近订阅）"),
        required=False,
        document=DocumentKind.LOCATION,
        state=location_state,
        grant=lambda user, version, channel, merchant=None: geo_services.location_consent_grant(
            consumer=user, version=version, channel=channel
        ),
        withdraw=lambda user, merchant=None: geo_services.location_consent_withdraw(consumer=user),
        consumers_only=True,
    ),
    "marketing": ConsentKind(
        kind="marketing",
        title=_("商户营销短信（闪购、活动）"),
        required=False,
        document=None,
        state=marketing_state,
        rows=marketing_rows,
        grant=marketing_grant,
        withdraw=marketing_withdraw,
        consumers_only=True,
    ),
}
