"""The merchant's flash-deal API: create, publish, list, stats; one merchant's deals only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deals.services import flash_deal_fan_out
from merchants.models import StaffPermission
from tests.conftest import client_for
from tests.factories import MerchantFactory, StaffFactory

from .factories import hotpot_shop, subscriber

pytestmark = pytest.mark.django_db

DEAL = {
    "title": "晚市锅底 5 折",
    "description": "仅限今晚。",
    "benefit_kind": "percent_off",
    "percent_off": 50,
    "total_quantity": 30,
    "duration_minutes": 90,
    "target": "radius",
    "radius_m": 2000,
}


def test_create_publish_and_stats():
    shop = hotpot_shop()
    fan = subscriber(north_m=300)
    api = client_for(shop.merchant.owner)
    created = api.post("/api/v1/merchant/flash-deals/", {**DEAL, "shop": shop.pk}, format="json")
    assert created.status_code == 201, created.json()
    deal = created.json()
    assert deal["status"] == "draft" and deal["campaign"]["status"] == "draft"
    assert deal["campaign"]["shops"] == [{"id": shop.pk, "name": shop.name}]

    published = api.post(f"/api/v1/merchant/flash-deals/{deal['id']}/publish/").json()
    assert published["status"] == "published"
    assert published["campaign"]["status"] == "published"
    twice = api.post(f"/api/v1/merchant/flash-deals/{deal['id']}/publish/")
    assert twice.status_code == 409 and twice.json()["code"] == "deal_already_published"

    flash_deal_fan_out(deal_id=deal["id"])  # what the worker does after the commit
    inbox = client_for(fan).get("/api/v1/me/inbox/").json()["results"]
    assert [m["data"]["deal"] for m in inbox] == [deal["id"]]
    client_for(fan).post(f"/api/v1/me/inbox/{inbox[0]['id']}/read/")
    client_for(fan).post(f"/api/v1/campaigns/{deal['campaign']['id']}/claim/")

    stats = api.get(f"/api/v1/merchant/flash-deals/{deal['id']}/stats/").json()
    assert stats["recipients"] == stats["inbox_delivered"] == stats["inbox_read"] == 1
    assert stats["push"] == {"pending": 1}
    assert stats["coupons_claimed"] == 1
    assert [d["id"] for d in api.get("/api/v1/merchant/flash-deals/").json()["results"]] == [
        deal["id"]
    ]


def test_a_draft_is_edited_as_a_whole_and_a_published_deal_is_not():
    shop = hotpot_shop()
    api = client_for(shop.merchant.owner)
    deal = api.post("/api/v1/merchant/flash-deals/", {**DEAL, "shop": shop.pk}, format="json")
    url = f"/api/v1/merchant/flash-deals/{deal.json()['id']}/"
    phones = ["13800001111", "13800002222"]
    edited = api.put(
        url,
        {
            **DEAL,
            "shop": shop.pk,
            "title": "晚市火锅 8 折",
            "benefit_kind": "percent_off",
            "amount_off_fen": None,
            "percent_off": 20,
            "duration_minutes": 60,
            "target": "customer_list",
            "customer_phones": phones,
            "sms": True,
        },
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    body = edited.json()
    created = deal.json()
    assert (body["id"], body["campaign"]["id"]) == (created["id"], created["campaign"]["id"])
    assert (body["target"], body["radius_m"], body["sms"]) == ("customer_list", None, True)
    campaign = body["campaign"]
    assert (campaign["title"], campaign["benefit_kind"], campaign["percent_off"]) == (
        "晚市火锅 8 折",
        "percent_off",
        20,
    )
    assert campaign["amount_off_fen"] is None  # the old kind's value is gone
    assert campaign["audience"] == "customer_list"
    no_radius = api.put(url, {**DEAL, "shop": shop.pk, "radius_m": None}, format="json")
    assert no_radius.status_code == 400  # checked as on creating; nothing changed
    assert api.get(url).json()["target"] == "customer_list"
    api.post(f"{url}publish/")
    late = api.put(url, {**DEAL, "shop": shop.pk}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "deal_already_published")


def test_invalid_deals_are_refused_with_the_fields_named():
    shop = hotpot_shop()
    api = client_for(shop.merchant.owner)
    no_radius = {**DEAL, "shop": shop.pk}
    no_radius.pop("radius_m")
    answer = api.post("/api/v1/merchant/flash-deals/", no_radius, format="json").json()
    assert answer["code"] == "invalid_deal" and "radius_m" in answer["fields"]
    sms = api.post(
        "/api/v1/merchant/flash-deals/", {**DEAL, "shop": shop.pk, "sms": True}, format="json"
    ).json()
    assert "sms" in sms["fields"]
    long = api.post(
        "/api/v1/merchant/flash-deals/",
        {**DEAL, "shop": shop.pk, "duration_minutes": 24 * 60},
        format="json",
    )
    assert long.status_code == 400
    far = (timezone.now() + timedelta(days=91)).isoformat()
    later = api.post(
        "/api/v1/merchant/flash-deals/", {**DEAL, "shop": shop.pk, "starts_at": far}, format="json"
    )
    assert later.status_code == 400  # the service's rule (deals.services.START_WINDOW)
    assert later.json()["code"] == "invalid_deal"
    assert later.json()["fields"]["starts_at"] == ["开始时间须在 90 天之内。"]


def test_a_merchant_sees_and_publishes_only_its_own_deals():
    mine, theirs = hotpot_shop(), hotpot_shop(merchant=MerchantFactory())
    own = client_for(mine.merchant.owner)
    deal = own.post("/api/v1/merchant/flash-deals/", {**DEAL, "shop": mine.pk}, format="json")
    other = client_for(theirs.merchant.owner)
    assert other.get("/api/v1/merchant/flash-deals/").json()["results"] == []
    pk = deal.json()["id"]
    assert other.get(f"/api/v1/merchant/flash-deals/{pk}/").status_code == 404
    assert other.post(f"/api/v1/merchant/flash-deals/{pk}/publish/").status_code == 404
    assert other.get(f"/api/v1/merchant/flash-deals/{pk}/stats/").status_code == 404
    foreign_shop = other.post(
        "/api/v1/merchant/flash-deals/", {**DEAL, "shop": mine.pk}, format="json"
    )
    assert foreign_shop.status_code == 400


def test_staff_need_manage_coupons_and_analysts_see_stats_only():
    shop = hotpot_shop()
    analyst = StaffFactory(merchant=shop.merchant, permissions=[StaffPermission.VIEW_ANALYTICS])
    manager = StaffFactory(merchant=shop.merchant, permissions=[StaffPermission.MANAGE_COUPONS])
    manager.shops.set([shop])  # staff write only at their own shops
    created = client_for(manager.user).post(
        "/api/v1/merchant/flash-deals/", {**DEAL, "shop": shop.pk}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    api = client_for(analyst.user)
    assert api.get(f"/api/v1/merchant/flash-deals/{pk}/stats/").status_code == 200
    assert api.post(f"/api/v1/merchant/flash-deals/{pk}/publish/").status_code == 403


def test_a_published_deal_is_paused_resumed_and_ended():
    shop = hotpot_shop()
    fan = subscriber(north_m=300)
    api = client_for(shop.merchant.owner)
    deal = api.post("/api/v1/merchant/flash-deals/", {**DEAL, "shop": shop.pk}, format="json")
    base = f"/api/v1/merchant/flash-deals/{deal.json()['id']}"
    early = api.post(f"{base}/pause/")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    api.post(f"{base}/publish/")
    paused = api.post(f"{base}/pause/").json()
    assert paused["campaign"]["status"] == "paused"
    assert flash_deal_fan_out(deal_id=paused["id"]).skipped == "paused"
    assert client_for(fan).get("/api/v1/me/inbox/").json()["results"] == []
    assert api.post(f"{base}/resume/").json()["campaign"]["status"] == "published"
    ended = api.post(f"{base}/end/").json()
    assert ended["campaign"]["status"] == "ended" and ended["fanout_finished_at"]
    assert api.post(f"{base}/resume/").status_code == 409
