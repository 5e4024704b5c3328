"""Today's list is made of registered sources: a new source is one function registered with
`@today_source` (plus its TodaySource choice) and it is on the list; an outcome recorded on a
customer's entry closes every reason of the entry, in one contact."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from crm import services, today
from crm.models import (
    Complaint,
    ComplaintStatus,
    CrmSettings,
    Customer,
    Interaction,
    InteractionKind,
    Purpose,
)
from crm.today import SOURCES, today_entries, today_list, today_source
from tests.conftest import client_for

from .helpers import customer_new, purchases_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def throwaway_source():
    """A source registered for one test only (its kind is not a TodaySource choice: the list
    does not need one, the API's enum would)."""

    @today_source("throwaway")
    def vip_items(day):
        for customer in day.customers.values():
            if "VIP" in customer.tags:
                yield customer, f"throwaway:{day.today.isoformat()}", "VIP 回访", day.today

    yield vip_items
    del SOURCES["throwaway"]


def test_a_registered_source_is_on_the_list_and_closes_like_the_others(merchant, throwaway_source):
    CrmSettings.objects.create(merchant=merchant, random_sample_size=0, holiday_tiers=[])
    vip = customer_new(merchant, name="王五", tags=["VIP"])
    customer_new(merchant, name="赵六")
    items = [i for i in today_list(merchant, merchant.owner) if i.source == "throwaway"]
    assert [(i.customer_id, i.reason) for i in items] == [(vip.pk, "VIP 回访")]
    services.contact_log(
        customer=vip, staff=merchant.owner, channel="phone", purpose="care", item_key=items[0].key
    )
    assert not [i for i in today_list(merchant, merchant.owner) if i.source == "throwaway"]


def test_the_random_sample_still_comes_last_and_skips_listed_customers(merchant, throwaway_source):
    CrmSettings.objects.create(merchant=merchant, random_sample_size=5, holiday_tiers=[])
    vip = customer_new(merchant, tags=["VIP"])
    other = customer_new(merchant)
    items = today_list(merchant, merchant.owner)
    assert [(i.customer_id, i.source) for i in items] == [
        (vip.pk, "throwaway"),
        (other.pk, "random_sample"),
    ]


def test_an_outcome_on_an_entry_closes_all_its_reasons_in_one_contact(merchant):
    CrmSettings.objects.create(merchant=merchant, random_sample_size=0, holiday_tiers=[])
    customer = customer_new(merchant, satisfaction=1)
    purchases_add(customer, [timezone.localdate() - timedelta(days=8)])
    complaint = Complaint.objects.create(
        merchant=merchant,
        customer=customer,
        channel="phone",
        content="等太久",
        respond_by=timezone.now() + timedelta(hours=24),
        status=ComplaintStatus.RESOLVED,
        resolved_at=timezone.now(),
    )
    (entry,) = today_entries(today_list(merchant, merchant.owner), timezone.localdate())
    assert entry.first.source == "complaint"  # the most urgent first
    assert {i.source for i in entry.items} == {
        "complaint",
        "purchase_callback",
        "low_satisfaction",
    }
    contact = services.contact_log(
        customer=customer,
        staff=merchant.owner,
        channel="phone",
        purpose="care",
        item_keys=entry.keys,
    )
    assert contact.item_key == entry.first.key and contact.item_keys == entry.keys
    assert today_list(merchant, merchant.owner) == []
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED  # its resolution callback was a reason
    assert Interaction.objects.filter(customer=customer, kind=InteractionKind.CONTACT).count() == 1


def test_contacts_logged_with_one_key_before_still_close_their_item(merchant):
    CrmSettings.objects.create(merchant=merchant, random_sample_size=0, holiday_tiers=[])
    customer = customer_new(merchant, satisfaction=1)
    (item,) = today_list(merchant, merchant.owner)
    Interaction.objects.create(  # a row as written before item_keys existed
        customer=customer,
        kind=InteractionKind.CONTACT,
        at=timezone.now(),
        item_key=item.key,
    )
    assert today_list(merchant, merchant.owner) == []


def test_every_source_kind_is_a_choice_of_the_enum():
    assert set(SOURCES) <= set(today.TodaySource.values)


def test_the_api_closes_an_entry_with_item_keys_and_words_the_timeline_in_english(merchant):
    CrmSettings.objects.create(merchant=merchant, random_sample_size=0, holiday_tiers=[])
    customer = customer_new(merchant, satisfaction=1, visits=1)
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=400))
    api = client_for(merchant.owner)
    items = api.get("/api/v1/merchant/crm/today/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert {i["source"] for i in items} == {"long_no_contact", "low_satisfaction"}
    assert all(not re.search(r"[\u4e00-\u9fff]", i["reason"]) for i in items), items
    logged = api.post(
        f"/api/v1/merchant/crm/customers/{customer.pk}/contacts/",
        {"channel": "phone", "purpose": "care", "item_keys": [i["key"] for i in items]},
        format="json",
    )
    assert logged.status_code == 201 and logged.json()["item_keys"] == [i["key"] for i in items]
    assert api.get("/api/v1/merchant/crm/today/").json()["results"] == []
    timeline = api.get(
        f"/api/v1/merchant/crm/customers/{customer.pk}/timeline/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()["results"]
    with translation.override("en"):
        english = str(Purpose.CARE.label)
    assert timeline[0]["summary"] == "关怀" and timeline[0]["text"] == english != "关怀"
