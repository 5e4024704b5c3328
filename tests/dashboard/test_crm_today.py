"""Today's customer list by shop (page and API), with staff offered only their shops, and the
list and a customer's timeline in English."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from crm import services
from crm.models import CrmSettings, Customer, CustomerSource
from crm.services.grading import customers_recompute
from merchants.models import StaffPermission
from tests.conftest import client_for
from tests.consumers.factories import BookableServiceFactory, purchase
from tests.crm.helpers import customer_new
from tests.factories import ShopFactory

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture(autouse=True)
def _language_back():
    """An English request leaves English active on the test thread (the middleware does not
    put it back): later tests expect the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def customer_at(merchant, shop, name, **fields) -> Customer:
    """A customer whose account ordered at `shop` (what makes them the shop's customer)."""
    order = purchase(service=BookableServiceFactory(shop=shop, bookable=False))
    return Customer.objects.create(
        merchant=merchant,
        consumer=order.consumer,
        name=name,
        phone=str(order.consumer.phone),
        source=CustomerSource.ORDER,
        satisfaction=1,  # on the list: low satisfaction
        **fields,
    )


@pytest.fixture
def two_shops(merchant):
    CrmSettings.objects.create(merchant=merchant, random_sample_size=0, holiday_tiers=[])
    a, b = ShopFactory(merchant=merchant), ShopFactory(merchant=merchant)
    member = staff_member(merchant, [a], [StaffPermission.VIEW_CUSTOMERS])
    at_a = customer_at(merchant, a, "甲店顾客", owner=member.user)
    at_b = customer_at(merchant, b, "乙店顾客", owner=member.user)
    return a, b, member, at_a, at_b


def listed(response) -> set[int]:
    return {row["item"].customer_id for row in response.context["rows"]}


def test_the_shop_filter_keeps_each_shops_customers(merchant, two_shops):
    a, b, _, at_a, at_b = two_shops
    owner = browser_for(merchant.owner)
    today = reverse("dashboard:crm-today")
    # The staff member owns both; the owner's list has the ones nobody owns: give them one.
    Customer.objects.filter(pk__in=[at_a.pk, at_b.pk]).update(owner=None)
    assert listed(owner.get(today)) == {at_a.pk, at_b.pk}
    assert listed(owner.get(today, {"shop": a.pk})) == {at_a.pk}
    assert listed(owner.get(today, {"shop": b.pk})) == {at_b.pk}
    page = owner.get(today).content.decode()
    assert 'id="shop-filter"' in page and f'<option value="{b.pk}"' in page
    api = client_for(merchant.owner)
    found = api.get("/api/v1/merchant/crm/today/", {"shop": b.pk}).json()["results"]
    assert {i["customer_id"] for i in found} == {at_b.pk}


def test_staff_of_shop_a_are_offered_shop_a_only_and_never_reach_shop_b(merchant, two_shops):
    a, b, member, at_a, _ = two_shops
    browser = browser_for(member.user)
    today = reverse("dashboard:crm-today")
    assert listed(browser.get(today, {"shop": a.pk})) == {at_a.pk}
    assert browser.get(today, {"shop": b.pk}).status_code == 404
    assert f'<option value="{b.pk}"' not in browser.get(today).content.decode()
    api = client_for(member.user)
    assert api.get("/api/v1/merchant/crm/today/", {"shop": b.pk}).status_code == 404
    mine = api.get("/api/v1/merchant/crm/today/", {"shop": a.pk}).json()["results"]
    assert {i["customer_id"] for i in mine} == {at_a.pk}


def test_the_page_outcome_closes_every_reason_of_the_entry(merchant):
    CrmSettings.objects.create(merchant=merchant, random_sample_size=0, holiday_tiers=[])
    customer = customer_new(merchant, satisfaction=1, visits=1)
    customer.created_at = timezone.now() - timezone.timedelta(days=400)
    customer.save(update_fields=["created_at"])
    owner = browser_for(merchant.owner)
    (row,) = owner.get(reverse("dashboard:crm-today")).context["rows"]
    assert len(row["items"]) == 2  # low satisfaction and not contacted for long
    keys = row["form"].initial["item_keys"]
    done = owner.post(
        reverse("dashboard:customer-contact", args=[customer.pk]),
        {"channel": "phone", "purpose": "care", "item_keys": keys},
    )
    assert done.status_code == 302
    assert owner.get(reverse("dashboard:crm-today")).context["rows"] == []


def visible_text(html: str, data: list[str]) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<option\b.*?</option>", " ", html, flags=re.S)
    html = re.sub(r"<(input|textarea)\b[^>]*>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def test_the_list_a_timeline_and_the_grades_speak_english(merchant, two_shops):
    from datetime import timedelta

    _, _, _, at_a, at_b = two_shops
    Customer.objects.filter(pk__in=[at_a.pk, at_b.pk]).update(owner=None)
    at_a.birthday = timezone.localdate() + timedelta(days=3)
    at_a.tier = "A"
    at_a.save(update_fields=["birthday", "tier"])
    complaint = services.complaint_create(
        merchant=merchant, customer=at_b, channel="phone", content="太慢", owner=None
    )
    services.complaint_resolve(complaint=complaint, resolution="道歉", by=merchant.owner)
    services.contact_log(customer=at_b, staff=merchant.owner, channel="phone", purpose="care")
    task = services.callback_book(customer=at_a, by=merchant.owner, due=timezone.localdate())
    services.task_complete(task=task, by=merchant.owner, outcome="好")
    customers_recompute(merchant=merchant)  # the grades' reasons, shown behind "why"
    assert Customer.objects.get(pk=at_a.pk).grade_reasons
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(merchant.owner)
    data = [
        "中文",
        merchant.name,
        str(merchant.owner),
        merchant.owner.name,
        at_a.name,
        at_b.name,
        "太慢",
        "道歉",
        "好",
        *[s.name for s in merchant.shops.all()],
    ]
    pages = [
        reverse("dashboard:crm-today"),
        reverse("dashboard:customer", args=[at_a.pk]),
        reverse("dashboard:customer", args=[at_b.pk]),
        reverse("dashboard:crm-roster"),
    ]
    for url in pages:
        response = english.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode(), data)
        assert CJK.findall(text) == [], (url, "".join(CJK.findall(text)))
    today = english.get(pages[0]).content.decode()
    assert "Birthday on" in today and "Complaint resolved: call back" in today
    timeline = english.get(pages[2]).content.decode()
    assert "Complaint resolved: " in timeline
