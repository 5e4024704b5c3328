from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone

from core.codes import short_code_new
from coupons.models import BenefitKind, Campaign, CampaignStatus, Coupon, CouponChannel
from loyalty.models import CardProgram, Level, MembershipCard
from tests.factories import MerchantFactory, UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    """A published "满100减20" campaign, valid from an hour ago for 30 days, in every shop."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    merchant = factory.SubFactory(MerchantFactory)
    title = factory.Sequence(lambda n: f"新客立减券{n}")
    status = CampaignStatus.PUBLISHED
    benefit_kind = BenefitKind.AMOUNT_OFF
    amount_off_fen = 2000
    min_spend_fen = 10000
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    valid_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    total_quantity = 100
    per_customer_limit = 1

    @factory.post_generation
    def shops(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.shops.set(extracted)


class CouponFactory(factory.django.DjangoModelFactory):
    """A coupon claimed by a consumer, with the campaign's window; counted as issued."""

    class Meta:
        model = Coupon

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.LazyFunction(lambda: short_code_new(10))
    channel = CouponChannel.CLAIM
    holder = factory.SubFactory(UserFactory)
    holder_phone = factory.LazyAttribute(lambda o: str(o.holder.phone) if o.holder else "")
    holder_seq = factory.LazyAttribute(lambda o: 1 if o.holder_phone else None)
    valid_from = factory.LazyAttribute(lambda o: o.campaign.valid_from or timezone.now())
    valid_until = factory.LazyAttribute(
        lambda o: o.campaign.valid_until or timezone.now() + timedelta(days=7)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        coupon = super()._create(model_class, *args, **kwargs)
        Campaign.objects.filter(pk=coupon.campaign_id).update(issued_count=F("issued_count") + 1)
        return coupon


def member_of(merchant, consumer, level_name="银卡", rank=1) -> Level:
    """The consumer holds an active card of the merchant's program at the named level."""
    program, _ = CardProgram.objects.get_or_create(merchant=merchant, defaults={"name": "会员卡"})
    Level.objects.get_or_create(program=program, rank=0, defaults={"name": "普通卡"})
    level, _ = Level.objects.get_or_create(
        program=program, rank=rank, defaults={"name": level_name}
    )
    MembershipCard.objects.create(
        program=program, consumer=consumer, level=level, number=short_code_new(12)
    )
    return level
