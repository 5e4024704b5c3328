"""Reads: what a consumer may claim and holds, and what the counter sees before it redeems."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core import segments
from core.codes import InvalidCode, qr_payload_read, short_code_normalize
from core.errors import DomainError, NotFound
from loyalty.models import CardStatus, MembershipCard
from merchants.models import Shop
from merchants.selectors import shops_of

from .benefits import Applied, benefit_apply, when_text
from .errors import (
    AlreadyRedeemed,
    CouponNotFound,
    Expired,
    NotYetValid,
    OrderAmountRequired,
    WrongShop,
)
from .models import (
    Audience,
    Campaign,
    CampaignCustomer,
    CampaignStatus,
    Coupon,
    CouponStatus,
    Redemption,
)

CODE_LENGTH = 10


# --- audience and claiming ---------------------------------------------------------------------


def campaign_shop_ids(campaign: Campaign) -> list[int]:
    """The shops a campaign reaches: those it is valid at (empty: every shop of its merchant)
    and the shop of the service it prices."""
    return terms_shop_ids(shops=campaign.shops.all(), service=campaign.service)


def terms_shop_ids(*, shops, service=None) -> list[int]:
    """The shops campaign terms reach (see campaign_shop_ids); empty means every shop."""
    ids = [shop.pk for shop in shops]
    if ids and service is not None:
        ids.append(service.shop_id)
    return ids


def _member_levels(user: User) -> QuerySet:
    return MembershipCard.objects.filter(consumer=user, status=CardStatus.ACTIVE).values("level")


def audience_includes(campaign: Campaign, user: User) -> bool:
    if campaign.audience == Audience.ANYONE:
        return True
    if campaign.audience == Audience.LEVELS:
        return campaign.levels.filter(pk__in=_member_levels(user)).exists()
    if campaign.audience == Audience.SEGMENTS:
        return segments.in_segments(campaign.merchant_id, user.pk, campaign.segments)
    return user.phone_verified and campaign.customers.filter(phone=user.phone).exists()


def _audience_filter(user: User | None) -> Q:
    """Campaigns whose audience includes the user; anonymous visitors see only "anyone"."""
    if user is None or not user.is_authenticated or user.role != Role.CONSUMER:
        return Q(audience=Audience.ANYONE)
    through = Campaign.levels.through.objects.filter(
        campaign=OuterRef("pk"), level__in=_member_levels(user)
    )
    # A list of phones reaches only the account that proved the phone.
    listed = CampaignCustomer.objects.filter(
        campaign=OuterRef("pk"), phone=user.phone if user.phone_verified else None
    )
    # The consumer's CRM segment at the campaign's merchant is one of the campaign's segments.
    segmented = (
        segments.directory()
        .filter(merchant_id=OuterRef("merchant_id"), consumer=user)
        .annotate(
            listed_at=Func(
                OuterRef("segments"),
                F("segment"),
                function="array_position",
                output_field=IntegerField(),
            )
        )
        .filter(listed_at__isnull=False)
    )
    return (
        Q(audience=Audience.ANYONE)
        | Q(Exists(through), audience=Audience.LEVELS)
        | Q(Exists(listed), audience=Audience.CUSTOMER_LIST)
        | Q(Exists(segmented), audience=Audience.SEGMENTS)
    )


def accepted_at_shop_filter(shop: Shop) -> Q:
    """Campaigns that accept the shop: those naming it, and those naming no shop (all)."""
    shops = Campaign.shops.through.objects.filter(campaign=OuterRef("pk"))
    return Q(merchant_id=shop.merchant_id) & (~Exists(shops) | Exists(shops.filter(shop=shop)))


def campaigns_open_to(*, user: User | None, now: datetime) -> QuerySet[Campaign]:
    """What the user may claim now: published, not sold out, window not over, audience
    includes the user (coupon_claim's checks, as a filter)."""
    return Campaign.objects.filter(
        _audience_filter(user),
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        status=CampaignStatus.PUBLISHED,
        issued_count__lt=F("total_quantity"),
    )


def campaigns_for_display(campaigns: QuerySet[Campaign], user: User | None) -> QuerySet[Campaign]:
    """What CampaignPublicSerializer reads; for a signed-in user each carries `claimed_by_me`."""
    campaigns = campaigns.select_related("service", "merchant").prefetch_related("shops")
    if user is not None and user.is_authenticated:
        mine = Q(coupons__holder=user)
        if user.phone_verified:  # coupons sent to the phone count once it is proven theirs
            mine |= Q(coupons__holder__isnull=True, coupons__holder_phone=user.phone)
        campaigns = campaigns.annotate(claimed_by_me=Count("coupons", filter=mine))
    return campaigns


def campaigns_claimable(*, shop: Shop, user: User | None, now: datetime) -> QuerySet[Campaign]:
    """Campaigns open to the user that are accepted at the shop, newest first."""
    campaigns = campaigns_open_to(user=user, now=now).filter(accepted_at_shop_filter(shop))
    return campaigns_for_display(campaigns, user).order_by("-pk")


# --- a consumer's coupons ----------------------------------------------------------------------

STANDING = Prefetch(
    "redemptions",
    queryset=Redemption.objects.filter(reversed_at__isnull=True).select_related("shop"),
    to_attr="standing",
)


def coupons_of(*, user: User, state: str | None, now: datetime) -> QuerySet[Coupon]:
    """The user's coupons, including those sent to their phone before they signed up (once the
    account has proved the phone with an SMS code).

    state: `usable` (unused, window not over; may not have started yet), `used`, `expired`.
    """
    mine = Q(holder=user)
    if user.phone_verified:  # sent to the phone: only for whoever proved it is theirs
        mine |= Q(holder__isnull=True, holder_phone=user.phone)
    coupons = Coupon.objects.filter(mine)
    if state == "usable":
        coupons = coupons.filter(status=CouponStatus.AVAILABLE, valid_until__gt=now)
    elif state == "used":
        coupons = coupons.filter(status=CouponStatus.REDEEMED)
    elif state == "expired":
        coupons = coupons.filter(status=CouponStatus.AVAILABLE, valid_until__lte=now)
    return coupons.select_related("campaign__merchant", "campaign__service").prefetch_related(
        "campaign__shops", STANDING
    )


def coupon_state(coupon: Coupon, now: datetime) -> str:
    if coupon.status == CouponStatus.REDEEMED:
        return "used"
    if now >= coupon.valid_until:
        return "expired"
    if now < coupon.valid_from:
        return "not_yet_valid"
    return "usable"


# --- the counter -------------------------------------------------------------------------------


def coupon_code_read(text: str) -> str:
    """The coupon code in what the counter sent: a scanned QR payload (signature checked) or a
    typed code. Malformed, forged or foreign input is InvalidCode, before any lookup."""
    text = text.strip()
    if text.upper().startswith("O2O:"):
        kind, code = qr_payload_read(text)
        if kind != "C":
            raise InvalidCode()
    else:
        code = short_code_normalize(text)
    if len(code) != CODE_LENGTH:
        raise InvalidCode()
    return code


def coupon_code_held(*, user: User, shop: Shop, value: str) -> bool:
    """The counter's finder for typed codes (core.codes.scan_resolve): a coupon of this merchant."""
    return Coupon.objects.filter(code=value, campaign__merchant_id=shop.merchant_id).exists()


def counter_coupons(*, merchant_id: int, code: str) -> QuerySet[Coupon]:
    """The merchant's coupon with this code; another merchant's is not found, like a wrong one."""
    return Coupon.objects.select_related("campaign__service").filter(
        code=code, campaign__merchant_id=merchant_id
    )


def coupon_for_counter(*, merchant_id: int, code: str) -> Coupon:
    coupon = counter_coupons(merchant_id=merchant_id, code=code).first()
    if coupon is None:
        raise CouponNotFound()
    return coupon


def standing_redemption(coupon: Coupon) -> Redemption | None:
    return (
        Redemption.objects.filter(coupon=coupon, reversed_at__isnull=True)
        .select_related("shop")
        .first()
    )


def already_redeemed(coupon: Coupon) -> AlreadyRedeemed:
    """409 naming when and where the coupon was used."""
    redemption = standing_redemption(coupon)
    if redemption is None:  # redeemed a moment ago, in a transaction we cannot see yet
        return AlreadyRedeemed()
    when = timezone.localtime(redemption.redeemed_at)
    return AlreadyRedeemed(
        _("该券已于 %(when)s 在「%(shop)s」使用过。")
        % {"when": when_text(when), "shop": redemption.shop.name},
        fields={"redeemed_at": [when.isoformat()], "redeemed_shop": [redemption.shop.name]},
    )


@dataclass
class CounterCheck:
    """Whether the coupon can be used here and now, and what it takes off the order."""

    coupon: Coupon
    problem: DomainError | None
    applied: Applied | None

    @property
    def usable(self) -> bool:
        """The one definition of a usable coupon at the counter: nothing stands in the way
        but the order's amount, which the cashier types when redeeming."""
        return self.problem is None or isinstance(self.problem, OrderAmountRequired)

    @property
    def refusal(self) -> DomainError | None:
        """What the cashier must be told before redeeming: the problem unless usable."""
        return None if self.usable else self.problem


def coupon_check(
    *, coupon: Coupon, shop: Shop, now: datetime, order_amount_fen: int | None
) -> CounterCheck:
    """The counter's checks, in the order a cashier needs the answer: wrong shop, already
    used, not yet valid or expired, then the order (minimum spend, amount needed)."""
    campaign = coupon.campaign
    shop_ids = set(campaign.shops.values_list("pk", flat=True))
    problem: DomainError | None = None
    if shop_ids and shop.pk not in shop_ids:
        problem = WrongShop("该券不能在本门店使用，请到活动指定的门店使用。")
    elif coupon.status == CouponStatus.REDEEMED:
        problem = already_redeemed(coupon)
    elif now < coupon.valid_from:
        problem = NotYetValid(
            _("该券 %(when)s 起才能使用。") % {"when": when_text(coupon.valid_from)}
        )
    elif now >= coupon.valid_until:
        problem = Expired(_("该券已于 %(when)s 过期。") % {"when": when_text(coupon.valid_until)})
    if problem is not None:
        return CounterCheck(coupon, problem, None)
    try:
        return CounterCheck(coupon, None, benefit_apply(campaign, order_amount_fen))
    except DomainError as error:
        return CounterCheck(coupon, error, None)


def coupon_at_counter(
    *, shop: Shop, code: str, order_amount_fen: int | None = None, now: datetime | None = None
) -> CounterCheck:
    """A scanned or typed coupon code at this shop's counter, as both fronts show it: read
    (a forged QR is InvalidCode before any lookup), this merchant's coupon (another's is not
    found), and the counter's checks."""
    coupon = coupon_for_counter(merchant_id=shop.merchant_id, code=coupon_code_read(code))
    return coupon_check(
        coupon=coupon, shop=shop, now=now or timezone.now(), order_amount_fen=order_amount_fen
    )


def redemption_for_counter(*, user: User, redemption_id: int, shop: Shop | None) -> Redemption:
    """A redemption made in one of the user's shops (at `shop` when the counter names it);
    any other is not found."""
    redemptions = redemptions_visible(user).filter(pk=redemption_id)
    if shop is not None:
        redemptions = redemptions.filter(shop=shop)
    redemption = redemptions.first()
    if redemption is None:
        raise NotFound()
    return redemption


def redemptions_visible(user: User) -> QuerySet[Redemption]:
    """Redemptions in the shops the user works in (all of them for the owner)."""
    return Redemption.objects.filter(shop__in=shops_of(user)).select_related(
        "coupon", "campaign", "shop", "staff", "reversed_by"
    )


def reversal_window() -> timedelta:
    return timedelta(minutes=settings.COUPON_REVERSAL_WINDOW_MINUTES)


def redemptions_reversible(*, shop: Shop, now: datetime | None = None) -> QuerySet[Redemption]:
    """This shop's redemptions that can still be undone (inside the reversal window), newest
    first: what the counter page offers to undo."""
    since = (now or timezone.now()) - reversal_window()
    return (
        Redemption.objects.filter(shop=shop, reversed_at__isnull=True, redeemed_at__gt=since)
        .select_related("coupon", "campaign", "staff")
        .order_by("-redeemed_at", "-pk")
    )
