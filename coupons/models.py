"""Coupon campaigns, the coupons issued from them, paper batches and counter redemptions.

A campaign holds the terms (benefit, minimum spend, validity, shops, audience); a coupon is one
unit in someone's hands with its own code and validity window; a redemption records one use at
a counter and is reversed, never deleted.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

# BenefitKind lives beside the kinds' specs; importing it from here still works.
from .benefits import BenefitKind, benefits_constraint


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    PAUSED = "paused", _("已暂停")
    ENDED = "ended", _("已结束")


class Audience(models.TextChoices):
    ANYONE = "anyone", _("所有人")
    LEVELS = "levels", _("指定会员等级")
    CUSTOMER_LIST = "customer_list", _("指定顾客名单")
    SEGMENTS = "segments", _("指定客户分群")


class Campaign(models.Model):
    """A merchant's coupon offer. Validity is either a fixed window of aware datetimes (flash
    deals use minutes-long windows) or a number of days counted from each coupon's issue."""

    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="campaigns", on_delete=models.PROTECT
    )
    title = models.CharField(_("标题"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    image = models.ImageField(upload_to="campaigns/%Y/%m/", blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )

    benefit_kind = models.CharField(_("优惠类型"), max_length=14, choices=BenefitKind.choices)
    amount_off_fen = models.BigIntegerField(_("立减金额（分）"), null=True, blank=True)
    percent_off = models.PositiveSmallIntegerField(
        _("折扣（减去的百分比）"), null=True, blank=True, help_text="20 = 8 折"
    )
    percent_cap_fen = models.BigIntegerField(_("最多优惠（分）"), null=True, blank=True)
    service = models.ForeignKey(
        "merchants.Service",
        related_name="campaigns",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    special_price_fen = models.BigIntegerField(_("特价（分）"), null=True, blank=True)
    min_spend_fen = models.BigIntegerField(_("最低消费（分）"), default=0)

    valid_from = models.DateTimeField(_("有效期开始"), null=True, blank=True)
    valid_until = models.DateTimeField(_("有效期结束"), null=True, blank=True)
    valid_days_after_issue = models.PositiveIntegerField(_("领取后有效天数"), null=True, blank=True)

    total_quantity = models.PositiveIntegerField(_("发行量"))
    # Coupons made so far by any channel; raised by a conditional UPDATE, never past the total.
    issued_count = models.PositiveIntegerField(default=0, editable=False)
    per_customer_limit = models.PositiveSmallIntegerField(_("每人限领"), default=1)
    shops = models.ManyToManyField(
        "merchants.Shop", related_name="campaigns", blank=True, help_text=_("空 = 全部门店")
    )
    audience = models.CharField(
        _("适用人群"), max_length=14, choices=Audience.choices, default=Audience.ANYONE
    )
    levels = models.ManyToManyField("loyalty.Level", related_name="campaigns", blank=True)
    # RFM segments of the merchant's CRM (core.segments.Segment values), audience `segments`.
    segments = ArrayField(models.CharField(max_length=12), default=list, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("优惠券活动")
        verbose_name_plural = _("优惠券活动")
        indexes = [models.Index(fields=["merchant", "status"], name="campaign_merchant_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_count__lte=F("total_quantity")),
                name="campaign_issued_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(per_customer_limit__gte=1), name="campaign_limit_at_least_1"
            ),
            models.CheckConstraint(
                condition=Q(min_spend_fen__gte=0), name="campaign_min_spend_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(
                    valid_from__isnull=False,
                    valid_until__isnull=False,
                    valid_until__gt=F("valid_from"),
                    valid_days_after_issue__isnull=True,
                )
                | Q(
                    valid_from__isnull=True,
                    valid_until__isnull=True,
                    valid_days_after_issue__gte=1,
                ),
                name="campaign_one_kind_of_validity",
            ),
            models.CheckConstraint(
                condition=benefits_constraint(),
                name="campaign_benefit_fields_match_kind",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def remaining(self) -> int:
        return self.total_quantity - self.issued_count


class CampaignCustomer(models.Model):
    """A phone number on a campaign's customer list (audience `customer_list`)."""

    campaign = models.ForeignKey(Campaign, related_name="customers", on_delete=models.CASCADE)
    phone = PhoneNumberField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "phone"], name="campaign_customer_once")
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.phone}"


class PaperBatch(models.Model):
    """N coupons made at once for printing; the PDF is rendered from them on request."""

    campaign = models.ForeignKey(Campaign, related_name="paper_batches", on_delete=models.PROTECT)
    count = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.campaign_id} × {self.count}"


class CouponChannel(models.TextChoices):
    CLAIM = "claim", _("顾客领取")
    ISSUE = "issue", _("商户发放")
    PAPER = "paper", _("纸质券")


class CouponStatus(models.TextChoices):
    AVAILABLE = "available", _("未使用")
    REDEEMED = "redeemed", _("已使用")


class Coupon(models.Model):
    """One coupon: a typable code (its QR carries the same code, signed) and its own window.

    A coupon given to a phone number whose owner has no account yet has no `holder`; its
    `holder_phone` finds it once they sign up. Paper coupons belong to whoever holds the paper.
    """

    campaign = models.ForeignKey(Campaign, related_name="coupons", on_delete=models.PROTECT)
    code = models.CharField(max_length=16, unique=True)
    channel = models.CharField(max_length=6, choices=CouponChannel.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="coupons",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    holder_phone = PhoneNumberField(blank=True)
    # The n-th coupon of this campaign for this phone: unique, so concurrent claims by one
    # customer cannot both take the same place under the per-customer limit.
    holder_seq = models.PositiveSmallIntegerField(null=True, blank=True)
    batch = models.ForeignKey(
        PaperBatch, related_name="coupons", null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        max_length=10, choices=CouponStatus.choices, default=CouponStatus.AVAILABLE
    )
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    issued_at = models.DateTimeField(default=timezone.now)
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("优惠券")
        verbose_name_plural = _("优惠券")
        indexes = [
            models.Index(fields=["holder", "status", "valid_until"], name="coupon_holder"),
            models.Index(
                fields=["holder_phone"],
                condition=Q(holder__isnull=True) & ~Q(holder_phone=""),
                name="coupon_unclaimed_phone",
            ),
            models.Index(fields=["campaign", "issued_at"], name="coupon_campaign_issued"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "holder_phone", "holder_seq"],
                condition=~Q(holder_phone=""),
                name="coupon_customer_place_once",
            ),
            models.CheckConstraint(
                condition=Q(holder_phone="") | Q(holder_seq__gte=1),
                name="coupon_customer_has_place",
            ),
            models.CheckConstraint(
                condition=Q(status=CouponStatus.AVAILABLE, redeemed_at__isnull=True)
                | Q(status=CouponStatus.REDEEMED, redeemed_at__isnull=False),
                name="coupon_redeemed_has_time",
            ),
        ]

    def __str__(self):
        return self.code


class Redemption(models.Model):
    """One use of a coupon at a counter. A reversal marks it; rows are never deleted."""

    coupon = models.ForeignKey(Coupon, related_name="redemptions", on_delete=models.PROTECT)
    campaign = models.ForeignKey(Campaign, related_name="redemptions", on_delete=models.PROTECT)
    shop = models.ForeignKey(
        "merchants.Shop", related_name="coupon_redemptions", on_delete=models.PROTECT
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="coupon_redemptions", on_delete=models.PROTECT
    )
    idempotency_key = models.CharField(max_length=100)
    order_amount_fen = models.BigIntegerField(_("订单金额（分）"))
    discount_fen = models.BigIntegerField(_("优惠金额（分）"))
    payable_fen = models.BigIntegerField(_("应付金额（分）"))
    redeemed_at = models.DateTimeField(default=timezone.now)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    reversal_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("核销记录")
        verbose_name_plural = _("核销记录")
        indexes = [
            models.Index(fields=["campaign", "redeemed_at"], name="redemption_campaign_day"),
            models.Index(fields=["shop", "redeemed_at"], name="redemption_shop_day"),
        ]
        constraints = [
            # The last line of redeem-once: at most one standing redemption per coupon.
            models.UniqueConstraint(
                fields=["coupon"],
                condition=Q(reversed_at__isnull=True),
                name="coupon_redeemed_once",
            ),
            models.CheckConstraint(
                condition=Q(discount_fen__gte=0, payable_fen__gte=0)
                & Q(order_amount_fen=F("discount_fen") + F("payable_fen")),
                name="redemption_amounts_add_up",
            ),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True, reversed_by__isnull=True)
                | Q(reversed_at__isnull=False, reversed_by__isnull=False),
                name="redemption_reversal_has_who",
            ),
        ]

    def __str__(self):
        return f"{self.coupon_id} @ {self.shop_id}"
