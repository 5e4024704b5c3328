"""Orders and their state machine.

The legal transitions are the `@transition` methods below (django-fsm-2) and nothing else:
the state field is protected, so no code can assign it directly. They only move the state and
stamp the time; `consumers.services` calls them under a row lock and does the rest (capacity,
refunds, points, settlement), so every side effect lives next to the transition that causes it.

    awaiting_payment ──pay (the gateway's verified notification)──> pending
       ├─expire_unpaid (not paid in PAYMENT_TIMEOUT_MINUTES)──> expired
       └─cancel_by_consumer (before paying)──> cancelled_by_consumer

    pending ──accept──> confirmed ──consume──> consumed ──refund──> refunded
       │                   │  │  └─no_show──> no_show ──refund──> refunded
       │                   │  └──expire (purchase past its validity)──> expired
       ├─expire──> expired  ├──cancel_by_consumer──> cancelled_by_consumer
       ├─cancel_by_consumer └──cancel_by_merchant──> cancelled_by_merchant
       └─cancel_by_merchant                          confirmed ──refund──> refunded
"""

from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from phonenumber_field.modelfields import PhoneNumberField


class OrderKind(models.TextChoices):
    PURCHASE = "purchase", _("购买")
    BOOKING = "booking", _("预约")


class OrderState(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("待支付")
    PENDING = "pending", _("待商家接单")
    CONFIRMED = "confirmed", _("已确认")
    CONSUMED = "consumed", _("已消费")
    CANCELLED_BY_CONSUMER = "cancelled_by_consumer", _("用户已取消")
    CANCELLED_BY_MERCHANT = "cancelled_by_merchant", _("商家已取消")
    NO_SHOW = "no_show", _("爽约")
    EXPIRED = "expired", _("已过期")
    REFUNDED = "refunded", _("已退款")


class Fulfilment(models.TextChoices):
    IN_SHOP = "in_shop", _("到店")
    AT_HOME = "at_home", _("上门")


class ConsumedVia(models.TextChoices):
    COUNTER = "counter", _("前台扫码核销")
    CONSUMER = "consumer", _("用户确认")
    AUTO = "auto", _("超时自动确认")
    PLATFORM = "platform", _("平台裁定")


S = OrderState


def is_booking(order: "Order") -> bool:
    return order.kind == OrderKind.BOOKING


def is_purchase(order: "Order") -> bool:
    return order.kind == OrderKind.PURCHASE


class Order(FSMModelMixin, models.Model):
    """One service bought (prepaid voucher) or booked (a time slot), paid online."""

    code = models.CharField(_("订单码"), max_length=12, unique=True)
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="orders", on_delete=models.PROTECT
    )
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="orders", on_delete=models.PROTECT
    )
    shop = models.ForeignKey("merchants.Shop", related_name="orders", on_delete=models.PROTECT)
    service = models.ForeignKey(
        "merchants.Service", related_name="orders", on_delete=models.PROTECT
    )
    slot = models.ForeignKey(
        "consumers.TimeSlot", related_name="orders", null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("类型"), max_length=10, choices=OrderKind.choices)
    state = FSMField(
        _("状态"), max_length=24, choices=OrderState.choices, default=S.PENDING, protected=True
    )
    quantity = models.PositiveSmallIntegerField(_("数量"), default=1)
    # Money, in fen: list = unit price × quantity; paid = list - member discount - points.
    unit_price_fen = models.BigIntegerField(_("单价（分）"))
    list_amount_fen = models.BigIntegerField(_("原价合计（分）"))
    member_discount_fen = models.BigIntegerField(_("会员优惠（分）"), default=0)
    points_used = models.BigIntegerField(_("使用积分"), default=0)
    points_discount_fen = models.BigIntegerField(_("积分抵扣（分）"), default=0)
    amount_fen = models.BigIntegerField(_("实付（分）"))
    fee_fen = models.BigIntegerField(
        _("商家留存的手续费（分）"), default=0, help_text=_("截止后取消或爽约时按门店规则扣除")
    )
    refunded_fen = models.BigIntegerField(_("已退款（分）"), default=0)
    payment = models.ForeignKey(
        "payments.Payment",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("支付金额为 0 的订单（全部以积分抵扣或免费）没有支付记录"),
    )
    card = models.ForeignKey(
        "loyalty.MembershipCard",
        related_name="orders",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # Where the service happens: at the shop, or at the consumer's address.
    fulfilment = models.CharField(
        _("服务方式"), max_length=8, choices=Fulfilment.choices, default=Fulfilment.IN_SHOP
    )
    address = models.CharField(_("上门地址"), max_length=200, blank=True)
    location = gis_models.PointField(_("上门位置"), geography=True, null=True, blank=True)
    contact_phone = PhoneNumberField(_("联系电话"), blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # When: a booking's slot (copied, so the beat tasks need no join); a purchase's validity.
    starts_at = models.DateTimeField(_("开始"), null=True, blank=True)
    ends_at = models.DateTimeField(_("结束"), null=True, blank=True)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)
    accept_by = models.DateTimeField(_("接单截止"), null=True, blank=True)
    consumed_via = models.CharField(
        _("核销方式"), max_length=10, choices=ConsumedVia.choices, blank=True
    )
    created_at = models.DateTimeField(_("下单时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consumed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("取消、过期、爽约或退款的时间")
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    amount_fen=models.F("list_amount_fen")
                    - models.F("member_discount_fen")
                    - models.F("points_discount_fen")
                ),
                name="order_amount_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    amount_fen__gte=0,
                    member_discount_fen__gte=0,
                    points_discount_fen__gte=0,
                    fee_fen__gte=0,
                    refunded_fen__gte=0,
                ),
                name="order_money_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_fen__lte=models.F("amount_fen") - models.F("fee_fen")),
                name="order_refund_within_paid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="purchase") | models.Q(slot__isnull=False),
                name="order_booking_has_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["consumer", "-id"], name="order_consumer_recent"),
            models.Index(fields=["shop", "-id"], name="order_shop_recent"),
            # The beat tasks' scans: confirmed bookings past their end, pending past accept_by.
            models.Index(
                fields=["ends_at"],
                name="order_confirmed_booking_end",
                condition=models.Q(state="confirmed", kind="booking"),
            ),
            models.Index(
                fields=["accept_by"],
                name="order_pending_accept",
                condition=models.Q(state="pending"),
            ),
            models.Index(
                fields=["valid_until"],
                name="order_open_voucher",
                condition=models.Q(state="confirmed", kind="purchase"),
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def reference(self) -> str:
        """How payments and the points ledger name this order."""
        return f"order:{self.pk}"

    # --- the state machine: each method is one legal transition -----------------------------

    @transition(field=state, source=S.AWAITING_PAYMENT, target=S.PENDING)
    def pay(self):
        pass

    @transition(field=state, source=S.AWAITING_PAYMENT, target=S.EXPIRED)
    def expire_unpaid(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=S.PENDING, target=S.CONFIRMED)
    def accept(self):
        self.confirmed_at = timezone.now()

    @transition(field=state, source=S.CONFIRMED, target=S.CONSUMED)
    def consume(self, *, via: str):
        self.consumed_via = via
        self.consumed_at = timezone.now()

    @transition(
        field=state,
        source=[S.AWAITING_PAYMENT, S.PENDING, S.CONFIRMED],
        target=S.CANCELLED_BY_CONSUMER,
    )
    def cancel_by_consumer(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=[S.PENDING, S.CONFIRMED], target=S.CANCELLED_BY_MERCHANT)
    def cancel_by_merchant(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=S.CONFIRMED, target=S.NO_SHOW, conditions=[is_booking])
    def mark_no_show(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=S.PENDING, target=S.EXPIRED)
    def expire_unaccepted(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=S.CONFIRMED, target=S.EXPIRED, conditions=[is_purchase])
    def expire_voucher(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=[S.CONFIRMED, S.CONSUMED, S.NO_SHOW], target=S.REFUNDED)
    def refund(self):
        self.closed_at = timezone.now()


class ActorRole(models.TextChoices):
    CONSUMER = "consumer", _("用户")
    MERCHANT = "merchant", _("商家")
    PLATFORM = "platform", _("平台")
    SYSTEM = "system", _("系统")


class OrderEvent(models.Model):
    """Append-only history of an order's transitions: who moved it, from what, to what."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    event = models.CharField(max_length=30)
    from_state = models.CharField(max_length=24, choices=OrderState.choices)
    to_state = models.CharField(max_length=24, choices=OrderState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_role = models.CharField(max_length=10, choices=ActorRole.choices)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("订单记录")
        verbose_name_plural = _("订单记录")

    def __str__(self):
        return f"{self.order_id} {self.from_state}->{self.to_state}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("待平台处理")
    FOR_CONSUMER = "for_consumer", _("支持用户（退款）")
    FOR_MERCHANT = "for_merchant", _("支持商家（确认消费）")


class Dispute(models.Model):
    """A disagreement about whether a service was delivered; platform staff settle it in the
    admin. While it is open the order is not auto-confirmed and not paid out."""

    order = models.ForeignKey(Order, related_name="disputes", on_delete=models.PROTECT)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    side = models.CharField(_("发起方"), max_length=10, choices=ActorRole.choices)
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("状态"), max_length=14, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution_note = models.TextField(_("处理说明"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("争议")
        verbose_name_plural = _("争议")
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(status="open"), name="one_open_dispute"
            )
        ]

    def __str__(self):
        return f"dispute on {self.order_id}"
