import json
from dataclasses import dataclass

import phonenumbers
from django.conf import settings

from core.redaction import mask


class TemporaryFailure(Exception):
    """The gateway may accept the message later (timeout, rate limit, 5xx): retry with backoff."""


class PermanentFailure(Exception):
    """The gateway will never accept it (invalid number, rejected credentials): give up."""


@dataclass(frozen=True)
class OutgoingMessage:
    """What a backend gets: no model instance, so a gateway needs no knowledge of ours.
    `idempotency_key` is stable across retries; gateways that take one deduplicate with it.
    `kind` (notifications.models.MessageKind) picks an SMS gateway's template."""

    channel: str
    address: str
    title: str
    body: str
    data: dict
    idempotency_key: str
    kind: str = ""


@dataclass(frozen=True)
class PushToken:
    """One device to push to: `platform` says which push service knows `token` (ios: APNs,
    android: FCM, harmony: Push Kit; web: the subscription's endpoint URL, with its keys
    `p256dh` and `auth`). Its repr shows only the token's tail, for logs."""

    platform: str
    token: str
    p256dh: str = ""
    auth: str = ""

    @property
    def masked(self) -> str:
        return mask(self.token)

    def __repr__(self):
        return f"PushToken({self.platform}, {self.masked})"


@dataclass(frozen=True)
class PushReceipt:
    """What the push service said: its message id, and the tokens it reported invalid or
    unregistered (an uninstalled app, an expired token), whose devices we deactivate."""

    provider_message_id: str
    invalid_tokens: frozenset[str] = frozenset()


def json_line(message: OutgoingMessage, token: PushToken | None = None) -> str:
    """The message as one JSON line, for the development backends; with a device, its platform
    and masked token."""
    device = {"platform": token.platform, "token": token.masked} if token else {}
    return json.dumps({**message.__dict__, **device}, ensure_ascii=False)


class ChannelBackend:
    def send(self, message: OutgoingMessage) -> str:
        """SMS: hand the message over; return the provider's message id, or raise
        TemporaryFailure or PermanentFailure."""
        raise NotImplementedError

    def send_push(self, message: OutgoingMessage, tokens: list[PushToken]) -> PushReceipt:
        """Push: send the message to each of the recipient's active devices (never called with
        none). Raise TemporaryFailure or PermanentFailure for the message as a whole; a retry
        sends to every device again under the same idempotency key. Never log a full token."""
        raise NotImplementedError


@dataclass(frozen=True)
class DeliveryReceipt:
    """A gateway's status report for one SMS: `provider_message_id` is what `send` returned."""

    provider_message_id: str
    phone: str
    delivered: bool
    error: str = ""


@dataclass(frozen=True)
class InboundReply:
    """A reply sent to our sign (上行短信): "R" or "T" means no more marketing."""

    phone: str
    text: str


class SmsGateway(ChannelBackend):
    """An SMS gateway: sends by approved template (SMS_TEMPLATES) under the approved sign
    name, and reads the status reports and replies its callbacks POST to us."""

    name = ""
    callback_ack: dict = {}

    def receipts_from(self, payload) -> list[DeliveryReceipt]:
        raise NotImplementedError

    def replies_from(self, payload) -> list[InboundReply]:
        raise NotImplementedError


def sms_template(message: OutgoingMessage) -> tuple[str, list[tuple[str, str]]]:
    """The approved template for the message's kind and its parameters in order, each read from
    the message's data, else its title or body (settings.SMS_TEMPLATES)."""
    spec = settings.SMS_TEMPLATES.get(message.kind)
    if not spec:
        raise PermanentFailure(f"no SMS template for kind {message.kind!r}")
    values = {"title": message.title, "body": message.body}
    values.update({key: str(value) for key, value in message.data.items()})
    return spec["template"], [(name, values.get(name, "")) for name in spec.get("params", [])]


def national_phone(address: str) -> str:
    """+8613800000000 -> 13800000000 (mainland numbers go without the country code); other
    countries keep theirs, without the plus."""
    return address[3:] if address.startswith("+86") else address.lstrip("+")


def e164_phone(number: str, nation_code: str = "86") -> str:
    """What a gateway reports (13800000000, 8613800000000, +8613800000000) as we store it, or
    "" for something that is no valid phone number."""
    digits = str(number).strip().lstrip("+")
    if not digits.isdigit():
        return ""
    nation_code = str(nation_code)
    mainland_mobile = len(digits) == 11 and digits.startswith("1")
    if (mainland_mobile and nation_code == "86") or not digits.startswith(nation_code):
        digits = nation_code + digits
    try:
        parsed = phonenumbers.parse(f"+{digits}")
    except phonenumbers.NumberParseException:
        return ""
    valid = phonenumbers.is_valid_number(parsed)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) if valid else ""
