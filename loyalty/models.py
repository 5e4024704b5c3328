"""Membership cards: a merchant's program, its levels, and the cards customers hold.

The core that other apps rely on (coupons target levels; orders apply a card's level):
`CardProgram`, `Level`, `MembershipCard`. Points and stored value live in the append-only
`LedgerEntry` table; `PointsLot` keeps, per earning, what is left of it for expiry (soonest
expiring spent first). `CardDesign` is the card's face, rendered server-side.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class UpgradeBasis(models.TextChoices):
    SPEND = "spend", _("按消费金额")
    POINTS = "points", _("按获得积分")


class PointsRounding(models.TextChoices):
    FLOOR = "floor", _("向下取整")
    HALF_UP = "half_up", _("四舍五入")


class CardProgram(models.Model):
    """One program per merchant, valid in all its shops or the ones chosen."""

    merchant = models.OneToOneField(
        "merchants.Merchant", related_name="card_program", on_delete=models.PROTECT
    )
    name = models.CharField(_("会员卡名称"), max_length=60)
    shops = models.ManyToManyField(
        "merchants.Shop", related_name="card_programs", blank=True, help_text=_("空 = 全部门店")
    )
    # Enrolment: applications at a shop are granted at once, or wait for the merchant.
    auto_approve = models.BooleanField(_("申请自动通过"), default=True)
    # Points: earned on online and/or offline purchases at the level's rate, rounded per purchase.
    earn_online = models.BooleanField(_("线上消费积分"), default=True)
    earn_offline = models.BooleanField(_("线下消费积分"), default=True)
    points_rounding = models.CharField(
        _("积分取整"), max_length=10, choices=PointsRounding.choices, default=PointsRounding.FLOOR
    )
    points_expiry_days = models.PositiveIntegerField(
        _("积分有效期（天）"), null=True, blank=True, help_text=_("空 = 永久有效")
    )
    # Redeeming: `redeem_points` points take `redeem_fen` fen off (e.g. 100 points = 1 yuan).
    redeem_points = models.PositiveIntegerField(_("抵扣单位积分"), default=100)
    redeem_fen = models.PositiveIntegerField(_("每单位抵扣（分）"), default=100)
    # Levels move by spend or points earned in a rolling window; downgrade is optional.
    upgrade_basis = models.CharField(
        _("升级依据"), max_length=10, choices=UpgradeBasis.choices, default=UpgradeBasis.SPEND
    )
    upgrade_window_days = models.PositiveIntegerField(_("升级统计周期（天）"), default=365)
    downgrade_enabled = models.BooleanField(_("允许降级"), default=False)
    # Stored value.
    top_up_enabled = models.BooleanField(_("可充值"), default=False)
    min_top_up_fen = models.BigIntegerField(_("最低充值（分）"), default=100)
    max_top_up_fen = models.BigIntegerField(_("单次最高充值（分）"), default=5_000_00)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会员计划")
        verbose_name_plural = _("会员计划")
        constraints = [
            models.CheckConstraint(
                condition=Q(redeem_points__gt=0, redeem_fen__gt=0), name="program_redeem_rate_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(min_top_up_fen__gt=0, max_top_up_fen__gte=models.F("min_top_up_fen")),
                name="program_top_up_range",
            ),
        ]

    def __str__(self):
        return self.name


class Level(models.Model):
    """普通卡 < 银卡 < VIP: `rank` orders them, 0 being the level a new card starts at."""

    program = models.ForeignKey(CardProgram, related_name="levels", on_delete=models.CASCADE)
    name = models.CharField(_("等级名称"), max_length=30)
    rank = models.PositiveSmallIntegerField(_("等级序号"), default=0)
    points_per_yuan = models.DecimalField(_("每元积分"), max_digits=6, decimal_places=2, default=1)
    price_percent = models.PositiveSmallIntegerField(
        _("会员价（%）"), default=100, help_text=_("100 = 原价，88 = 八八折")
    )
    threshold = models.BigIntegerField(
        _("升级门槛"),
        default=0,
        help_text=_("统计周期内的消费（分）或获得积分，按计划的升级依据"),
    )

    class Meta:
        ordering = ["program", "rank"]
        verbose_name = _("会员等级")
        verbose_name_plural = _("会员等级")
        constraints = [
            models.UniqueConstraint(fields=["program", "rank"], name="level_rank_once"),
            models.CheckConstraint(
                condition=Q(price_percent__gte=1, price_percent__lte=100),
                name="level_price_percent_1_100",
            ),
            models.CheckConstraint(
                condition=Q(points_per_yuan__gte=0, threshold__gte=0), name="level_rates_gte_0"
            ),
        ]

    def __str__(self):
        return self.name


class TopUpBonusTier(models.Model):
    """Top up at least `min_amount_fen`, get `bonus_fen` more (充 500 送 50); the best tier wins."""

    program = models.ForeignKey(CardProgram, related_name="bonus_tiers", on_delete=models.CASCADE)
    min_amount_fen = models.BigIntegerField(_("充值满（分）"))
    bonus_fen = models.BigIntegerField(_("赠送（分）"))

    class Meta:
        ordering = ["program", "min_amount_fen"]
        constraints = [
            models.UniqueConstraint(fields=["program", "min_amount_fen"], name="bonus_tier_once"),
            models.CheckConstraint(
                condition=Q(min_amount_fen__gt=0, bonus_fen__gt=0), name="bonus_tier_gt_0"
            ),
        ]

    def __str__(self):
        return f"{self.min_amount_fen}+{self.bonus_fen}"


class CardStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACTIVE = "active", _("有效")
    FROZEN = "frozen", _("已冻结")


class MembershipCard(models.Model):
    """A customer's card in a program: one per consumer per program.

    `points` and `balance_fen` are caches of the ledger's sums, changed only by
    loyalty.services.ledger under this row's lock, in the transaction that appends the entry.
    """

    program = models.ForeignKey(CardProgram, related_name="cards", on_delete=models.PROTECT)
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="membership_cards", on_delete=models.PROTECT
    )
    level = models.ForeignKey(Level, related_name="cards", on_delete=models.PROTECT)
    number = models.CharField(_("卡号"), max_length=20, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    shop = models.ForeignKey(
        "merchants.Shop",
        verbose_name=_("开卡门店"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    points = models.BigIntegerField(_("积分"), default=0)
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0)
    # Consumption password (消费密码): Django's hashers; failures counted under the row lock.
    password = models.CharField(max_length=128, blank=True)
    password_failures = models.PositiveSmallIntegerField(default=0)
    spending_locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("会员卡")
        verbose_name_plural = _("会员卡")
        constraints = [
            models.UniqueConstraint(fields=["program", "consumer"], name="one_card_per_program"),
            models.CheckConstraint(condition=Q(points__gte=0), name="card_points_gte_0"),
            models.CheckConstraint(condition=Q(balance_fen__gte=0), name="card_balance_gte_0"),
        ]

    def __str__(self):
        return self.number


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("待回复")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已拒绝")


class CardInvitation(models.Model):
    """A merchant's offer of its card to whoever holds a phone number. Nothing about the
    phone's owner is looked up when it is made: the consumer with that phone sees it in the app
    and accepts (a card is made then) or declines."""

    program = models.ForeignKey(CardProgram, related_name="invitations", on_delete=models.CASCADE)
    phone = PhoneNumberField(_("手机号"))
    level = models.ForeignKey(
        Level, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    card = models.ForeignKey(
        MembershipCard, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("会员卡邀请")
        verbose_name_plural = _("会员卡邀请")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "phone"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_phone",
            )
        ]
        indexes = [models.Index(fields=["phone", "status"], name="invitation_phone_status")]

    def __str__(self):
        return f"invitation {self.pk} to program {self.program_id}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("消费积分")
    SPEND = "spend", _("消费抵扣")
    TOP_UP = "top_up", _("充值")
    BONUS = "bonus", _("充值赠送")
    ADJUST = "adjust", _("调整")
    REVERSE = "reverse", _("冲正")
    EXPIRE = "expire", _("积分过期")


class Channel(models.TextChoices):
    COUNTER = "counter", _("门店")
    ONLINE = "online", _("线上")
    SYSTEM = "system", _("系统")


class LedgerEntry(models.Model):
    """One movement of a card's points and/or stored value; rows are never changed or deleted.

    `points_after` / `balance_after_fen` are the card's figures right after this row; the last
    row's figures equal the card's cache. `amount_fen` is the purchase amount an earn row
    records (what the customer paid after the member discount), for upgrades and history.
    """

    card = models.ForeignKey(MembershipCard, related_name="entries", on_delete=models.PROTECT)
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    points_delta = models.BigIntegerField(default=0)
    balance_delta_fen = models.BigIntegerField(default=0)
    points_after = models.BigIntegerField()
    balance_after_fen = models.BigIntegerField()
    amount_fen = models.BigIntegerField(default=0)
    reference = models.CharField(max_length=60, blank=True, db_index=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, related_name="reversed_by", on_delete=models.PROTECT
    )
    # For spends: [[lot id, points], ...] so a reversal puts points back where they came from.
    lots_used = models.JSONField(default=list, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    shop = models.ForeignKey(
        "merchants.Shop", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["card", "pk"]
        verbose_name = _("账户流水")
        verbose_name_plural = _("账户流水")
        indexes = [models.Index(fields=["card", "created_at"], name="entry_card_time")]
        constraints = [
            # The last line behind Idempotency-Key: one row of a kind per key and card.
            models.UniqueConstraint(
                fields=["card", "idempotency_key", "kind"],
                condition=~Q(idempotency_key=""),
                name="entry_idempotency_key_once",
            ),
            models.CheckConstraint(
                condition=Q(points_after__gte=0, balance_after_fen__gte=0),
                name="entry_after_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(kind="reverse", reverses__isnull=False)
                | (~Q(kind="reverse") & Q(reverses__isnull=True)),
                name="entry_reverse_refers_to_row",
            ),
        ]

    def __str__(self):
        return f"{self.card_id} {self.kind} {self.points_delta:+} {self.balance_delta_fen:+}"


class PointsLot(models.Model):
    """What is left of one earning (or adjustment) of points; spends take the soonest-expiring
    lots first, and what is left at `expires_at` expires. Sum of `remaining` = card.points."""

    card = models.ForeignKey(MembershipCard, related_name="lots", on_delete=models.PROTECT)
    entry = models.OneToOneField(LedgerEntry, related_name="lot", on_delete=models.PROTECT)
    points = models.BigIntegerField()
    remaining = models.BigIntegerField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["card", "pk"]
        indexes = [
            models.Index(fields=["expires_at"], name="lot_expiring", condition=Q(remaining__gt=0)),
            models.Index(fields=["card"], name="lot_open", condition=Q(remaining__gt=0)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0, remaining__lte=models.F("points")),
                name="lot_remaining_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.card_id} {self.remaining}/{self.points}"


class CardTemplate(models.TextChoices):
    CLASSIC = "classic", _("经典渐变")
    GOLD = "gold", _("尊享金")
    MINIMAL = "minimal", _("简约白")


class CardDesign(models.Model):
    """The card's face: a template, an optional image, text. Edited as a draft, previewed,
    then published; the published copy is what cards show. One design per program."""

    program = models.OneToOneField(CardProgram, related_name="design", on_delete=models.CASCADE)
    template = models.CharField(
        max_length=12, choices=CardTemplate.choices, default=CardTemplate.CLASSIC
    )
    image = models.ImageField(upload_to="cards/%Y/%m/", blank=True)
    title = models.CharField(_("卡面标题"), max_length=30, blank=True)
    subtitle = models.CharField(_("副标题"), max_length=40, blank=True)
    text_color = models.CharField(max_length=7, default="#FFFFFF")
    # What cards show: a copy of the fields above taken at publish time (None = never published).
    published = models.JSONField(null=True, blank=True)
    published_image = models.ImageField(upload_to="cards/published/%Y/%m/", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"design of {self.program_id}"
