"""Where orders meet money and membership: payments and the loyalty card's discount and points.

Every call names the order by its reference (`order:<id>`), the key payments and the points
ledger use, so a refund or a reversal finds what the order charged or earned.
"""

from dataclasses import dataclass

from accounts.models import User
from merchants.models import Shop


@dataclass(frozen=True)
class MemberQuote:
    card: object | None = None
    member_discount_fen: int = 0
    points_used: int = 0
    points_discount_fen: int = 0


def member_quote(*, consumer: User, shop: Shop, amount_fen: int, points: int) -> MemberQuote:
    """The member price of `amount_fen` for the consumer's card valid at `shop`."""
    return MemberQuote()


def order_charge(*, order) -> None:
    """Charge the order's amount and spend the points it uses."""


def order_refund(*, order, amount_fen: int) -> None:
    """Give back `amount_fen` of what the order paid and reverse its points entries."""


def order_points_earn(*, order) -> None:
    """Points for a consumed order, at the card level's rate."""
