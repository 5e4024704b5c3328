"""What the platform owes each merchant for its orders, and the payouts that pay it.

Every money outcome of an order (consumed, a late-cancellation or no-show fee kept, a refund
after one of those) is one append-only entry: amount, the platform's commission at the
merchant's rate, and the merchant's payable. Entries are never edited; a refund adds a
negative entry. A payout batch gathers a merchant's unpaid entries, so its totals are sums of
entries and reconcile to the orders to the fen.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommissionRate(models.Model):
    """The platform's commission on a merchant's orders, in basis points (600 = 6.00%).
    A merchant without a row pays `SETTLEMENT_DEFAULT_COMMISSION_BP`."""

    merchant = models.OneToOneField(
        "merchants.Merchant", related_name="commission", on_delete=models.CASCADE, primary_key=True
    )
    rate_bp = models.PositiveIntegerField(_("佣金（万分之）"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("佣金费率")
        verbose_name_plural = _("佣金费率")
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_bp__lte=10000), name="rate_at_most_100")
        ]

    def __str__(self):
        return f"{self.merchant_id}: {self.rate_bp / 100:.2f}%"


class EntryKind(models.TextChoices):
    SALE = "sale", _("消费")
    FEE = "fee", _("取消/爽约手续费")
    REVERSAL = "reversal", _("退款冲回")


class PayoutStatus(models.TextChoices):
    PENDING = "pending", _("待打款")
    PAID = "paid", _("已打款")


class PayoutBatch(models.Model):
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="payout_batches", on_delete=models.PROTECT
    )
    period_end = models.DateTimeField(_("结算截止"), help_text=_("包含此前产生的全部未结算明细"))
    entry_count = models.PositiveIntegerField(_("明细数"))
    amount_fen = models.BigIntegerField(_("订单金额（分）"))
    commission_fen = models.BigIntegerField(_("平台佣金（分）"))
    payable_fen = models.BigIntegerField(_("应付商家（分）"))
    status = models.CharField(
        _("状态"), max_length=8, choices=PayoutStatus.choices, default=PayoutStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("结算批次")
        verbose_name_plural = _("结算批次")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(payable_fen=models.F("amount_fen") - models.F("commission_fen")),
                name="batch_payable_adds_up",
            )
        ]

    def __str__(self):
        return f"payout {self.pk} to {self.merchant_id}"


class SettlementEntry(models.Model):
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="settlement_entries", on_delete=models.PROTECT
    )
    order = models.ForeignKey(
        "consumers.Order", related_name="settlement_entries", on_delete=models.PROTECT
    )
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    rate_bp = models.PositiveIntegerField(_("佣金（万分之）"))
    commission_fen = models.BigIntegerField(_("平台佣金（分）"))
    payable_fen = models.BigIntegerField(_("应付商家（分）"))
    batch = models.ForeignKey(
        PayoutBatch, related_name="entries", null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("结算明细")
        verbose_name_plural = _("结算明细")
        constraints = [
            # One entry of each kind per order: creating entries is idempotent.
            models.UniqueConstraint(fields=["order", "kind"], name="entry_once_per_order_kind"),
            models.CheckConstraint(
                condition=models.Q(payable_fen=models.F("amount_fen") - models.F("commission_fen")),
                name="entry_payable_adds_up",
            ),
        ]
        indexes = [
            models.Index(
                fields=["merchant", "created_at"],
                name="entry_unbatched",
                condition=models.Q(batch__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.amount_fen} for order {self.order_id}"
