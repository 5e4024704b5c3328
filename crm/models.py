"""A merchant's customers and the work kept on them.

`Customer` is one person in one merchant's directory, fed by cards, orders, coupon redemptions,
reviews and disputes (crm.services.feed), or added by hand / CSV. `Purchase` is the customer's
own purchase history (what grading, RFM and anomaly flags are computed from); `Interaction` is
the timeline: every purchase, redemption, review, complaint and logged contact. `CrmSettings`
holds the merchant's scorecard, thresholds and list parameters. Tasks (retention, plans,
hand-written) are `Task`; maintenance plans go through submit -> approve/return -> summary.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.segments import Segment


class Tier(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class Recommendation(models.TextChoices):
    IMPROVE = "improve", _("提升")
    MAINTAIN = "maintain", _("维持")
    END = "end", _("终止")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    VISIT = "visit", _("上门/到店")


class Purpose(models.TextChoices):
    EXPLAIN = "explain", _("解释")
    PROMOTE = "promote", _("推介")
    CARE = "care", _("关怀")
    MEDIATE = "mediate", _("调解")
    SUGGEST = "suggest", _("建议")
    GUIDE = "guide", _("指导")


class CustomerSource(models.TextChoices):
    CARD = "card", _("会员卡")
    ORDER = "order", _("订单")
    COUPON = "coupon", _("优惠券")
    REVIEW = "review", _("评价")
    COMPLAINT = "complaint", _("投诉")
    MANUAL = "manual", _("手工添加")
    IMPORT = "import", _("导入")


class CrmSettings(models.Model):
    """The merchant's choices: scorecard indicators with weights and bands, tier thresholds,
    per-tier gift budgets, and the parameters of the today list and anomaly flags."""

    merchant = models.OneToOneField(
        "merchants.Merchant", related_name="crm_settings", on_delete=models.CASCADE
    )
    # [{"key": "spend", "weight": 30, "bands": [{"min": 0, "points": 0}, ...]}, ...]
    indicators = models.JSONField(default=list)
    tier_a_min = models.PositiveSmallIntegerField(_("A 类最低分"), default=70)
    tier_b_min = models.PositiveSmallIntegerField(_("B 类最低分"), default=40)
    # Below this growth score a C customer is recommended "end" rather than "improve".
    end_below_growth_points = models.PositiveSmallIntegerField(default=30)
    # Gift spending standard per customer and plan, by tier (fen): {"A": 20000, ...}.
    gift_budget_fen = models.JSONField(default=dict)
    # Churn: the horizon H of "no visit within H days" (null: from the merchant's own visit
    # gaps) and how many at-risk customers the staff can call a day (the list's cut).
    churn_horizon_days = models.PositiveSmallIntegerField(
        _("流失判断期（天）"), null=True, blank=True
    )
    at_risk_daily_calls = models.PositiveSmallIntegerField(_("每日挽留名额"), default=20)
    long_no_contact_days = models.PositiveSmallIntegerField(default=90)
    low_satisfaction_max = models.PositiveSmallIntegerField(default=2)
    random_sample_size = models.PositiveSmallIntegerField(default=3)
    holiday_tiers = ArrayField(models.CharField(max_length=1), default=list, blank=True)
    complaint_response_hours = models.PositiveSmallIntegerField(default=24)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("客户管理设置")
        verbose_name_plural = _("客户管理设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(tier_a_min__gt=models.F("tier_b_min"), tier_a_min__lte=100),
                name="crm_tier_thresholds_ordered",
            )
        ]

    def __str__(self):
        return f"crm settings {self.merchant_id}"


class Customer(models.Model):
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="customers", on_delete=models.CASCADE
    )
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="crm_customers",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = PhoneNumberField(_("手机号"), null=True, blank=True)
    birthday = models.DateField(_("生日"), null=True, blank=True)
    birthday_lunar = models.BooleanField(_("农历生日"), default=False)
    tags = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    contact_every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    source = models.CharField(max_length=10, choices=CustomerSource.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责店员"),
        related_name="crm_owned_customers",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    arrears_fen = models.BigIntegerField(_("欠款（分）"), default=0)
    # Caches of Purchase and Interaction, kept by crm.services in the writing transaction.
    spend_fen = models.BigIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    first_visit_at = models.DateTimeField(null=True, blank=True)
    last_visit_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    # Grading and flags, written by the recompute.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    tier = models.CharField(max_length=1, choices=Tier.choices, blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    grade_reasons = models.JSONField(default=list, blank=True)
    segment = models.CharField(max_length=12, choices=Segment.choices, blank=True)
    flags = models.JSONField(default=list, blank=True)  # [{"code": ..., "reason": ...}]
    at_risk = models.BooleanField(default=False)
    # The churn model's reading (crm.churn): P(no visit within the merchant's horizon), the
    # spend a year of further visits would bring, their product (the at-risk list's order) and
    # the figures the explanation is written from.
    churn_probability = models.FloatField(null=True, blank=True)
    yearly_value_fen = models.BigIntegerField(default=0)
    at_stake_fen = models.BigIntegerField(default=0)
    churn_figures = models.JSONField(default=dict, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("顾客")
        verbose_name_plural = _("顾客")
        indexes = [
            models.Index(fields=["merchant", "tier"], name="crm_customer_tier"),
            models.Index(fields=["merchant", "segment"], name="crm_customer_segment"),
            models.Index(fields=["merchant", "owner"], name="crm_customer_owner"),
            models.Index(fields=["merchant", "-at_stake_fen"], name="crm_customer_at_stake"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "consumer"],
                condition=Q(consumer__isnull=False),
                name="crm_customer_consumer_once",
            ),
            models.UniqueConstraint(
                fields=["merchant", "phone"],
                condition=Q(phone__isnull=False),
                name="crm_customer_phone_once",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="crm_customer_satisfaction_1_5",
            ),
        ]

    def __str__(self):
        return self.name or str(self.phone or self.pk)


class Purchase(models.Model):
    """One purchase of the customer at this merchant: a card purchase or a consumed order."""

    customer = models.ForeignKey(Customer, related_name="purchases", on_delete=models.CASCADE)
    at = models.DateTimeField()
    amount_fen = models.BigIntegerField()
    service_name = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=80)

    class Meta:
        ordering = ["customer", "at"]
        indexes = [models.Index(fields=["customer", "at"], name="crm_purchase_customer_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "reference"], name="crm_purchase_reference_once"
            )
        ]

    def __str__(self):
        return f"{self.customer_id} {self.at:%Y-%m-%d} {self.amount_fen}"


class InteractionKind(models.TextChoices):
    PURCHASE = "purchase", _("消费")
    CARD = "card", _("办卡")
    COUPON = "coupon", _("核销优惠券")
    REVIEW = "review", _("评价")
    COMPLAINT = "complaint", _("投诉")
    CONTACT = "contact", _("回访/联系")
    TASK = "task", _("任务结果")
    NOTE = "note", _("备注")


class Interaction(models.Model):
    """The timeline: rows are appended, never changed."""

    customer = models.ForeignKey(Customer, related_name="interactions", on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=InteractionKind.choices)
    at = models.DateTimeField()
    summary = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, choices=ContactChannel.choices, blank=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The today-list item a contact closes ("purchase:12:week", "birthday:2026", ...).
    item_key = models.CharField(max_length=80, blank=True)
    # Every item an outcome on a today-list entry closes (the entry's reasons; item_key is the
    # most urgent of them, and the only key of contacts logged before entries had several).
    item_keys = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    campaign = models.ForeignKey(
        "coupons.Campaign", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    reference = models.CharField(max_length=80, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "at"], name="crm_interaction_customer_at"),
            models.Index(fields=["customer", "item_key"], name="crm_interaction_item"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "reference"],
                condition=~Q(reference=""),
                name="crm_interaction_reference_once",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="crm_interaction_satisfaction_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.kind} {self.at:%Y-%m-%d}"


class ServiceStandard(models.Model):
    """Per tier: contact every `every_days` days by `channel` (A: a visit every 15 days...)."""

    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="crm_standards", on_delete=models.CASCADE
    )
    tier = models.CharField(max_length=1, choices=Tier.choices)
    channel = models.CharField(max_length=10, choices=ContactChannel.choices)
    every_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["merchant", "tier", "every_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "tier", "channel"], name="crm_standard_once"
            ),
            models.CheckConstraint(condition=Q(every_days__gte=1), name="crm_standard_days_gte_1"),
        ]

    def __str__(self):
        return f"{self.tier} {self.channel}/{self.every_days}d"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已回访")


class Complaint(models.Model):
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="crm_complaints", on_delete=models.CASCADE
    )
    customer = models.ForeignKey(Customer, related_name="complaints", on_delete=models.CASCADE)
    channel = models.CharField(max_length=10, choices=ContactChannel.choices)
    content = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    respond_by = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    callback_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=80, blank=True)  # "dispute:<id>" when fed
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "reference"],
                condition=~Q(reference=""),
                name="crm_complaint_reference_once",
            )
        ]

    def __str__(self):
        return f"complaint {self.pk}"


class TaskKind(models.TextChoices):
    RETENTION = "retention", _("挽留")
    PLAN = "plan", _("维护计划")
    CALLBACK = "callback", _("约定回电")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")


class Task(models.Model):
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="crm_tasks", on_delete=models.CASCADE
    )
    customer = models.ForeignKey(Customer, related_name="tasks", on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=TaskKind.choices)
    plan = models.ForeignKey(
        "MaintenancePlan", related_name="tasks", null=True, blank=True, on_delete=models.CASCADE
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(max_length=200)
    due = models.DateField()
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    outcome = models.TextField(blank=True)
    retained = models.BooleanField(null=True, blank=True)
    spent_fen = models.BigIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(kind="retention", status="open"),
                name="crm_one_open_retention_task",
            ),
            models.CheckConstraint(condition=Q(spent_fen__gte=0), name="crm_task_spent_gte_0"),
        ]

    def __str__(self):
        return self.title


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")
    DONE = "done", _("已总结")


class MaintenancePlan(models.Model):
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="crm_plans", on_delete=models.CASCADE
    )
    customer = models.ForeignKey(
        Customer, related_name="plans", null=True, blank=True, on_delete=models.CASCADE
    )
    tier = models.CharField(max_length=1, choices=Tier.choices, blank=True)
    goal = models.CharField(_("目标"), max_length=200)
    methods = models.TextField(_("方法"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    budget_fen = models.BigIntegerField(_("预算（分）"), default=0)
    deadline = models.DateField(_("截止日期"))
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    review_note = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(blank=True)
    spent_fen = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(customer__isnull=False) & Q(tier=""))
                | (Q(customer__isnull=True) & ~Q(tier="")),
                name="crm_plan_customer_or_tier",
            ),
            models.CheckConstraint(
                condition=Q(budget_fen__gte=0, spent_fen__gte=0), name="crm_plan_money_gte_0"
            ),
        ]

    def __str__(self):
        return self.goal


class HandOver(models.Model):
    """A staff member's customers, open tasks, complaints and plans moved to another: the audit
    record of who did it, when, and exactly which rows moved."""

    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="crm_handovers", on_delete=models.CASCADE
    )
    from_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    to_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(max_length=200, blank=True)
    moved = models.JSONField(default=dict)  # {"customers": [ids], "tasks": [...], ...}
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"handover {self.pk}"


class Kpi(models.TextChoices):
    CHURN_RATE = "churn_rate", _("流失率（%）")
    SATISFACTION = "satisfaction", _("平均满意度")
    TENURE_DAYS = "tenure_days", _("平均客龄（天）")


class KpiTarget(models.Model):
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="crm_kpi_targets", on_delete=models.CASCADE
    )
    kpi = models.CharField(max_length=14, choices=Kpi.choices)
    target = models.FloatField()
    valid_from = models.DateField()

    class Meta:
        ordering = ["merchant", "kpi", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "kpi", "valid_from"], name="crm_kpi_target_once"
            )
        ]

    def __str__(self):
        return f"{self.kpi} {self.target}"


class KpiSnapshot(models.Model):
    """The merchant's KPIs on a day, written by the nightly recompute (and on demand)."""

    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="crm_kpi_snapshots", on_delete=models.CASCADE
    )
    day = models.DateField()
    customers = models.PositiveIntegerField(default=0)
    churn_rate = models.FloatField(null=True)
    satisfaction = models.FloatField(null=True)
    tenure_days = models.FloatField(null=True)

    class Meta:
        ordering = ["merchant", "day"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "day"], name="crm_kpi_snapshot_once")
        ]

    def __str__(self):
        return f"{self.merchant_id} {self.day}"


class ChurnMethod(models.TextChoices):
    MODEL = "pareto_nbd", _("Pareto/NBD 模型")
    RECENCY = "recency", _("未到店天数阈值")


class ChurnModel(models.Model):
    """The merchant's fitted churn model, refitted nightly: which method (the model, or the
    recency threshold for a merchant with too few customers), its parameters and horizon."""

    merchant = models.OneToOneField(
        "merchants.Merchant", related_name="crm_churn_model", on_delete=models.CASCADE
    )
    method = models.CharField(max_length=12, choices=ChurnMethod.choices)
    params = models.JSONField(default=dict, blank=True)  # {"r", "alpha", "s", "beta"} in days
    horizon_days = models.PositiveSmallIntegerField()
    horizon_from_data = models.BooleanField(default=True)
    recency_threshold_days = models.PositiveIntegerField(null=True, blank=True)
    customers = models.PositiveIntegerField(default=0)  # customers with a visit, fitted on
    log_likelihood = models.FloatField(null=True, blank=True)
    # Fitted on the merchant's own backtest (crm.churn.Calibration.as_dict); {}: none.
    calibration = models.JSONField(default=dict, blank=True)
    # The model's at-risk flag: calibrated probability at or above this (best F1 on the backtest).
    at_risk_threshold = models.FloatField(null=True, blank=True)
    # On the merchant's own history one horizon ago: how well each ranked who came back (the
    # calibrated model out of fold, the model as fitted, plain recency).
    backtest_model_auc = models.FloatField(null=True, blank=True)
    backtest_raw_model_auc = models.FloatField(null=True, blank=True)
    backtest_recency_auc = models.FloatField(null=True, blank=True)
    fitted_on = models.DateField()
    fitted_at = models.DateTimeField()

    def __str__(self):
        return f"churn {self.merchant_id} {self.method} {self.fitted_on}"


class PendingTouch(models.Model):
    """A touch committed with the write it comes from, waiting to reach the directory: the
    feed's outbox. The task applies and deletes it in one transaction; beat applies what a
    lost enqueue (a broker outage, a broker restarted empty) left behind."""

    payload = models.JSONField()  # crm.services.feed.Touch
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.payload.get('kind')} {self.payload.get('reference')}"


class CustomerExport(models.Model):
    """A list of customers left the platform: who took it, when, which customers and which
    columns (PIPL: a record of every transfer of personal information)."""

    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="customer_exports", on_delete=models.CASCADE
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    by_role = models.CharField(max_length=20, blank=True)
    exported_at = models.DateTimeField(default=timezone.now, db_index=True)
    count = models.PositiveIntegerField()
    customer_ids = models.JSONField(default=list)
    columns = models.JSONField(default=list)

    class Meta:
        verbose_name = _("客户名单导出记录")
        verbose_name_plural = _("客户名单导出记录")

    def __str__(self):
        return f"{self.merchant_id} {self.exported_at:%Y-%m-%d %H:%M} ({self.count})"
