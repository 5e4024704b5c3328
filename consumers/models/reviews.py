from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    VISIBLE = "visible", _("展示中")
    HIDDEN = "hidden", _("被举报，待平台审核")
    REMOVED = "removed", _("平台已删除")


class Review(models.Model):
    """A consumer's review of a shop. Verified: written for a consumed order (one per order).
    General: anyone signed in, at most one per shop per 30 days, shown as unverified.

    Nobody edits a review after it is posted; the merchant answers with a public reply.
    """

    shop = models.ForeignKey("merchants.Shop", related_name="reviews", on_delete=models.CASCADE)
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="reviews", on_delete=models.PROTECT
    )
    order = models.OneToOneField(
        "consumers.Order", related_name="review", null=True, blank=True, on_delete=models.PROTECT
    )
    is_verified = models.BooleanField(_("已验证消费"))
    rating = models.PositiveSmallIntegerField(_("评分"))
    text = models.TextField(_("内容"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.VISIBLE
    )
    reply_text = models.TextField(_("商家回复"), max_length=1000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("发表时间"), auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(is_verified=models.Q(order__isnull=False)),
                name="review_verified_iff_order",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "-id"], name="review_shop_recent"),
            models.Index(fields=["consumer", "shop", "-created_at"], name="review_consumer_shop"),
        ]

    def __str__(self):
        return f"{self.rating}★ shop {self.shop_id}"


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, related_name="photos", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="reviews/%Y/%m/")
    thumbnail = models.ImageField(upload_to="reviews/thumbs/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.review_id} photo"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("广告或刷评")
    ABUSE = "abuse", _("辱骂或人身攻击")
    FALSE = "false", _("内容不实")
    PRIVACY = "privacy", _("泄露隐私")
    OTHER = "other", _("其他")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    DISMISSED = "dismissed", _("平台已保留评价")
    UPHELD = "upheld", _("平台已删除评价")


class ReviewReport(models.Model):
    """One account's report of one review (the unique constraint). Reports never hide a review
    by themselves: see consumers.services.reviews.review_report for the automatic rule."""

    review = models.ForeignKey(Review, related_name="reports", on_delete=models.CASCADE)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE
    )
    reason = models.CharField(_("原因"), max_length=10, choices=ReportReason.choices)
    text = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(
        _("处理结果"), max_length=9, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    counts = models.BooleanField(
        _("计入自动隐藏"),
        default=False,
        help_text="Counts toward the automatic hiding rule: an established account that does "
        "not speak for the shop, of a kind staff have not already kept the review against.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("评价举报")
        verbose_name_plural = _("评价举报")
        constraints = [
            models.UniqueConstraint(fields=["review", "reporter"], name="report_once_per_user")
        ]

    def __str__(self):
        return f"report on {self.review_id}"


class CategoryRatingPrior(models.Model):
    """The category's mean rating, the prior of its shops' Bayesian ratings (consumers.rating).
    Refreshed by a nightly task; a category without a row uses the platform default."""

    category = models.OneToOneField(
        "merchants.Category",
        related_name="rating_prior",
        on_delete=models.CASCADE,
        primary_key=True,
    )
    mean = models.FloatField()
    review_weight = models.FloatField(default=0, help_text="Σ review weights behind the mean")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("分类评分先验")
        verbose_name_plural = _("分类评分先验")

    def __str__(self):
        return f"{self.category_id}: {self.mean:.2f}"
