"""A merchant's customer segments, as the offers that target them see them.

Coupon campaigns and flash deals can be aimed at CRM segments, but they sit below crm
(ARCHITECTURE: Layout), so they cannot import it. The names live here, and crm registers its
directory at start (CrmConfig.ready): the rows that say which consumer is in which segment of
which merchant. The offers ask through this module.
"""

from collections.abc import Callable, Sequence

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    CHAMPIONS = "champions", _("重要价值")
    LOYAL = "loyal", _("忠诚")
    POTENTIAL = "potential", _("潜力")
    NEW = "new", _("新客")
    AT_RISK = "at_risk", _("流失预警")
    HIBERNATING = "hibernating", _("沉睡")
    LOST = "lost", _("已流失")


_directory: list[Callable[[], QuerySet]] = []


def directory_register(rows: Callable[[], QuerySet]) -> None:
    """`rows()` gives one row per customer of a merchant, with `merchant_id`, `consumer_id`
    (null for a customer without an account) and `segment`."""
    _directory[:] = [rows]


def directory() -> QuerySet:
    if not _directory:
        raise LookupError("No customer directory registered (crm registers it in ready()).")
    return _directory[0]()


def segment_member_ids(merchant_id: int, segments: Sequence[str]) -> QuerySet:
    """Consumer ids of the merchant's customers in any of the segments: for coupon campaigns
    (audience "segments") and flash deals pushed to a customer list. "at_risk" and "lost" are
    the churn model's (crm.services.grading.churn_segment), the others RFM's."""
    return (
        directory()
        .filter(merchant_id=merchant_id, segment__in=segments, consumer__isnull=False)
        .values_list("consumer_id", flat=True)
    )


def in_segments(merchant_id: int, consumer_id: int, segments: Sequence[str]) -> bool:
    return segment_member_ids(merchant_id, segments).filter(consumer_id=consumer_id).exists()
