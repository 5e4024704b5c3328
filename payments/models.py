"""Payments through a backend chosen in settings (PAYMENT_BACKENDS), and their refunds.

A `Payment` is money a payer hands a merchant for a purpose (a card top-up, an order); the
backend that took it (cash at the counter, a gateway) and its reference are recorded so the
money can be traced and refunded through the same backend.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待支付")
    SUCCEEDED = "succeeded", _("已支付")
    FAILED = "failed", _("支付失败")


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
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    external_reference = models.CharField(_("渠道流水号"), max_length=100, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
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
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("支付")
        verbose_name_plural = _("支付")
        indexes = [models.Index(fields=["reference"], name="payment_reference")]
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


class Refund(models.Model):
    payment = models.ForeignKey(Payment, related_name="refunds", on_delete=models.PROTECT)
    amount_fen = models.BigIntegerField(_("退款金额（分）"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    external_reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_amount_gt_0"),
        ]

    def __str__(self):
        return f"refund {self.amount_fen} of {self.payment_id}"
