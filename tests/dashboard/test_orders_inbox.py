"""The orders inbox: a pending booking shows with its deadline and can be accepted or declined;
no-show and cancel show the fee before the click; disputes; the day view per staff; and
nobody sees or acts on another merchant's or another shop's orders."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consumers.models import DisputeStatus, Order, OrderState, ShopOrderPolicy
from merchants.models import StaffPermission
from settlement.models import SettlementEntry
from tests.consumers.conftest import shift
from tests.consumers.factories import BookableServiceFactory, SlotFactory, booking
from tests.factories import MerchantFactory, ShopFactory

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(shop):
    return SlotFactory(service=BookableServiceFactory(shop=shop, price_fen=47785), capacity=3)


@pytest.fixture
def pending(shop, slot):
    ShopOrderPolicy.objects.create(shop=shop, requires_acceptance=True, no_show_fee_percent=50)
    return booking(slot=slot)


def test_a_waiting_booking_shows_in_the_inbox_with_its_deadline(owner, pending):
    page = owner.get(reverse("dashboard:orders")).content.decode()
    assert f'id="order-{pending.pk}"' in page
    assert "¥477.85" in page
    assert (
        timezone.localtime(pending.accept_by).isoformat()[:16] in page
    )  # the countdown's deadline
    assert "接单" in page and "拒单" in page


def test_the_polled_fragment_names_the_newest_pending_order(owner, pending, slot):
    fragment = owner.get(reverse("dashboard:orders-pending"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert f'data-latest="{pending.pk}"' in fragment.content.decode()
    newer = booking(slot=slot)
    again = owner.get(reverse("dashboard:orders-pending")).content.decode()
    assert f'data-latest="{newer.pk}"' in again
    assert "<!doctype html>" not in again  # a fragment, not a page


def test_accept_confirms_the_order(owner, pending):
    response = owner.post(reverse("dashboard:order-accept", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == OrderState.CONFIRMED


def test_accepting_twice_says_why_instead_of_failing(owner, pending):
    owner.post(reverse("dashboard:order-accept", args=[pending.pk]))
    response = owner.post(reverse("dashboard:order-accept", args=[pending.pk]), follow=True)
    assert response.status_code == 200
    assert response.context["messages"]  # the service's refusal, in words


def test_decline_shows_the_full_refund_first_then_refunds(owner, pending):
    url = reverse("dashboard:order-cancel", args=[pending.pk])
    page = owner.get(url).content.decode()
    assert "店铺保留 ¥0.00，退还顾客 ¥477.85" in page
    assert owner.post(url, {"reason": "今天满了"}).status_code == 302
    pending.refresh_from_db()
    assert pending.state == OrderState.CANCELLED_BY_MERCHANT
    assert pending.refunded_fen == 47785


def test_no_show_shows_the_fee_kept_before_marking(owner, pending):
    owner.post(reverse("dashboard:order-accept", args=[pending.pk]))
    started = shift(Order.objects.get(pk=pending.pk), hours=-25)
    url = reverse("dashboard:order-no-show", args=[started.pk])
    page = owner.get(url).content.decode()
    assert "店铺保留爽约金 ¥238.92，退还顾客 ¥238.93" in page  # 50%, rounded down for the shop
    assert owner.post(url).status_code == 302
    started.refresh_from_db()
    assert (started.state, started.fee_fen) == (OrderState.NO_SHOW, 23892)
    assert SettlementEntry.objects.filter(order=started, kind="fee", amount_fen=23892).exists()


def test_no_show_before_the_start_is_refused_in_words(owner, pending):
    owner.post(reverse("dashboard:order-accept", args=[pending.pk]))
    response = owner.post(reverse("dashboard:order-no-show", args=[pending.pk]))
    assert response.status_code == 422
    assert Order.objects.get(pk=pending.pk).state == OrderState.CONFIRMED


def test_a_dispute_is_opened_and_listed(owner, pending):
    owner.post(reverse("dashboard:order-accept", args=[pending.pk]))
    url = reverse("dashboard:order-dispute", args=[pending.pk])
    assert owner.post(url, {"reason": ""}).status_code == 422
    assert owner.post(url, {"reason": "顾客已到店消费但拒绝确认"}).status_code == 302
    assert pending.disputes.get().status == DisputeStatus.OPEN
    assert "顾客已到店消费但拒绝确认" in owner.get(reverse("dashboard:orders")).content.decode()


def test_the_day_view_groups_bookings_by_staff(owner, shop, slot):
    other = SlotFactory(service=slot.service, resource_name="Kevin 老师", starts_at=slot.starts_at)
    booking(slot=slot)
    booking(slot=other)
    day = timezone.localtime(slot.starts_at).date().isoformat()
    page = owner.get(reverse("dashboard:bookings-day"), {"day": day}).content.decode()
    assert "Tony 老师" in page and "Kevin 老师" in page
    assert page.index("Kevin 老师") < page.index("Tony 老师")  # sorted by name
    empty = owner.get(reverse("dashboard:bookings-day"), {"day": "2020-01-01"}).content.decode()
    assert "这一天没有预约。" in empty


def test_another_merchants_order_is_not_found_and_not_listed(other_merchant_owner, pending):
    assert (
        f"order-{pending.pk}"
        not in other_merchant_owner.get(reverse("dashboard:orders")).content.decode()
    )
    for name in ("order-accept", "order-cancel", "order-no-show", "order-dispute"):
        response = other_merchant_owner.post(reverse(f"dashboard:{name}", args=[pending.pk]))
        assert response.status_code == 404
    assert Order.objects.get(pk=pending.pk).state == OrderState.PENDING


def test_staff_see_and_act_only_in_their_shops(merchant, shop, pending):
    elsewhere = ShopFactory(merchant=merchant)
    cashier = browser_for(staff_member(merchant, [elsewhere], [StaffPermission.REDEEM]).user)
    assert f"order-{pending.pk}" not in cashier.get(reverse("dashboard:orders")).content.decode()
    assert cashier.post(reverse("dashboard:order-accept", args=[pending.pk])).status_code == 404
    local = browser_for(staff_member(merchant, [shop], [StaffPermission.REDEEM]).user)
    assert f"order-{pending.pk}" in local.get(reverse("dashboard:orders")).content.decode()
    assert local.post(reverse("dashboard:order-accept", args=[pending.pk])).status_code == 302


def test_staff_without_redeem_are_refused(merchant, shop, pending):
    viewer = browser_for(staff_member(merchant, [shop], [StaffPermission.VIEW_CUSTOMERS]).user)
    assert viewer.get(reverse("dashboard:orders")).status_code == 403
    assert viewer.post(reverse("dashboard:order-accept", args=[pending.pk])).status_code == 403


def test_a_shop_filter_naming_another_merchants_shop_is_404(owner):
    foreign = ShopFactory(merchant=MerchantFactory())
    assert owner.get(reverse("dashboard:orders"), {"shop": foreign.pk}).status_code == 404
    assert owner.get(reverse("dashboard:orders"), {"shop": "x"}).status_code == 404


def test_an_expired_deadline_leaves_the_order_out_of_nothing(owner, pending):
    Order.objects.filter(pk=pending.pk).update(accept_by=timezone.now() - timedelta(minutes=1))
    page = owner.get(reverse("dashboard:orders")).content.decode()
    assert 'data-late-text="已超时"' in page  # still listed until the expiry task closes it


def test_the_poll_after_the_session_ended_sends_the_page_to_sign_in(db):
    from django.test import Client

    response = Client().get(reverse("dashboard:orders-pending"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("dashboard:login")
