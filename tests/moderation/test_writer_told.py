"""The writer is told: their own answers name the texts waiting for review (`under_review`),
the dashboard pages say so, and staff's decision in the admin queue (audited) reaches their
inbox."""

import pytest
from django.test import Client

from accounts.models import User
from audit.models import ModerationItemEvent
from consumers.services import order_consume, review_create_verified
from moderation.models import BannedWord, ModerationItem
from notifications.models import InboxMessage
from tests.conftest import client_for
from tests.consumers.factories import purchase
from tests.coupons.factories import CampaignFactory
from tests.dashboard.conftest import browser_for
from tests.factories import ServiceFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def words(db):
    BannedWord.objects.create(word="代开发票")


@pytest.fixture
def staff_client():
    admin = User.objects.create_superuser("+8613700002222", "Adm1n-pass-2026")
    client = Client()
    client.force_login(admin)
    return client, admin


def queue_action(client, action: str, item: ModerationItem):
    listed = client.get("/admin/moderation/moderationitem/?status__exact=pending")
    assert item.text in listed.content.decode()  # staff see the waiting text in the queue
    return client.post(
        "/admin/moderation/moderationitem/",
        {"action": action, "_selected_action": [item.pk]},
    )


def test_shop_text_under_review_is_named_shown_and_its_rejection_reaches_the_owner(
    api, words, staff_client
):
    client, admin = staff_client
    shop = ShopFactory(description="老店")
    owner = shop.merchant.owner
    answer = client_for(owner).patch(
        f"/api/v1/merchant/shops/{shop.pk}/", {"description": "可代开发票"}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["under_review"] == ["description"]
    assert answer.json()["description"] == "老店"
    public = api.get(f"/api/v1/shops/{shop.pk}/").json()
    assert "under_review" not in public and "发票" not in str(public)
    page = browser_for(owner).get(f"/dashboard/shops/{shop.pk}/").content.decode()
    assert "审核中：介绍" in page

    item = ModerationItem.objects.get(subject="merchants.shop", object_id=shop.pk)
    assert queue_action(client, "reject", item).status_code == 302
    item.refresh_from_db()
    assert item.status == "rejected" and item.decided_by == admin
    event = ModerationItemEvent.objects.get(pgh_obj_id=item.pk, status="rejected")
    assert event.pgh_context.metadata["user"] == admin.pk  # who decided, audited
    (message,) = InboxMessage.objects.filter(recipient=owner)
    assert message.title == "内容未通过审核" and "可代开发票" in message.body
    again = client_for(owner).get(f"/api/v1/merchant/shops/{shop.pk}/").json()
    assert again["under_review"] == [] and again["description"] == "老店"
    assert "审核中" not in browser_for(owner).get(f"/dashboard/shops/{shop.pk}/").content.decode()


def test_a_review_waiting_is_named_to_its_author_and_approval_reaches_their_inbox(
    api, words, staff_client
):
    client, _ = staff_client
    shop = ShopFactory()
    order = purchase(service=ServiceFactory(shop=shop))
    order_consume(order=order, via="counter", actor=shop.merchant.owner)
    review = review_create_verified(order=order, rating=5, text="老板可以代开发票")
    (mine,) = client_for(order.consumer).get("/api/v1/me/reviews/").json()["results"]
    assert mine["under_review"] == ["text"] and mine["text"] == ""
    merchant = client_for(shop.merchant.owner)
    reply = merchant.post(
        f"/api/v1/merchant/reviews/{review.pk}/reply/", {"text": "发票可代开发票"}, format="json"
    )
    assert reply.status_code == 200, reply.json()
    assert reply.json()["under_review"] == ["reply_text", "text"]

    item = ModerationItem.objects.get(subject="consumers.review", object_id=review.pk, field="text")
    queue_action(client, "approve", item)
    (message,) = InboxMessage.objects.filter(recipient=order.consumer)
    assert message.title == "内容已通过审核"
    assert not InboxMessage.objects.filter(recipient=shop.merchant.owner).exists()
    reply_item = ModerationItem.objects.get(field="reply_text", status="pending")
    queue_action(client, "reject", reply_item)
    (told,) = InboxMessage.objects.filter(recipient=shop.merchant.owner)
    assert told.title == "内容未通过审核"  # the reply's writer: the merchant
    (mine,) = client_for(order.consumer).get("/api/v1/me/reviews/").json()["results"]
    assert mine["under_review"] == [] and mine["text"] == "老板可以代开发票"


def test_campaign_and_service_answers_name_their_waiting_texts(words):
    campaign = CampaignFactory()
    owner = campaign.merchant.owner
    answer = client_for(owner).patch(
        f"/api/v1/merchant/campaigns/{campaign.pk}/", {"title": "代开发票券"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["under_review"] == ["title"]
    page = browser_for(owner).get(f"/dashboard/coupons/{campaign.pk}/")
    assert "审核中：标题" in page.content.decode()

    service = ServiceFactory(shop__merchant=campaign.merchant)
    answer = client_for(owner).patch(
        f"/api/v1/merchant/services/{service.pk}/", {"description": "代开发票"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["under_review"] == ["description"]
