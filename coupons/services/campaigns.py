"""Designing a campaign: create, edit within the rules, publish, pause, end.

A draft can change freely. Once published, holders were promised its terms, so an edit may
only favour them (see FAVOURABLE): more off, a lower minimum spend, a longer window, more shops,
a wider audience. Title, description and image are not terms and stay editable. An ended
campaign's terms are final.

Pausing or ending stops claiming and issuing only: coupons already held stay usable until
their own window closes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumber_field.phonenumber import PhoneNumber

from loyalty.models import Level
from merchants.images import image_process
from merchants.models import Merchant, Service, Shop
from moderation.errors import TextUnderReview
from moderation.services import HELD, pending_of, screening_queue, text_screen

from ..benefits import BENEFIT_FIELDS, benefit_spec, less, more, same
from ..errors import InvalidCampaign, InvalidTransition, TermsLocked
from ..locks import campaign_lock
from ..models import (
    Audience,
    Campaign,
    CampaignCustomer,
    CampaignStatus,
    Coupon,
    CouponStatus,
)

SCALAR_TERMS = (
    "benefit_kind",
    *BENEFIT_FIELDS,
    "min_spend_fen",
    "valid_from",
    "valid_until",
    "valid_days_after_issue",
    "total_quantity",
    "per_customer_limit",
    "audience",
    "segments",
)
COSMETIC = ("title", "description")


@dataclass
class Terms:
    """A campaign's terms including its related sets, to check and compare as one value."""

    fields: dict
    shops: set[int]  # empty = every shop of the merchant
    levels: set[int]
    phones: set[str]  # E.164

    @classmethod
    def of(cls, campaign: Campaign) -> "Terms":
        return cls(
            fields={name: getattr(campaign, name) for name in SCALAR_TERMS},
            shops=set(campaign.shops.values_list("pk", flat=True)),
            levels=set(campaign.levels.values_list("pk", flat=True)),
            phones={str(p) for p in campaign.customers.values_list("phone", flat=True)},
        )

    def changed(self, **changes) -> "Terms":
        fields = {**self.fields, **{k: v for k, v in changes.items() if k in SCALAR_TERMS}}
        # Switching a draft to another kind of benefit or validity drops the old kind's values.
        if changes.get("benefit_kind", fields["benefit_kind"]) != self.fields["benefit_kind"]:
            fields.update({name: changes.get(name) for name in BENEFIT_FIELDS})
        if changes.get("valid_days_after_issue") is not None:
            fields.update(
                valid_from=changes.get("valid_from"), valid_until=changes.get("valid_until")
            )
        elif changes.get("valid_from") is not None or changes.get("valid_until") is not None:
            fields["valid_days_after_issue"] = changes.get("valid_days_after_issue")
        return Terms(
            fields=fields,
            shops={s.pk for s in changes["shops"]} if "shops" in changes else self.shops,
            levels={level.pk for level in changes["levels"]}
            if "levels" in changes
            else self.levels,
            phones={str(p) for p in changes["customer_phones"]}
            if "customer_phones" in changes
            else self.phones,
        )


def terms_check(*, merchant: Merchant, terms: Terms, shops=(), levels=()) -> None:
    """Everything a campaign's terms must satisfy, draft or not; InvalidCampaign names each
    offending field."""
    fields = terms.fields
    problems = benefit_spec(fields["benefit_kind"]).problems(fields)
    if fields["min_spend_fen"] is not None and fields["min_spend_fen"] < 0:
        problems["min_spend_fen"] = [_("金额不能为负。")]
    service: Service | None = fields["service"]
    if service is not None and service.shop.merchant_id != merchant.pk:
        problems["service"] = [_("只能选择本商户的服务。")]

    fixed = fields["valid_from"] is not None or fields["valid_until"] is not None
    relative = fields["valid_days_after_issue"] is not None
    if fixed == relative:
        problems["valid_until"] = [
            _("请选择固定有效期（开始和结束时间）或领取后有效天数，二选一。")
        ]
    elif fixed and (fields["valid_from"] is None or fields["valid_until"] is None):
        problems["valid_until"] = [_("固定有效期需要开始和结束时间。")]
    elif fixed and fields["valid_until"] <= fields["valid_from"]:
        problems["valid_until"] = [_("结束时间须晚于开始时间。")]
    elif relative and fields["valid_days_after_issue"] < 1:
        problems["valid_days_after_issue"] = [_("有效天数至少为 1。")]

    if fields["total_quantity"] < 1:
        problems["total_quantity"] = [_("发行量至少为 1。")]
    if fields["per_customer_limit"] < 1:
        problems["per_customer_limit"] = [_("每人限领至少为 1。")]
    if any(shop.merchant_id != merchant.pk for shop in shops):
        problems["shops"] = [_("包含不属于本商户的门店。")]
    if any(level.program.merchant_id != merchant.pk for level in levels):
        problems["levels"] = [_("只能选择本商户会员卡的等级。")]
    if fields["audience"] == Audience.LEVELS and not terms.levels:
        problems["levels"] = [_("请选择至少一个会员等级。")]
    if fields["audience"] == Audience.CUSTOMER_LIST and not terms.phones:
        problems["customer_phones"] = [_("请填写至少一个顾客手机号。")]
    if fields["audience"] == Audience.SEGMENTS and not fields["segments"]:
        problems["segments"] = [_("请选择至少一个客户分群。")]
    if problems:
        raise InvalidCampaign(fields=problems)


# Published terms may change only this way: field -> (allowed(old, new), why not). The benefit
# columns are their kind's (BenefitSpec.better_for_holders).
FAVOURABLE = {
    "benefit_kind": (same, gettext_lazy("已发布的活动不能更改优惠类型。")),
    "min_spend_fen": (less, gettext_lazy("最低消费只能降低。")),
    "valid_from": (less, gettext_lazy("有效期只能提前开始，不能推迟。")),
    "valid_until": (more, gettext_lazy("有效期只能延长。")),
    "valid_days_after_issue": (more, gettext_lazy("有效天数只能增加。")),
    "per_customer_limit": (more, gettext_lazy("每人限领只能增加。")),
    # Fewer unissued coupons hurt no holder; fewer than already issued is impossible anyway.
    "total_quantity": (lambda old, new: True, ""),
}


def favourable_check(*, old: Terms, new: Terms, issued_count: int) -> None:
    problems: dict[str, list[str]] = {}
    for name, (allowed, why) in FAVOURABLE.items():
        if old.fields[name] != new.fields[name] and not allowed(old.fields[name], new.fields[name]):
            problems[name] = [str(why)]
    if old.fields["benefit_kind"] == new.fields["benefit_kind"]:
        spec = benefit_spec(new.fields["benefit_kind"])
        problems |= spec.better_for_holders(old.fields, new.fields)
    # An empty set of shops means every shop: the widest there is.
    if old.shops != new.shops and not (not new.shops or (old.shops and new.shops >= old.shops)):
        problems["shops"] = [_("已发布的活动只能增加适用门店。")]
    old_audience, new_audience = old.fields["audience"], new.fields["audience"]
    if new_audience != Audience.ANYONE:
        if new_audience != old_audience:
            problems["audience"] = [_("已发布的活动只能把适用人群放宽为所有人。")]
        elif not new.levels >= old.levels:
            problems["levels"] = [_("已发布的活动只能增加会员等级。")]
        elif not new.phones >= old.phones:
            problems["customer_phones"] = [_("已发布的活动只能增加顾客。")]
        elif not set(new.fields["segments"]) >= set(old.fields["segments"]):
            problems["segments"] = [_("已发布的活动只能增加客户分群。")]
    if problems:
        raise TermsLocked(fields=problems)
    if new.fields["total_quantity"] < issued_count:
        raise InvalidCampaign(
            fields={
                "total_quantity": [
                    _("已发出 %(count)s 张，发行量不能更少。") % {"count": issued_count}
                ]
            }
        )


def _sets_save(campaign: Campaign, terms: Terms, shops, levels) -> None:
    """The related sets; levels and phones are kept only for the audience that uses them."""
    campaign.shops.set(shops)
    campaign.levels.set(levels if campaign.audience == Audience.LEVELS else [])
    phones = terms.phones if campaign.audience == Audience.CUSTOMER_LIST else set()
    CampaignCustomer.objects.filter(campaign=campaign).exclude(phone__in=phones).delete()
    CampaignCustomer.objects.bulk_create(
        [CampaignCustomer(campaign=campaign, phone=phone) for phone in sorted(phones)],
        ignore_conflicts=True,
    )


@transaction.atomic
def campaign_create(
    *,
    merchant: Merchant,
    title: str,
    benefit_kind: str,
    total_quantity: int,
    description: str = "",
    amount_off_fen: int | None = None,
    percent_off: int | None = None,
    percent_cap_fen: int | None = None,
    service: Service | None = None,
    special_price_fen: int | None = None,
    min_spend_fen: int = 0,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    valid_days_after_issue: int | None = None,
    per_customer_limit: int = 1,
    shops: list[Shop] = (),
    audience: str = Audience.ANYONE,
    levels: list[Level] = (),
    customer_phones: list[PhoneNumber] = (),
    segments: list[str] = (),
) -> Campaign:
    """A draft campaign; it is checked as a whole and can be published later."""
    screening = text_screen({"title": title, "description": description})
    campaign = Campaign(
        merchant=merchant,
        title=screening.public("title", HELD),
        description=screening.public("description"),
        benefit_kind=benefit_kind,
        amount_off_fen=amount_off_fen,
        percent_off=percent_off,
        percent_cap_fen=percent_cap_fen,
        service=service,
        special_price_fen=special_price_fen,
        min_spend_fen=min_spend_fen,
        valid_from=valid_from,
        valid_until=valid_until,
        valid_days_after_issue=valid_days_after_issue,
        total_quantity=total_quantity,
        per_customer_limit=per_customer_limit,
        audience=audience,
        segments=sorted(set(segments)) if audience == Audience.SEGMENTS else [],
    )
    terms = Terms(
        fields={name: getattr(campaign, name) for name in SCALAR_TERMS},
        shops={s.pk for s in shops},
        levels={level.pk for level in levels},
        phones={str(p) for p in customer_phones},
    )
    terms_check(merchant=merchant, terms=terms, shops=shops, levels=levels)
    campaign.save()
    _sets_save(campaign, terms, shops, levels)
    screening_queue(screening, subject=CAMPAIGN, object_id=campaign.pk)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, reviewed: bool = False, **changes) -> Campaign:
    """Edit a campaign: anything in a draft, only changes that favour holders once published.

    `changes` may hold the scalar terms, COSMETIC fields, `shops`, `levels` and
    `customer_phones` (each a full replacement). Extending validity extends the unused coupons
    already out, so holders get what the new terms promise.
    """
    campaign = campaign_lock(campaign.pk)
    if not reviewed:  # public text passes the word list first; a hit keeps the old text
        screening = text_screen({name: changes[name] for name in COSMETIC if name in changes})
        screening_queue(screening, subject=CAMPAIGN, object_id=campaign.pk)
        changes = {k: v for k, v in changes.items() if k not in screening.hits}
    old = Terms.of(campaign)
    new = old.changed(**changes)
    shops = changes.get("shops", Shop.objects.filter(pk__in=old.shops))
    levels = changes.get("levels", Level.objects.filter(pk__in=old.levels))
    if new != old:
        if campaign.status == CampaignStatus.ENDED:
            raise TermsLocked(_("活动已结束，条款不能再修改。"))
        terms_check(merchant=campaign.merchant, terms=new, shops=shops, levels=levels)
        if campaign.status != CampaignStatus.DRAFT:
            favourable_check(old=old, new=new, issued_count=campaign.issued_count)
    for name in COSMETIC:
        if name in changes:
            setattr(campaign, name, changes[name])
    for name, value in new.fields.items():
        setattr(campaign, name, value)
    campaign.save()
    _sets_save(campaign, new, shops, levels)
    _coupon_windows_extend(campaign, old)
    return campaign


CAMPAIGN = "coupons.campaign"


def campaign_text_apply(*, object_id: int, field: str, text: str) -> None:
    """A title or description staff approved (moderation.registry)."""
    campaign = Campaign.objects.filter(pk=object_id).first()
    if campaign is not None:
        campaign_update(campaign=campaign, reviewed=True, **{field: text})


def _coupon_windows_extend(campaign: Campaign, old: Terms) -> None:
    """Unused coupons follow a longer window (only longer ones pass favourable_check)."""
    unused = Coupon.objects.filter(campaign=campaign, status=CouponStatus.AVAILABLE)
    if campaign.valid_days_after_issue:
        extra = campaign.valid_days_after_issue - (old.fields["valid_days_after_issue"] or 0)
        if extra > 0 and old.fields["valid_days_after_issue"]:
            unused.update(valid_until=F("valid_until") + timedelta(days=extra))
        return
    if campaign.valid_from != old.fields["valid_from"] or (
        campaign.valid_until != old.fields["valid_until"]
    ):
        unused.update(valid_from=campaign.valid_from, valid_until=campaign.valid_until)


@transaction.atomic
def campaign_image_set(*, campaign: Campaign, upload: UploadedFile) -> Campaign:
    campaign.image = image_process(upload).original
    campaign.save(update_fields=["image", "updated_at"])
    return campaign


# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "publish": ({CampaignStatus.DRAFT, CampaignStatus.PAUSED}, CampaignStatus.PUBLISHED),
    "pause": ({CampaignStatus.PUBLISHED}, CampaignStatus.PAUSED),
    "end": ({CampaignStatus.PUBLISHED, CampaignStatus.PAUSED}, CampaignStatus.ENDED),
}


@transaction.atomic
def campaign_transition(
    *, campaign: Campaign, action: str, now: datetime | None = None
) -> Campaign:
    """draft -> published <-> paused -> ended, as one conditional UPDATE, so two people
    pressing different buttons at once cannot both win."""
    now = now or timezone.now()
    sources, target = TRANSITIONS[action]
    if action == "publish" and campaign.valid_until is not None and campaign.valid_until <= now:
        raise InvalidCampaign(fields={"valid_until": [_("有效期已结束，请先延长有效期再发布。")]})
    if action == "publish" and (waiting := pending_of(subject=CAMPAIGN, object_id=campaign.pk)):
        # Its title or description waits for content review: not public (nor pushed) yet.
        raise TextUnderReview(fields={name: [str(TextUnderReview.message)] for name in waiting})
    rows = Campaign.objects.filter(pk=campaign.pk, status__in=sources)
    extra = {"published_at": now} if campaign.published_at is None and action == "publish" else {}
    if not rows.update(status=target, updated_at=now, **extra):
        raise InvalidTransition()
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    """Only a draft can be deleted: nothing was promised to anyone yet."""
    campaign = campaign_lock(campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise InvalidTransition(_("只有草稿可以删除；已发布的活动请结束它。"))
    campaign.delete()


@transaction.atomic
def campaigns_end_past_window(*, now: datetime | None = None) -> int:
    """Campaigns whose fixed window is over end by themselves (a periodic task)."""
    now = now or timezone.now()
    return Campaign.objects.filter(
        status__in=[CampaignStatus.PUBLISHED, CampaignStatus.PAUSED], valid_until__lte=now
    ).update(status=CampaignStatus.ENDED, updated_at=now)
