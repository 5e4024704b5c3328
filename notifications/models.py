"""The in-app inbox, the outbox of external messages (SMS, push) and each user's preferences.

An inbox row is the message itself: written in the transaction that decides to notify, read by
the app. An outbox row is a message still to leave the system through a channel backend
(notifications.backends): written in that same transaction, delivered after commit by
notifications.tasks, its attempts and backoff recorded on the row, so a crash between commit
and send loses nothing. `dedupe_key` names what a message is about ("deal:12"): unique per
recipient (and channel), so a re-run of whatever wrote it cannot write it twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.redaction import mask


class MessageKind(models.TextChoices):
    FLASH_DEAL = "flash_deal", _("闪购")
    SYSTEM = "system", _("系统通知")
    VERIFICATION = "verification", _("验证码")


# Marketing: by SMS only to phones that consented, always with the carriers' opt-out words.
MARKETING_KINDS = frozenset({MessageKind.FLASH_DEAL})


class InboxMessage(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="inbox_messages", on_delete=models.CASCADE
    )
    kind = models.CharField(_("类型"), max_length=12, choices=MessageKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="inbox_once_per_key")
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="inbox_unread"
            ),
            models.Index(fields=["dedupe_key"], name="inbox_dedupe_key"),  # a deal's reach
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.title}"


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    PUSH = "push", _("推送")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class DeliveryStatus(models.TextChoices):
    DELIVERED = "delivered", _("已送达")
    UNDELIVERED = "undelivered", _("未送达")


class OutboxMessage(models.Model):
    """One message for one channel backend. `address` is where it goes: a phone number for SMS,
    the user id for push (sent to the user's active devices when it leaves). SMS to a phone on a
    merchant's customer list may have no recipient account. A message that can never leave
    fails for good with `last_error` saying why: `expired`, `no_device` (a push to a user with
    no active device), or the gateway's refusal."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="outbox_messages",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    address = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    title = models.CharField(max_length=100)
    body = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=60)
    status = models.CharField(
        max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Pending: not before this time (quiet hours, backoff). Sending: the claim's lease ends.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("过时不发"))
    last_error = models.CharField(max_length=300, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The gateway's status report (SMS): blank until one came.
    delivery_status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, blank=True, default=""
    )
    delivery_error = models.CharField(max_length=100, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)  # when the report came

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address", "dedupe_key"], name="outbox_once_per_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbox_due",
            ),
            models.Index(fields=["dedupe_key"], name="outbox_dedupe_key"),
            models.Index(
                fields=["provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="outbox_provider_id",
            ),
        ]

    def __str__(self):
        return f"{self.channel} {self.address} {self.status}"


class DevicePlatform(models.TextChoices):
    IOS = "ios", "iOS"  # APNs
    ANDROID = "android", "Android"  # FCM
    HARMONY = "harmony", _("鸿蒙")  # HarmonyOS Push Kit
    WEB = "web", _("网页")  # a browser's Web Push subscription (RFC 8030)


class Device(models.Model):
    """A consumer's phone (or browser, platform "web") registered for push, known to its push
    service by `token`. A token is one phone's app install or one browser's subscription:
    registered again by whoever signs in there, it moves to them. A device the push service
    reports unknown is deactivated, not deleted, so the same token registered again comes back
    to life."""

    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="devices", on_delete=models.CASCADE
    )
    platform = models.CharField(_("平台"), max_length=8, choices=DevicePlatform.choices)
    # APNs: 64+ hex; FCM: ~160+; web: the subscription's endpoint URL (RFC 8030).
    token = models.CharField(_("推送令牌"), max_length=1024)
    # web only: the subscription's keys (RFC 8291), base64url: the browser's P-256 public key
    # and the 16-byte auth secret the message is encrypted for.
    p256dh = models.CharField(max_length=100, blank=True)
    auth = models.CharField(max_length=32, blank=True)
    app_version = models.CharField(_("应用版本"), max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("推送设备")
        verbose_name_plural = _("推送设备")
        constraints = [
            models.UniqueConstraint(fields=["platform", "token"], name="device_token_once")
        ]
        indexes = [
            models.Index(fields=["consumer"], condition=Q(active=True), name="device_active")
        ]

    def __str__(self):
        return f"{self.consumer_id} {self.platform} {mask(self.token)}"


class Preference(models.Model):
    """What a user lets us send. No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        related_name="notification_preference",
        primary_key=True,
        on_delete=models.CASCADE,
    )
    in_app = models.BooleanField(_("站内消息"), default=True)
    sms = models.BooleanField(_("短信"), default=True)
    push = models.BooleanField(_("推送"), default=True)
    # Local time (Asia/Shanghai); start > end spans midnight (22:00-08:00).
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    max_pushes_per_day = models.PositiveSmallIntegerField(_("每天最多推送"), default=5)
    unsubscribed_all = models.BooleanField(_("退订全部消息"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="preference_quiet_hours_both_or_neither",
            )
        ]

    def __str__(self):
        return f"{self.user_id}"


class PushCounter(models.Model):
    """Pushes scheduled per user and local day, for the daily cap: raised by one conditional
    upsert that refuses to pass `cap` (the user's cap when the row was last raised)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    day = models.DateField()
    count = models.PositiveSmallIntegerField(default=0)
    cap = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="push_counter_once_per_day")
        ]

    def __str__(self):
        return f"{self.user_id} {self.day} {self.count}"


class ConsentSource(models.TextChoices):
    APP = "app", _("顾客在应用中设置")
    COUNTER = "counter", _("顾客在门店书面同意（商户登记）")
    SMS_REPLY = "sms_reply", _("短信回复退订")
    LINK = "link", _("点击退订链接")
    STAFF = "staff", _("平台客服")


class MarketingConsent(models.Model):
    """Whether a phone may get one merchant's marketing SMS (flash deals, campaigns), with
    where and when it was given or withdrawn. Keyed by phone, not account: a customer on a
    merchant's list may have none. No row: no consent."""

    phone = PhoneNumberField(_("手机号"))
    merchant = models.ForeignKey(
        "merchants.Merchant", related_name="marketing_consents", on_delete=models.CASCADE
    )
    granted = models.BooleanField(_("同意接收营销短信"))
    source = models.CharField(_("来源"), max_length=10, choices=ConsentSource.choices)
    changed_at = models.DateTimeField(_("时间"), default=timezone.now)
    granted_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("退订时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("营销短信同意")
        verbose_name_plural = _("营销短信同意")
        constraints = [
            models.UniqueConstraint(fields=["phone", "merchant"], name="consent_once_per_merchant")
        ]

    def __str__(self):
        return f"{mask(str(self.phone))} {self.merchant_id} {self.granted}"


class MarketingOptOut(models.Model):
    """A phone that refused every marketing SMS (replied R or T to our sign, clicked the link):
    outweighs any consent until the phone's holder consents again in the app."""

    phone = PhoneNumberField(_("手机号"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=ConsentSource.choices)
    detail = models.CharField(_("内容"), max_length=100, blank=True)  # the reply's text
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("营销短信退订")
        verbose_name_plural = _("营销短信退订")

    def __str__(self):
        return f"{mask(str(self.phone))} {self.source}"


class SmsReply(models.Model):
    """A reply to our sign, as the gateway's callback reported it."""

    gateway = models.CharField(max_length=12)
    phone = PhoneNumberField()
    text = models.CharField(max_length=500)
    received_at = models.DateTimeField(default=timezone.now)
    opted_out = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("短信回复")
        verbose_name_plural = _("短信回复")

    def __str__(self):
        return f"{mask(str(self.phone))}: {self.text[:20]}"
