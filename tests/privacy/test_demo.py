import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_the_documents_and_the_demo_consumer_has_agreed(api):
    call_command("seed_demo", shops=6)
    call_command("seed_demo", shops=6)  # idempotent
    listed = api.get("/api/v1/policies/").json()["results"]
    assert [(d["kind"], d["version"]) for d in listed] == [
        ("privacy", 1),
        ("terms", 1),
        ("location", 1),
    ]
    session = api.post(
        "/api/v1/auth/login/", {"phone": "13900000000", "password": "O2O-demo-2026"}
    ).json()
    assert session["consents_missing"] == []
