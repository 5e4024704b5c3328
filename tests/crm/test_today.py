"""The today list: every source of items, due dates across month ends and lunar holidays, and
closing an item by logging the contact."""

from datetime import date, timedelta

import pytest

from crm import services
from crm.dates import add_months, holidays_of_year, next_birthday
from crm.models import Complaint, CrmSettings, ServiceStandard
from crm.services.complaints import complaint_resolve
from crm.today import today_list
from tests.conftest import client_for
from tests.factories import MerchantFactory, StaffFactory

from .helpers import customer_new, moment, purchases_add

pytestmark = pytest.mark.django_db
NO_SAMPLE = {"random_sample_size": 0, "holiday_tiers": []}


def quiet_settings(merchant, **fields):
    CrmSettings.objects.create(merchant=merchant, **{**NO_SAMPLE, **fields})


def items_on(merchant, staff, day):
    return today_list(merchant, staff, now=moment(day, 10))


def keys(items, source=None):
    return {(i.customer_id, i.key) for i in items if source is None or i.source == source}


def test_month_arithmetic_clamps_to_month_end():
    assert add_months(date(2025, 10, 31), 4) == date(2026, 2, 28)
    assert add_months(date(2023, 10, 31), 4) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 12, 15), 2) == date(2026, 2, 15)


def test_purchase_callbacks_a_week_after_and_in_the_month_windows():
    merchant = MerchantFactory()
    owner = merchant.owner
    quiet_settings(merchant)
    week = customer_new(merchant)
    purchases_add(week, [date(2026, 3, 1)])
    months = customer_new(merchant)
    purchases_add(months, [date(2025, 10, 31)])  # 4 months later: Feb 28, not Mar 3
    ten = customer_new(merchant)
    purchases_add(ten, [date(2025, 4, 30)])
    year = customer_new(merchant)
    purchases_add(year, [date(2025, 1, 15)])

    on_feb_27 = keys(items_on(merchant, owner, date(2026, 2, 27)), "purchase_callback")
    on_feb_28 = keys(items_on(merchant, owner, date(2026, 2, 28)), "purchase_callback")
    assert not any(c == months.pk for c, _ in on_feb_27)
    assert any(c == months.pk and k.endswith(":m4") for c, k in on_feb_28)
    on_mar_8 = items_on(merchant, owner, date(2026, 3, 8))
    assert any(i.customer_id == week.pk and i.key.endswith(":week") for i in on_mar_8)
    assert any(i.customer_id == ten.pk and i.key.endswith(":m10") for i in on_mar_8)
    assert any(i.customer_id == year.pk and i.key.endswith(":y1") for i in on_mar_8)
    # A week after means days 7-13: not on day 6 nor day 14.
    assert week.pk not in {
        i.customer_id
        for i in items_on(merchant, owner, date(2026, 3, 7))
        if i.source == "purchase_callback"
    }
    assert week.pk not in {
        i.customer_id
        for i in items_on(merchant, owner, date(2026, 3, 15))
        if i.source == "purchase_callback"
    }


def test_a_later_purchase_replaces_the_long_callbacks():
    merchant = MerchantFactory()
    quiet_settings(merchant)
    customer = customer_new(merchant)
    purchases_add(customer, [date(2025, 9, 1), date(2026, 2, 1)])
    found = items_on(merchant, merchant.owner, date(2026, 2, 10))
    assert [i.key.rsplit(":", 1)[1] for i in found if i.customer_id == customer.pk] == ["week"]


def test_logging_the_contact_closes_the_item_and_records_the_outcome():
    merchant = MerchantFactory()
    quiet_settings(merchant)
    customer = customer_new(merchant)
    purchases_add(customer, [date(2026, 3, 1)])
    [item] = items_on(merchant, merchant.owner, date(2026, 3, 9))
    assert item.tel == f"tel:{customer.phone}" and item.sms.startswith(f"sms:{customer.phone}")
    response = client_for(merchant.owner).post(
        f"/api/v1/merchant/crm/customers/{customer.pk}/contacts/",
        {
            "channel": "phone",
            "purpose": "care",
            "note": "满意",
            "satisfaction": 5,
            "item_key": item.key,
        },
        format="json",
    )
    assert response.status_code == 201
    assert items_on(merchant, merchant.owner, date(2026, 3, 9)) == []
    customer.refresh_from_db()
    assert customer.satisfaction == 5 and customer.last_contact_at is not None


def test_complaint_callbacks_immediately_when_overdue_and_after_resolution():
    merchant = MerchantFactory()
    quiet_settings(merchant)
    customer = customer_new(merchant)
    complaint = services.complaint_create(
        merchant=merchant, customer=customer, channel="phone", content="烫坏了", owner=None
    )
    now_keys = {i.key for i in today_list(merchant, merchant.owner)}
    assert f"complaint:{complaint.pk}:intake" in now_keys
    assert f"complaint:{complaint.pk}:overdue" not in now_keys
    later = today_list(merchant, merchant.owner, now=complaint.respond_by + timedelta(hours=1))
    assert f"complaint:{complaint.pk}:overdue" in {i.key for i in later}

    complaint_resolve(complaint=complaint, resolution="免单", by=merchant.owner)
    resolved = {i.key for i in today_list(merchant, merchant.owner)}
    assert resolved == {f"complaint:{complaint.pk}:resolved"}
    services.contact_log(
        customer=customer,
        staff=merchant.owner,
        channel="phone",
        purpose="mediate",
        satisfaction=4,
        item_key=f"complaint:{complaint.pk}:resolved",
    )
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.callback_at is not None
    assert today_list(merchant, merchant.owner) == []


def test_birthdays_two_to_seven_days_ahead_across_the_year_end():
    merchant = MerchantFactory()
    quiet_settings(merchant)
    soon = customer_new(merchant, birthday=date(1990, 1, 3))
    too_soon = customer_new(merchant, birthday=date(1990, 12, 31))
    too_far = customer_new(merchant, birthday=date(1990, 1, 8))
    found = items_on(merchant, merchant.owner, date(2025, 12, 30))
    birthdays = {i.customer_id: i for i in found if i.source == "birthday"}
    assert set(birthdays) == {soon.pk}
    assert birthdays[soon.pk].due == date(2026, 1, 3)
    assert too_soon.pk not in birthdays and too_far.pk not in birthdays


def test_lunar_birthday_follows_the_lunar_calendar():
    # Lunar 8/15 (the Mid-Autumn day) is 2025-10-06 and 2026-09-25.
    assert next_birthday(date(1980, 8, 15), date(2026, 1, 1), lunar=True) == date(2026, 9, 25)
    merchant = MerchantFactory()
    quiet_settings(merchant)
    customer = customer_new(merchant, birthday=date(1980, 8, 15), birthday_lunar=True)
    found = items_on(merchant, merchant.owner, date(2026, 9, 20))
    assert [(i.customer_id, i.due) for i in found] == [(customer.pk, date(2026, 9, 25))]


def test_holidays_include_lunar_ones_for_the_chosen_tiers():
    names = {o.name: o.day for o in holidays_of_year(2026)}
    assert names["春节"] == date(2026, 2, 17)  # lunar new year, from the holidays library
    assert names["中秋节"] == date(2026, 9, 25)
    assert names["元宵节"] == date(2026, 3, 3)  # lunar 1/15, from lunardate
    assert names["国庆节"] == date(2026, 10, 1)
    merchant = MerchantFactory()
    quiet_settings(merchant, holiday_tiers=["A"])
    vip = customer_new(merchant, tier="A")
    plain = customer_new(merchant, tier="C")
    found = items_on(merchant, merchant.owner, date(2026, 2, 12))  # 5 days before 春节
    holiday = [i for i in found if i.source == "holiday"]
    assert {i.customer_id for i in holiday} == {vip.pk}
    assert any("春节" in i.reason for i in holiday)
    assert plain.pk not in {i.customer_id for i in found}


def test_service_level_long_silence_low_satisfaction_and_sample():
    merchant = MerchantFactory()
    CrmSettings.objects.create(
        merchant=merchant, random_sample_size=1, holiday_tiers=[], long_no_contact_days=30
    )
    ServiceStandard.objects.create(merchant=merchant, tier="A", channel="visit", every_days=15)
    vip = customer_new(merchant, tier="A")
    services.contact_log(
        customer=vip,
        staff=merchant.owner,
        channel="visit",
        purpose="care",
        at=moment(date(2026, 5, 1)),
    )
    quiet = customer_new(merchant, visits=3)
    services.contact_log(
        customer=quiet,
        staff=merchant.owner,
        channel="sms",
        purpose="promote",
        at=moment(date(2026, 3, 1)),
    )
    unhappy = customer_new(merchant)
    services.contact_log(
        customer=unhappy,
        staff=merchant.owner,
        channel="phone",
        purpose="explain",
        satisfaction=2,
        at=moment(date(2026, 5, 10)),
    )
    other = customer_new(merchant)

    found = items_on(merchant, merchant.owner, date(2026, 5, 16))
    by_source = {i.source: i.customer_id for i in found}
    assert by_source["service_level"] == vip.pk
    assert by_source["long_no_contact"] == quiet.pk
    assert by_source["low_satisfaction"] == unhappy.pk
    assert by_source["random_sample"] == other.pk
    assert not any(
        i.source == "service_level" for i in items_on(merchant, merchant.owner, date(2026, 5, 15))
    )


def test_each_staff_member_sees_their_own_customers():
    merchant = MerchantFactory()
    quiet_settings(merchant)
    staff = StaffFactory(merchant=merchant, permissions=["view_customers"]).user
    mine = customer_new(merchant, owner=staff)
    purchases_add(mine, [date(2026, 3, 1)])
    theirs = customer_new(merchant)
    purchases_add(theirs, [date(2026, 3, 1)])
    assert {i.customer_id for i in items_on(merchant, staff, date(2026, 3, 9))} == {mine.pk}
    assert {i.customer_id for i in items_on(merchant, merchant.owner, date(2026, 3, 9))} == {
        theirs.pk
    }
    # Over the API, staff may not read another member's list; the owner may.
    assert (
        client_for(staff)
        .get("/api/v1/merchant/crm/today/", {"staff": merchant.owner.pk})
        .status_code
        == 403
    )
    assert (
        client_for(merchant.owner)
        .get("/api/v1/merchant/crm/today/", {"staff": staff.pk})
        .status_code
        == 200
    )
    assert Complaint.objects.count() == 0
