"""What a payment is for decides what its outcome means. Payments sit below the apps that take
money (orders, card top-ups), so each of them registers its purpose here when it loads
(`AppConfig.ready`), and `payments.services` calls it, in the payment's transaction:

- `paid(payment) -> bool`: the money came; the purpose does what it was paid for. False: the
  purpose no longer wants it (closed meanwhile): the payment is refunded whole and flagged.
- `closed(payment)`: the payment will never come (timed out, declined, cancelled at the
  counter); the purpose releases what it held (slot places, points).

A purpose with no entry accepts the money and holds nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Purpose:
    paid: Callable[..., bool]
    closed: Callable[..., None]


REGISTRY: dict[str, Purpose] = {}


def purpose_register(name: str, *, paid: Callable[..., bool], closed: Callable[..., None]) -> None:
    REGISTRY[name] = Purpose(paid=paid, closed=closed)


def purpose_paid(payment) -> bool:
    entry = REGISTRY.get(payment.purpose)
    return entry.paid(payment) if entry else True


def purpose_closed(payment) -> None:
    if entry := REGISTRY.get(payment.purpose):
        entry.closed(payment)
