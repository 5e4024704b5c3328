"""Every timestamp the API renders is in Asia/Shanghai (+08:00), nested data included: every
GET of the access table, as the first actor allowed to make it, against the shared world."""

import re

import pytest
from django.urls import reverse

from tests.reliability.access import ACTORS, all_rows
from tests.reliability.test_access import client_as

pytestmark = pytest.mark.django_db

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def timestamps(value, path="$"):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from timestamps(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from timestamps(item, f"{path}[{index}]")
    elif isinstance(value, str) and TIMESTAMP.match(value):
        yield path, value


def test_every_timestamp_is_in_shanghai_time(world):
    seen, wrong = 0, []
    for row in all_rows():
        if row.method != "GET" or not row.name or row.name.startswith("dashboard"):
            continue
        actor = next((a for a in ACTORS if row.expect[a] == 200), None)
        if actor is None:
            continue
        query = row.query(world) if callable(row.query) else row.query
        answer = client_as(world, actor).get(reverse(row.name, kwargs=row.kwargs(world)), query)
        if answer.status_code != 200 or "json" not in answer.get("Content-Type", ""):
            continue
        for path, value in timestamps(answer.json()):
            seen += 1
            if not value.endswith("+08:00"):
                wrong.append(f"{row}: {path} = {value}")
    assert seen > 50, seen
    assert not wrong, "\n".join(wrong)
