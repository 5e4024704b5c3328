"""Hot endpoints answer in a number of queries that does not grow with the rows they list.

Each test renders the same list with a few rows and with several times as many, and asserts
the two query counts are equal: an N+1 (a query per shop, coupon or card) fails it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests.conftest import client_for
from tests.consumers.factories import BookableServiceFactory, purchase
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import MerchantFactory, ShopFactory, StaffFactory, UserFactory
from tests.loyalty.factories import card_create_for, program_create, shop_for

pytestmark = pytest.mark.django_db
SCAN = "/api/v1/merchant/counter/scan/"
SCAN_QUERY_CEILING = 14  # measured: coupon 8, card 10, order 12 (auth, shop, finders, view)


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


def scan_queries(client, shop, code: str) -> int:
    body = {"shop": shop.pk, "code": code}
    client.post(SCAN, body)  # warm what a process loads once
    with CaptureQueriesContext(connection) as queries:
        response = client.post(SCAN, body)
    assert response.status_code == 200, response.content
    return len(queries)


def counter_rows(program, shop, count: int) -> tuple:
    """`count` coupons, cards and orders of the merchant, of which the last of each is scanned."""
    merchant = program.merchant
    coupons = [CouponFactory(campaign=CampaignFactory(merchant=merchant)) for _ in range(count)]
    cards = [card_create_for(program) for _ in range(count)]
    service = BookableServiceFactory(shop=shop, bookable=False)
    orders = [purchase(service=service) for _ in range(count)]
    return coupons[-1].code, cards[-1].number, orders[-1].code


def test_counter_scan_queries_do_not_grow_with_the_merchants_codes():
    """`POST merchant/counter/scan/` with a typed code (its kind found by each app's finder):
    the same few queries whether the merchant has 2 or 10 coupons, cards and orders."""
    program = program_create()
    shop = shop_for(program)
    staff = StaffFactory(merchant=program.merchant, permissions=["redeem"])
    staff.shops.add(shop)
    cashier = client_for(staff.user)
    few = [scan_queries(cashier, shop, code) for code in counter_rows(program, shop, 2)]
    many = [scan_queries(cashier, shop, code) for code in counter_rows(program, shop, 10)]
    assert many == few
    assert max(few) <= SCAN_QUERY_CEILING, few
