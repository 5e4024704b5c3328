import pytest
from django.core.management import call_command

from crm.models import Customer, MaintenancePlan
from crm.today import today_list
from merchants.models import Merchant


@pytest.mark.django_db
def test_seed_demo_loads_a_graded_directory_once():
    call_command("seed_demo", shops=6)
    merchant = Merchant.objects.get(owner__phone="+8613800000000")
    count = Customer.objects.filter(merchant=merchant).count()
    call_command("seed_demo", shops=6)
    assert Customer.objects.filter(merchant=merchant).count() == count >= 40
    tiers = set(Customer.objects.filter(merchant=merchant).values_list("tier", flat=True))
    assert {"A", "C"} <= tiers
    assert Customer.objects.filter(merchant=merchant, at_risk=True).exists()
    assert MaintenancePlan.objects.get(merchant=merchant).status == "submitted"
    assert {i.source for i in today_list(merchant, merchant.owner)} >= {"complaint", "birthday"}
