"""Flash deals: create (a draft campaign with a short window), publish, fan out.

Publishing commits the campaign's and the deal's new state and enqueues the fan-out on commit;
the fan-out (deals.tasks, `fanout` queue, acks_late) resolves the audience once, then tells it
in batches. Each batch is one transaction: insert (deal, consumer) rows, ON CONFLICT DO NOTHING,
and only for the rows that went in write the inbox rows, the push counters and the outbox
messages (notifications.services.notifications_send_many). A re-run, a redelivered task or two
workers at once therefore tell each consumer exactly once, and a crash loses at most the batch
in flight, which the redelivered task does again.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from coupons.benefits import BENEFIT_FIELDS
from coupons.errors import InvalidTransition
from coupons.models import Audience as CampaignAudience
from coupons.models import CampaignStatus
from coupons.services import campaign_create, campaign_transition, campaign_update
from loyalty.models import Level
from merchants.models import Merchant, Shop
from notifications.models import MessageKind
from notifications.services import Notification, notifications_send_many
from notifications.tasks import outbox_deliver_on_commit

from .errors import DealAlreadyPublished, DealOver, InvalidDeal
from .locks import flash_deal_lock
from .models import DealStatus, DealTarget, FlashDeal
from .targets import audience_of

CAMPAIGN_AUDIENCE = {
    DealTarget.RADIUS: CampaignAudience.ANYONE,
    DealTarget.CUSTOMER_LIST: CampaignAudience.CUSTOMER_LIST,
    DealTarget.LEVELS: CampaignAudience.LEVELS,
    DealTarget.SEGMENTS: CampaignAudience.SEGMENTS,
}
MIN_MINUTES, MAX_MINUTES = 5, 12 * 60
# A deal starts at most a day back (a form left open overnight) and at most 90 days ahead.
START_WINDOW = (timedelta(days=1), timedelta(days=90))


@dataclass(frozen=True)
class DealTerms:
    """What a merchant fills in for a deal: its shop, offer, window and target. `offer` holds the
    campaign's benefit terms (coupons.campaign_create's keyword arguments)."""

    shop: Shop
    title: str
    benefit_kind: str
    total_quantity: int
    duration_minutes: int
    target: str
    starts_at: datetime
    radius_m: int | None
    sms: bool
    levels: list[Level]
    customer_phones: list[PhoneNumber]
    segments: list[str]
    offer: dict

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def check(self, *, merchant: Merchant, now: datetime) -> None:
        problems = {}
        if self.shop.merchant_id != merchant.pk:
            problems["shop"] = [_("只能选择本商户的门店。")]
        if not MIN_MINUTES <= self.duration_minutes <= MAX_MINUTES:
            problems["duration_minutes"] = [
                _("闪购时长须在 %(min)s 分钟到 12 小时之间。") % {"min": MIN_MINUTES}
            ]
        earliest, latest = now - START_WINDOW[0], now + START_WINDOW[1]
        if not earliest <= self.starts_at <= latest:
            problems["starts_at"] = [_("开始时间须在 90 天之内。")]
        elif self.ends_at <= now:
            problems["starts_at"] = [_("闪购结束时间已过。")]
        if self.target == DealTarget.RADIUS and self.radius_m is None:
            problems["radius_m"] = [_("按距离推送需要填写推送半径。")]
        if self.sms and self.target != DealTarget.CUSTOMER_LIST:
            problems["sms"] = [_("短信仅用于指定顾客名单的闪购。")]
        if problems:
            raise InvalidDeal(fields=problems)

    def campaign_terms(self) -> dict:
        """The campaign's terms, complete (an edit replaces every one of them): redeemable at
        the deal's shop only, from starts_at for duration_minutes."""
        return {
            "title": self.title,
            "description": self.offer.get("description", ""),
            "benefit_kind": self.benefit_kind,
            **{name: self.offer.get(name) for name in BENEFIT_FIELDS},
            "min_spend_fen": self.offer.get("min_spend_fen", 0),
            "per_customer_limit": self.offer.get("per_customer_limit", 1),
            "total_quantity": self.total_quantity,
            "valid_from": self.starts_at,
            "valid_until": self.ends_at,
            "shops": [self.shop],
            "audience": CAMPAIGN_AUDIENCE[self.target],
            "levels": list(self.levels),
            "customer_phones": list(self.customer_phones),
            "segments": sorted(set(self.segments)) if self.target == DealTarget.SEGMENTS else [],
        }

    def deal_fields(self) -> dict:
        return {
            "shop": self.shop,
            "target": self.target,
            "radius_m": self.radius_m if self.target == DealTarget.RADIUS else None,
            "sms": self.sms,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
        }


def deal_terms(
    *,
    shop: Shop,
    title: str,
    benefit_kind: str,
    total_quantity: int,
    duration_minutes: int,
    target: str,
    now: datetime,
    starts_at: datetime | None = None,
    radius_m: int | None = None,
    sms: bool = False,
    levels: list[Level] = (),
    customer_phones: list[PhoneNumber] = (),
    segments: list[str] = (),
    **offer,
) -> DealTerms:
    return DealTerms(
        shop=shop,
        title=title,
        benefit_kind=benefit_kind,
        total_quantity=total_quantity,
        duration_minutes=duration_minutes,
        target=target,
        starts_at=starts_at or now,
        radius_m=radius_m,
        sms=sms,
        levels=list(levels),
        customer_phones=list(customer_phones),
        segments=list(segments),
        offer=offer,
    )


@transaction.atomic
def flash_deal_create(*, merchant: Merchant, now: datetime | None = None, **fields) -> FlashDeal:
    """A draft deal and its draft campaign; `fields` are DealTerms' (see deal_terms)."""
    now = now or timezone.now()
    terms = deal_terms(now=now, **fields)
    terms.check(merchant=merchant, now=now)
    campaign = campaign_create(merchant=merchant, **terms.campaign_terms())
    return FlashDeal.objects.create(campaign=campaign, merchant=merchant, **terms.deal_fields())


@transaction.atomic
def flash_deal_update(*, deal: FlashDeal, now: datetime | None = None, **fields) -> FlashDeal:
    """Replace a draft's offer, window and target as a whole (the same fields as creating it);
    once published it is 409 `deal_already_published`: it has been pushed to people."""
    now = now or timezone.now()
    deal = flash_deal_lock(deal.pk)
    if deal.status != DealStatus.DRAFT:
        raise DealAlreadyPublished()
    terms = deal_terms(now=now, **fields)
    terms.check(merchant=deal.merchant, now=now)
    campaign_update(campaign=deal.campaign, **terms.campaign_terms())
    for name, value in terms.deal_fields().items():
        setattr(deal, name, value)
    deal.save()
    return deal


@transaction.atomic
def flash_deal_publish(*, deal: FlashDeal, now: datetime | None = None) -> FlashDeal:
    """Publish the campaign and the deal; the fan-out starts on commit (at starts_at if later;
    beat's flash_deals_fan_out_due is the net under a lost enqueue)."""
    from .tasks import flash_deal_fan_out

    now = now or timezone.now()
    deal = flash_deal_lock(deal.pk)
    if deal.status != DealStatus.DRAFT:
        raise DealAlreadyPublished()
    if deal.ends_at <= now:
        raise DealOver()
    campaign_transition(campaign=deal.campaign, action="publish", now=now)
    deal.status = DealStatus.PUBLISHED
    deal.published_at = now
    deal.save(update_fields=["status", "published_at"])
    eta = max(deal.starts_at, now)
    transaction.on_commit(
        lambda: flash_deal_fan_out.apply_async(
            [deal.pk], eta=eta, queue=settings.FLASH_DEAL_FANOUT_QUEUE
        ),
        robust=True,  # a broker outage must not fail the publish: beat enqueues it again
    )
    return deal


def _deal_transition(deal: FlashDeal, action: str, now: datetime | None) -> FlashDeal:
    deal = flash_deal_lock(deal.pk)
    if deal.status != DealStatus.PUBLISHED:
        raise InvalidTransition()
    campaign_transition(campaign=deal.campaign, action=action, now=now)
    deal.refresh_from_db()
    return deal


@transaction.atomic
def flash_deal_pause(*, deal: FlashDeal, now: datetime | None = None) -> FlashDeal:
    """Stop the deal for now: its coupons cannot be claimed, and a push not yet sent waits
    (flash_deal_fan_out skips a deal whose campaign is not published)."""
    return _deal_transition(deal, "pause", now)


@transaction.atomic
def flash_deal_resume(*, deal: FlashDeal, now: datetime | None = None) -> FlashDeal:
    """A paused deal on again (its campaign published again); a waiting push goes out."""
    deal = _deal_transition(deal, "publish", now)
    from .tasks import flash_deal_fan_out

    if deal.fanout_finished_at is None:
        eta = max(deal.starts_at, now or timezone.now())
        transaction.on_commit(
            lambda: flash_deal_fan_out.apply_async(
                [deal.pk], eta=eta, queue=settings.FLASH_DEAL_FANOUT_QUEUE
            ),
            robust=True,
        )
    return deal


@transaction.atomic
def flash_deal_end(*, deal: FlashDeal, now: datetime | None = None) -> FlashDeal:
    """End the deal for good: its campaign ended (coupons claimed before cannot be used), no
    push goes out any more."""
    deal = _deal_transition(deal, "end", now)
    FlashDeal.objects.filter(pk=deal.pk, fanout_finished_at__isnull=True).update(
        fanout_finished_at=now or timezone.now()
    )
    deal.refresh_from_db()
    return deal


@dataclass
class FanOutResult:
    audience: int = 0
    new_recipients: int = 0
    inbox: int = 0
    outbox: int = 0
    capped: int = 0
    skipped: str = ""


def _recipients_insert(deal: FlashDeal, user_ids: list[int], now: datetime) -> list[int]:
    """The (deal, consumer) guard rows that went in: active consumers not told before."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO deals_dealrecipient (deal_id, consumer_id, created_at)
                SELECT %s, u.id, %s FROM accounts_user u
                WHERE u.id = ANY(%s) AND u.is_active ORDER BY u.id
                ON CONFLICT (deal_id, consumer_id) DO NOTHING RETURNING consumer_id""",
            [deal.pk, now, user_ids],
        )
        return sorted(row[0] for row in cursor.fetchall())


def notification_of(deal: FlashDeal) -> Notification:
    campaign = deal.campaign
    local_end = timezone.localtime(deal.ends_at)
    return Notification(
        kind=MessageKind.FLASH_DEAL,
        title=f"闪购：{campaign.title}"[:100],
        body=f"{deal.shop.name}，{local_end:%H:%M} 前有效。{campaign.description}"[:500],
        data={
            "deal": deal.pk,
            "campaign": campaign.pk,
            "shop": deal.shop_id,
            "ends_at": timezone.localtime(deal.ends_at).isoformat(),
        },
        dedupe_key=deal.dedupe_key,
        expires_at=deal.ends_at,
    )


def _deal_lock(deal_id: int) -> bool:
    """A session advisory lock per deal: one fan-out at a time (a second one would only wait
    on the first's rows). The server drops it when the worker's connection dies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [7301, deal_id])
        return cursor.fetchone()[0]


def _deal_unlock(deal_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [7301, deal_id])


def flash_deal_fan_out(*, deal_id: int, now: datetime | None = None) -> FanOutResult:
    """Tell the deal's audience, idempotently (see the module docstring)."""
    now = now or timezone.now()
    result = FanOutResult()
    deal = FlashDeal.objects.select_related("campaign", "shop").filter(pk=deal_id).first()
    if deal is None or deal.status != DealStatus.PUBLISHED or deal.fanout_finished_at:
        result.skipped = "not_due"
        return result
    if deal.campaign.status != CampaignStatus.PUBLISHED:
        result.skipped = "paused"  # flash_deal_resume enqueues it again
        return result
    if deal.starts_at > now:
        result.skipped = "not_started"  # enqueued early; the eta or beat brings it back
        return result
    if deal.ends_at <= now:
        FlashDeal.objects.filter(pk=deal.pk).update(fanout_finished_at=now)
        result.skipped = "over"
        return result
    if not _deal_lock(deal.pk):
        result.skipped = "running"
        return result
    try:
        FlashDeal.objects.filter(pk=deal.pk, fanout_started_at__isnull=True).update(
            fanout_started_at=now
        )
        _fan_out(deal, result)
        FlashDeal.objects.filter(pk=deal.pk).update(fanout_finished_at=timezone.now())
    finally:
        _deal_unlock(deal.pk)
    return result


def _fan_out(deal: FlashDeal, result: FanOutResult) -> None:
    audience = audience_of(deal)
    notification = notification_of(deal)
    result.audience = len(audience.user_ids) + len(audience.sms_phones_without_account)
    batch = settings.FLASH_DEAL_FANOUT_BATCH
    pause = settings.FLASH_DEAL_FANOUT_PAUSE_MS / 1000
    for start in range(0, len(audience.user_ids), batch):
        chunk = audience.user_ids[start : start + batch]
        with transaction.atomic():
            now = timezone.now()
            told = _recipients_insert(deal, chunk, now)
            sent = notifications_send_many(
                notification=notification,
                user_ids=told,
                sms_user_phones={
                    u: audience.sms_phones[u] for u in told if u in audience.sms_phones
                },
                merchant_id=deal.merchant_id,
                now=now,
            )
            outbox_deliver_on_commit(sent.outbox_due_ids)
        result.new_recipients += len(told)
        result.inbox += sent.inbox
        result.outbox += len(sent.outbox_due_ids) + sent.outbox_later
        result.capped += sent.capped
        if pause:
            time.sleep(pause)
    if audience.sms_phones_without_account:
        with transaction.atomic():  # no account, no guard row: the outbox's own key dedupes
            sent = notifications_send_many(
                notification=notification,
                user_ids=[],
                sms_phones_without_account=audience.sms_phones_without_account,
                merchant_id=deal.merchant_id,
            )
            outbox_deliver_on_commit(sent.outbox_due_ids)
        result.outbox += len(sent.outbox_due_ids) + sent.outbox_later


def flash_deals_due(*, now: datetime | None = None) -> list[int]:
    """Published deals that started and whose fan-out has not finished: beat enqueues them,
    so a lost enqueue or a task lost with its worker still reaches everyone."""
    now = now or timezone.now()
    return list(
        FlashDeal.objects.filter(
            status=DealStatus.PUBLISHED,
            campaign__status=CampaignStatus.PUBLISHED,
            fanout_finished_at__isnull=True,
            starts_at__lte=now,
        ).values_list("pk", flat=True)
    )
