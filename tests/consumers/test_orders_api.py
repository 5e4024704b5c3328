"""Buying and booking through the API, and what each side may do after."""

import pytest

from consumers.models import Order, OrderState, ShopOrderPolicy, TimeSlot
from consumers.tasks import orders_expire
from merchants.models import Category, StaffPermission
from settlement.models import SettlementEntry
from tests.conftest import client_for
from tests.factories import ShopFactory, StaffFactory

from .conftest import key, shift
from .factories import BookableServiceFactory, SlotFactory, booking, consumer_new

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/me/orders/"


def book(client, slot, **body):
    return client.post(ORDERS, {"service": slot.service_id, "slot": slot.pk, **body}, **key())


def test_a_consumer_books_a_slot_and_sees_the_order_with_its_qr(consumer):
    slot = SlotFactory(capacity=2)
    response = book(client_for(consumer), slot, quantity=2)
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["state"] == "confirmed"
    assert order["kind"] == "booking"
    assert order["amount_fen"] == 2 * 8800
    assert order["qr_payload"].startswith("O2O:O:")
    assert order["code"].replace("-", "") == Order.objects.get().code
    assert TimeSlot.objects.get(pk=slot.pk).booked == 2
    full = book(client_for(consumer_new()), slot)
    assert full.status_code == 409
    assert full.json()["code"] == "slot_full"


def test_buying_without_a_slot_makes_a_voucher_valid_for_the_shops_days(consumer):
    service = BookableServiceFactory(bookable=False, price_fen=3500)
    ShopOrderPolicy.objects.create(shop=service.shop, voucher_valid_days=30)
    response = client_for(consumer).post(ORDERS, {"service": service.pk}, **key())
    order = response.json()
    assert (order["kind"], order["state"], order["amount_fen"]) == ("purchase", "confirmed", 3500)
    assert order["valid_until"] is not None


def test_orders_are_private_to_their_consumer_and_merchant(consumer):
    order = booking(consumer=consumer)
    assert client_for(consumer).get(f"{ORDERS}{order.pk}/").status_code == 200
    assert client_for(consumer_new()).get(f"{ORDERS}{order.pk}/").status_code == 404
    assert (
        client_for(consumer_new()).post(f"{ORDERS}{order.pk}/cancel/", **key()).status_code == 404
    )
    owner = order.merchant.owner
    other_owner = ShopFactory().merchant.owner
    assert client_for(owner).get(f"/api/v1/merchant/orders/{order.pk}/").status_code == 200
    assert client_for(other_owner).get(f"/api/v1/merchant/orders/{order.pk}/").status_code == 404
    assert client_for(other_owner).get("/api/v1/merchant/orders/").json()["results"] == []


def test_public_service_shops_cannot_be_bought_or_booked(consumer):
    bank = ShopFactory(categories=[Category.objects.get(slug="bank")])
    service = BookableServiceFactory(shop=bank, bookable=False)
    response = client_for(consumer).post(ORDERS, {"service": service.pk}, **key())
    assert response.status_code == 400
    assert response.json()["code"] == "public_service_not_bookable"
    assert not Order.objects.exists()


def test_a_merchant_accepts_an_order_when_the_shop_asks_for_it(consumer):
    slot = SlotFactory()
    ShopOrderPolicy.objects.create(shop=slot.shop, requires_acceptance=True)
    order = book(client_for(consumer), slot).json()
    assert order["state"] == "pending"
    assert order["accept_by"] is not None
    owner = client_for(slot.shop.merchant.owner)
    accepted = owner.post(f"/api/v1/merchant/orders/{order['id']}/accept/")
    assert accepted.json()["state"] == "confirmed"
    again = owner.post(f"/api/v1/merchant/orders/{order['id']}/accept/")
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition"


def test_an_order_not_accepted_in_time_expires_with_a_full_refund(consumer):
    slot = SlotFactory(capacity=1)
    ShopOrderPolicy.objects.create(shop=slot.shop, requires_acceptance=True)
    order = booking(slot=slot, consumer=consumer)
    Order.objects.filter(pk=order.pk).update(accept_by=order.created_at)
    assert orders_expire() == 1
    order = Order.objects.get(pk=order.pk)
    assert order.state == OrderState.EXPIRED
    assert order.refunded_fen == order.amount_fen
    assert TimeSlot.objects.get(pk=slot.pk).booked == 0  # the place is free again


def test_cancelling_before_the_cutoff_is_free_and_frees_the_place(consumer):
    order = booking(consumer=consumer)
    response = client_for(consumer).post(f"{ORDERS}{order.pk}/cancel/", **key())
    assert response.json()["state"] == "cancelled_by_consumer"
    assert response.json()["refunded_fen"] == order.amount_fen
    assert response.json()["fee_fen"] == 0
    assert TimeSlot.objects.get(pk=order.slot_id).booked == 0


def test_cancelling_after_the_cutoff_costs_the_shops_fee_and_is_settled(consumer):
    order = booking(consumer=consumer)  # 8800 fen, tomorrow
    ShopOrderPolicy.objects.create(
        shop=order.shop, cancel_cutoff_minutes=48 * 60, late_cancel_fee_percent=25
    )
    client = client_for(consumer)
    assert client.get(f"{ORDERS}{order.pk}/").json()["cancellation_fee_fen"] == 2200
    response = client.post(f"{ORDERS}{order.pk}/cancel/", **key())
    assert (response.json()["fee_fen"], response.json()["refunded_fen"]) == (2200, 6600)
    entry = SettlementEntry.objects.get(order=order)
    assert (entry.kind, entry.amount_fen) == ("fee", 2200)


def test_a_started_booking_cannot_be_cancelled_by_the_consumer(consumer):
    order = shift(booking(consumer=consumer), hours=-25)
    response = client_for(consumer).post(f"{ORDERS}{order.pk}/cancel/", **key())
    assert response.status_code == 409
    assert response.json()["code"] == "cancel_too_late"


def test_no_show_only_after_the_start_keeps_the_shops_fee(consumer):
    order = booking(consumer=consumer)
    ShopOrderPolicy.objects.create(shop=order.shop, no_show_fee_percent=50)
    owner = client_for(order.merchant.owner)
    early = owner.post(f"/api/v1/merchant/orders/{order.pk}/no-show/", **key())
    assert early.json()["code"] == "not_started_yet"
    shift(order, hours=-25)
    response = owner.post(f"/api/v1/merchant/orders/{order.pk}/no-show/", **key())
    assert response.json()["state"] == "no_show"
    assert (response.json()["fee_fen"], response.json()["refunded_fen"]) == (4400, 4400)


def test_the_merchant_cancels_with_a_full_refund(consumer):
    order = booking(consumer=consumer)
    response = client_for(order.merchant.owner).post(
        f"/api/v1/merchant/orders/{order.pk}/cancel/", {"reason": "设备故障"}, **key()
    )
    assert response.json()["state"] == "cancelled_by_merchant"
    assert response.json()["refunded_fen"] == order.amount_fen


def test_staff_act_on_orders_only_with_redeem_in_their_shops(consumer):
    order = booking(consumer=consumer)
    cashier = StaffFactory(merchant=order.merchant, permissions=[StaffPermission.REDEEM])
    cashier.shops.set([order.shop])
    outsider = StaffFactory(merchant=order.merchant, permissions=[StaffPermission.REDEEM])
    outsider.shops.set([ShopFactory(merchant=order.merchant)])
    unpermitted = StaffFactory(merchant=order.merchant, permissions=[])
    unpermitted.shops.set([order.shop])
    url = f"/api/v1/merchant/orders/{order.pk}/"
    assert client_for(cashier.user).get(url).status_code == 200
    assert client_for(outsider.user).get(url).status_code == 404
    assert client_for(unpermitted.user).get(url).status_code == 403


def test_home_service_needs_an_address_within_the_shops_radius(consumer):
    shop = ShopFactory(categories=[Category.objects.get(slug="cleaning")])
    ShopOrderPolicy.objects.create(shop=shop, service_mode="at_home", home_service_radius_m=3000)
    slot = SlotFactory(service=BookableServiceFactory(shop=shop))
    client = client_for(consumer)
    assert book(client, slot).json()["code"] == "fulfilment_not_offered"
    assert book(client, slot, fulfilment="at_home").json()["code"] == "address_required"
    home = {"fulfilment": "at_home", "address": "长乐路 1 号", "contact_phone": "13912345678"}
    far = book(client, slot, lat=31.10, lng=121.30, **home)
    assert far.json()["code"] == "outside_service_area"
    near = book(client, slot, lat=31.2300, lng=121.4500, **home)
    assert near.status_code == 201, near.json()
    assert near.json()["address"] == "长乐路 1 号"
    assert near.json()["location"] == {"lat": 31.23, "lng": 121.45}
