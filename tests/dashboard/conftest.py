import pytest
from django.test import Client

from accounts.models import Role
from merchants.models import StaffPermission
from tests.factories import (
    MerchantFactory,
    ServiceFactory,
    ShopFactory,
    StaffFactory,
    UserFactory,
)


def browser_for(user=None) -> Client:
    """A Django test client signed in with a session, as the dashboard is used."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shop(merchant):
    return ShopFactory(merchant=merchant)


@pytest.fixture
def service(shop):
    return ServiceFactory(shop=shop)


@pytest.fixture
def owner(merchant):
    return browser_for(merchant.owner)


def staff_member(merchant, shops, permissions):
    member = StaffFactory(merchant=merchant, permissions=permissions)
    member.shops.set(shops)
    return member


@pytest.fixture
def manager(merchant, shop):
    """Staff with every shop permission, in `shop`."""
    member = staff_member(merchant, [shop], [StaffPermission.MANAGE_SHOPS, StaffPermission.REDEEM])
    return browser_for(member.user)


@pytest.fixture
def other_merchant_owner(db):
    return browser_for(MerchantFactory().owner)


@pytest.fixture
def consumer_browser(db):
    return browser_for(UserFactory(role=Role.CONSUMER))
