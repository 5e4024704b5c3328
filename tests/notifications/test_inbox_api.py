"""The inbox and the preferences, through the API, for consumers and merchants alike."""

import pytest

from notifications.models import InboxMessage
from tests.conftest import client_for
from tests.factories import MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db


def inbox_of(user, count: int) -> list[InboxMessage]:
    return [
        InboxMessage.objects.create(
            recipient=user, kind="system", title=f"消息{i}", dedupe_key=f"m{i}"
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("merchant", [False, True])
def test_list_count_mark_read_and_mark_all_read(merchant):
    user = MerchantFactory().owner if merchant else UserFactory()
    messages = inbox_of(user, 3)
    inbox_of(UserFactory(), 2)  # someone else's
    api = client_for(user)

    listed = api.get("/api/v1/me/inbox/").json()["results"]
    assert [m["id"] for m in listed] == [m.pk for m in reversed(messages)]
    assert api.get("/api/v1/me/inbox/unread-count/").json() == {"unread": 3}

    read = api.post(f"/api/v1/me/inbox/{messages[0].pk}/read/").json()
    assert read["is_read"] is True
    again = api.post(f"/api/v1/me/inbox/{messages[0].pk}/read/").json()
    assert again["read_at"] == read["read_at"]  # the first read time stays
    assert api.get("/api/v1/me/inbox/unread-count/").json() == {"unread": 2}
    unread = api.get("/api/v1/me/inbox/", {"unread": "true"}).json()["results"]
    assert {m["id"] for m in unread} == {messages[1].pk, messages[2].pk}

    assert api.post("/api/v1/me/inbox/read-all/").json() == {"marked": 2}
    assert api.get("/api/v1/me/inbox/unread-count/").json() == {"unread": 0}


def test_another_users_message_is_not_found():
    mine, theirs = UserFactory(), UserFactory()
    [message] = inbox_of(theirs, 1)
    api = client_for(mine)
    assert api.get(f"/api/v1/me/inbox/{message.pk}/").status_code == 404
    assert api.post(f"/api/v1/me/inbox/{message.pk}/read/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_preferences_default_then_change():
    api = client_for(UserFactory())
    assert api.get("/api/v1/me/notification-preferences/").json() == {
        "in_app": True,
        "sms": True,
        "push": True,
        "quiet_start": None,
        "quiet_end": None,
        "max_pushes_per_day": 5,
        "unsubscribed_all": False,
    }
    changed = api.patch(
        "/api/v1/me/notification-preferences/",
        {"quiet_start": "22:00", "quiet_end": "08:00", "max_pushes_per_day": 2},
        format="json",
    ).json()
    assert (changed["quiet_start"], changed["quiet_end"]) == ("22:00:00", "08:00:00")
    half = api.patch("/api/v1/me/notification-preferences/", {"quiet_end": None}, format="json")
    assert half.status_code == 400 and half.json()["code"] == "invalid_quiet_hours"
    off = api.patch(
        "/api/v1/me/notification-preferences/", {"unsubscribed_all": True}, format="json"
    )
    assert off.json()["unsubscribed_all"] is True


def test_a_flash_deal_message_has_typed_data_with_shanghai_times():
    """`data` is typed per kind (the schema's InboxMessage is a union on `kind`) and its times
    are in +08:00 like every other time of the API, also for rows stored in UTC before."""
    from datetime import UTC, datetime

    consumer = UserFactory()  # a consumer
    ends = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)
    InboxMessage.objects.create(
        recipient=consumer,
        kind="flash_deal",
        title="闪购",
        body="…",
        data={"deal": 1, "campaign": 2, "shop": 3, "ends_at": ends.isoformat()},
    )
    item = client_for(consumer).get("/api/v1/me/inbox/").json()["results"][0]
    assert item["kind"] == "flash_deal"
    assert item["data"] == {
        "deal": 1,
        "campaign": 2,
        "shop": 3,
        "ends_at": "2026-12-01T12:30:00+08:00",
    }
    assert item["created_at"].endswith("+08:00")
