"""Staff write only what reaches the shops assigned to them (merchants.selectors.
shops_write_check), in the API and the dashboard alike: campaigns, flash deals, the card program
and its design; shop pages, services, slots, policies, orders, reviews and the counter already
go through shop_for_edit. Reading stays open to their permission."""

import pytest
from django.urls import reverse

from coupons.models import Campaign, CampaignStatus
from coupons.services import campaign_create
from deals.models import DealStatus, FlashDeal
from deals.services import flash_deal_create
from loyalty.models import CardDesign, CardProgram
from merchants.models import StaffPermission
from tests.conftest import client_for
from tests.coupons.test_campaigns import new_campaign
from tests.dashboard.conftest import browser_for
from tests.dashboard.test_coupon_pages import design
from tests.dashboard.test_deal_pages import composed
from tests.deals.factories import hotpot_shop
from tests.deals.test_api import DEAL
from tests.factories import MerchantFactory, ServiceFactory, StaffFactory
from tests.loyalty.factories import program_create

pytestmark = pytest.mark.django_db
CAMPAIGNS = "/api/v1/merchant/campaigns/"
DEALS = "/api/v1/merchant/flash-deals/"


@pytest.fixture
def setup():
    """A merchant with shops V1 and V2; staff with every offer permission, assigned V1 only."""
    merchant = MerchantFactory()
    v1, v2 = hotpot_shop(merchant), hotpot_shop(merchant)
    member = StaffFactory(
        merchant=merchant,
        permissions=[StaffPermission.MANAGE_COUPONS, StaffPermission.MANAGE_CARDS],
    )
    member.shops.set([v1])
    return merchant, v1, v2, member.user


def owners_campaign(merchant, shops):
    return campaign_create(
        merchant=merchant,
        title="店主的活动",
        benefit_kind="amount_off",
        amount_off_fen=1000,
        total_quantity=10,
        valid_days_after_issue=30,
        shops=shops,
    )


def owners_deal(merchant, shop):
    return flash_deal_create(merchant=merchant, **{**DEAL, "shop": shop})


def refused(response):
    assert response.status_code == 403, response.content
    return response


def test_api_campaigns_reach_only_the_staff_members_shops(setup):
    merchant, v1, v2, staff = setup
    api = client_for(staff)
    for shops in ([v2.pk], [v1.pk, v2.pk], []):  # [] is every shop, V2 included
        answer = refused(api.post(CAMPAIGNS, new_campaign(shops=shops), format="json"))
        assert answer.json()["code"] == "shop_not_assigned"
    special_at_v2 = new_campaign(
        shops=[v1.pk],
        benefit_kind="special_price",
        amount_off_fen=None,
        service=ServiceFactory(shop=v2, price_fen=8000).pk,
        special_price_fen=5000,
    )
    refused(api.post(CAMPAIGNS, special_at_v2, format="json"))  # a V2 service's price
    assert api.post(CAMPAIGNS, new_campaign(shops=[v1.pk]), format="json").status_code == 201
    own = Campaign.objects.get(title="开业满减")
    refused(api.patch(f"{CAMPAIGNS}{own.pk}/", {"shops": [v2.pk]}, format="json"))

    at_v2 = owners_campaign(merchant, [v2])
    assert api.get(f"{CAMPAIGNS}{at_v2.pk}/").status_code == 200  # reading is not writing
    refused(api.patch(f"{CAMPAIGNS}{at_v2.pk}/", {"title": "改"}, format="json"))
    refused(api.post(f"{CAMPAIGNS}{at_v2.pk}/publish/"))
    refused(
        api.post(
            f"{CAMPAIGNS}{at_v2.pk}/issue/",
            {"phones": ["13900000001"]},
            format="json",
            HTTP_IDEMPOTENCY_KEY="issue-staff-0001",
        )
    )
    refused(
        api.post(
            f"{CAMPAIGNS}{at_v2.pk}/paper-batches/",
            {"count": 5},
            format="json",
            HTTP_IDEMPOTENCY_KEY="paper-staff-0001",
        )
    )
    refused(api.delete(f"{CAMPAIGNS}{at_v2.pk}/"))
    at_v2.refresh_from_db()
    assert (at_v2.title, at_v2.status) == ("店主的活动", CampaignStatus.DRAFT)
    owner = client_for(merchant.owner)
    assert owner.post(f"{CAMPAIGNS}{at_v2.pk}/publish/").status_code == 200


def test_api_flash_deals_reach_only_the_staff_members_shops(setup):
    merchant, v1, v2, staff = setup
    api = client_for(staff)
    answer = refused(api.post(DEALS, {**DEAL, "shop": v2.pk}, format="json"))
    assert answer.json()["code"] == "shop_not_assigned"
    assert not FlashDeal.objects.exists()
    mine = api.post(DEALS, {**DEAL, "shop": v1.pk}, format="json")
    assert mine.status_code == 201
    refused(api.put(f"{DEALS}{mine.json()['id']}/", {**DEAL, "shop": v2.pk}, format="json"))

    at_v2 = owners_deal(merchant, v2)
    refused(api.put(f"{DEALS}{at_v2.pk}/", {**DEAL, "shop": v1.pk}, format="json"))
    refused(api.post(f"{DEALS}{at_v2.pk}/publish/"))
    at_v2.refresh_from_db()
    assert (at_v2.status, at_v2.shop_id) == (DealStatus.DRAFT, v2.pk)


def test_api_card_program_and_design_reach_only_the_staff_members_shops(setup):
    merchant, v1, v2, staff = setup
    program = program_create(merchant)  # valid at every shop, V2 included
    api = client_for(staff)
    assert api.get("/api/v1/merchant/card-program/").status_code == 200
    body = api.get("/api/v1/merchant/card-program/").json()
    body["shops"] = [v1.pk]
    refused(api.put("/api/v1/merchant/card-program/", body, format="json"))
    refused(api.patch("/api/v1/merchant/card-program/design/", {"title": "改"}, format="json"))
    refused(api.post("/api/v1/merchant/card-program/design/publish/"))
    assert not CardDesign.objects.filter(program=program, title="改").exists()

    program.shops.set([v1])  # the owner narrows it to V1: now it is the staff member's too
    assert api.patch(
        "/api/v1/merchant/card-program/design/", {"title": "会员"}, format="json"
    ).status_code == 200  # fmt: skip
    body["shops"] = [v2.pk]
    refused(api.put("/api/v1/merchant/card-program/", body, format="json"))
    assert list(CardProgram.objects.get(pk=program.pk).shops.all()) == [v1]


def url(name, *args):
    return reverse(f"dashboard:{name}", args=args)


def test_dashboard_campaigns_reach_only_the_staff_members_shops(setup):
    merchant, v1, v2, staff = setup
    page = browser_for(staff)
    refused(page.post(url("campaign-new"), design(shops=[v2.pk])))
    refused(page.post(url("campaign-new"), design()))  # no shop named: every shop
    assert not Campaign.objects.exists()
    assert page.post(url("campaign-new"), design(shops=[v1.pk])).status_code == 302
    at_v2 = owners_campaign(merchant, [v2])
    assert page.get(url("campaign", at_v2.pk)).status_code == 200
    refused(page.post(url("campaign-edit", at_v2.pk), design(shops=[v1.pk])))
    refused(page.post(url("campaign-transition", at_v2.pk, "publish")))
    refused(page.post(url("campaign-delete", at_v2.pk)))
    refused(page.post(url("campaign-issue", at_v2.pk), {"phones": "13900000001"}))
    refused(page.post(url("campaign-paper", at_v2.pk), {"count": "5"}))
    at_v2.refresh_from_db()
    assert (at_v2.status, list(at_v2.shops.all())) == (CampaignStatus.DRAFT, [v2])


def test_dashboard_flash_deals_reach_only_the_staff_members_shops(setup):
    merchant, v1, v2, staff = setup
    page = browser_for(staff)
    refused(page.post(url("deal-new"), composed(v2)))
    assert not FlashDeal.objects.exists()
    at_v2 = owners_deal(merchant, v2)
    refused(page.post(url("deal-edit", at_v2.pk), composed(v1)))
    refused(page.post(url("deal-publish", at_v2.pk)))
    at_v2.refresh_from_db()
    assert (at_v2.status, at_v2.shop_id) == (DealStatus.DRAFT, v2.pk)


def test_dashboard_card_program_reaches_only_the_staff_members_shops(setup):
    merchant, _v1, _v2, staff = setup
    program_create(merchant)  # valid at every shop
    page = browser_for(staff)
    assert page.get(url("membership")).status_code == 200
    refused(page.post(url("membership"), {"name": "改名"}))
    refused(page.post(url("card-design"), {"title": "改"}))
    refused(page.post(url("card-design-publish")))
    assert CardProgram.objects.get(merchant=merchant).name != "改名"
