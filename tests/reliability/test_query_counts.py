"""Hot endpoints answer in a number of queries that does not grow with the rows they list.

Each test renders the same list with a few rows and with several times as many, and asserts
the two query counts are equal: an N+1 (a query per shop, coupon or card) fails it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests.conftest import client_for
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import MerchantFactory, ShopFactory, UserFactory
from tests.loyalty.factories import card_create_for, program_create

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    client.get(url)  # warm what a process loads once (content types, the taxonomy)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_discover_queries_do_not_grow_with_the_shops_listed(api):
    ShopFactory.create_batch(2)
    few = queries_for(api, "/api/v1/discover/?lat=31.2286&lng=121.4481&limit=50")
    ShopFactory.create_batch(8)
    many = queries_for(api, "/api/v1/discover/?lat=31.2286&lng=121.4481&limit=50")
    assert many == few


def test_my_coupons_queries_do_not_grow_with_the_coupons_held():
    consumer = UserFactory(role=Role.CONSUMER)
    client = client_for(consumer)
    shop = ShopFactory()
    for _ in range(2):
        CouponFactory(
            holder=consumer, campaign=CampaignFactory(merchant=shop.merchant, shops=[shop])
        )
    few = queries_for(client, "/api/v1/me/coupons/?limit=50")
    for _ in range(8):
        CouponFactory(holder=consumer, campaign=CampaignFactory(shops=[ShopFactory()]))
    many = queries_for(client, "/api/v1/me/coupons/?limit=50")
    assert many == few


def test_my_cards_queries_do_not_grow_with_the_cards_held():
    consumer = UserFactory(role=Role.CONSUMER)
    client = client_for(consumer)
    for _ in range(2):
        card_create_for(program_create(MerchantFactory()), consumer)
    few = queries_for(client, "/api/v1/me/cards/")
    for _ in range(6):
        card_create_for(program_create(MerchantFactory()), consumer)
    many = queries_for(client, "/api/v1/me/cards/")
    assert many == few
