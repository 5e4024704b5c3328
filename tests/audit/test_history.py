"""Who changed permissions, roles and shops is on record, whatever wrote the change."""

import pytest
from django.test import Client

from accounts.models import Role, User
from audit.models import ShopEvent, StaffMemberEvent, StaffShopEvent, UserEvent
from merchants.models import Shop, ShopStatus
from tests.conftest import client_for
from tests.factories import ShopFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def acting_user(event) -> int | None:
    return event.pgh_context.metadata.get("user") if event.pgh_context else None


def test_staff_permission_change_over_jwt_records_the_owner(merchant):
    member = StaffFactory(merchant=merchant, permissions=["redeem"])
    shop = ShopFactory(merchant=merchant)
    response = client_for(merchant.owner).patch(
        f"/api/v1/merchant/staff/{member.pk}/",
        {"permissions": ["redeem", "manage_cards"], "shops": [shop.pk]},
    )
    assert response.status_code == 200
    change = StaffMemberEvent.objects.filter(pgh_obj=member, pgh_label="update").get()
    assert change.permissions == ["redeem", "manage_cards"]
    assert acting_user(change) == merchant.owner.pk
    assert change.pgh_context.metadata["url"] == f"/api/v1/merchant/staff/{member.pk}/"
    shop_link = StaffShopEvent.objects.get(pgh_label="insert", shop=shop)
    assert acting_user(shop_link) == merchant.owner.pk


def test_admin_deactivating_a_user_over_the_admin_session_is_recorded(merchant):
    admin = User.objects.create_superuser("+8613700001234", "Adm1n-pass-2026")
    target = UserFactory(role=Role.CONSUMER)
    browser = Client()
    browser.force_login(admin)
    page = browser.post(
        f"/admin/accounts/user/{target.pk}/change/",
        {
            "phone": str(target.phone),
            "name": target.name,
            "role": Role.CONSUMER,
            "is_staff": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },  # is_active left out: unchecked
    )
    assert page.status_code == 302, page.content[:500]
    change = UserEvent.objects.get(pgh_obj=target, pgh_label="update")
    assert change.is_active is False
    assert acting_user(change) == admin.pk


def test_bulk_and_conditional_updates_are_caught_by_the_trigger(merchant):
    shops = [ShopFactory(merchant=merchant) for _ in range(3)]
    Shop.objects.filter(merchant=merchant, status=ShopStatus.ACTIVE).update(
        status=ShopStatus.SUSPENDED
    )
    suspended = ShopEvent.objects.filter(pgh_label="update", status=ShopStatus.SUSPENDED)
    assert sorted(e.pgh_obj_id for e in suspended) == sorted(s.pk for s in shops)
    assert all(acting_user(event) is None for event in suspended)  # no request: no user


def test_logging_in_does_not_fill_the_history(api, consumer):
    api.post("/api/v1/auth/login/", {"phone": str(consumer.phone), "password": "Str0ng-pass-2026"})
    assert list(UserEvent.objects.filter(pgh_obj=consumer).values_list("pgh_label", flat=True)) == [
        "insert"
    ]


def test_history_is_append_only(merchant):
    shop = ShopFactory(merchant=merchant)
    event = ShopEvent.objects.get(pgh_obj=shop)
    with pytest.raises(Exception, match="append"):
        ShopEvent.objects.filter(pk=event.pk).update(name="forged")
