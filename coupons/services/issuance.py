"""Putting coupons in hands: a consumer claims one, the merchant sends them to phone numbers,
or prints a paper batch.

Two limits hold under any concurrency, each enforced by the database:
- total quantity: `issued_count` rises by one conditional UPDATE (`... WHERE issued_count + n
  <= total_quantity`), run last in the transaction so the campaign row is locked briefly; a
  check constraint backs it.
- per customer: each coupon held by a phone takes a numbered place (1..limit) under a unique
  constraint, so two concurrent claims by one customer cannot take the same place.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import User
from core.codes import short_code_new

from ..errors import (
    CampaignNotClaimable,
    CampaignNotPublished,
    ClaimLimitReached,
    NotInAudience,
    SoldOut,
)
from ..models import Campaign, CampaignStatus, Coupon, CouponChannel, PaperBatch
from ..selectors import CODE_LENGTH, audience_includes

CODE_ATTEMPTS = 3  # 31**10 codes: a collision is rare, two in a row rarer still


def coupon_window(campaign: Campaign, issued_at: datetime) -> tuple[datetime, datetime]:
    if campaign.valid_days_after_issue:
        return issued_at, issued_at + timedelta(days=campaign.valid_days_after_issue)
    return campaign.valid_from, campaign.valid_until


def _open_check(campaign: Campaign, now: datetime, *, error=CampaignNotClaimable) -> None:
    if campaign.status != CampaignStatus.PUBLISHED:
        raise error()
    if campaign.valid_until is not None and campaign.valid_until <= now:
        raise error(_("活动有效期已结束。"))


def _quantity_take(campaign: Campaign, count: int) -> None:
    """Count `count` more coupons against the total, or refuse: one conditional UPDATE."""
    taken = Campaign.objects.filter(
        pk=campaign.pk,
        status=CampaignStatus.PUBLISHED,
        issued_count__lte=F("total_quantity") - count,
    ).update(issued_count=F("issued_count") + count)
    if taken:
        return
    current = Campaign.objects.get(pk=campaign.pk)
    if current.status != CampaignStatus.PUBLISHED:
        raise CampaignNotClaimable()
    raise (
        SoldOut()
        if current.remaining == 0
        else SoldOut(_("仅剩 %(left)s 张。") % {"left": current.remaining})
    )


def _coupon_for_customer(
    *, campaign: Campaign, phone: str, holder: User | None, channel: str, now: datetime
) -> Coupon:
    """A coupon in the customer's next free place under the per-customer limit.

    Losing a place to a concurrent claim means that claim took it, so after `limit` losses
    every place is taken: `limit + 1` attempts always reach an answer."""
    for _attempt in range(campaign.per_customer_limit + 1):
        held = Coupon.objects.filter(campaign=campaign, holder_phone=phone).count()
        if held >= campaign.per_customer_limit:
            raise ClaimLimitReached(
                _("每人限领 %(limit)s 张，您已领取。") % {"limit": campaign.per_customer_limit}
            )
        valid_from, valid_until = coupon_window(campaign, now)
        try:
            with transaction.atomic():
                return Coupon.objects.create(
                    campaign=campaign,
                    code=short_code_new(CODE_LENGTH),
                    channel=channel,
                    holder=holder,
                    holder_phone=phone,
                    holder_seq=held + 1,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    issued_at=now,
                )
        except IntegrityError:
            continue  # the place (or, rarely, the code) was just taken: look again
    raise ClaimLimitReached()


@transaction.atomic
def coupon_claim(*, campaign: Campaign, consumer: User, now: datetime | None = None) -> Coupon:
    """A consumer takes a coupon: the campaign must be open, include them and have one left."""
    now = now or timezone.now()
    _open_check(campaign, now)
    if not audience_includes(campaign, consumer):
        raise NotInAudience()
    coupon = _coupon_for_customer(
        campaign=campaign,
        phone=str(consumer.phone),
        holder=consumer,
        channel=CouponChannel.CLAIM,
        now=now,
    )
    _quantity_take(campaign, 1)
    return coupon


@dataclass
class IssueResult:
    issued: list[Coupon] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (phone, reason code)


@transaction.atomic
def coupons_issue(
    *, campaign: Campaign, phones: list[PhoneNumber], now: datetime | None = None
) -> IssueResult:
    """The merchant sends one coupon to each phone number (audience rules are for claims;
    the merchant chooses these customers). A phone at the per-customer limit is skipped and
    reported; if fewer coupons remain than phones, nothing is sent."""
    now = now or timezone.now()
    _open_check(campaign, now, error=CampaignNotPublished)
    wanted = list(dict.fromkeys(str(phone) for phone in phones))
    if len(wanted) > campaign.remaining:
        raise SoldOut(
            _("仅剩 %(left)s 张，不够发给 %(wanted)s 位顾客。")
            % {"left": campaign.remaining, "wanted": len(wanted)}
        )
    # Held by the account only once it proved the phone; until then, by the phone alone.
    proven = User.objects.proven_consumers(wanted)
    consumers = {str(user.phone): user for user in proven}
    result = IssueResult()
    for phone in wanted:
        try:
            coupon = _coupon_for_customer(
                campaign=campaign,
                phone=phone,
                holder=consumers.get(phone),
                channel=CouponChannel.ISSUE,
                now=now,
            )
        except ClaimLimitReached:
            result.skipped.append((phone, ClaimLimitReached.code))
        else:
            result.issued.append(coupon)
    if result.issued:
        _quantity_take(campaign, len(result.issued))
    return result


@transaction.atomic
def paper_batch_create(
    *, campaign: Campaign, count: int, created_by: User, now: datetime | None = None
) -> PaperBatch:
    """`count` bearer coupons for printing: they belong to whoever holds the paper."""
    now = now or timezone.now()
    _open_check(campaign, now, error=CampaignNotPublished)
    batch = PaperBatch.objects.create(campaign=campaign, count=count, created_by=created_by)
    valid_from, valid_until = coupon_window(campaign, now)
    for attempt in range(CODE_ATTEMPTS):
        coupons = [
            Coupon(
                campaign=campaign,
                code=short_code_new(CODE_LENGTH),
                channel=CouponChannel.PAPER,
                batch=batch,
                valid_from=valid_from,
                valid_until=valid_until,
                issued_at=now,
            )
            for _n in range(count)
        ]
        try:
            with transaction.atomic():
                Coupon.objects.bulk_create(coupons)
            break
        except IntegrityError:
            if attempt == CODE_ATTEMPTS - 1:
                raise
    _quantity_take(campaign, count)
    return batch
