"""Consents to the platform's documents, data exports and account deletions (PIPL).

Location consent lives in geo (geo.models.LocationConsent) beside the features it gates, so
every caller of geo's services obeys it; privacy.consents lists every kind in one place.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    PRIVACY = "privacy", _("隐私政策")
    TERMS = "terms", _("用户协议")
    LOCATION = "location", _("位置信息使用说明")


class PolicyDocument(models.Model):
    """One version of a document in one language, written by platform staff in the admin.
    The current version of a kind is the highest published one; publishing a new version of a
    required kind (privacy, terms) asks every user to accept again."""

    kind = models.CharField(_("文档"), max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    language = models.CharField(
        _("语言"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    summary = models.TextField(_("变更摘要"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("政策文档")
        verbose_name_plural = _("政策文档")
        ordering = ["kind", "-version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version", "language"], name="policy_document_version_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} ({self.language})"


class Consent(models.Model):
    """A user accepted a version of a document: when and through which channel. A new row for
    each acceptance; withdrawing stamps `withdrawn_at` on the standing one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="consents", on_delete=models.CASCADE
    )
    kind = models.CharField(_("文档"), max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    channel = models.CharField(_("渠道"), max_length=20)
    granted_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        indexes = [models.Index(fields=["user", "kind", "-granted_at"], name="consent_user_kind")]

    def __str__(self):
        return f"{self.user_id} {self.kind} v{self.version}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("准备中")
    READY = "ready", _("可下载")
    DOWNLOADED = "downloaded", _("已下载")
    EXPIRED = "expired", _("已过期")


class DataExport(models.Model):
    """A consumer asked for their data; a Celery task writes the JSON file through Django's
    storage, and it can be downloaded once through a short-lived signed link."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="data_exports", on_delete=models.CASCADE
    )
    status = models.CharField(max_length=12, choices=ExportStatus.choices)
    file = models.FileField(upload_to="privacy/exports/", blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("数据导出")
        verbose_name_plural = _("数据导出")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="data_export_one_pending"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.status}"


class DeletionStatus(models.TextChoices):
    PENDING = "pending", _("等待注销")
    CANCELLED = "cancelled", _("已撤销")
    DONE = "done", _("已注销")


class DeletionRequest(models.Model):
    """Account cancellation (注销): erased when `due_at` passes unless the user signs in first.
    After erasure the row belongs to the anonymous account that keeps the money records."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="deletion_requests", on_delete=models.CASCADE
    )
    status = models.CharField(max_length=10, choices=DeletionStatus.choices)
    forfeit = models.BooleanField(
        _("放弃余额与权益"), default=False, help_text=_("用户明确放弃储值、积分和未用的券")
    )
    channel = models.CharField(max_length=20, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("注销申请")
        verbose_name_plural = _("注销申请")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="deletion_one_pending"
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="deletion_due")]

    def __str__(self):
        return f"{self.user_id} {self.status}"
