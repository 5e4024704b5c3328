"""Demo orders and reviews for `manage.py seed_demo`, placed through the real services so the
ratings discovery shows come from reviews by the same formula as in production. Orders are
paid through ORDER_PAYMENT_BACKEND (the sandbox in local settings); the demo consumer's orders
at the demo merchant get the card's member price, one of them paid partly with points."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from consumers.models import ConsumedVia, ResourceKind, Review
from consumers.rating import category_priors_refresh, shop_ratings_refresh
from consumers.services import (
    order_consume,
    order_create,
    order_policy_set,
    review_create_general,
    review_create_verified,
    review_reply,
    slots_create,
)
from loyalty.selectors import card_for_purchase
from merchants.models import Merchant, Service, Shop

REVIEW_TEXTS = {
    5: ["非常满意，下次还来！", "服务细致，环境干净。", "性价比很高，推荐。"],
    4: ["整体不错，就是人有点多。", "挺好的，价格公道。"],
    3: ["一般，中规中矩。", "还行，等位时间有点长。"],
    2: ["不太满意，服务态度一般。"],
    1: ["体验很差，不会再来了。"],
}
DEMO_REVIEWER_PREFIX = "+86135"


def demo_orders_seed(*, rng: random.Random, consumer: User, merchant: Merchant, log) -> None:
    """Skipped when demo reviews exist, so seed_demo stays idempotent."""
    if Review.objects.filter(consumer__phone__startswith=DEMO_REVIEWER_PREFIX).exists():
        log("demo orders already loaded")
        return
    reviewers = [
        User.objects.get_or_create(
            phone=f"{DEMO_REVIEWER_PREFIX}{index:08d}",
            defaults={"name": rng.choice("张王李赵刘陈杨黄周吴") + "先生", "role": Role.CONSUMER},
        )[0]
        for index in range(30)
    ]
    shops = list(
        Shop.objects.filter(services__is_active=True)
        .exclude(categories__is_public_service=True)
        .distinct()
        .order_by("pk")
    )
    for done, shop in enumerate(shops, 1):
        with transaction.atomic():
            shop_reviews_seed(rng, shop, reviewers)
        if done % 50 == 0 or done == len(shops):
            log(f"  reviewed shops {done}/{len(shops)}")
    with transaction.atomic():
        demo_merchant_seed(rng, merchant, consumer)
    category_priors_refresh()
    shop_ratings_refresh()


def shop_reviews_seed(rng: random.Random, shop: Shop, reviewers: list[User]) -> None:
    """A few consumed orders with verified reviews and some general reviews, around the shop's
    own quality, so ratings spread as they do on a real platform."""
    quality = rng.uniform(2.8, 4.9)
    service = shop.services.filter(is_active=True).first()
    people = rng.sample(reviewers, rng.randint(0, 8))
    for index, person in enumerate(people):
        stars = max(1, min(5, round(rng.gauss(quality, 0.8))))
        text = rng.choice(REVIEW_TEXTS[stars])
        if index % 3 == 2:
            review_create_general(consumer=person, shop=shop, rating=stars, text=text)
            continue
        order = order_create(consumer=person, service=service)
        order_consume(order=order, via=ConsumedVia.COUNTER, actor=shop.merchant.owner)
        review = review_create_verified(order=order, rating=stars, text=text)
        if stars <= 3 and rng.random() < 0.5:
            review_reply(review=review, text="感谢反馈，我们会改进。")


def demo_merchant_seed(rng: random.Random, merchant: Merchant, consumer: User) -> None:
    """The demo merchant's bookable services get a week of slots; the demo consumer gets an
    upcoming booking, a voucher, an order awaiting acceptance and a consumed order to review."""
    now = timezone.localtime()
    tomorrow = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    bookable = list(Service.objects.filter(shop__merchant=merchant, bookable=True, is_active=True))
    for service in bookable:
        starts = [
            tomorrow + timedelta(days=day, hours=hour) for day in range(7) for hour in (10, 14, 19)
        ]
        slots_create(
            shop=service.shop,
            service=service,
            starts=starts,
            duration_minutes=service.duration_minutes or 60,
            capacity=rng.randint(2, 6),
            resource_kind=ResourceKind.STAFF,
        )
    if not bookable:
        return
    first = bookable[0]
    order_create(consumer=consumer, service=first, slot=first.time_slots.first())
    voucher = Service.objects.filter(shop__merchant=merchant, is_active=True).last()
    order_create(consumer=consumer, service=voucher)
    # Paid partly with the demo card's points (its member price applies to every order here).
    card = card_for_purchase(consumer=consumer, shop=voucher.shop)
    points = min(card.points // 100 * 100, 500) if card else 0
    done = order_create(consumer=consumer, service=voucher, points=points)
    order_consume(order=done, via=ConsumedVia.COUNTER, actor=merchant.owner)
    accepting = bookable[-1]
    order_policy_set(shop=accepting.shop, requires_acceptance=True, acceptance_minutes=60 * 24)
    order_create(consumer=consumer, service=accepting, slot=accepting.time_slots.last())
