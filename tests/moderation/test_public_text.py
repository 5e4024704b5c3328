"""Public text passes the word list first: what hits waits in the queue and never appears in
public answers until staff approve it; decisions are audited."""

import pytest

from audit.models import ModerationItemEvent
from consumers.services import order_consume, review_create_verified, review_reply
from coupons.services import campaign_update
from merchants.services import service_update, shop_create, shop_update
from moderation.errors import AlreadyDecided
from moderation.models import BannedWord, ItemStatus, ModerationItem
from moderation.services import moderation_decide
from tests.conftest import client_for
from tests.consumers.factories import purchase
from tests.coupons.factories import CampaignFactory
from tests.factories import ServiceFactory, ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def words(db):
    BannedWord.objects.create(word="代开发票")
    BannedWord.objects.create(word="法轮功")


def pending(subject, object_id):
    return ModerationItem.objects.get(subject=subject, object_id=object_id, status="pending")


def test_a_review_that_hits_waits_and_never_shows_until_approved(api, words):
    shop = ShopFactory()
    staff = UserFactory(role="admin", is_staff=True)
    order = purchase(service=ServiceFactory(shop=shop))
    order_consume(order=order, via="counter", actor=shop.merchant.owner)
    review = review_create_verified(order=order, rating=4, text="老板可以代 开 發 票")
    public = api.get(f"/api/v1/shops/{shop.pk}/reviews/").json()
    texts = [r["text"] for r in public["results"]]
    assert texts == [""] and "票" not in str(public)
    item = pending("consumers.review", review.pk)
    assert item.hits == ["代开发票"] and item.submitted_by == order.consumer

    moderation_decide(item_id=item.pk, approve=True, by=staff, note="误报：正规发票")
    public = api.get(f"/api/v1/shops/{shop.pk}/reviews/").json()
    assert [r["text"] for r in public["results"]] == ["老板可以代 开 發 票"]
    with pytest.raises(AlreadyDecided):
        moderation_decide(item_id=item.pk, approve=False, by=staff)
    decided = ModerationItemEvent.objects.filter(pgh_obj_id=item.pk, status="approved").get()
    assert decided.decided_by_id == staff.pk and decided.decision_note == "误报：正规发票"

    review_reply(review=review, text="谢谢光临")
    review_reply(review=review, text="支持falungong")  # held: the first reply stays
    shown = api.get(f"/api/v1/shops/{shop.pk}/reviews/").json()["results"][0]
    assert shown["reply_text"] == "谢谢光临"
    reply = pending("consumers.review", review.pk)
    moderation_decide(item_id=reply.pk, approve=False, by=staff)
    review.refresh_from_db()
    assert review.reply_text == "谢谢光临"


def test_shop_and_service_text_that_hits_keeps_the_old_text(api, words, merchant):
    staff = UserFactory(role="admin", is_staff=True)
    shop = shop_create(
        merchant=merchant,
        name="法轮功火锅",
        categories=[],
        address="静安区",
        lat=31.23,
        lng=121.45,
        description="好吃",
    )
    assert shop.name == "（审核中）" and shop.description == "好吃"
    page = api.get(f"/api/v1/shops/{shop.pk}/").json()
    assert "法轮" not in str(page)
    found = api.get("/api/v1/discover/", {"lat": 31.23, "lng": 121.45, "q": "法轮"}).json()
    assert found["results"] == []

    item = pending("merchants.shop", shop.pk)
    moderation_decide(item_id=item.pk, approve=False, by=staff)
    shop_update(shop=shop, name="老王火锅", description="可代开发票")
    shop.refresh_from_db()
    assert (shop.name, shop.description) == ("老王火锅", "好吃")  # name passed, text held
    assert shop.name_pinyin.startswith("laowang")
    page = api.get(f"/api/v1/shops/{shop.pk}/").json()
    assert page["name"] == "老王火锅" and "发票" not in str(page)

    service = ServiceFactory(shop=shop)
    service_update(service=service, description="法輪功课程")
    service.refresh_from_db()
    assert "輪" not in service.description
    assert pending("merchants.service", service.pk).text == "法輪功课程"
    # Written again, the waiting text is superseded: only the newest can go public.
    service_update(service=service, description="发轮功2")
    assert ModerationItem.objects.filter(
        subject="merchants.service", status=ItemStatus.SUPERSEDED
    ).exists()
    newest = pending("merchants.service", service.pk)
    moderation_decide(item_id=newest.pk, approve=True, by=staff)
    service.refresh_from_db()
    assert service.description == "发轮功2"


def test_coupon_texts_wait_too(api, words):
    shop = ShopFactory()
    campaign = CampaignFactory(merchant=shop.merchant, shops=[shop], title="五折券")
    campaign_update(campaign=campaign, title="代开发票五折券", description="店内通用")
    campaign.refresh_from_db()
    assert (campaign.title, campaign.description) == ("五折券", "店内通用")
    listed = api.get(f"/api/v1/shops/{shop.pk}/campaigns/").json()
    assert "发票" not in str(listed)
    assert pending("coupons.campaign", campaign.pk).text == "代开发票五折券"


def test_a_flash_deal_whose_text_waits_cannot_be_published_or_pushed(words):
    from deals.models import FlashDeal
    from tests.deals.factories import deal_for

    staff = UserFactory(role="admin", is_staff=True)
    deal = deal_for(ShopFactory(), title="刷单代开发票返现")
    assert deal.campaign.title == "（审核中）"
    shop = deal.shop
    owner_client = client_for(shop.merchant.owner)
    refused = owner_client.post(f"/api/v1/merchant/flash-deals/{deal.pk}/publish/")
    assert refused.status_code == 409 and refused.json()["code"] == "text_under_review"
    assert FlashDeal.objects.get(pk=deal.pk).status == "draft"
    item = pending("coupons.campaign", deal.campaign_id)
    moderation_decide(item_id=item.pk, approve=True, by=staff)
    published = owner_client.post(f"/api/v1/merchant/flash-deals/{deal.pk}/publish/")
    assert published.status_code in (200, 201), published.json()
    assert FlashDeal.objects.get(pk=deal.pk).status == "published"
    assert FlashDeal.objects.get(pk=deal.pk).campaign.title == "刷单代开发票返现"


def test_a_word_added_by_staff_applies_to_the_next_text(words):
    shop = ShopFactory(description="老店")
    shop_update(shop=shop, description="刷单返现")
    shop.refresh_from_db()
    assert shop.description == "刷单返现"
    BannedWord.objects.create(word="刷单")
    shop_update(shop=shop, description="刷 单 返 现 第二次")
    shop.refresh_from_db()
    assert shop.description == "刷单返现"
    BannedWord.objects.filter(word="刷单").update(active=False)
    shop_update(shop=shop, description="刷单第三次")
    shop.refresh_from_db()
    assert shop.description == "刷单第三次"
