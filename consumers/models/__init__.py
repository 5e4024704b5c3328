from .orders import (
    ActorRole,
    ConsumedVia,
    Dispute,
    DisputeStatus,
    Fulfilment,
    Order,
    OrderEvent,
    OrderKind,
    OrderState,
)
from .policy import ServiceMode, ShopOrderPolicy
from .reviews import (
    CategoryRatingPrior,
    ReportReason,
    ReportStatus,
    Review,
    ReviewPhoto,
    ReviewReport,
    ReviewStatus,
)
from .slots import ResourceKind, TimeSlot

__all__ = [
    "ActorRole",
    "CategoryRatingPrior",
    "ConsumedVia",
    "Dispute",
    "DisputeStatus",
    "Fulfilment",
    "Order",
    "OrderEvent",
    "OrderKind",
    "OrderState",
    "ReportReason",
    "ReportStatus",
    "ResourceKind",
    "Review",
    "ReviewPhoto",
    "ReviewReport",
    "ReviewStatus",
    "ServiceMode",
    "ShopOrderPolicy",
    "TimeSlot",
]
