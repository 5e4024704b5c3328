"""Consumption: the counter scan, the consumer's "done", auto-confirmation and disputes."""

import pytest
from django.test import override_settings

from accounts.models import User
from consumers.models import Dispute, Order, OrderEvent, OrderState
from consumers.services import dispute_resolve
from consumers.tasks import orders_auto_consume
from core.codes import qr_payload, short_code_format
from merchants.models import StaffPermission
from settlement.models import SettlementEntry
from tests.conftest import client_for
from tests.factories import ShopFactory, StaffFactory

from .conftest import key, shift
from .factories import booking, purchase

pytestmark = pytest.mark.django_db
COUNTER = "/api/v1/merchant/orders/"


@pytest.fixture
def cashier(merchant):
    member = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    member.shops.set([ShopFactory(merchant=merchant)])
    return member


def order_at(cashier):
    from .factories import BookableServiceFactory, SlotFactory

    shop = cashier.shops.get()
    return booking(slot=SlotFactory(service=BookableServiceFactory(shop=shop)))


def test_the_cashier_scans_sees_the_order_and_redeems_it_once(cashier):
    order = order_at(cashier)
    client = client_for(cashier.user)
    scanned = qr_payload("O", order.code)
    seen = client.get(f"{COUNTER}lookup/", {"code": scanned, "shop": order.shop_id})
    assert seen.status_code == 200, seen.json()
    body = seen.json()
    assert body["can_consume"] is True
    assert body["service_name"] == "洗剪吹"
    assert body["amount_fen"] == 8800
    assert body["consumer"]["phone_masked"].count("*") == 4
    headers = key()
    first = client.post(f"{COUNTER}consume/", {"code": scanned, "shop": order.shop_id}, **headers)
    assert first.status_code == 200, first.json()
    assert first.json()["state"] == "consumed"
    assert first.json()["consumed_via"] == "counter"
    replay = client.post(f"{COUNTER}consume/", {"code": scanned, "shop": order.shop_id}, **headers)
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    twice = client.post(f"{COUNTER}consume/", {"code": scanned, "shop": order.shop_id}, **key())
    assert twice.status_code == 409
    assert twice.json()["code"] == "illegal_transition"
    after = client.get(f"{COUNTER}lookup/", {"code": scanned, "shop": order.shop_id}).json()
    assert (after["can_consume"], after["blocked_reason"]) == (False, "已消费")
    assert SettlementEntry.objects.filter(order=order, kind="sale").count() == 1


def test_a_typed_code_works_and_a_forged_qr_is_refused(cashier):
    order = order_at(cashier)
    client = client_for(cashier.user)
    typed = short_code_format(order.code).lower().replace("-", " ")
    assert (
        client.get(f"{COUNTER}lookup/", {"code": typed, "shop": order.shop_id}).json()["id"]
        == order.pk
    )
    forged = qr_payload("O", order.code)[:-2] + "xx"
    response = client.get(f"{COUNTER}lookup/", {"code": forged, "shop": order.shop_id})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_code"
    coupon_qr = qr_payload("C", order.code)
    assert (
        client.get(f"{COUNTER}lookup/", {"code": coupon_qr, "shop": order.shop_id}).json()["code"]
        == "invalid_code"
    )


def test_the_counter_never_finds_another_merchants_order(cashier):
    foreign = booking()
    client = client_for(cashier.user)
    here = {"code": foreign.code, "shop": cashier.shops.get().pk}
    assert client.get(f"{COUNTER}lookup/", here).status_code == 404
    assert client.post(f"{COUNTER}consume/", here, **key()).status_code == 404
    assert Order.objects.get(pk=foreign.pk).state == OrderState.CONFIRMED


def test_staff_without_redeem_cannot_use_the_counter(merchant, cashier):
    order = order_at(cashier)
    viewer = StaffFactory(merchant=merchant, permissions=[StaffPermission.VIEW_CUSTOMERS])
    viewer.shops.set([order.shop])
    response = client_for(viewer.user).post(
        f"{COUNTER}consume/", {"code": order.code, "shop": order.shop_id}, **key()
    )
    assert response.status_code == 403


def test_the_consumer_taps_done():
    order = purchase()
    client = client_for(order.consumer)
    response = client.post(f"/api/v1/me/orders/{order.pk}/done/", **key())
    assert response.json()["state"] == "consumed"
    assert response.json()["consumed_via"] == "consumer"


@override_settings(ORDER_AUTO_CONFIRM_HOURS=24)
def test_bookings_are_confirmed_automatically_unless_disputed():
    due, recent, disputed = booking(), booking(), booking()
    shift(due, hours=-50)  # ended 49+ hours ago
    shift(recent, hours=-24.5)  # ended under 24 hours ago
    shift(disputed, hours=-50)
    client_for(disputed.consumer).post(
        f"/api/v1/me/orders/{disputed.pk}/dispute/", {"reason": "技师没来"}
    )
    assert orders_auto_consume() == 1
    states = dict(Order.objects.values_list("pk", "state"))
    assert states == {
        due.pk: "consumed",
        recent.pk: "confirmed",
        disputed.pk: "confirmed",
    }
    assert Order.objects.get(pk=due.pk).consumed_via == "auto"
    assert orders_auto_consume() == 0  # a rerun finds nothing to do


def test_a_dispute_decided_for_the_consumer_refunds_and_reverses_settlement():
    order = booking()
    client_for(order.merchant.owner).post(
        f"{COUNTER}consume/", {"code": order.code, "shop": order.shop_id}, **key()
    )
    response = client_for(order.consumer).post(
        f"/api/v1/me/orders/{order.pk}/dispute/", {"reason": "没有提供服务"}
    )
    assert response.status_code == 201
    again = client_for(order.consumer).post(
        f"/api/v1/me/orders/{order.pk}/dispute/", {"reason": "再次"}
    )
    assert again.json()["code"] == "dispute_open"
    staff = User.objects.create_superuser("+8613700009999", "x")
    dispute_resolve(dispute=Dispute.objects.get(), staff=staff, for_consumer=True)
    order = Order.objects.get(pk=order.pk)
    assert (order.state, order.refunded_fen) == (OrderState.REFUNDED, order.amount_fen)
    amounts = sorted(
        SettlementEntry.objects.filter(order=order).values_list("amount_fen", flat=True)
    )
    assert amounts == [-8800, 8800]
    assert OrderEvent.objects.filter(order=order, actor_role="platform").exists()


def test_a_dispute_decided_for_the_merchant_confirms_consumption():
    order = shift(booking(), hours=-26)
    client_for(order.merchant.owner).post(
        f"{COUNTER}{order.pk}/dispute/", {"reason": "顾客到店消费后否认"}
    )
    staff = User.objects.create_superuser("+8613700009998", "x")
    dispute_resolve(dispute=Dispute.objects.get(), staff=staff, for_consumer=False)
    order = Order.objects.get(pk=order.pk)
    assert (order.state, order.consumed_via) == (OrderState.CONSUMED, "platform")


def test_an_expired_voucher_cannot_be_redeemed_and_is_refunded_by_the_expiry_task(merchant):
    from consumers.tasks import orders_expire

    order = purchase()
    Order.objects.filter(pk=order.pk).update(valid_until=order.created_at)
    response = client_for(order.merchant.owner).post(
        f"{COUNTER}consume/", {"code": order.code, "shop": order.shop_id}, **key()
    )
    assert response.json()["code"] == "voucher_expired"
    assert orders_expire() == 1
    order = Order.objects.get(pk=order.pk)
    assert (order.state, order.refunded_fen) == (OrderState.EXPIRED, order.amount_fen)


@pytest.mark.django_db(transaction=True)
def test_the_auto_confirmation_task_runs_in_a_real_worker(celery_worker_process):
    order = shift(booking(), hours=-60)  # ended 35+ hours ago: past the default 24
    orders_auto_consume.delay().get(timeout=60)
    assert Order.objects.get(pk=order.pk).state == OrderState.CONSUMED
