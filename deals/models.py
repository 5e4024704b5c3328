"""Flash deals: a coupon campaign with a short window, pushed to a target when it starts.

The campaign (coupons.Campaign, one to one) holds the offer and its validity; the deal holds
whom to tell and how the telling went. `DealRecipient` is the fan-out's record and its guard:
one row per (deal, consumer) under a unique constraint, inserted in the same transaction as
that consumer's inbox row and outbox messages, so a re-run skips whoever was told already.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.radius import RADIUS_MAX_M, RADIUS_MIN_M


class DealTarget(models.TextChoices):
    RADIUS = "radius", _("门店周边的订阅者")
    CUSTOMER_LIST = "customer_list", _("指定顾客名单")
    LEVELS = "levels", _("指定会员等级")
    SEGMENTS = "segments", _("指定客户分群")


class DealStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class FlashDeal(models.Model):
    campaign = models.OneToOneField(
        "coupons.Campaign", related_name="flash_deal", on_delete=models.PROTECT
    )
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="flash_deals", on_delete=models.PROTECT
    )
    shop = models.ForeignKey("merchants.Shop", related_name="flash_deals", on_delete=models.PROTECT)
    target = models.CharField(_("推送对象"), max_length=20, choices=DealTarget.choices)
    radius_m = models.PositiveIntegerField(_("推送半径（米）"), null=True, blank=True)
    sms = models.BooleanField(_("同时发短信"), default=False)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(max_length=10, choices=DealStatus.choices, default=DealStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    fanout_started_at = models.DateTimeField(null=True, blank=True)
    fanout_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("闪购")
        verbose_name_plural = _("闪购")
        indexes = [
            models.Index(
                fields=["starts_at"],
                condition=Q(status="published", fanout_finished_at__isnull=True),
                name="deal_fanout_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="deal_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(target="radius")
                | Q(radius_m__gte=RADIUS_MIN_M, radius_m__lte=RADIUS_MAX_M),
                name="deal_radius_target_has_radius",
            ),
            models.CheckConstraint(
                condition=Q(sms=False) | Q(target="customer_list"),
                name="deal_sms_only_for_customer_list",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.target}"

    @property
    def dedupe_key(self) -> str:
        return f"deal:{self.pk}"


class DealRecipient(models.Model):
    deal = models.ForeignKey(FlashDeal, related_name="recipients", on_delete=models.CASCADE)
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deal", "consumer"], name="deal_recipient_once")
        ]

    def __str__(self):
        return f"{self.deal_id} -> {self.consumer_id}"
