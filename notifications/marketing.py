"""Marketing SMS consent, opt-outs, and what SMS gateways report back (status reports, replies).

Marketing (MARKETING_KINDS) goes by SMS only to a phone with the merchant's consent and no
opt-out; a phone with no account only when platform staff verified the merchant. Every
marketing text ends with the carriers' opt-out words (SMS_MARKETING_OPT_OUT). A reply made of
one of SMS_OPT_OUT_REPLIES, or a click on the unsubscribe link, opts the phone out of all
marketing, recorded with its source and time.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from merchants.models import Merchant

from .backends.base import DeliveryReceipt, InboundReply
from .errors import MerchantNotVerified, PhoneNotVerified
from .locks import marketing_consent_lock
from .models import (
    ConsentSource,
    DeliveryStatus,
    MarketingConsent,
    MarketingOptOut,
    OutboxMessage,
    SmsReply,
)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


# --- consent ---------------------------------------------------------------------------------


@transaction.atomic
def marketing_consent_set(
    *,
    phone: str,
    merchant: Merchant,
    granted: bool,
    source: str,
    recorded_by: User | None = None,
    now: datetime | None = None,
) -> MarketingConsent:
    """Give or withdraw a phone's consent to a merchant's marketing SMS. In the app
    (source `app`) the account must have proved the phone, and consenting there lifts an
    earlier opt-out; a consent a merchant records from the counter needs a verified merchant
    and never lifts one."""
    now = now or timezone.now()
    phone = str(phone)
    if source == ConsentSource.APP and not (recorded_by and recorded_by.phone_verified):
        raise PhoneNotVerified()
    if source == ConsentSource.COUNTER and granted and not merchant.is_verified:
        raise MerchantNotVerified()
    consent = marketing_consent_lock(phone=phone, merchant=merchant) or MarketingConsent(
        phone=phone, merchant=merchant
    )
    consent.granted, consent.source, consent.changed_at = granted, source, now
    consent.recorded_by = recorded_by
    if granted:
        consent.granted_at = now
    else:
        consent.withdrawn_at = now
    consent.save()
    if granted and source == ConsentSource.APP:
        MarketingOptOut.objects.filter(phone=phone).delete()
    return consent


@transaction.atomic
def marketing_opt_out(
    *, phone: str, source: str, detail: str = "", now: datetime | None = None
) -> bool:
    """The phone wants no more marketing from anyone: every consent it gave is withdrawn
    (source and time kept). True when it was not opted out already."""
    now = now or timezone.now()
    phone = str(phone)
    _, created = MarketingOptOut.objects.get_or_create(
        phone=phone, defaults={"source": source, "detail": detail[:100], "created_at": now}
    )
    MarketingConsent.objects.filter(phone=phone, granted=True).update(
        granted=False, source=source, changed_at=now, withdrawn_at=now
    )
    return created


def marketing_allowed_phones(*, merchant_id: int, phones: Iterable[str]) -> set[str]:
    """Those of `phones` that consented to the merchant's marketing and did not opt out."""
    phones = [str(phone) for phone in phones]
    if not phones:
        return set()
    opted_out = MarketingOptOut.objects.filter(phone=OuterRef("phone"))
    return {
        str(phone)
        for phone in MarketingConsent.objects.filter(
            merchant_id=merchant_id, phone__in=phones, granted=True
        )
        .exclude(Exists(opted_out))
        .values_list("phone", flat=True)
    }


@dataclass(frozen=True)
class ConsentState:
    """What the CRM shows for a customer's phone: consent to this merchant's marketing SMS."""

    granted: bool  # and not opted out
    source: str  # ConsentSource of the last change ("" when never asked)
    changed_at: datetime | None
    opted_out: bool

    @property
    def source_label(self) -> str:
        return ConsentSource(self.source).label if self.source else ""


def marketing_consents_of(*, merchant_id: int, phones: Iterable[str]) -> dict[str, ConsentState]:
    """Each phone's consent state for the merchant (phones never asked are absent)."""
    phones = [str(phone) for phone in phones if phone]
    opted = dict(
        MarketingOptOut.objects.filter(phone__in=phones).values_list("phone", "created_at")
    )
    opted = {str(phone): at for phone, at in opted.items()}
    states = {}
    for consent in MarketingConsent.objects.filter(merchant_id=merchant_id, phone__in=phones):
        phone = str(consent.phone)
        states[phone] = ConsentState(
            consent.granted and phone not in opted, consent.source, consent.changed_at,
            phone in opted,
        )  # fmt: skip
    for phone, at in opted.items():
        states.setdefault(phone, ConsentState(False, ConsentSource.SMS_REPLY, at, True))
    return states


def phone_opted_out(phone: str) -> bool:
    return MarketingOptOut.objects.filter(phone=str(phone)).exists()


def merchant_may_text_strangers(merchant_id: int) -> bool:
    """Phones without an account get a merchant's SMS only once platform staff verified it."""
    return Merchant.objects.filter(pk=merchant_id, verified_at__isnull=False).exists()


def marketing_text(body: str) -> str:
    """A marketing SMS's text, ending with the carriers' opt-out words."""
    words = settings.SMS_MARKETING_OPT_OUT
    return body if body.endswith(words) else f"{body[: 500 - len(words) - 1]} {words}"


# --- unsubscribe links -----------------------------------------------------------------------


def unsubscribe_token(phone: str) -> str:
    return signing.dumps(str(phone), salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_phone(token: str) -> str | None:
    """The phone a link names, or None for a forged or altered one."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


# --- what gateways report --------------------------------------------------------------------


def sms_receipts_record(*, receipts: list[DeliveryReceipt], now: datetime | None = None) -> int:
    """Status reports onto their messages (matched by the provider's id and the phone); a
    report for a message already reported delivered changes nothing. How many matched."""
    now = now or timezone.now()
    matched = 0
    for receipt in receipts:
        if not receipt.provider_message_id:
            continue
        status = DeliveryStatus.DELIVERED if receipt.delivered else DeliveryStatus.UNDELIVERED
        matched += (
            OutboxMessage.objects.filter(
                channel="sms",
                provider_message_id=receipt.provider_message_id,
                address=receipt.phone,
            )
            .exclude(delivery_status=DeliveryStatus.DELIVERED)
            .update(delivery_status=status, delivery_error=receipt.error[:100], delivered_at=now)
        )
    return matched


def sms_replies_record(
    *, gateway: str, replies: list[InboundReply], now: datetime | None = None
) -> int:
    """Keep each reply; an opt-out word opts its phone out. How many opted out."""
    now = now or timezone.now()
    words = {word.strip().upper() for word in settings.SMS_OPT_OUT_REPLIES}
    opted = 0
    for reply in replies:
        if not reply.phone:
            continue
        stop = reply.text.strip().upper() in words
        SmsReply.objects.create(
            gateway=gateway, phone=reply.phone, text=reply.text[:500], received_at=now,
            opted_out=stop,
        )  # fmt: skip
        if stop:
            marketing_opt_out(
                phone=reply.phone, source=ConsentSource.SMS_REPLY, detail=reply.text, now=now
            )
            opted += 1
    return opted
