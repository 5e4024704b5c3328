"""Home: today's takings, orders, redemptions and new members against yesterday and last week,
what needs doing now, the counter button; per shop or all shops; staff see their shops only."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from consumers.models import ShopOrderPolicy
from consumers.services import order_consume, review_create_verified
from coupons.services.redemption import coupon_redeem
from loyalty.services.cards import card_create
from merchants.models import StaffPermission
from payments.models import Payment
from tests.consumers.factories import BookableServiceFactory, SlotFactory, booking, purchase
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import ShopFactory, UserFactory
from tests.loyalty.factories import program_create

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db


def figure(response, key):
    return next(f for f in response.context["figures"] if f.key == key)


@pytest.fixture
def busy_day(merchant, shop):
    """Today in `shop`: two paid purchases (¥88 each), a coupon redeemed on a ¥150 bill, a new
    member; yesterday at this hour one ¥88 purchase."""
    service = BookableServiceFactory(shop=shop, bookable=False)
    purchase(service=service)
    purchase(service=service)
    earlier = purchase(service=service)
    Payment.objects.filter(pk=earlier.payment_id).update(
        succeeded_at=timezone.now() - timedelta(days=1, minutes=5)
    )
    type(earlier).objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - timedelta(days=1, minutes=5)
    )
    coupon = CouponFactory(campaign=CampaignFactory(merchant=merchant))
    coupon_redeem(
        shop=shop,
        staff=merchant.owner,
        code=coupon.code,
        order_amount_fen=15000,
        idempotency_key="k1",
    )
    program = program_create(merchant=merchant)
    card_create(
        program=program, consumer=UserFactory(role=Role.CONSUMER), status="active", shop=shop
    )
    return shop


def test_today_against_yesterday_in_count_and_yuan(owner, busy_day):
    response = owner.get(reverse("dashboard:home"))
    assert response.status_code == 200
    takings = figure(response, "takings")
    assert (takings.today.count, takings.today.fen) == (2, 17600)
    assert (takings.yesterday.count, takings.yesterday.fen) == (1, 8800)
    assert takings.fen_change == 8800
    assert figure(response, "orders").today.count == 2
    assert (
        figure(response, "redemptions").today.count,
        figure(response, "redemptions").today.fen,
    ) == (1, 15000)
    assert figure(response, "new_members").today.count == 1
    page = response.content.decode()
    assert "¥176.00" in page and "+88.00" in page
    chart = json.loads(page.split('id="today-chart" type="application/json">')[1].split("<")[0])
    assert sum(chart["today"]) == 176.0


def test_the_counter_button_and_what_needs_doing(owner, shop, merchant):
    slot = SlotFactory(
        service=BookableServiceFactory(shop=shop),
        starts_at=(timezone.now() + timedelta(hours=1)).replace(second=0, microsecond=0),
    )
    reviewed = purchase(service=BookableServiceFactory(shop=shop, bookable=False))
    ShopOrderPolicy.objects.create(shop=shop, requires_acceptance=True)
    waiting = booking(slot=slot)
    order_consume(order=reviewed, via="counter", actor=merchant.owner)
    review_create_verified(order=reviewed, rating=2, text="等太久")
    page = owner.get(reverse("dashboard:home")).content.decode()
    assert 'id="big-counter"' in page and "验券 / 收款" in page
    assert "1 个订单待接单" in page
    assert timezone.localtime(waiting.accept_by).isoformat()[:16] in page
    assert "3 小时内 1 个预约" in page
    assert "1 条评价未回复" in page
    assert "今日待联系顾客" in page


def test_one_shop_or_all(owner, busy_day, merchant):
    other = ShopFactory(merchant=merchant)
    purchase(service=BookableServiceFactory(shop=other, bookable=False))
    everything = owner.get(reverse("dashboard:home"))
    assert figure(everything, "takings").today.count == 3
    one = owner.get(reverse("dashboard:home"), {"shop": other.pk})
    assert figure(one, "takings").today.count == 1


def test_staff_see_their_shops_figures_only_and_need_the_permission(merchant, busy_day):
    other = ShopFactory(merchant=merchant)
    analyst = browser_for(staff_member(merchant, [other], [StaffPermission.VIEW_ANALYTICS]).user)
    response = analyst.get(reverse("dashboard:home"))
    assert figure(response, "takings").today.count == 0  # busy_day is not their shop
    assert analyst.get(reverse("dashboard:home"), {"shop": busy_day.pk}).status_code == 404
    cashier = browser_for(staff_member(merchant, [busy_day], [StaffPermission.REDEEM]).user)
    response = cashier.get(reverse("dashboard:home"))
    assert "figures" not in response.context  # money figures need 查看经营分析
    assert 'id="big-counter"' in response.content.decode()


def test_the_counter_entry_goes_to_the_only_shop_or_offers_a_choice(owner, shop, merchant):
    response = owner.get(reverse("dashboard:counter-entry"))
    assert response["Location"] == reverse("dashboard:counter", args=[shop.pk])
    second = ShopFactory(merchant=merchant)
    page = owner.get(reverse("dashboard:counter-entry")).content.decode()
    assert reverse("dashboard:counter", args=[second.pk]) in page


def test_the_counter_is_in_the_top_navigation_for_those_who_redeem(merchant, shop):
    cashier = browser_for(staff_member(merchant, [shop], [StaffPermission.REDEEM]).user)
    assert 'id="nav-counter"' in cashier.get(reverse("dashboard:home")).content.decode()
    viewer = browser_for(staff_member(merchant, [shop], [StaffPermission.VIEW_CUSTOMERS]).user)
    assert 'id="nav-counter"' not in viewer.get(reverse("dashboard:home")).content.decode()
    assert viewer.get(reverse("dashboard:counter-entry")).status_code == 403


def test_another_merchants_business_never_shows(other_merchant_owner, busy_day):
    response = other_merchant_owner.get(reverse("dashboard:home"))
    assert figure(response, "takings").today.count == 0
    assert (
        other_merchant_owner.get(reverse("dashboard:home"), {"shop": busy_day.pk}).status_code
        == 404
    )
