"""Every cursor-paginated list: one page shape, and a cursor the server did not make is 400
`invalid_cursor` (not a 404, not a 500)."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve, reverse
from rest_framework.pagination import CursorPagination

from tests.reliability.access import ACTORS, all_rows
from tests.reliability.test_access import client_as

pytestmark = pytest.mark.django_db

BAD_CURSORS = [
    base64.b64encode(b"p=abc").decode(),  # a position that is not a number
    "not-base64!",
    base64.b64encode(b"p=2026-13-45").decode(),
    base64.b64encode(b"o=x").decode(),
]
HUGE = base64.b64encode(b"p=99999999999999999999999").decode()


def paginated_rows(world):
    rows = []
    for row in all_rows():
        if row.method != "GET":
            continue
        url = reverse(row.name, kwargs=row.kwargs(world))
        view = resolve(url).func
        if getattr(view, "actions", {}).get("get") in ("retrieve", None) and row.name.endswith(
            "-detail"
        ):
            continue
        pagination = getattr(getattr(view, "cls", None), "pagination_class", None)
        if isinstance(pagination, type) and issubclass(pagination, CursorPagination):
            actor = next((a for a in ACTORS if row.expect[a] == 200), None)
            if actor:
                rows.append((row, url, actor))
    return rows


def test_every_paginated_list_has_one_page_shape_and_refuses_a_bad_cursor(world):
    rows = paginated_rows(world)
    names = {row.name for row, _, _ in rows}
    # the lists the issue names, so the walk cannot silently find nothing
    assert {"my-order-list", "inbox-list", "crm-customers", "shop-reviews"} <= names, names
    failures = []
    for row, url, actor in rows:
        client = client_as(world, actor)
        query = row.query(world) if callable(row.query) else row.query
        page = client.get(url, query)
        if not page.get("Content-Type", "").startswith("application/json"):
            continue  # an image of a paginated viewset's object
        if page.status_code == 200 and "results" not in page.json() and "-list" not in row.name:
            continue  # an object view of a paginated viewset (an action without a list)
        if page.status_code != 200 or set(page.json()) != {"next", "next_cursor", "results"}:
            failures.append(f"{row}: page {page.status_code} {str(page.content)[:120]}")
            continue
        for cursor in BAD_CURSORS:
            got = client.get(url, {**query, "cursor": cursor})
            body = got.json() if got.get("Content-Type", "").startswith("application/json") else {}
            if got.status_code != 400 or body.get("code") != "invalid_cursor":
                failures.append(f"{row} cursor={cursor}: {got.status_code} {body.get('code')}")
        # beyond bigint: refused where the position is an id, a valid (empty) page for a distance
        got = client.get(url, {**query, "cursor": HUGE})
        if got.status_code not in (200, 400):
            failures.append(f"{row} cursor={HUGE}: {got.status_code}")
    assert not failures, "\n".join(failures)


def test_next_cursor_is_the_token_of_next(world):
    walked = 0
    for row, url, actor in paginated_rows(world):
        client = client_as(world, actor)
        query = row.query(world) if callable(row.query) else row.query
        page = client.get(url, {**query, "limit": 1})
        if page.status_code != 200 or not page.get("Content-Type", "").startswith(
            "application/json"
        ):
            continue
        body = page.json()
        if body.get("next") is None:
            assert body.get("next_cursor") is None
            continue
        walked += 1
        assert parse_qs(urlsplit(body["next"]).query)["cursor"] == [body["next_cursor"]]
        second = client.get(url, {**query, "limit": 1, "cursor": body["next_cursor"]}).json()
        assert second["results"] and second["results"] != body["results"]
    assert walked, "no list of the world has two items"
