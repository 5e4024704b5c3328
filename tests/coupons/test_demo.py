import pytest
from django.core.management import call_command

from accounts.models import User
from coupons.models import Campaign, CampaignStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_campaigns_and_fills_the_demo_consumers_coupons_once(api):
    call_command("seed_demo", shops=8)
    call_command("seed_demo", shops=8)  # the second run changes nothing
    campaigns = Campaign.objects.filter(  # coupons.demo's own; deals.demo adds flash deals
        merchant__owner__phone="+8613800000000", flash_deal__isnull=True
    )
    assert campaigns.count() == 4
    assert set(campaigns.values_list("status", flat=True)) == {CampaignStatus.PUBLISHED}
    login = api.post("/api/v1/auth/login/", {"phone": "13900000000", "password": "O2O-demo-2026"})
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    usable = api.get("/api/v1/me/coupons/", {"status": "usable"}).json()["results"]
    used = api.get("/api/v1/me/coupons/", {"status": "used"}).json()["results"]
    assert (len(usable), len(used)) == (4, 1)
    assert User.objects.filter(phone="+8613900000000").count() == 1
