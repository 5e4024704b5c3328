"""Consumers: browse a shop's campaigns, claim within quantity, limit and audience, list their
coupons, show a QR that the counter can scan and redeem."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coupons.models import Audience, CampaignCustomer, CampaignStatus, Coupon
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory
from tests.qr import qr_decode

from .factories import CampaignFactory, CouponFactory, member_of

pytestmark = pytest.mark.django_db
MINE = "/api/v1/me/coupons/"


def shop_campaigns(client, shop) -> list[str]:
    response = client.get(f"/api/v1/shops/{shop.pk}/campaigns/")
    assert response.status_code == 200, response.json()
    return [c["title"] for c in response.json()["results"]]


def claim(client, campaign):
    return client.post(f"/api/v1/campaigns/{campaign.pk}/claim/")


def test_a_shop_lists_only_what_can_be_claimed_there(api, merchant):
    shop, other_shop = ShopFactory(merchant=merchant), ShopFactory(merchant=merchant)
    CampaignFactory(merchant=merchant, title="全部门店")
    CampaignFactory(merchant=merchant, title="本店", shops=[shop])
    CampaignFactory(merchant=merchant, title="别的店", shops=[other_shop])
    CampaignFactory(merchant=merchant, title="草稿", status=CampaignStatus.DRAFT)
    CampaignFactory(merchant=merchant, title="暂停", status=CampaignStatus.PAUSED)
    CampaignFactory(merchant=merchant, title="领完", total_quantity=1, issued_count=1)
    CampaignFactory(
        merchant=merchant,
        title="过期",
        valid_from=timezone.now() - timedelta(days=3),
        valid_until=timezone.now() - timedelta(days=1),
    )
    CampaignFactory(title="别的商户")
    CampaignFactory(merchant=merchant, title="会员专享", audience=Audience.LEVELS)
    assert sorted(shop_campaigns(api, shop)) == ["全部门店", "本店"]


def test_members_and_listed_customers_see_and_claim_their_campaigns(api, merchant, consumer):
    shop = ShopFactory(merchant=merchant)
    vip = member_of(merchant, consumer, "VIP")
    silver_only = CampaignFactory(merchant=merchant, title="银卡专享", audience=Audience.LEVELS)
    silver_only.levels.set([member_of(merchant, UserFactory(), "银卡", rank=2)])
    vip_only = CampaignFactory(merchant=merchant, title="VIP专享", audience=Audience.LEVELS)
    vip_only.levels.set([vip])
    listed = CampaignFactory(merchant=merchant, title="老客回馈", audience=Audience.CUSTOMER_LIST)
    CampaignCustomer.objects.create(campaign=listed, phone=consumer.phone)
    client = client_for(consumer)
    assert sorted(shop_campaigns(client, shop)) == ["VIP专享", "老客回馈"]
    assert shop_campaigns(api, shop) == []
    assert claim(client, vip_only).status_code == 201
    assert claim(client, listed).status_code == 201
    refused = claim(client, silver_only)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_in_audience")


def test_claiming_respects_limit_quantity_and_status(merchant, consumer):
    client = client_for(consumer)
    campaign = CampaignFactory(merchant=merchant, per_customer_limit=2, total_quantity=3)
    assert claim(client, campaign).status_code == 201
    assert claim(client, campaign).status_code == 201
    third = claim(client, campaign)
    assert (third.status_code, third.json()["code"]) == (409, "claim_limit_reached")
    assert claim(client_for(UserFactory()), campaign).status_code == 201
    sold_out = claim(client_for(UserFactory()), campaign)
    assert (sold_out.status_code, sold_out.json()["code"]) == (409, "sold_out")
    paused = CampaignFactory(merchant=merchant, status=CampaignStatus.PAUSED)
    assert claim(client, paused).json()["code"] == "campaign_not_claimable"
    assert claim(client, CampaignFactory(status=CampaignStatus.DRAFT)).status_code == 404


def test_only_consumers_claim(merchant):
    response = claim(client_for(merchant.owner), CampaignFactory())
    assert response.status_code == 403


def test_a_claimed_coupon_counts_days_from_the_claim(consumer):
    campaign = CampaignFactory(valid_from=None, valid_until=None, valid_days_after_issue=7)
    body = claim(client_for(consumer), campaign).json()
    coupon = Coupon.objects.get(pk=body["id"])
    assert coupon.valid_until - coupon.valid_from == timedelta(days=7)
    assert body["campaign"]["validity_text"] == "领取后 7 天内有效"
    assert body["state"] == "usable"


def test_my_coupons_are_split_into_usable_used_and_expired(consumer, merchant):
    now = timezone.now()
    usable = CouponFactory(holder=consumer)
    later = CouponFactory(
        holder=consumer, campaign=CampaignFactory(valid_from=now + timedelta(days=1))
    )
    used = CouponFactory(holder=consumer, status="redeemed", redeemed_at=now)
    expired = CouponFactory(
        holder=consumer,
        campaign=CampaignFactory(
            valid_from=now - timedelta(days=9), valid_until=now - timedelta(days=1)
        ),
    )
    CouponFactory()  # someone else's
    client = client_for(consumer)

    def ids(status=None):
        params = {"status": status} if status else {}
        return {c["id"] for c in client.get(MINE, params).json()["results"]}

    assert ids("usable") == {usable.pk, later.pk}
    assert ids("used") == {used.pk}
    assert ids("expired") == {expired.pk}
    assert ids() == {usable.pk, later.pk, used.pk, expired.pk}
    states = {c["id"]: c["state"] for c in client.get(MINE).json()["results"]}
    assert states[later.pk] == "not_yet_valid"


def test_a_consumer_never_sees_anothers_coupon(consumer):
    theirs = CouponFactory()
    client = client_for(consumer)
    assert client.get(f"{MINE}{theirs.pk}/").status_code == 404
    assert client.get(f"{MINE}{theirs.pk}/qr.png").status_code == 404
    assert client.get(MINE).json()["results"] == []


def test_the_qr_image_decodes_to_a_payload_the_counter_redeems(consumer, merchant):
    shop = ShopFactory(merchant=merchant)
    campaign = CampaignFactory(merchant=merchant)
    body = claim(client_for(consumer), campaign).json()
    png = client_for(consumer).get(f"{MINE}{body['id']}/qr.png", HTTP_ACCEPT="image/png")
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    payload = qr_decode(png.content)
    assert payload == body["qr_payload"]
    assert body["qr_url"].endswith(f"{MINE}{body['id']}/qr.png")
    redeemed = client_for(merchant.owner).post(
        "/api/v1/merchant/redemptions/",
        {"shop": shop.pk, "code": payload, "order_amount_fen": 10000},
        HTTP_IDEMPOTENCY_KEY="key-qr-000001",
    )
    assert redeemed.status_code == 201, redeemed.json()
    used = client_for(consumer).get(f"{MINE}{body['id']}/").json()
    assert used["state"] == "used"
    assert used["redeemed_shop"] == {"id": shop.pk, "name": shop.name}
