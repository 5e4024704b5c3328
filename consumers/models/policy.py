from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceMode(models.TextChoices):
    IN_SHOP = "in_shop", _("到店")
    AT_HOME = "at_home", _("上门")
    EITHER = "either", _("到店或上门")


class ShopOrderPolicy(models.Model):
    """How a shop takes orders; a shop without a row uses the defaults below."""

    shop = models.OneToOneField(
        "merchants.Shop", related_name="order_policy", on_delete=models.CASCADE, primary_key=True
    )
    requires_acceptance = models.BooleanField(
        _("需商家接单"), default=False, help_text=_("开启后，新订单需商家确认后才生效。")
    )
    acceptance_minutes = models.PositiveIntegerField(
        _("接单时限（分钟）"), default=30, help_text=_("超时未接单的订单自动过期并全额退款。")
    )
    cancel_cutoff_minutes = models.PositiveIntegerField(
        _("免费取消截止（开始前分钟数）"), default=120
    )
    late_cancel_fee_percent = models.PositiveSmallIntegerField(
        _("截止后取消手续费（%）"), default=20
    )
    no_show_fee_percent = models.PositiveSmallIntegerField(_("爽约扣款（%）"), default=100)
    voucher_valid_days = models.PositiveIntegerField(
        _("购买后有效期（天）"), default=90, help_text=_("未预约时段的购买，过期自动退款。")
    )
    service_mode = models.CharField(
        _("服务方式"), max_length=10, choices=ServiceMode.choices, default=ServiceMode.IN_SHOP
    )
    home_service_radius_m = models.PositiveIntegerField(
        _("上门服务半径（米）"), null=True, blank=True, help_text=_("空 = 不限")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("门店接单规则")
        verbose_name_plural = _("门店接单规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(late_cancel_fee_percent__lte=100, no_show_fee_percent__lte=100),
                name="order_policy_fees_are_percentages",
            )
        ]

    def __str__(self):
        return f"policy of shop {self.shop_id}"

    @classmethod
    def for_shop(cls, shop) -> "ShopOrderPolicy":
        """The shop's policy, or an unsaved one with the defaults."""
        try:
            return shop.order_policy
        except cls.DoesNotExist:
            return cls(shop=shop)
