"""Every kind of consent a user can give, in one registry: the documents (privacy policy and
terms, stored here), location (stored in geo, beside the features it gates), and any kind a
lower app keeps of its own. A new kind is one entry.

Marketing SMS consent is kept by notifications (engineer `sms`): after the merge, add

    "marketing": ConsentKind(
        kind="marketing", title=_("营销短信"), required=False, document=None,
        state=<notifications' state reader>, grant=..., withdraw=...,
    ),

and /me/consents/ lists it, accepts it and withdraws it like the others.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from geo import services as geo_services
from geo.models import LocationConsent

from .models import Consent, DocumentKind


@dataclass(frozen=True)
class ConsentState:
    granted: bool
    version: int | None = None
    channel: str = ""
    granted_at: Any = None
    withdrawn_at: Any = None


@dataclass(frozen=True)
class ConsentKind:
    kind: str
    title: Any
    required: bool  # the service cannot be used without it (asked again on a new version)
    document: str | None  # the PolicyDocument kind that explains it
    state: Callable[[User], ConsentState]
    grant: Callable[[User, int | None, str], None]
    withdraw: Callable[[User], None]
    consumers_only: bool = False


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
    def grant(user: User, version: int | None, channel: str) -> None:
        from .services.consents import document_consent_record

        document_consent_record(user=user, kind=kind, version=version, channel=channel)

    return grant


def document_withdraw(kind: str) -> Callable[[User], None]:
    def withdraw(user: User) -> None:
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
        grant=lambda user, version, channel: geo_services.location_consent_grant(
            consumer=user, version=version, channel=channel
        ),
        withdraw=lambda user: geo_services.location_consent_withdraw(consumer=user),
        consumers_only=True,
    ),
}
