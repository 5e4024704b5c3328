"""Every page renders for those allowed and refuses the rest, the way the brief's roles say:
owner everything, staff what the owner granted in their shops, another merchant's shop 404,
consumers refused, anonymous visitors sent to sign in."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from merchants.models import StaffPermission
from merchants.services import hours_exception_set
from tests.factories import ShopFactory, StaffFactory, UserFactory

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db

SHOP_PAGES = [
    ("dashboard:shop-profile", StaffPermission.MANAGE_SHOPS),
    ("dashboard:shop-photos", StaffPermission.MANAGE_SHOPS),
    ("dashboard:services", StaffPermission.MANAGE_SHOPS),
    ("dashboard:service-new", StaffPermission.MANAGE_SHOPS),
    ("dashboard:hours", StaffPermission.MANAGE_SHOPS),
    ("dashboard:counter", StaffPermission.REDEEM),
]
OWNER_PAGES = ["dashboard:staff", "dashboard:staff-new", "dashboard:shop-new"]


def shop_urls(shop, service) -> list[tuple[str, str]]:
    urls = [(reverse(name, args=[shop.pk]), permission) for name, permission in SHOP_PAGES]
    edit = reverse("dashboard:service-edit", args=[shop.pk, service.pk])
    return [*urls, (edit, StaffPermission.MANAGE_SHOPS)]


def assert_page(response, status: int) -> None:
    assert response.status_code == status, response.content[:500]
    if status == 200:
        assert b"<!doctype html>" in response.content
        assert "text/html" in response["Content-Type"]


def test_owner_opens_every_page(owner, merchant, shop, service):
    member = StaffFactory(merchant=merchant)
    urls = [url for url, _ in shop_urls(shop, service)]
    urls += [reverse(name) for name in ["dashboard:home", *OWNER_PAGES]]
    urls.append(reverse("dashboard:staff-edit", args=[member.pk]))
    for url in urls:
        assert_page(owner.get(url), 200)


def test_staff_open_the_pages_of_their_permissions_in_their_shops(merchant, shop, service):
    redeem_only = staff_member(merchant, [shop], [StaffPermission.REDEEM])
    client = browser_for(redeem_only.user)
    assert_page(client.get(reverse("dashboard:home")), 200)
    for url, permission in shop_urls(shop, service):
        response = client.get(url)
        if permission == StaffPermission.REDEEM:
            assert_page(response, 200)
        else:
            assert_page(response, 403)
            assert "店主未授予此操作的权限。" in response.content.decode()


def test_staff_without_permissions_see_their_shops_but_no_page_of_them(merchant, shop, service):
    member = staff_member(merchant, [shop], [])
    client = browser_for(member.user)
    home = client.get(reverse("dashboard:home"))
    assert_page(home, 200)
    assert shop.name in home.content.decode()
    assert reverse("dashboard:counter", args=[shop.pk]) not in home.content.decode()
    for url, _ in shop_urls(shop, service):
        assert_page(client.get(url), 403)


def test_staff_never_open_owner_pages(manager, merchant):
    other = StaffFactory(merchant=merchant)
    for url in [reverse(name) for name in OWNER_PAGES]:
        assert_page(manager.get(url), 403)
    assert_page(manager.get(reverse("dashboard:staff-edit", args=[other.pk])), 403)


def test_a_shop_not_assigned_to_staff_is_not_found(manager, merchant):
    unassigned = ShopFactory(merchant=merchant)
    response = manager.get(reverse("dashboard:shop-profile", args=[unassigned.pk]))
    assert response.status_code == 404
    assert unassigned.name not in manager.get(reverse("dashboard:home")).content.decode()


def test_another_merchants_shop_and_staff_are_not_found(other_merchant_owner, merchant, shop):
    service = shop.services.create(name="洗剪吹", price_fen=8800)
    hours_exception_set(shop=shop, day=date(2099, 1, 1), is_closed=True)
    for url, _ in shop_urls(shop, service):
        assert other_merchant_owner.get(url).status_code == 404
    posts = [
        reverse("dashboard:hours-exception-delete", args=[shop.pk, "2099-01-01"]),
        reverse("dashboard:counter-lookup", args=[shop.pk]),
    ]
    for url in posts:
        assert other_merchant_owner.post(url).status_code == 404
    assert shop.hours_exceptions.exists()
    member = StaffFactory(merchant=merchant)
    edit = reverse("dashboard:staff-edit", args=[member.pk])
    assert other_merchant_owner.get(edit).status_code == 404


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.ADMIN])
def test_accounts_of_no_merchant_are_refused(role, shop, service):
    client = browser_for(UserFactory(role=role))
    urls = [url for url, _ in shop_urls(shop, service)]
    urls += [reverse(name) for name in ["dashboard:home", *OWNER_PAGES]]
    for url in urls:
        response = client.get(url)
        assert_page(response, 403)
        assert "当前账户不属于任何商户。" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, shop, service):
    urls = [url for url, _ in shop_urls(shop, service)]
    urls += [reverse(name) for name in ["dashboard:home", *OWNER_PAGES]]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('dashboard:login')}?next={url}"


def test_an_expired_session_on_a_partial_redirects_the_whole_page(client, shop):
    response = client.post(
        reverse("dashboard:counter-lookup", args=[shop.pk]), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == reverse("dashboard:login")


def test_menus_offer_only_what_the_user_may_open(owner, manager, shop):
    staff_link = f'href="{reverse("dashboard:staff")}"'
    assert staff_link in owner.get(reverse("dashboard:home")).content.decode()
    page = manager.get(reverse("dashboard:home")).content.decode()
    assert staff_link not in page
    assert reverse("dashboard:counter", args=[shop.pk]) in page
    assert reverse("dashboard:hours", args=[shop.pk]) in page


def merchant_area_urls(merchant) -> list[tuple[str, str]]:
    """The coupon and membership pages (the merchant's, not one shop's), with their permission."""
    from tests.coupons.factories import CampaignFactory
    from tests.loyalty.factories import program_create

    campaign = CampaignFactory(merchant=merchant)
    program_create(merchant)
    coupons = [
        reverse("dashboard:campaigns"),
        reverse("dashboard:campaign-new"),
        reverse("dashboard:campaign", args=[campaign.pk]),
        reverse("dashboard:campaign-edit", args=[campaign.pk]),
    ]
    cards = [
        reverse(name)
        for name in ("dashboard:membership", "dashboard:card-design", "dashboard:members")
    ]
    return [(u, StaffPermission.MANAGE_COUPONS) for u in coupons] + [
        (u, StaffPermission.MANAGE_CARDS) for u in cards
    ]


@pytest.mark.parametrize(
    "granted",
    [
        [StaffPermission.MANAGE_COUPONS],
        [StaffPermission.MANAGE_CARDS],
        [StaffPermission.REDEEM, StaffPermission.VIEW_ANALYTICS],
    ],
    ids=["coupons", "cards", "redeem"],
)
def test_coupon_and_membership_pages_follow_the_staff_permissions(merchant, shop, granted):
    member = staff_member(merchant, [shop], granted)
    client = browser_for(member.user)
    home = client.get(reverse("dashboard:home")).content.decode()
    for url, permission in merchant_area_urls(merchant):
        allowed = permission in granted
        assert_page(client.get(url), 200 if allowed else 403)
    assert (reverse("dashboard:campaigns") in home) == (StaffPermission.MANAGE_COUPONS in granted)
    assert (reverse("dashboard:membership") in home) == (StaffPermission.MANAGE_CARDS in granted)


def test_owner_opens_the_coupon_and_membership_pages(owner, merchant):
    for url, _ in merchant_area_urls(merchant):
        assert_page(owner.get(url), 200)


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.ADMIN, None])
def test_coupon_and_membership_pages_refuse_non_merchants(role, merchant):
    client = browser_for(UserFactory(role=role)) if role else browser_for()
    for url, _ in merchant_area_urls(merchant):
        response = client.get(url)
        assert response.status_code == (403 if role else 302)


def test_another_merchant_sees_only_its_own_coupons_and_members(other_merchant_owner, merchant):
    urls = merchant_area_urls(merchant)
    campaign_title = merchant.campaigns.get().title
    assert campaign_title not in other_merchant_owner.get(urls[0][0]).content.decode()
    for url, _ in urls[2:4]:  # the campaign's own pages
        assert other_merchant_owner.get(url).status_code == 404
