"""A consumer's data export: everything the platform holds about them, as one JSON file with a
readable summary, written by a Celery task through Django's storage (any process can serve
it) and downloadable once through a short-lived signed link."""

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core import signing
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from accounts.models import User
from consumers.models import Dispute, Order, OrderEvent, Review, ReviewReport
from coupons.models import Coupon, Redemption
from crm.models import Customer
from deals.models import DealRecipient
from geo.models import ActivityArea, ActivityCluster, CheckIn, LocationConsent, Place, Subscription
from loyalty.models import LedgerEntry, MembershipCard, PointsLot
from notifications.models import (
    Device,
    InboxMessage,
    MarketingConsent,
    MarketingOptOut,
    OutboxMessage,
    Preference,
    SmsReply,
)
from payments.models import Payment, Refund
from verification.models import SmsCode

from ..errors import ExportLinkInvalid, ExportNotReady
from ..locks import export_lock, pending_export_lock
from ..models import Consent, DataExport, DeletionRequest, ExportStatus

SIGNER_SALT = "privacy.export.download"
# Secrets are never exported, even to their owner: hashes and bearer tokens.
NEVER = {"password", "token", "idempotency_key", "lots_used"}


NOTES = frozenset({"notes", "owner"})


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # the summary's words
    model: type[models.Model]
    lookup: str  # the path from a row to the user's id
    exclude: frozenset = frozenset()
    of: str = "pk"  # what of the user the lookup compares: the id, or the phone

    def rows(self, user: User) -> models.QuerySet:
        return self.model.objects.filter(**{self.lookup: str(getattr(user, self.of))})


SECTIONS = [
    Section("profile", "账户资料", User, "pk", frozenset({"password"})),
    Section("consents", "同意记录", Consent, "user"),
    Section("location_consent", "位置信息授权", LocationConsent, "consumer"),
    # Kept by phone (a merchant may have recorded it before I had an account); who recorded
    # it is the merchant's staff, not me.
    Section(
        "marketing_consents",
        "营销短信同意",
        MarketingConsent,
        "phone",
        frozenset({"recorded_by"}),
        of="phone",
    ),
    Section("marketing_opt_out", "营销短信退订", MarketingOptOut, "phone", of="phone"),
    Section("sms_replies", "短信回复", SmsReply, "phone", of="phone"),
    Section("sms_codes", "短信验证码记录", SmsCode, "phone", frozenset({"code_hash"}), of="phone"),
    Section("orders", "订单", Order, "consumer"),
    Section("order_events", "订单记录", OrderEvent, "order__consumer"),
    Section("disputes", "申诉", Dispute, "order__consumer"),
    Section("payments", "支付", Payment, "payer"),
    Section("refunds", "退款", Refund, "payment__payer"),
    Section("cards", "会员卡", MembershipCard, "consumer"),
    Section("card_ledger", "会员卡流水", LedgerEntry, "card__consumer"),
    Section("points_lots", "积分批次", PointsLot, "card__consumer"),
    Section("coupons", "优惠券", Coupon, "holder"),
    Section("redemptions", "核销记录", Redemption, "coupon__holder"),
    Section("reviews", "评价", Review, "consumer"),
    Section("review_reports", "举报", ReviewReport, "reporter"),
    Section("places", "常用地点", Place, "consumer"),
    Section("check_ins", "签到", CheckIn, "consumer"),
    Section("activity_area", "活动区域", ActivityArea, "consumer"),
    Section("activity_clusters", "活动区域聚类", ActivityCluster, "consumer"),
    Section("subscriptions", "闪购订阅", Subscription, "consumer"),
    Section("flash_deals_received", "收到的闪购", DealRecipient, "consumer"),
    Section("messages", "站内消息", InboxMessage, "recipient"),
    Section("sent_notifications", "短信与推送", OutboxMessage, "recipient"),
    Section("devices", "推送设备", Device, "consumer"),
    Section("notification_preferences", "通知设置", Preference, "user"),
    # What merchants recorded about me, without their own working notes.
    Section("merchant_customer_records", "商户的顾客档案", Customer, "consumer", NOTES),
    Section("data_exports", "数据导出申请", DataExport, "user"),
    Section("deletion_requests", "注销申请", DeletionRequest, "user"),
]


def value_of(value):
    if isinstance(value, GEOSGeometry):
        if value.geom_type == "Point":
            return {"lat": value.y, "lng": value.x}
        return value.wkt
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat()  # +08:00, like every answer
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if hasattr(value, "as_e164"):
        return value.as_e164
    return value


def row_of(obj: models.Model, exclude: frozenset) -> dict:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in NEVER or field.name in exclude:
            continue
        row[field.attname] = value_of(getattr(obj, field.attname))
    return row


def export_document(user: User, *, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    data = {}
    summary = []
    for section in SECTIONS:
        rows = [row_of(obj, section.exclude) for obj in section.rows(user).order_by("pk")]
        data[section.key] = rows
        summary.append({"section": section.key, "title": section.title, "count": len(rows)})
    lines = [f"{s['title']}：{s['count']} 条" for s in summary]
    return {
        "generated_at": value_of(now),
        "user_id": user.pk,
        "readme": "这是平台保存的关于您的全部个人信息。summary 为各类数据的条数，data 为明细。",
        "summary": summary,
        "summary_text": "\n".join(lines),
        "data": data,
    }


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """A pending export, or the one already pending; the task is enqueued on commit."""
    from ..tasks import data_export_prepare

    export = pending_export_lock(user)
    if export is None:
        export = DataExport.objects.create(user=user, status=ExportStatus.PENDING)
    transaction.on_commit(lambda: data_export_prepare.delay(export.pk))
    return export


@transaction.atomic
def data_export_prepare_by_id(*, export_id: int) -> DataExport | None:
    export = export_lock(export_id)
    if export is None or export.status != ExportStatus.PENDING:
        return export  # done already: the task is idempotent
    body = json.dumps(export_document(export.user), ensure_ascii=False, indent=1)
    export.file.save(f"{export.user_id}-{export.pk}.json", ContentFile(body.encode()), save=False)
    export.status, export.ready_at = ExportStatus.READY, timezone.now()
    export.save()
    return export


def data_export_latest(*, user: User) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-pk").first()


def data_export_link_token(*, export: DataExport) -> str:
    if export.status != ExportStatus.READY:
        raise ExportNotReady()
    return signing.dumps({"export": export.pk}, salt=SIGNER_SALT, compress=True)


def link_minutes() -> int:
    return settings.PRIVACY_EXPORT_LINK_MINUTES


@transaction.atomic
def data_export_download(*, token: str) -> tuple[str, bytes]:
    """The file's name and bytes, once: the file is deleted from storage as it is served."""
    try:
        claims = signing.loads(token, salt=SIGNER_SALT, max_age=link_minutes() * 60)
    except signing.BadSignature as error:  # expired links are bad signatures too
        raise ExportLinkInvalid() from error
    export = export_lock(claims.get("export"))
    if export is None or export.status != ExportStatus.READY or not export.file:
        raise ExportLinkInvalid()
    with export.file.open("rb") as handle:
        body = handle.read()
    name = f"my-data-{export.ready_at:%Y%m%d}.json"
    stored, storage = export.file.name, export.file.storage
    transaction.on_commit(lambda: storage.delete(stored))  # gone once the download counts
    export.file = ""
    export.status, export.downloaded_at = ExportStatus.DOWNLOADED, timezone.now()
    export.save()
    return name, body
