"""The directory: fed by other apps, hand-added, CSV import with rejected rows, export, and
tenant isolation; RFM segments as a coupon audience."""

import csv
import io
import time
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consumers.services import review_create_general
from coupons.models import Audience
from coupons.selectors import audience_includes, campaigns_claimable
from coupons.services import campaign_create, campaign_transition
from crm.models import Customer, Interaction, PendingTouch
from crm.selectors import audience_consumer_ids
from crm.tasks import pending_touches_apply
from loyalty.services import card_program_save, card_purchase_record
from loyalty.services.cards import card_grant
from tests.conftest import client_for
from tests.factories import MerchantFactory, ShopFactory, StaffFactory, UserFactory

from .helpers import customer_new

pytestmark = pytest.mark.django_db
URL = "/api/v1/merchant/crm/customers/"
LEVELS = [{"name": "普通", "rank": 0, "points_per_yuan": 1, "percent_off": 0, "threshold": 0}]


def upload(text: str, name="customers.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_cards_purchases_and_reviews_feed_the_directory():
    merchant = MerchantFactory()
    shop = ShopFactory(merchant=merchant)
    consumer = UserFactory()
    program = card_program_save(merchant=merchant, name="卡", levels=LEVELS)
    card = card_grant(program=program, phone=consumer.phone)
    for key in ("k1", "k2", "k2"):  # a retried request is recorded once
        card_purchase_record(
            card_id=card.pk, amount_fen=8_800, idempotency_key=key, by=None, shop=shop
        )
    review_create_general(consumer=consumer, shop=shop, rating=2, text="太慢")
    customer = Customer.objects.get(merchant=merchant)
    assert (customer.consumer_id, customer.source) == (consumer.pk, "card")
    assert (customer.visits, customer.spend_fen, customer.satisfaction) == (2, 17_600, 2)
    kinds = sorted(customer.interactions.values_list("kind", flat=True))
    assert kinds == ["card", "purchase", "purchase", "review"]
    profile = client_for(merchant.owner).get(f"{URL}{customer.pk}/").json()
    assert profile["level"] == "普通" and profile["last_visit_at"]
    timeline = client_for(merchant.owner).get(f"{URL}{customer.pk}/timeline/").json()
    assert timeline["results"][0]["kind"] == "review"


def test_a_hand_added_customer_is_linked_when_they_turn_up():
    merchant = MerchantFactory()
    owner = client_for(merchant.owner)
    added = owner.post(
        URL,
        {"phone": "13812345678", "name": "王阿姨", "tags": ["老顾客"], "birthday": "1960-05-01"},
        format="json",
    )
    assert added.status_code == 201
    again = owner.post(URL, {"phone": "+8613812345678"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "customer_exists"
    consumer = UserFactory(phone="+8613812345678")
    program = card_program_save(merchant=merchant, name="卡", levels=LEVELS)
    card_grant(program=program, phone=consumer.phone)
    [customer] = Customer.objects.filter(merchant=merchant)
    assert customer.consumer_id == consumer.pk and customer.tags == ["老顾客"]


def test_csv_import_reports_each_rejected_line():
    merchant = MerchantFactory()
    customer_new(merchant, phone="+8613900000001")
    owner = client_for(merchant.owner)
    text = (
        "name,phone,birthday,tags,notes\n"
        "张三,13912345678,1990-02-03,VIP;常客,\n"
        ",13912345679,,,\n"  # no name
        "李四,12345,,,\n"  # not a phone number
        "王五,13912345680,1990-13-01,,\n"  # no month 13
        "赵六,13912345678,,,\n"  # same phone as line 2
        "钱七,13900000001,,,\n"  # already in the directory
        "孙八,+86 139 1234 5681,,,=cmd\n"
    )
    response = owner.post(f"{URL}import/", {"file": upload(text)}, format="multipart")
    assert response.status_code == 200
    report = response.json()
    assert report["created"] == 2
    assert [(r["line"], r["errors"]) for r in report["rejected"]] == [
        (3, ["缺少姓名"]),
        (4, ["手机号无效"]),
        (5, ["生日格式应为 YYYY-MM-DD"]),
        (6, ["文件中手机号重复"]),
        (7, ["该手机号已在客户档案中"]),
    ]
    zhang = Customer.objects.get(merchant=merchant, name="张三")
    assert (zhang.birthday, zhang.tags, zhang.source) == (
        date(1990, 2, 3),
        ["VIP", "常客"],
        "import",
    )

    no_header = owner.post(f"{URL}import/", {"file": upload("a,b\n1,2\n")}, format="multipart")
    assert no_header.status_code == 400 and no_header.json()["code"] == "csv_unreadable"
    not_utf8 = SimpleUploadedFile("x.csv", "name,phone\n张三,1\n".encode("gbk"))
    refused = owner.post(f"{URL}import/", {"file": not_utf8}, format="multipart")
    assert refused.json()["code"] == "csv_unreadable"

    exported = owner.get(f"{URL}export/")
    assert exported["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert {r["name"] for r in rows} == {"顾客", "张三", "孙八"}
    assert next(r for r in rows if r["name"] == "孙八")["notes"] == "'=cmd"


def test_a_merchant_never_sees_another_merchants_customers():
    a, b = MerchantFactory(), MerchantFactory()
    consumer = UserFactory()
    shop_a, shop_b = ShopFactory(merchant=a), ShopFactory(merchant=b)
    review_create_general(consumer=consumer, shop=shop_a, rating=5)
    review_create_general(consumer=consumer, shop=shop_b, rating=1)
    of_a = Customer.objects.get(merchant=a)
    assert of_a.satisfaction == 5 and Customer.objects.get(merchant=b).satisfaction == 1
    as_b = client_for(b.owner)
    listed = as_b.get(URL).json()["results"]
    assert [c["satisfaction"] for c in listed] == [1]
    assert as_b.get(f"{URL}{of_a.pk}/").status_code == 404
    assert as_b.patch(f"{URL}{of_a.pk}/", {"notes": "x"}, format="json").status_code == 404
    assert as_b.get(f"{URL}{of_a.pk}/timeline/").status_code == 404
    assert (
        as_b.post(
            f"{URL}{of_a.pk}/contacts/", {"channel": "phone", "purpose": "care"}, format="json"
        ).status_code
        == 404
    )
    exported = csv.DictReader(io.StringIO(as_b.get(f"{URL}export/").content.decode()))
    assert [row["satisfaction"] for row in exported] == ["1"]  # B's own customer record only
    # Staff of B with every permission: the same.
    staff_b = StaffFactory(merchant=b, permissions=["view_customers", "manage_customers"]).user
    assert client_for(staff_b).get(f"{URL}{of_a.pk}/").status_code == 404
    assert Interaction.objects.filter(customer__merchant=b).count() == 1


def test_rfm_segments_are_a_coupon_audience():
    merchant = MerchantFactory()
    loyal, lapsed = UserFactory(), UserFactory()
    for consumer, days in ((loyal, range(1, 60, 7)), (lapsed, [300])):
        customer = customer_new(merchant, consumer=consumer, phone=consumer.phone)
        from .helpers import purchases_add

        purchases_add(customer, [date.today() - timedelta(days=d) for d in days])
    client_for(merchant.owner).post("/api/v1/merchant/crm/recompute/")
    segment = Customer.objects.get(consumer=loyal).segment
    assert segment != Customer.objects.get(consumer=lapsed).segment
    assert list(audience_consumer_ids(merchant, segment)) == [loyal.pk]
    campaign = campaign_create(
        merchant=merchant,
        title="老客回馈",
        benefit_kind="amount_off",
        amount_off_fen=1000,
        total_quantity=10,
        valid_days_after_issue=7,
        audience=Audience.SEGMENTS,
        segments=[segment],
    )
    assert audience_includes(campaign, loyal) and not audience_includes(campaign, lapsed)
    campaign_transition(campaign=campaign, action="publish")
    shop = ShopFactory(merchant=merchant)
    now = timezone.now()
    assert list(campaigns_claimable(shop=shop, user=loyal, now=now)) == [campaign]
    assert list(campaigns_claimable(shop=shop, user=lapsed, now=now)) == []
    other = MerchantFactory()
    assert list(audience_consumer_ids(other, segment)) == []


def purchase_at_new_merchant():
    merchant = MerchantFactory()
    shop = ShopFactory(merchant=merchant)
    program = card_program_save(merchant=merchant, name="卡", levels=LEVELS)
    card = card_grant(program=program, phone=UserFactory().phone)
    card_purchase_record(
        card_id=card.pk, amount_fen=8_800, idempotency_key="k1", by=None, shop=shop
    )
    return merchant


def test_a_touch_whose_enqueue_was_lost_reaches_the_directory_through_beat(settings):
    """Async feed: the touch is committed with the purchase; here its on-commit task never runs
    (the test's transaction never commits, as if the broker had lost it), and beat's net
    applies it once, after the grace period."""
    settings.CRM_FEED_ASYNC = True
    merchant = purchase_at_new_merchant()
    assert PendingTouch.objects.count() == 2  # the card, then the purchase
    assert not Customer.objects.filter(merchant=merchant).exists()
    assert pending_touches_apply() == 0  # its task may still be on its way
    PendingTouch.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert pending_touches_apply() == 2
    customer = Customer.objects.get(merchant=merchant)
    assert (customer.visits, customer.spend_fen) == (1, 8_800)
    assert pending_touches_apply() == 0 and not PendingTouch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_async_feed_reaches_the_directory_through_a_real_worker(
    settings, celery_worker_process
):
    settings.CRM_FEED_ASYNC = True
    merchant = purchase_at_new_merchant()
    deadline = time.monotonic() + 30
    while PendingTouch.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    customer = Customer.objects.get(merchant=merchant)
    assert (customer.visits, customer.spend_fen) == (1, 8_800)
    assert sorted(customer.interactions.values_list("kind", flat=True)) == ["card", "purchase"]
