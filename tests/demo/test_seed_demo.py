"""What `manage.py seed_demo` loads, asserted on one seeded database (conftest.seeded)."""

from accounts.models import User
from consumers.models import Order
from coupons.models import Campaign, CampaignStatus
from crm.models import Customer, MaintenancePlan
from crm.today import today_list
from demo.shops import DEMO_CONSUMER_PHONE, DEMO_MERCHANT_PHONE, DEMO_PASSWORD
from loyalty.models import MembershipCard
from merchants.models import Merchant, Shop
from payments.models import Payment
from tests.conftest import client_for
from tests.loyalty.factories import ledger_violations

from .conftest import SHOPS

CONSUMER_LOGIN = {"phone": "13900000000", "password": DEMO_PASSWORD}


def test_the_second_run_changes_nothing(demo):
    changed = {
        label: (demo.first[label], count)
        for label, count in demo.second.items()
        if count != demo.first[label]
    }
    assert changed == {}


def test_seed_demo_loads_shops_and_logins_once(demo, api):
    assert Shop.objects.count() == SHOPS
    assert Merchant.objects.get(owner__phone=DEMO_MERCHANT_PHONE).shops.count() == 5
    assert User.objects.filter(phone=DEMO_CONSUMER_PHONE).count() == 1
    assert all(
        shop.services.exists() or shop.categories.filter(is_public_service=True).exists()
        for shop in Shop.objects.all()
    )
    login = api.post("/api/v1/auth/login/", {"phone": "13800000000", "password": DEMO_PASSWORD})
    assert login.status_code == 200


def test_seed_demo_adds_orders_and_reviews_once_and_ratings_come_from_them(demo):
    assert demo.first["consumers.Review"] > 0
    mine = Order.objects.filter(consumer__phone=DEMO_CONSUMER_PHONE)
    assert sorted(mine.values_list("state", flat=True)) == [
        "confirmed",
        "confirmed",
        "consumed",
        "pending",
    ]
    # The demo card's member price and points are on the demo consumer's consumed order, and
    # every order with something to pay was paid through the sandbox.
    with_points = mine.get(points_used__gt=0)
    assert with_points.state == "consumed" and with_points.points_discount_fen > 0
    paid = Order.objects.exclude(amount_fen=0)
    assert Payment.objects.filter(purpose="order", status="succeeded").count() == paid.count()
    for shop in Shop.objects.all():
        counted = shop.reviews.count()
        assert shop.rating_count == counted
        assert (shop.rating > 0) == (counted > 0)


def test_seed_demo_gives_the_demo_consumer_a_card_with_history_once(demo):
    assert demo.first["loyalty.LedgerEntry"] > 4
    card = MembershipCard.objects.get(consumer__phone=DEMO_CONSUMER_PHONE)
    assert card.program.merchant.owner.phone == DEMO_MERCHANT_PHONE
    assert card.program.levels.count() == 3
    assert card.balance_fen > 0 and card.points > 0
    assert ledger_violations() == []
    mine = client_for(card.consumer).get(f"/api/v1/me/cards/{card.pk}/entries/").json()
    assert {"top_up", "bonus", "earn", "spend"} <= {e["kind"] for e in mine["results"]}


def test_seed_demo_publishes_campaigns_and_fills_the_demo_consumers_coupons_once(demo, api):
    campaigns = Campaign.objects.filter(  # demo.campaigns' own; demo.flash_deals adds deals
        merchant__owner__phone=DEMO_MERCHANT_PHONE, flash_deal__isnull=True
    )
    assert campaigns.count() == 4
    assert set(campaigns.values_list("status", flat=True)) == {CampaignStatus.PUBLISHED}
    login = api.post("/api/v1/auth/login/", CONSUMER_LOGIN)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    usable = api.get("/api/v1/me/coupons/", {"status": "usable"}).json()["results"]
    used = api.get("/api/v1/me/coupons/", {"status": "used"}).json()["results"]
    assert (len(usable), len(used)) == (4, 1)


def test_seed_demo_puts_a_flash_deal_in_the_demo_consumers_inbox_once(demo):
    consumer = User.objects.get(phone=DEMO_CONSUMER_PHONE)
    inbox = consumer.inbox_messages.filter(kind="flash_deal")
    assert inbox.count() == 1
    assert consumer.deal_subscriptions.count() == 2
    assert consumer.activity_clusters.exists()  # inferred from check-ins and orders


def test_seed_demo_loads_a_graded_directory_once(demo):
    merchant = Merchant.objects.get(owner__phone=DEMO_MERCHANT_PHONE)
    assert Customer.objects.filter(merchant=merchant).count() >= 40
    tiers = set(Customer.objects.filter(merchant=merchant).values_list("tier", flat=True))
    assert {"A", "C"} <= tiers
    assert Customer.objects.filter(merchant=merchant, at_risk=True).exists()
    assert MaintenancePlan.objects.get(merchant=merchant).status == "submitted"
    assert {i.source for i in today_list(merchant, merchant.owner)} >= {"complaint", "birthday"}


def test_seed_demo_publishes_the_documents_and_the_demo_consumer_has_agreed(demo, api):
    listed = api.get("/api/v1/policies/").json()["results"]
    assert [(d["kind"], d["version"]) for d in listed] == [
        ("privacy", 1),
        ("terms", 1),
        ("location", 1),
    ]
    session = api.post("/api/v1/auth/login/", CONSUMER_LOGIN).json()
    assert session["consents_missing"] == []
