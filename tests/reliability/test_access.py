"""Every endpoint, called by every kind of user against merchant A's and consumer A's objects,
answers what the permission model says; B is never told whether A's objects exist."""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import tokens_for
from tests.reliability.access import ACTORS, MISSING_ID, Row, all_rows
from tests.reliability.endpoints import endpoints
from tests.reliability.world import World

pytestmark = pytest.mark.django_db
ROWS = all_rows()


def client_as(world: World, actor: str) -> APIClient:
    client = APIClient()
    if actor != "anonymous":
        user = world.users[actor]
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user)['access']}")
        client.force_login(user)  # Django's own pages (the admin) go by the session
    return client


def call(client: APIClient, row: Row, world: World, kwargs: dict | None = None):
    url = reverse(row.name, kwargs=row.kwargs(world) if kwargs is None else kwargs)
    body = row.body(world) if row.body else None
    if row.method == "GET":
        query = row.query(world) if callable(row.query) else row.query
        return client.get(url, query, headers=row.headers)
    send = getattr(client, row.method.lower())
    return send(url, body, format="multipart" if row.multipart else "json", headers=row.headers)


def answer(response) -> tuple[int, str | None]:
    is_json = response.get("Content-Type", "").startswith("application/json")
    return response.status_code, response.json().get("code") if is_json else None


def test_every_endpoint_has_a_row_for_each_of_its_methods():
    rows = {row.key for row in ROWS}
    missing = []
    for name, methods in endpoints().items():
        if methods is None:  # a function view: at least one row
            if not any(row_name == name for row_name, _ in rows):
                missing.append(f"{name} (any method)")
        else:
            missing += [
                f"{name} {method}" for method in sorted(methods) if (name, method) not in rows
            ]
    assert not missing, f"add rows to tests/reliability/access/ for: {missing}"
    known = set(endpoints(skip_namespaces=()))
    assert not [key for key in rows if key[0] not in known], "rows for unknown URL names"
    assert len(rows) == len(ROWS), "two rows for one endpoint and method"


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_each_actor_gets_what_the_permission_model_says(row, world):
    got = {}
    for actor in ACTORS:
        with transaction.atomic():  # every actor meets the same untouched world
            got[actor] = call(client_as(world, actor), row, world).status_code
            transaction.set_rollback(True)
    assert got == row.expect


OF_A_HIDDEN = [row for row in ROWS if 404 in (row.expect["consumer_b"], row.expect["owner_b"])]


@pytest.mark.parametrize("row", OF_A_HIDDEN, ids=str)
def test_b_cannot_tell_a_missing_object_from_an_object_of_a(row, world):
    for actor in ("consumer_b", "owner_b"):
        if row.expect[actor] != 404:
            continue
        client = client_as(world, actor)
        kwargs = {
            key: MISSING_ID if isinstance(value, int) else value
            for key, value in row.kwargs(world).items()
        }
        with transaction.atomic():
            of_a = answer(call(client, row, world))
            transaction.set_rollback(True)
        with transaction.atomic():
            missing = answer(call(client, row, world, kwargs))
            transaction.set_rollback(True)
        # The API answers in the error shape; the dashboard's pages with its 404 page.
        code = None if row.name.startswith("dashboard:") else "not_found"
        assert of_a == missing == (404, code), actor
