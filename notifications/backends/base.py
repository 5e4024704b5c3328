import json
from dataclasses import dataclass

from core.redaction import mask


class TemporaryFailure(Exception):
    """The gateway may accept the message later (timeout, rate limit, 5xx): retry with backoff."""


class PermanentFailure(Exception):
    """The gateway will never accept it (invalid number, rejected credentials): give up."""


@dataclass(frozen=True)
class OutgoingMessage:
    """What a backend gets: no model instance, so a gateway needs no knowledge of ours.
    `idempotency_key` is stable across retries; gateways that take one deduplicate with it."""

    channel: str
    address: str
    title: str
    body: str
    data: dict
    idempotency_key: str


@dataclass(frozen=True)
class PushToken:
    """One device to push to: `platform` says which push service knows `token` (ios: APNs,
    android: FCM, harmony: Push Kit). Its repr shows only the token's tail, for logs."""

    platform: str
    token: str

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
