"""Whom a flash deal reaches, by its target kind: a registry of resolvers.

Each resolver returns an `Audience`; a new target kind registers one with
`@target_resolver(kind)` and adds its value to models.DealTarget.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import User
from core import segments as customer_segments
from geo.matching import subscribers_of_shop_deal
from loyalty.models import CardStatus, MembershipCard

from .models import DealTarget, FlashDeal


@dataclass
class Audience:
    user_ids: list[int]  # sorted
    sms_phones: dict[int, str] = field(default_factory=dict)  # user id -> phone, SMS too
    sms_phones_without_account: list[str] = field(default_factory=list)


RESOLVERS: dict[str, Callable[[FlashDeal], Audience]] = {}


def target_resolver(kind: str):
    def register(resolve: Callable[[FlashDeal], Audience]):
        RESOLVERS[kind] = resolve
        return resolve

    return register


def audience_of(deal: FlashDeal) -> Audience:
    return RESOLVERS[deal.target](deal)


@target_resolver(DealTarget.RADIUS)
def subscribers_nearby(deal: FlashDeal) -> Audience:
    """Subscribers (to the shop or one of its categories) whose subscription covers the shop
    and whose place or activity area is within the deal's radius of it."""
    return Audience(user_ids=subscribers_of_shop_deal(shop=deal.shop, radius_m=deal.radius_m))


@target_resolver(DealTarget.CUSTOMER_LIST)
def customer_list(deal: FlashDeal) -> Audience:
    phones = [str(p) for p in deal.campaign.customers.values_list("phone", flat=True)]
    # An account that has not proved the phone is not the list's customer: SMS only.
    proven = User.objects.proven_consumers(phones)
    accounts = dict(proven.values_list("pk", "phone"))
    audience = Audience(user_ids=sorted(accounts))
    if deal.sms:
        audience.sms_phones = {pk: str(phone) for pk, phone in accounts.items()}
        known = {str(phone) for phone in accounts.values()}
        audience.sms_phones_without_account = sorted(set(phones) - known)
    return audience


def level_holder_ids(levels) -> set[int]:
    """Consumers holding an active card of one of `levels`."""
    return set(
        MembershipCard.objects.filter(level__in=levels, status=CardStatus.ACTIVE).values_list(
            "consumer_id", flat=True
        )
    )


def segment_member_ids(merchant_id: int, segments: list[str]) -> set[int]:
    """The merchant's customers with an account in any of the CRM segments."""
    return set(customer_segments.segment_member_ids(merchant_id, segments))


@target_resolver(DealTarget.LEVELS)
def membership_levels(deal: FlashDeal) -> Audience:
    return Audience(user_ids=sorted(level_holder_ids(deal.campaign.levels.all())))


@target_resolver(DealTarget.SEGMENTS)
def crm_segments(deal: FlashDeal) -> Audience:
    """The merchant's customers with an account in any of the campaign's RFM segments."""
    return Audience(user_ids=sorted(segment_member_ids(deal.merchant_id, deal.campaign.segments)))
