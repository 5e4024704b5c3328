"""Merchants' side: the directory shows each customer's consent state, and every export of the
customer list is recorded (who, when, which customers)."""

import pytest

from crm.models import CustomerExport
from crm.services import customer_add
from crm.services.feed import customer_for_consumer
from geo.services import location_consent_grant
from tests.conftest import client_for
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_directory_shows_consent_and_exports_are_recorded(merchant, owner_client):
    agreed, not_yet = UserFactory(), UserFactory()
    location_consent_grant(consumer=agreed)
    for consumer in (agreed, not_yet):
        customer_for_consumer(merchant_id=merchant.pk, consumer=consumer, source="order")
    by_phone = customer_add(merchant=merchant, phone="+8613912340077", name="电话客户")

    rows = owner_client.get("/api/v1/merchant/crm/customers/").json()["results"]
    consents = {row["id"]: row["consents"] for row in rows}
    by_consumer = {c.consumer_id: c.pk for c in merchant.customers.all() if c.consumer_id}
    assert consents[by_consumer[agreed.pk]] == {"location": True}
    assert consents[by_consumer[not_yet.pk]] == {"location": False}
    assert consents[by_phone.pk] is None  # no account, no consent state

    assert not CustomerExport.objects.exists()
    response = owner_client.get("/api/v1/merchant/crm/customers/export/")
    assert response.status_code == 200
    record = CustomerExport.objects.get()
    assert (record.merchant, record.by, record.by_role) == (
        merchant,
        merchant.owner,
        "merchant_owner",
    )
    assert record.count == 3 and sorted(record.customer_ids) == sorted(consents)
    assert "phone" in record.columns

    staff = StaffFactory(merchant=merchant, permissions=["view_customers"])
    assert client_for(staff.user).get("/api/v1/merchant/crm/customers/export/").status_code == 200
    assert CustomerExport.objects.get(by=staff.user).by_role == "merchant_staff"
    idle = StaffFactory(merchant=merchant, permissions=[])
    assert client_for(idle.user).get("/api/v1/merchant/crm/customers/export/").status_code == 403
    assert CustomerExport.objects.count() == 2  # a refused export leaves no record
