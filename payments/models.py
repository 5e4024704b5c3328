"""Payments through a backend chosen in settings (PAYMENT_BACKENDS), and their refunds.

A `Payment` is money a payer hands a merchant for a purpose (a card top-up, an order); the
backend that took it (cash at the counter, a gateway) and its reference are recorded so the
money can be traced and refunded through the same backend.

A payment through an asynchronous gateway waits (`pending`) until the gateway's verified
notification, or a query of the gateway, says it is paid; one left unpaid past `expires_at` is
closed (`closed`) and its purpose releases what it held. `trade_no` is our number for it at
the gateway (WeChat Pay's and Alipay's out_trade_no); `refund_no` a refund's.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待支付")
    SUCCEEDED = "succeeded", _("已支付")
    FAILED = "failed", _("支付失败")
    CLOSED = "closed", _("已关闭")


class Payment(models.Model):
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="payments", on_delete=models.PROTECT
    )
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="payments", on_delete=models.PROTECT
    )
    amount_fen = models.BigIntegerField(_("金额（分）"))
    purpose = models.CharField(_("用途"), max_length=30, help_text="card_top_up, order, ...")
    reference = models.CharField(_("业务单号"), max_length=60, help_text="card:12, order:34")
    backend = models.CharField(_("支付方式"), max_length=30)
    channel = models.CharField(
        _("支付场景"), max_length=12, blank=True, help_text="jsapi, h5, native, code, wap"
    )
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    trade_no = models.CharField(_("商户订单号"), max_length=32, null=True, blank=True, unique=True)
    external_reference = models.CharField(_("渠道流水号"), max_length=100, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    # What the app needs to pay: JSAPI parameters, an H5 URL, a QR code's content.
    pay_params = models.JSONField(_("支付参数"), default=dict, blank=True)
    # Each step of a payment-code payment in plain words, for the cashier: [{"at", "text"}].
    progress = models.JSONField(_("进度"), default=list, blank=True)
    refunded_fen = models.BigIntegerField(_("已退款（分）"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    shop = models.ForeignKey(
        "merchants.Shop", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("支付截止"), null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(_("首次收到通知"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("支付")
        verbose_name_plural = _("支付")
        indexes = [
            models.Index(fields=["reference"], name="payment_reference"),
            models.Index(
                fields=["created_at"], name="payment_pending", condition=Q(status="pending")
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(refunded_fen__gte=0, refunded_fen__lte=F("amount_fen")),
                name="payment_refunded_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.backend} {self.amount_fen} {self.status}"

    @property
    def refundable_fen(self) -> int:
        return self.amount_fen - self.refunded_fen if self.status == PaymentStatus.SUCCEEDED else 0


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("退款中")
    SUCCEEDED = "succeeded", _("已退款")
    FAILED = "failed", _("退款失败")


class Refund(models.Model):
    payment = models.ForeignKey(Payment, related_name="refunds", on_delete=models.PROTECT)
    amount_fen = models.BigIntegerField(_("退款金额（分）"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    refund_no = models.CharField(
        _("商户退款单号"), max_length=64, null=True, blank=True, unique=True
    )
    external_reference = models.CharField(max_length=100, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_amount_gt_0"),
        ]

    def __str__(self):
        return f"refund {self.amount_fen} of {self.payment_id}"


class IssueKind(models.TextChoices):
    AMOUNT_MISMATCH = "amount_mismatch", _("通知金额与订单不符")
    PAID_AFTER_CLOSE = "paid_after_close", _("关闭后到账（已原路退回）")
    REFUND_FAILED = "refund_failed", _("退款失败")
    BILL_MISSING_HERE = "bill_missing_here", _("账单有、本系统无")
    BILL_MISSING_THERE = "bill_missing_there", _("本系统有、账单无")
    BILL_AMOUNT = "bill_amount", _("账单金额不符")


class PaymentIssue(models.Model):
    """Something about money that platform staff must look at: a notification that did not
    match what we asked for, a refund the gateway could not make, a line of a gateway's daily
    statement that does not match our books to the fen."""

    kind = models.CharField(_("类型"), max_length=20, choices=IssueKind.choices)
    backend = models.CharField(_("支付方式"), max_length=30)
    payment = models.ForeignKey(
        Payment, related_name="issues", null=True, blank=True, on_delete=models.PROTECT
    )
    refund = models.ForeignKey(
        Refund, related_name="issues", null=True, blank=True, on_delete=models.PROTECT
    )
    number = models.CharField(_("单号"), max_length=64, blank=True)
    day = models.DateField(_("账单日"), null=True, blank=True)
    expected_fen = models.BigIntegerField(_("本系统金额（分）"), null=True, blank=True)
    actual_fen = models.BigIntegerField(_("渠道金额（分）"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    resolved = models.BooleanField(_("已处理"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("支付异常")
        verbose_name_plural = _("支付异常")
        constraints = [
            models.UniqueConstraint(fields=["kind", "backend", "number"], name="payment_issue_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.number}"


class Reconciliation(models.Model):
    """One gateway's statement for one day, matched line by line against our books."""

    backend = models.CharField(_("支付方式"), max_length=30)
    day = models.DateField(_("账单日"))
    payments = models.PositiveIntegerField(_("支付笔数"), default=0)
    refunds = models.PositiveIntegerField(_("退款笔数"), default=0)
    mismatches = models.PositiveIntegerField(_("不符笔数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("对账")
        verbose_name_plural = _("对账")
        constraints = [
            models.UniqueConstraint(fields=["backend", "day"], name="reconciliation_once")
        ]

    def __str__(self):
        return f"{self.backend} {self.day}"
