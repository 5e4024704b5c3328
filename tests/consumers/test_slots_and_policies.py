"""Merchants open slots and set order policies; consumers see what is left to book."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from config.celery_app import app
from consumers.models import ShopOrderPolicy
from merchants.models import Category, StaffPermission
from tests.conftest import client_for
from tests.factories import ShopFactory, StaffFactory

from .conftest import hours_from_now
from .factories import BookableServiceFactory, SlotFactory, booking

pytestmark = pytest.mark.django_db
SLOTS = "/api/v1/merchant/slots/"


def test_a_merchant_opens_slots_and_consumers_see_the_places_left(merchant):
    service = BookableServiceFactory(shop=ShopFactory(merchant=merchant))
    start = hours_from_now(48).replace(minute=0, second=0, microsecond=0)
    response = client_for(merchant.owner).post(
        SLOTS,
        {
            "shop": service.shop_id,
            "service": service.pk,
            "resource_kind": "staff",
            "resource_name": "Tony 老师",
            "starts": [start.isoformat(), (start + timedelta(hours=1)).isoformat()],
            "duration_minutes": 45,
            "capacity": 1,
        },
    )
    assert response.status_code == 201, response.json()
    first, second = response.json()["results"]
    booking(slot=service.time_slots.get(pk=first["id"]))
    public = client_for(merchant.owner).get(
        f"/api/v1/shops/{service.shop_id}/slots/", {"service": service.pk}
    )
    offered = public.json()["results"]
    assert [s["id"] for s in offered] == [second["id"]]  # the full one is not offered


def test_capacity_never_drops_below_bookings_and_booked_slots_stay(merchant):
    slot = SlotFactory(
        service=BookableServiceFactory(shop=ShopFactory(merchant=merchant)), capacity=3
    )
    booking(slot=slot, quantity=2)
    client = client_for(merchant.owner)
    assert client.patch(f"{SLOTS}{slot.pk}/", {"capacity": 1}).json()["code"] == "slot_has_bookings"
    assert client.patch(f"{SLOTS}{slot.pk}/", {"capacity": 2}).json()["available"] == 0
    assert client.delete(f"{SLOTS}{slot.pk}/").json()["code"] == "slot_has_bookings"
    assert client_for(ShopFactory().merchant.owner).delete(f"{SLOTS}{slot.pk}/").status_code == 404


def test_public_service_shops_cannot_open_slots(merchant):
    bank = ShopFactory(merchant=merchant, categories=[Category.objects.get(slug="bank")])
    response = client_for(merchant.owner).post(
        SLOTS,
        {
            "shop": bank.pk,
            "starts": [hours_from_now(30).isoformat()],
            "duration_minutes": 30,
            "capacity": 3,
        },
    )
    assert response.json()["code"] == "public_service_not_bookable"


def test_order_policies_need_manage_shops(merchant):
    shop = ShopFactory(merchant=merchant)
    url = f"/api/v1/merchant/order-policies/{shop.pk}/"
    owner = client_for(merchant.owner)
    assert owner.get(url).json()["cancel_cutoff_minutes"] == 120  # the defaults
    policy = {"requires_acceptance": True, "late_cancel_fee_percent": 30, "service_mode": "either"}
    assert owner.put(url, policy).json()["late_cancel_fee_percent"] == 30
    assert ShopOrderPolicy.objects.get(shop=shop).requires_acceptance
    assert owner.put(url, {"late_cancel_fee_percent": 101}).status_code == 400
    cashier = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    cashier.shops.set([shop])
    assert client_for(cashier.user).put(url, policy).status_code == 403
    assert client_for(ShopFactory().merchant.owner).get(url).status_code == 404
    public = APIClient().get(f"/api/v1/shops/{shop.pk}/order-policy/").json()
    assert (public["requires_acceptance"], public["late_cancel_fee_percent"]) == (True, 30)


def test_every_beat_entry_names_a_registered_task(settings):
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
