"""Merchants design campaigns: create, the published-terms rules, states, issue, isolation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coupons.models import Audience, Campaign, CampaignStatus, Coupon
from merchants.models import StaffPermission
from tests.conftest import client_for
from tests.factories import MerchantFactory, ServiceFactory, ShopFactory, StaffFactory, UserFactory

from .factories import CampaignFactory, CouponFactory, member_of

pytestmark = pytest.mark.django_db
CAMPAIGNS = "/api/v1/merchant/campaigns/"


def iso(moment) -> str:
    return moment.isoformat()


def new_campaign(**overrides) -> dict:
    now = timezone.now()
    return {
        "title": "开业满减",
        "benefit_kind": "amount_off",
        "amount_off_fen": 2000,
        "min_spend_fen": 10000,
        "valid_from": iso(now),
        "valid_until": iso(now + timedelta(days=30)),
        "total_quantity": 100,
        **overrides,
    }


def test_owner_designs_publishes_and_consumers_claim(merchant, consumer):
    shop = ShopFactory(merchant=merchant)
    owner = client_for(merchant.owner)
    response = owner.post(CAMPAIGNS, new_campaign(shops=[shop.pk], per_customer_limit=2))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["benefit_text"], body["remaining"]) == (
        "draft",
        "满100元减20元",
        100,
    )
    assert body["shops"] == [{"id": shop.pk, "name": shop.name}]
    claim = f"/api/v1/campaigns/{body['id']}/claim/"
    assert client_for(consumer).post(claim).status_code == 404  # a draft is not out yet
    assert owner.post(f"{CAMPAIGNS}{body['id']}/publish/").json()["status"] == "published"
    assert client_for(consumer).post(claim).status_code == 201
    assert owner.get(f"{CAMPAIGNS}{body['id']}/").json()["issued_count"] == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_off_fen": None}, "amount_off_fen"),
        ({"benefit_kind": "percent_off", "percent_off": 20}, "amount_off_fen"),
        ({"benefit_kind": "free_item"}, "service"),
        ({"valid_days_after_issue": 7}, "valid_until"),
        ({"valid_from": None, "valid_until": None}, "valid_until"),
        ({"audience": "levels"}, "levels"),
        ({"audience": "customer_list"}, "customer_phones"),
    ],
    ids=["no-amount", "two-benefits", "free-without-service", "two-validities", "no-validity",
         "levels-without-levels", "list-without-phones"],
)  # fmt: skip
def test_inconsistent_terms_are_refused_field_by_field(merchant, overrides, field):
    response = client_for(merchant.owner).post(CAMPAIGNS, new_campaign(**overrides))
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]


def test_every_kind_of_benefit_and_audience_can_be_designed(merchant):
    shop = ShopFactory(merchant=merchant)
    service = ServiceFactory(shop=shop, name="洗剪吹", price_fen=8800)
    level = member_of(merchant, UserFactory(), "VIP")
    owner = client_for(merchant.owner)
    cases = [
        ({"benefit_kind": "percent_off", "amount_off_fen": None, "percent_off": 15,
          "percent_cap_fen": 5000, "min_spend_fen": 0}, "享8.5折，最多减50元"),
        ({"benefit_kind": "free_item", "amount_off_fen": None, "service": service.pk,
          "min_spend_fen": 0}, "免费享「洗剪吹」"),
        ({"benefit_kind": "special_price", "amount_off_fen": None, "service": service.pk,
          "special_price_fen": 5800, "min_spend_fen": 0}, "「洗剪吹」特价58元（原价88元）"),
        ({"audience": "levels", "levels": [level.pk]}, "满100元减20元"),
        ({"audience": "customer_list", "customer_phones": ["13912345678"],
          "valid_from": None, "valid_until": None, "valid_days_after_issue": 7}, "满100元减20元"),
    ]  # fmt: skip
    for overrides, text in cases:
        response = owner.post(CAMPAIGNS, new_campaign(**overrides))
        assert response.status_code == 201, response.json()
        assert response.json()["benefit_text"] == text
    assert owner.get(CAMPAIGNS).json()["results"][0]["customer_phones"] == ["+8613912345678"]


def test_another_merchants_shops_services_and_levels_cannot_be_used(merchant):
    other = MerchantFactory()
    foreign_shop = ShopFactory(merchant=other)
    foreign_service = ServiceFactory(shop=foreign_shop)
    foreign_level = member_of(other, UserFactory())
    owner = client_for(merchant.owner)
    for overrides, field in [
        ({"shops": [foreign_shop.pk]}, "shops"),
        ({"benefit_kind": "free_item", "amount_off_fen": None, "service": foreign_service.pk},
         "service"),
        ({"audience": "levels", "levels": [foreign_level.pk]}, "levels"),
    ]:  # fmt: skip
        response = owner.post(CAMPAIGNS, new_campaign(**overrides))
        assert response.status_code == 400
        assert field in response.json()["fields"]


def test_a_draft_changes_freely_and_can_be_deleted(merchant):
    owner = client_for(merchant.owner)
    draft = owner.post(CAMPAIGNS, new_campaign()).json()
    changed = owner.patch(
        f"{CAMPAIGNS}{draft['id']}/",
        {"benefit_kind": "percent_off", "percent_off": 10, "min_spend_fen": 50000,
         "valid_days_after_issue": 3},
    )  # fmt: skip
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert (body["amount_off_fen"], body["valid_from"], body["valid_days_after_issue"]) == (
        None,
        None,
        3,
    )
    assert owner.delete(f"{CAMPAIGNS}{draft['id']}/").status_code == 204
    published = CampaignFactory(merchant=merchant)
    refused = owner.delete(f"{CAMPAIGNS}{published.pk}/")
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")


FAVOURABLE = [
    {"amount_off_fen": 3000},
    {"min_spend_fen": 5000},
    {"per_customer_limit": 2},
    {"total_quantity": 500},
    {"title": "新标题", "description": "更清楚的说明"},
    {"audience": "anyone"},
]
HARMFUL = [
    ({"amount_off_fen": 1000}, "amount_off_fen"),
    ({"min_spend_fen": 20000}, "min_spend_fen"),
    ({"per_customer_limit": 1}, "per_customer_limit"),
    ({"benefit_kind": "percent_off", "percent_off": 50}, "benefit_kind"),
    ({"audience": "customer_list", "customer_phones": ["13900001111"]}, "audience"),
]


@pytest.mark.parametrize("change", FAVOURABLE, ids=lambda c: "+".join(c))
def test_a_published_campaign_accepts_changes_that_favour_holders(merchant, change):
    campaign = CampaignFactory(merchant=merchant, per_customer_limit=1, audience=Audience.LEVELS)
    campaign.levels.set([member_of(merchant, UserFactory())])
    response = client_for(merchant.owner).patch(f"{CAMPAIGNS}{campaign.pk}/", change)
    assert response.status_code == 200, response.json()
    assert {k: response.json()[k] for k in change} == change


@pytest.mark.parametrize(("change", "field"), HARMFUL, ids=lambda c: "+".join(c))
def test_a_published_campaign_refuses_changes_that_hurt_holders(merchant, change, field):
    campaign = CampaignFactory(merchant=merchant, per_customer_limit=2)
    response = client_for(merchant.owner).patch(f"{CAMPAIGNS}{campaign.pk}/", change)
    assert response.status_code == 409
    assert response.json()["code"] == "terms_locked"
    assert field in response.json()["fields"]
    assert Campaign.objects.get(pk=campaign.pk).amount_off_fen == 2000


def test_shops_and_audience_may_only_widen_once_published(merchant):
    a, b, c = (ShopFactory(merchant=merchant) for _ in range(3))
    campaign = CampaignFactory(merchant=merchant, shops=[a, b])
    owner = client_for(merchant.owner)
    url = f"{CAMPAIGNS}{campaign.pk}/"
    assert owner.patch(url, {"shops": [a.pk]}).json()["code"] == "terms_locked"
    assert owner.patch(url, {"shops": [a.pk, b.pk, c.pk]}).status_code == 200
    assert owner.patch(url, {"shops": []}).json()["shops"] == []  # every shop
    assert owner.patch(url, {"shops": [a.pk]}).json()["code"] == "terms_locked"

    listed = CampaignFactory(merchant=merchant, audience=Audience.CUSTOMER_LIST)
    listed.customers.create(phone="+8613900001111")
    url = f"{CAMPAIGNS}{listed.pk}/"
    grown = owner.patch(url, {"customer_phones": ["13900001111", "13900002222"]})
    assert grown.status_code == 200
    shrunk = owner.patch(url, {"customer_phones": ["13900002222"]})
    assert shrunk.json()["code"] == "terms_locked"


def test_extending_validity_extends_the_coupons_already_held(merchant):
    now = timezone.now()
    fixed = CampaignFactory(merchant=merchant)
    held = CouponFactory(campaign=fixed)
    later = now + timedelta(days=60)
    owner = client_for(merchant.owner)
    assert owner.patch(f"{CAMPAIGNS}{fixed.pk}/", {"valid_until": iso(later)}).status_code == 200
    held.refresh_from_db()
    assert held.valid_until == later
    shorter = owner.patch(f"{CAMPAIGNS}{fixed.pk}/", {"valid_until": iso(now + timedelta(days=1))})
    assert shorter.json()["fields"]["valid_until"] == ["有效期只能延长。"]
    delayed = owner.patch(f"{CAMPAIGNS}{fixed.pk}/", {"valid_from": iso(now + timedelta(days=1))})
    assert delayed.json()["code"] == "terms_locked"

    relative = CampaignFactory(
        merchant=merchant, valid_from=None, valid_until=None, valid_days_after_issue=7
    )
    coupon = CouponFactory(campaign=relative, valid_from=now, valid_until=now + timedelta(days=7))
    assert (
        owner.patch(f"{CAMPAIGNS}{relative.pk}/", {"valid_days_after_issue": 10}).status_code == 200
    )
    coupon.refresh_from_db()
    assert coupon.valid_until == now + timedelta(days=10)
    assert (
        owner.patch(f"{CAMPAIGNS}{relative.pk}/", {"valid_days_after_issue": 5}).status_code == 409
    )


def test_quantity_cannot_drop_below_what_was_issued(merchant):
    campaign = CampaignFactory(merchant=merchant, per_customer_limit=1)
    for _ in range(3):
        CouponFactory(campaign=campaign)
    owner = client_for(merchant.owner)
    assert owner.patch(f"{CAMPAIGNS}{campaign.pk}/", {"total_quantity": 2}).status_code == 400
    assert owner.patch(f"{CAMPAIGNS}{campaign.pk}/", {"total_quantity": 3}).status_code == 200


def test_states_move_draft_published_paused_ended_and_held_coupons_stay_usable(merchant):
    shop = ShopFactory(merchant=merchant)
    campaign = CampaignFactory(merchant=merchant, status=CampaignStatus.DRAFT)
    owner = client_for(merchant.owner)
    url = f"{CAMPAIGNS}{campaign.pk}/"
    assert owner.post(f"{url}pause/").json()["code"] == "invalid_transition"
    assert owner.post(f"{url}publish/").json()["status"] == "published"
    held = CouponFactory(campaign=campaign)
    assert owner.post(f"{url}pause/").json()["status"] == "paused"
    assert owner.post(f"{url}publish/").json()["status"] == "published"
    assert owner.post(f"{url}end/").json()["status"] == "ended"
    assert owner.post(f"{url}publish/").status_code == 409
    assert owner.patch(url, {"amount_off_fen": 5000}).json()["code"] == "terms_locked"
    assert owner.patch(url, {"title": "已结束的活动"}).status_code == 200
    redeemed = owner.post(
        "/api/v1/merchant/redemptions/",
        {"shop": shop.pk, "code": held.code, "order_amount_fen": 10000},
        HTTP_IDEMPOTENCY_KEY="key-ended-0001",
    )
    assert redeemed.status_code == 201


def test_a_window_in_the_past_cannot_be_published_and_ends_by_itself(merchant):
    from coupons.tasks import campaigns_end_expired

    now = timezone.now()
    past = {"valid_from": now - timedelta(days=3), "valid_until": now - timedelta(days=1)}
    draft = CampaignFactory(merchant=merchant, status=CampaignStatus.DRAFT, **past)
    response = client_for(merchant.owner).post(f"{CAMPAIGNS}{draft.pk}/publish/")
    assert response.status_code == 400
    running = CampaignFactory(merchant=merchant, **past)
    assert campaigns_end_expired() == 1
    running.refresh_from_db()
    assert running.status == CampaignStatus.ENDED


def test_issue_to_phone_numbers_reaches_members_now_and_newcomers_when_they_sign_up(
    merchant, consumer, api
):
    campaign = CampaignFactory(merchant=merchant)
    CouponFactory(campaign=campaign, holder=consumer)  # already at the limit of 1
    owner = client_for(merchant.owner)
    existing = UserFactory()
    response = owner.post(
        f"{CAMPAIGNS}{campaign.pk}/issue/",
        {"phones": [str(existing.phone), "13811112222", str(consumer.phone), "13811112222"]},
        HTTP_IDEMPOTENCY_KEY="key-issue-0001",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["issued"]) == 2
    assert body["skipped"] == [{"phone": str(consumer.phone), "code": "claim_limit_reached"}]
    assert client_for(existing).get("/api/v1/me/coupons/").json()["results"][0]["id"] in {
        c["id"] for c in body["issued"]
    }
    newcomer = UserFactory(phone="+8613811112222")
    mine = client_for(newcomer).get("/api/v1/me/coupons/").json()["results"]
    assert [c["campaign"]["id"] for c in mine] == [campaign.pk]
    too_many = owner.post(
        f"{CAMPAIGNS}{campaign.pk}/issue/",
        {"phones": [f"1390000{n:04d}" for n in range(98)]},
        HTTP_IDEMPOTENCY_KEY="key-issue-0002",
    )
    assert (too_many.status_code, too_many.json()["code"]) == (409, "sold_out")
    assert Coupon.objects.filter(campaign=campaign).count() == 3


def test_staff_need_manage_coupons_and_merchants_never_see_each_others(merchant):
    campaign = CampaignFactory(merchant=merchant)
    cashier = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    marketer = StaffFactory(merchant=merchant, permissions=[StaffPermission.MANAGE_COUPONS])
    assert client_for(cashier.user).get(CAMPAIGNS).status_code == 403
    assert client_for(marketer.user).get(CAMPAIGNS).json()["results"][0]["id"] == campaign.pk
    other = client_for(MerchantFactory().owner)
    assert other.get(CAMPAIGNS).json()["results"] == []
    for method, suffix in [("get", ""), ("patch", ""), ("post", "pause/"), ("get", "stats/"),
                           ("get", "coupons/"), ("get", "stats.csv")]:  # fmt: skip
        response = getattr(other, method)(f"{CAMPAIGNS}{campaign.pk}/{suffix}")
        assert response.status_code == 404, suffix
    consumer_client = client_for(UserFactory())
    assert consumer_client.get(CAMPAIGNS).status_code == 403


def test_a_campaign_image_is_checked_and_stored(merchant):
    import io

    from PIL import Image

    campaign = CampaignFactory(merchant=merchant)
    data = io.BytesIO()
    Image.new("RGB", (600, 400), "red").save(data, "PNG")
    data.seek(0)
    data.name = "cover.png"
    owner = client_for(merchant.owner)
    response = owner.post(f"{CAMPAIGNS}{campaign.pk}/image/", {"image": data}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["image"].endswith(".png")
