"""Demo coupons for `manage.py seed_demo`: published campaigns of the demo merchant and a few
coupons in the demo consumer's hands (usable and used). Idempotent: skipped once the demo
merchant has campaigns."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coupons import services
from coupons.models import Audience, BenefitKind, Campaign
from merchants.models import Merchant, Service


@transaction.atomic
def demo_coupons_load(*, merchant: Merchant, consumer: User) -> int:
    """The number of campaigns made (0 when they were already there)."""
    if Campaign.objects.filter(merchant=merchant).exists():
        return 0
    now = timezone.now()
    shops = list(merchant.shops.order_by("pk"))
    offered = list(Service.objects.filter(shop__in=shops, price_fen__gt=0).order_by("pk"))
    window = {"valid_from": now - timedelta(days=1), "valid_until": now + timedelta(days=60)}
    designs = [
        dict(title="新客立减 20 元", description="全部门店通用，满 100 元可用。",
             benefit_kind=BenefitKind.AMOUNT_OFF, amount_off_fen=2000, min_spend_fen=10000,
             total_quantity=500, **window),
        dict(title="周末 8.5 折", description="最多优惠 30 元，领取后 30 天内有效。",
             benefit_kind=BenefitKind.PERCENT_OFF, percent_off=15, percent_cap_fen=3000,
             valid_days_after_issue=30, total_quantity=200, per_customer_limit=2,
             shops=shops[:2]),
        dict(title=f"免费体验「{offered[0].name}」", benefit_kind=BenefitKind.FREE_ITEM,
             service=offered[0], total_quantity=50, shops=[offered[0].shop], **window),
        dict(title=f"「{offered[-1].name}」会员特价", benefit_kind=BenefitKind.SPECIAL_PRICE,
             service=offered[-1], special_price_fen=offered[-1].price_fen * 7 // 10,
             total_quantity=100, audience=Audience.CUSTOMER_LIST,
             customer_phones=[consumer.phone], shops=[offered[-1].shop], **window),
    ]  # fmt: skip
    campaigns = []
    for design in designs:
        campaign = services.campaign_create(merchant=merchant, **design)
        campaigns.append(services.campaign_transition(campaign=campaign, action="publish"))
    for campaign in campaigns:
        services.coupon_claim(campaign=campaign, consumer=consumer)
    used = services.coupon_claim(campaign=campaigns[1], consumer=consumer)
    services.coupon_redeem(
        shop=shops[0],
        staff=merchant.owner,
        code=used.code,
        order_amount_fen=16800,
        idempotency_key="demo-seed-redemption",
    )
    return len(campaigns)
