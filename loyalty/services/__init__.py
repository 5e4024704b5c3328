"""Everything that writes in the loyalty app; see each module's docstring.

- ledger:    the primitives (lock a card, append a row, points lots, reverse a row)
- purchases: counter and online purchases, online earning, reversal by reference, adjust
- password:  the consumption password and its lockout
- top_up:    stored value through a payment backend, with bonus tiers; top-up refunds
- programs:  a merchant's program, levels, bonus tiers, shops
- cards:     apply, grant, approve, freeze
- levels:    automatic upgrade / downgrade
- design:    card design and rendering

For the orders app (bookings and purchases):

- the card to use: `loyalty.selectors.card_for_purchase(consumer=, shop=)` (active, valid at
  the shop, or None); the figures: `loyalty.selectors.purchase_quote(card=, amount_fen=,
  points_to_use=, online=True)` (member price, points value, points to earn).
- paying with the card: `card_spending_authorize(card_id=, password=, points=, balance_fen=,
  once=)` in its own transaction first
  (a wrong try is counted even though the order fails), then `card_purchase_record(card_id=,
  amount_fen=, points_to_use=, balance_to_use_fen=, channel=Channel.ONLINE,
  reference="order:123", idempotency_key="order:123", by=consumer)`.
- earning on an order paid by other means: `card_online_purchase_earn(card=, amount_fen=,
  reference="order:123")`, idempotent per reference.
- a refund: `card_reference_reverse(reference="order:123")` gives back spent points and
  balance, then takes back earned points; earned points already spent are never driven below
  zero: `points_unrecovered` and `points_unrecovered_value_fen` say what could not be taken
  back (withhold that value from the cash refund, or write it off: the order's decision).
- money: `payments.services.payment_charge(...)` / `payment_refund(...)`.
"""

from .cards import (
    card_apply,
    card_grant,
    card_invitation_accept,
    card_invitation_decline,
    card_invite,
    card_status_set,
)
from .counter import card_at_counter, card_counter_purchase, card_counter_top_up
from .design import (
    card_design_image_set,
    card_design_preview_png,
    card_design_publish,
    card_design_update,
    card_image_png,
)
from .levels import card_level_review_by_id
from .password import card_password_check, card_password_set, card_spending_authorize
from .programs import card_program_save
from .purchases import (
    PurchaseResult,
    ReferenceReversal,
    card_adjust,
    card_online_purchase_earn,
    card_points_expire,
    card_purchase_record,
    card_reference_reverse,
)
from .top_up import TopUpResult, card_top_up, card_top_up_refund

__all__ = [
    "PurchaseResult",
    "ReferenceReversal",
    "TopUpResult",
    "card_adjust",
    "card_apply",
    "card_at_counter",
    "card_counter_purchase",
    "card_counter_top_up",
    "card_design_image_set",
    "card_design_preview_png",
    "card_design_publish",
    "card_design_update",
    "card_grant",
    "card_image_png",
    "card_invitation_accept",
    "card_invitation_decline",
    "card_invite",
    "card_level_review_by_id",
    "card_online_purchase_earn",
    "card_password_check",
    "card_password_set",
    "card_points_expire",
    "card_program_save",
    "card_purchase_record",
    "card_reference_reverse",
    "card_spending_authorize",
    "card_status_set",
    "card_top_up",
    "card_top_up_refund",
]
