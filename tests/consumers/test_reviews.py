"""Reviews, replies, reports and moderation, and the Bayesian rating discovery shows."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from consumers import rating
from consumers.models import CategoryRatingPrior, Review, ReviewReport, ReviewStatus
from consumers.services import (
    order_consume,
    review_create_general,
    review_create_verified,
    review_moderate,
)
from consumers.tasks import rating_priors_refresh
from merchants.models import Category, Shop, StaffPermission
from tests.conftest import client_for
from tests.factories import ShopFactory, StaffFactory, UserFactory

from .factories import BookableServiceFactory, booking, consumer_new, purchase

pytestmark = pytest.mark.django_db


def consumed(shop=None):
    order = purchase(service=BookableServiceFactory(shop=shop or ShopFactory(), bookable=False))
    return order_consume(order=order, via="consumer", actor=order.consumer)


def shop_rating(shop) -> dict:
    return client_for(consumer_new()).get(f"/api/v1/shops/{shop.pk}/").json()["rating"]


def png(size=(300, 300)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_a_verified_review_needs_a_consumed_order_and_is_one_per_order():
    order = booking()
    client = client_for(order.consumer)
    url = f"/api/v1/me/orders/{order.pk}/review/"
    assert client.post(url, {"rating": 5}).json()["code"] == "order_not_consumed"
    order_consume(order=order, via="counter", actor=order.merchant.owner)
    created = client.post(url, {"rating": 5, "text": "手艺很好"})
    assert created.status_code == 201, created.json()
    assert created.json()["is_verified"] is True
    assert client.post(url, {"rating": 4}).json()["code"] == "already_reviewed"
    assert client.post(url, {"rating": 6}).status_code == 400
    expected = rating.rating_of([5], [], rating.DEFAULT_MEAN)
    assert shop_rating(order.shop) == {
        "score": expected,
        "count": 1,
        "verified_count": 1,
        "general_count": 0,
    }


def test_general_reviews_are_unverified_and_one_per_shop_per_30_days(consumer):
    shop = ShopFactory()
    client = client_for(consumer)
    url = f"/api/v1/shops/{shop.pk}/reviews/"
    first = client.post(url, {"rating": 3, "text": "一般"})
    assert first.json()["is_verified"] is False
    assert client.post(url, {"rating": 4}).json()["code"] == "review_too_soon"
    Review.objects.filter(pk=first.json()["id"]).update(
        created_at=first_time(first) - timedelta(days=31)
    )
    assert client.post(url, {"rating": 4}).status_code == 201
    merchant_client = client_for(shop.merchant.owner)
    assert merchant_client.post(url, {"rating": 5}).status_code == 403  # consumers only
    listed = client_for(consumer_new()).get(url).json()["results"]
    assert [r["rating"] for r in listed] == [4, 3]
    assert shop_rating(shop)["general_count"] == 2


def first_time(response):
    return Review.objects.get(pk=response.json()["id"]).created_at


def test_verified_reviews_weigh_more_than_general_ones():
    verified_shop, general_shop = ShopFactory(), ShopFactory()
    review_create_verified(order=consumed(verified_shop), rating=5)
    review_create_general(consumer=consumer_new(), shop=general_shop, rating=5)
    verified_shop.refresh_from_db()
    general_shop.refresh_from_db()
    assert verified_shop.rating > general_shop.rating > rating.DEFAULT_MEAN
    assert general_shop.rating == rating.rating_of([], [5], rating.DEFAULT_MEAN)


def test_the_rating_is_a_bayesian_average_with_the_category_prior():
    hair = Category.objects.get(slug="hair")
    shops = [ShopFactory(categories=[hair]) for _ in range(3)]
    stars = {shops[0]: ([5, 5, 4], [2]), shops[1]: ([3], []), shops[2]: ([], [1, 2])}
    for shop, (verified, general) in stars.items():
        for value in verified:
            review_create_verified(order=consumed(shop), rating=value)
        for value in general:
            review_create_general(consumer=consumer_new(), shop=shop, rating=value)
    rating_priors_refresh()
    weighted = sum(v for vs, _ in stars.values() for v in vs) + 0.5 * sum(
        g for _, gs in stars.values() for g in gs
    )
    weight = sum(len(vs) + 0.5 * len(gs) for vs, gs in stars.values())
    prior = rating.category_prior_of(weighted, weight)
    assert CategoryRatingPrior.objects.get(category=hair).mean == pytest.approx(prior)
    for shop, (verified, general) in stars.items():
        shop.refresh_from_db()
        assert shop.rating == rating.rating_of(verified, general, prior)
    untouched = ShopFactory(categories=[hair])
    untouched.refresh_from_db()
    assert (untouched.rating, untouched.rating_count) == (0, 0)


def test_discovery_filters_and_sorts_on_the_new_rating(api):
    good, poor, unrated = ShopFactory(), ShopFactory(), ShopFactory()
    for _ in range(4):
        review_create_verified(order=consumed(good), rating=5)
    review_create_verified(order=consumed(poor), rating=1)
    near = {"lat": 31.2286, "lng": 121.4481, "radius_m": 5000}
    by_rating = api.get("/api/v1/discover/", {**near, "sort": "rating"}).json()["results"]
    assert [s["id"] for s in by_rating] == [good.pk, poor.pk, unrated.pk]
    assert by_rating[0]["rating"]["verified_count"] == 4
    at_least_4 = api.get("/api/v1/discover/", {**near, "min_rating": 4}).json()["results"]
    assert [s["id"] for s in at_least_4] == [good.pk]


def test_merchants_reply_publicly_but_cannot_edit_and_others_cannot_reply(merchant):
    shop = ShopFactory(merchant=merchant)
    review = review_create_verified(order=consumed(shop), rating=2, text="等了很久")
    owner = client_for(merchant.owner)
    url = f"/api/v1/merchant/reviews/{review.pk}/"
    replied = owner.post(f"{url}reply/", {"text": "抱歉，我们已增加人手。"})
    assert replied.status_code == 200, replied.json()
    public = client_for(consumer_new()).get(f"/api/v1/shops/{shop.pk}/reviews/").json()
    assert public["results"][0]["reply_text"] == "抱歉，我们已增加人手。"
    assert owner.patch(url, {"rating": 5}).status_code in (404, 405)  # no edit route at all
    assert Review.objects.get(pk=review.pk).rating == 2
    stranger = client_for(ShopFactory().merchant.owner)
    assert stranger.post(f"{url}reply/", {"text": "x"}).status_code == 404
    clerk = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    clerk.shops.set([shop])
    assert client_for(clerk.user).post(f"{url}reply/", {"text": "x"}).status_code == 403


def established_consumer():
    """An account older than REVIEW_REPORT_ACCOUNT_MIN_DAYS: its reports count."""
    return UserFactory(role=Role.CONSUMER, date_joined=timezone.now() - timedelta(days=30))


def shown(shop) -> list[int]:
    page = client_for(consumer_new()).get(f"/api/v1/shops/{shop.pk}/reviews/").json()
    return [r["id"] for r in page["results"]]


def test_one_report_never_hides_a_review_and_each_account_reports_once():
    shop = ShopFactory()
    review = review_create_verified(order=consumed(shop), rating=1, text="差评")
    url = f"/api/v1/reviews/{review.pk}/report/"
    fresh = client_for(consumer_new())  # registered a moment ago
    assert fresh.post(url, {"reason": "spam"}).status_code == 201
    assert shown(shop) == [review.pk]
    again = fresh.post(url, {"reason": "abuse"})
    assert (again.status_code, again.json()["code"]) == (409, "already_reported")
    for _ in range(5):  # fresh accounts and the shop's own merchant never count
        client_for(consumer_new()).post(url, {"reason": "spam"})
    client_for(shop.merchant.owner).post(url, {"reason": "false"})
    assert shown(shop) == [review.pk]
    assert ReviewReport.objects.filter(review=review).count() == 7


def test_reports_of_established_accounts_hide_by_the_stated_rule_and_keep_stands():
    shop = ShopFactory()
    review = review_create_verified(order=consumed(shop), rating=1, text="差评")
    before = shop_rating(shop)
    url = f"/api/v1/reviews/{review.pk}/report/"
    reporters = [client_for(established_consumer()) for _ in range(3)]
    for reporter in reporters[:2]:
        assert reporter.post(url, {"reason": "spam"}).status_code == 201
    assert shown(shop) == [review.pk]
    reporters[2].post(url, {"reason": "spam"})
    assert shown(shop) == []  # the third counting report: hidden until staff decide
    assert shop_rating(shop) == before
    review_moderate(review=Review.objects.get(pk=review.pk), keep=True)
    assert shown(shop) == [review.pk]
    for reporter in reporters:  # the same accounts cannot report it again
        assert reporter.post(url, {"reason": "abuse"}).status_code == 409
    for _ in range(4):  # "keep" stands against later reports of the same kind
        assert client_for(established_consumer()).post(url, {"reason": "spam"}).status_code == 201
    assert shown(shop) == [review.pk]
    for _ in range(3):  # a new kind of complaint is counted afresh
        client_for(established_consumer()).post(url, {"reason": "privacy"})
    assert shown(shop) == []
    review_moderate(review=Review.objects.get(pk=review.pk), keep=False)
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.REMOVED
    assert shop_rating(shop)["count"] == 0
    assert Shop.objects.get(pk=shop.pk).rating == 0


def test_review_photos_are_validated_and_limited():
    review = review_create_verified(order=consumed(), rating=5)
    client = client_for(review.consumer)
    url = f"/api/v1/me/reviews/{review.pk}/photos/"
    added = client.post(url, {"image": png()}, format="multipart")
    assert added.status_code == 201, added.json()
    tiny = client.post(url, {"image": png((50, 50))}, format="multipart")
    assert tiny.json()["code"] == "invalid_image"
    for _ in range(8):
        client.post(url, {"image": png()}, format="multipart")
    assert client.post(url, {"image": png()}, format="multipart").json()["code"] == (
        "too_many_photos"
    )
    other = client_for(consumer_new()).post(url, {"image": png()}, format="multipart")
    assert other.status_code == 404
