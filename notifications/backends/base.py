from dataclasses import dataclass


class TemporaryFailure(Exception):
    """The gateway may accept the message later (timeout, rate limit, 5xx): retry with backoff."""


class PermanentFailure(Exception):
    """The gateway will never accept it (invalid number, unregistered device): give up."""


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


class ChannelBackend:
    def send(self, message: OutgoingMessage) -> str:
        """Hand the message over; return the provider's message id, or raise TemporaryFailure
        or PermanentFailure."""
        raise NotImplementedError
