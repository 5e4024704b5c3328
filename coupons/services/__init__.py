"""Everything that writes coupons: campaigns, issuance, the counter."""

from .campaigns import (
    campaign_create,
    campaign_delete,
    campaign_image_set,
    campaign_transition,
    campaign_update,
    campaigns_end_past_window,
)
from .counter import coupon_counter_redeem, redemption_counter_reverse
from .issuance import coupon_claim, coupons_issue, paper_batch_create
from .redemption import coupon_redeem, redemption_reverse

__all__ = [
    "campaign_create",
    "campaign_delete",
    "campaign_image_set",
    "campaign_transition",
    "campaign_update",
    "campaigns_end_past_window",
    "coupon_claim",
    "coupon_counter_redeem",
    "coupon_redeem",
    "coupons_issue",
    "paper_batch_create",
    "redemption_counter_reverse",
    "redemption_reverse",
]
