"""Everything that writes orders, slots, disputes and reviews (see each module)."""

from .counter import order_counter_consume
from .disputes import dispute_open, dispute_resolve
from .orders import (
    auto_consume_due,
    order_accept,
    order_cancel_by_consumer,
    order_cancel_by_merchant,
    order_consume,
    order_create,
    order_expire,
    order_mark_no_show,
    order_refund,
)
from .reviews import (
    review_create_general,
    review_create_verified,
    review_moderate,
    review_photo_add,
    review_reply,
    review_report,
)
from .slots import order_policy_set, slot_capacity_set, slot_delete, slots_create

__all__ = [
    "auto_consume_due",
    "dispute_open",
    "dispute_resolve",
    "order_accept",
    "order_cancel_by_consumer",
    "order_cancel_by_merchant",
    "order_consume",
    "order_counter_consume",
    "order_create",
    "order_expire",
    "order_mark_no_show",
    "order_policy_set",
    "order_refund",
    "review_create_general",
    "review_create_verified",
    "review_moderate",
    "review_photo_add",
    "review_reply",
    "review_report",
    "slot_capacity_set",
    "slot_delete",
    "slots_create",
]
