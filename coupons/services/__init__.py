"""Everything that writes coupons: campaigns, issuance, the counter."""

from .campaigns import (
    campaign_create,
    campaign_delete,
    campaign_image_set,
    campaign_transition,
    campaign_update,
    campaigns_end_past_window,
)
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
    "coupon_redeem",
    "coupons_issue",
    "paper_batch_create",
    "redemption_reverse",
]
