"""Reviews: every review with its verified mark, the public reply, the 1-2 star alert, and a
report that keeps the review shown (the merchant cannot make a bad review disappear)."""

import pytest
from django.urls import reverse

from consumers.models import Review, ReviewReport, ReviewStatus
from consumers.services import order_consume, review_create_general, review_create_verified
from merchants.models import StaffPermission
from tests.consumers.factories import BookableServiceFactory, consumer_new, purchase
from tests.factories import ShopFactory

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db


def verified_review(shop, rating, text):
    order = purchase(service=BookableServiceFactory(shop=shop, bookable=False))
    order_consume(order=order, via="counter", actor=shop.merchant.owner)
    return review_create_verified(order=order, rating=rating, text=text)


@pytest.fixture
def reviews(shop):
    bad = verified_review(shop, 1, "服务态度差")
    good = review_create_general(consumer=consumer_new(), shop=shop, rating=5, text="很满意")
    return bad, good


def test_every_review_with_its_verified_mark_and_the_low_star_alert(owner, reviews):
    page = owner.get(reverse("dashboard:reviews")).content.decode()
    assert "服务态度差" in page and "很满意" in page
    assert page.count("已验证消费") == 1 and "未验证" in page
    assert 'id="low-alert"' in page and "有 1 条 1-2 星差评还没回复" in page
    low = owner.get(reverse("dashboard:reviews"), {"low": "1"}).content.decode()
    assert "服务态度差" in low and "很满意" not in low


def test_reply_is_published_and_clears_the_alert(owner, reviews):
    bad, _ = reviews
    response = owner.post(
        reverse("dashboard:review-reply", args=[bad.pk]), {f"r{bad.pk}-text": "抱歉，已改进"}
    )
    assert response.status_code == 302
    assert Review.objects.get(pk=bad.pk).reply_text == "抱歉，已改进"
    assert 'id="low-alert"' not in owner.get(reverse("dashboard:reviews")).content.decode()


def test_an_empty_reply_is_refused_in_words(owner, reviews):
    bad, _ = reviews
    response = owner.post(
        reverse("dashboard:review-reply", args=[bad.pk]), {f"r{bad.pk}-text": ""}, follow=True
    )
    assert "回复不能为空" in response.content.decode()
    assert Review.objects.get(pk=bad.pk).reply_text == ""


def test_a_report_keeps_the_review_shown_and_twice_says_so(owner, reviews):
    bad, _ = reviews
    url = reverse("dashboard:review-report", args=[bad.pk])
    owner.post(url, {f"p{bad.pk}-reason": "false", f"p{bad.pk}-text": "没有这回事"})
    assert ReviewReport.objects.filter(review=bad).count() == 1
    assert Review.objects.get(pk=bad.pk).status == ReviewStatus.VISIBLE
    again = owner.post(url, {f"p{bad.pk}-reason": "false"}, follow=True).content.decode()
    assert ReviewReport.objects.filter(review=bad).count() == 1
    assert "举报" in again


def test_the_next_address_cannot_leave_the_site(owner, reviews):
    bad, _ = reviews
    response = owner.post(
        reverse("dashboard:review-reply", args=[bad.pk]),
        {f"r{bad.pk}-text": "好", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith("/dashboard/reviews/")


def test_others_reviews_are_not_found(other_merchant_owner, reviews):
    bad, _ = reviews
    assert (
        "服务态度差" not in other_merchant_owner.get(reverse("dashboard:reviews")).content.decode()
    )
    response = other_merchant_owner.post(
        reverse("dashboard:review-reply", args=[bad.pk]), {f"r{bad.pk}-text": "x"}
    )
    assert response.status_code == 404
    assert Review.objects.get(pk=bad.pk).reply_text == ""


def test_staff_need_the_permission_and_see_their_shops_only(merchant, shop, reviews):
    other_shop = ShopFactory(merchant=merchant)
    verified_review(other_shop, 4, "别的店")
    keeper = browser_for(
        staff_member(merchant, [other_shop], [StaffPermission.MANAGE_CUSTOMERS]).user
    )
    page = keeper.get(reverse("dashboard:reviews")).content.decode()
    assert "别的店" in page and "服务态度差" not in page
    bad, _ = reviews
    assert keeper.post(reverse("dashboard:review-reply", args=[bad.pk])).status_code == 404
    cashier = browser_for(staff_member(merchant, [shop], [StaffPermission.REDEEM]).user)
    assert cashier.get(reverse("dashboard:reviews")).status_code == 403
