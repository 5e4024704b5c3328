import pytest

from accounts.models import Role
from merchants.errors import StaffPermissionMissing
from merchants.models import StaffPermission
from merchants.selectors import merchant_permission_check
from tests.conftest import client_for
from tests.factories import PASSWORD, MerchantFactory, ShopFactory, StaffFactory

pytestmark = pytest.mark.django_db
STAFF = "/api/v1/merchant/staff/"


def test_owner_creates_staff_with_shops_and_permissions_and_staff_can_log_in(merchant, api):
    shop = ShopFactory(merchant=merchant)
    response = client_for(merchant.owner).post(
        STAFF,
        {
            "phone": "13700001111",
            "password": PASSWORD,
            "name": "小李",
            "permissions": ["redeem"],
            "shops": [shop.pk],
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["permissions"] == ["redeem"]
    assert response.json()["shops"] == [shop.pk]
    login = api.post("/api/v1/auth/login/", {"phone": "13700001111", "password": PASSWORD})
    assert login.json()["user"]["role"] == Role.MERCHANT_STAFF


def test_owner_cannot_assign_another_merchants_shop(merchant):
    foreign = ShopFactory()
    response = client_for(merchant.owner).post(
        STAFF,
        {
            "phone": "13700001111",
            "password": PASSWORD,
            "name": "小李",
            "shops": [foreign.pk],
        },
    )
    assert response.status_code == 400
    assert "shops" in response.json()["fields"]


@pytest.mark.parametrize("role", ["consumer", "staff"])
def test_only_owners_manage_staff(role, merchant, consumer):
    user = consumer if role == "consumer" else StaffFactory(merchant=merchant).user
    response = client_for(user).get(STAFF)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_owners_never_see_each_others_staff(merchant):
    mine = StaffFactory(merchant=merchant)
    theirs = StaffFactory(merchant=MerchantFactory())
    client = client_for(merchant.owner)
    assert [s["id"] for s in client.get(STAFF).json()["results"]] == [mine.pk]
    assert client.get(f"{STAFF}{theirs.pk}/").status_code == 404
    assert client.patch(f"{STAFF}{theirs.pk}/", {"permissions": []}).status_code == 404


def test_owner_changes_permissions_and_deactivates_staff(merchant, api):
    member = StaffFactory(merchant=merchant)
    client = client_for(merchant.owner)
    response = client.patch(f"{STAFF}{member.pk}/", {"permissions": ["view_customers"]})
    assert response.json()["permissions"] == ["view_customers"]
    client.patch(f"{STAFF}{member.pk}/", {"is_active": False})
    login = api.post("/api/v1/auth/login/", {"phone": str(member.user.phone), "password": PASSWORD})
    assert login.status_code == 401


def test_staff_may_do_only_what_was_granted_in_their_shops(merchant):
    granted_shop, other_shop = ShopFactory(merchant=merchant), ShopFactory(merchant=merchant)
    member = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    member.shops.set([granted_shop])
    check = merchant_permission_check
    assert check(user=member.user, permission="redeem", shop=granted_shop) == merchant
    with pytest.raises(StaffPermissionMissing):
        check(user=member.user, permission="redeem", shop=other_shop)
    with pytest.raises(StaffPermissionMissing):
        check(user=member.user, permission="manage_coupons", shop=granted_shop)
    assert check(user=merchant.owner, permission="manage_coupons", shop=other_shop) == merchant
