"""Consumers list the flash deals live near them: public radius deals by distance, private ones
only for their audience, nothing a consumer could not claim now."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from coupons.services import coupon_claim
from deals.services import flash_deal_publish
from merchants.models import Category
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory

from .factories import SHOP_LAT, SHOP_LNG, deal_for, hotpot_shop, offset

pytestmark = pytest.mark.django_db
URL = "/api/v1/flash-deals/"
HERE = {"lat": SHOP_LAT, "lng": SHOP_LNG}


def live(shop, **terms):
    return flash_deal_publish(deal=deal_for(shop, **terms))


def shop_at(north_m=0.0, east_m=0.0, category="hotpot"):
    lat, lng = offset(north_m, east_m)
    return ShopFactory(lat=lat, lng=lng, categories=[Category.objects.get(slug=category)])


def near(client=None, **query) -> list[int]:
    answer = (client or APIClient()).get(URL, {**HERE, **query})
    assert answer.status_code == 200, answer.json()
    return [item["id"] for item in answer.json()["results"]]


def test_a_radius_deal_is_listed_within_the_radius_and_not_beyond():
    deal = live(hotpot_shop())
    lat, lng = offset(north_m=1000)
    answer = APIClient().get(URL, {"lat": lat, "lng": lng}).json()
    [item] = answer["results"]
    assert item["id"] == deal.pk
    assert item["distance_m"] == pytest.approx(1000, abs=5)
    assert item["shop"]["location"] == pytest.approx({"lat": SHOP_LAT, "lng": SHOP_LNG})
    assert [c["slug"] for c in item["shop"]["categories"]] == ["dining", "hotpot"]
    assert item["campaign"]["title"] == "午市火锅立减 30 元"
    assert item["campaign"]["benefit_text"] and item["campaign"]["remaining"] == 100
    assert item["claimed"] is None  # anonymous

    far_lat, far_lng = offset(north_m=5000)
    assert near(lat=far_lat, lng=far_lng) == []  # default radius 3000 m
    assert near(lat=far_lat, lng=far_lng, radius_m=6000) == [deal.pk]


def test_nearest_first_and_pages_keep_the_order():
    far = live(shop_at(north_m=2000))
    close = live(shop_at(north_m=500))
    middle_shop = shop_at(east_m=1000)
    middle = [live(middle_shop), live(middle_shop)]  # two deals, one distance
    expected = [close.pk, *sorted(d.pk for d in middle), far.pk]
    assert near() == expected

    seen, page = [], APIClient().get(URL, {**HERE, "limit": 1}).json()
    while True:
        seen += [item["id"] for item in page["results"]]
        if not page["next"]:
            break
        page = APIClient().get(page["next"]).json()
    assert seen == expected


def test_the_category_filter_includes_a_parent_categorys_children():
    hotpot = live(shop_at(north_m=100))
    hair = live(shop_at(north_m=200, category="hair"))
    assert near(category="hotpot") == [hotpot.pk]
    assert near(category="dining") == [hotpot.pk]
    assert near(category="beauty") == [hair.pk]
    assert near(category="laundry") == []


def test_only_deals_that_can_be_claimed_now_are_listed():
    shop = hotpot_shop()
    now = timezone.now()
    deal_for(shop)  # a draft
    later = live(shop, starts_at=now + timedelta(hours=1))
    past = now - timedelta(hours=3)
    ended = flash_deal_publish(
        deal=deal_for(shop, now=past, starts_at=past, duration_minutes=60), now=past
    )
    sold_out = live(shop, total_quantity=1)
    coupon_claim(campaign=sold_out.campaign, consumer=UserFactory(role=Role.CONSUMER))
    on = live(shop)

    assert near() == [on.pk]
    for hidden in (later, ended, sold_out):
        assert APIClient().get(f"{URL}{hidden.pk}/").status_code == 404


def test_a_customer_list_deal_is_seen_by_its_recipients_only():
    listed = UserFactory(role=Role.CONSUMER, phone="+8613900001111")
    other = UserFactory(role=Role.CONSUMER)
    public = live(hotpot_shop())
    private = live(hotpot_shop(), target="customer_list", customer_phones=[listed.phone])

    assert set(near(client_for(listed))) == {public.pk, private.pk}
    assert near(client_for(other)) == [public.pk]
    assert near() == [public.pk]

    detail = client_for(listed).get(f"{URL}{private.pk}/")
    assert detail.status_code == 200 and detail.json()["distance_m"] is None
    for client in (client_for(other), APIClient()):
        hidden = client.get(f"{URL}{private.pk}/")
        assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert APIClient().get(f"{URL}{public.pk}/", HERE).json()["distance_m"] == pytest.approx(0)


def test_claimed_flips_after_claiming_through_the_campaign():
    deal = live(hotpot_shop())
    consumer = client_for(UserFactory(role=Role.CONSUMER))
    [before] = consumer.get(URL, HERE).json()["results"]
    assert before["claimed"] is False

    claim = consumer.post(f"/api/v1/campaigns/{before['campaign']['id']}/claim/")
    assert claim.status_code == 201, claim.json()
    [after] = consumer.get(URL, HERE).json()["results"]
    assert after["claimed"] is True and after["campaign"]["remaining"] == 99
    assert consumer.get(f"{URL}{deal.pk}/").json()["claimed"] is True


@pytest.mark.parametrize(
    "query, field",
    [
        ({"lng": SHOP_LNG}, "lat"),
        ({"lat": 91, "lng": SHOP_LNG}, "lat"),
        ({"lat": SHOP_LAT, "lng": "east"}, "lng"),
        ({**HERE, "radius_m": 99}, "radius_m"),
        ({**HERE, "radius_m": 20001}, "radius_m"),
        ({**HERE, "category": "no-such-thing"}, "category"),
    ],
)
def test_bad_query_parameters_are_refused_with_the_field_named(query, field):
    answer = APIClient().get(URL, query)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid" and field in answer.json()["fields"]


def test_a_detail_needs_both_coordinates_or_neither():
    deal = live(hotpot_shop())
    answer = APIClient().get(f"{URL}{deal.pk}/", {"lat": SHOP_LAT})
    assert answer.status_code == 400 and "lng" in answer.json()["fields"]
