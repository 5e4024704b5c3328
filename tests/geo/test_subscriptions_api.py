"""A subscription's category is its slug both ways: sent as `hotpot`, answered as `hotpot`."""

import pytest
import yaml

from geo.services import location_consent_grant
from tests.conftest import client_for
from tests.deals.factories import hotpot_shop

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/subscriptions/"


def test_the_category_is_sent_and_answered_as_its_slug(consumer):
    location_consent_grant(consumer=consumer)  # subscriptions around the area need it
    me = client_for(consumer)
    created = me.post(URL, {"category": "hotpot", "radius_m": 2000}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["category"] == "hotpot"
    assert me.get(URL).json()["results"][0]["category"] == "hotpot"
    one = me.get(f"{URL}{created.json()['id']}/").json()
    assert one["category"] == "hotpot"
    again = me.patch(f"{URL}{one['id']}/", {"radius_m": 3000}, format="json").json()
    assert again["category"] == "hotpot" and again["radius_m"] == 3000
    # What the API answers can be sent back as it is.
    copy = {key: one[key] for key in ("category", "shop", "place", "radius_m")}
    assert me.post(URL, copy, format="json").status_code == 201

    shop = hotpot_shop()
    by_shop = me.post(URL, {"shop": shop.pk, "radius_m": 1000}, format="json").json()
    assert by_shop["category"] is None and by_shop["shop"] == shop.pk


def test_the_schema_types_the_category_as_a_slug_both_ways(api):
    components = yaml.safe_load(api.get("/api/schema/").content)["components"]["schemas"]
    out = components["Subscription"]["properties"]["category"]
    assert out["type"] == "string"
    assert components["SubscriptionInputRequest"]["properties"]["category"]["type"] == "string"
