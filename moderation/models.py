"""The platform's word list and the moderation queue.

A low app (above core and accounts, below every app with public text), so merchants,
consumers, coupons and deals screen their text before it is public without importing a
higher app. Staff decisions are audited by django-pghistory (audit.ModerationItemEvent).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MatchMode(models.TextChoices):
    ANYWHERE = "anywhere", _("包含即命中")
    WHOLE_WORD = "whole_word", _("整词命中")


class BannedWord(models.Model):
    """One entry of the word list, kept by platform staff in the admin. Matching normalises
    both sides (full-width to half-width, traditional to simplified, separators between
    characters dropped); `variants` also matches homophones and pinyin spellings."""

    word = models.CharField(_("词语"), max_length=60)
    normalised = models.CharField(max_length=60, editable=False)
    mode = models.CharField(
        _("匹配方式"), max_length=12, choices=MatchMode.choices, default=MatchMode.ANYWHERE
    )
    variants = models.BooleanField(_("匹配谐音与拼音"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("备注"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        constraints = [
            models.UniqueConstraint(fields=["normalised"], name="banned_word_once"),
            models.CheckConstraint(condition=~Q(normalised=""), name="banned_word_not_empty"),
        ]

    def __str__(self):
        return self.word

    def save(self, *args, **kwargs):
        from .matching import compact

        self.normalised = compact(self.word)
        super().save(*args, **kwargs)


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    SUPERSEDED = "superseded", _("已被新内容取代")


class ModerationItem(models.Model):
    """A text that hit the word list and waits for staff; it is not public until approved
    (the object keeps its previous text, or a placeholder)."""

    subject = models.CharField(_("内容类型"), max_length=40)  # "merchants.shop", ...
    object_id = models.BigIntegerField()
    field = models.CharField(_("字段"), max_length=40)
    text = models.TextField(_("待审内容"))
    hits = models.JSONField(_("命中词"), default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("待审内容")
        verbose_name_plural = _("审核队列")
        indexes = [models.Index(fields=["status", "created_at"], name="moderation_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "object_id", "field"],
                condition=Q(status="pending"),
                name="moderation_one_pending_per_field",
            )
        ]

    def __str__(self):
        return f"{self.subject}#{self.object_id}.{self.field}"
