"""Every integer, decimal and date the API takes is bounded, in the serializer and in the
schema (core.serializers' bounded fields), so an oversized value is 400 naming the field,
never a 500. The schema fuzz (test_schema_fuzz.py) generates within the stated bounds; this
module walks the same schema and sends what lies just past each bound, so a field without one
fails here."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import tokens_for
from core.throttling import CodeFailureThrottle, CounterThrottleMixin
from tests.reliability.access import IDEMPOTENT, all_rows
from tests.reliability.world import World

from .test_schema_fuzz import live_schema, template_pattern

DOCUMENT = live_schema().raw_schema
COMPONENTS = DOCUMENT["components"]["schemas"]
METHODS = ("get", "post", "put", "patch", "delete")
FAR_DATE = {"date": "9999-12-31", "date-time": "9999-12-31T10:00:00+08:00"}
EARLY_DATE = {"date": "0001-01-01", "date-time": "0001-01-01T10:00:00+08:00"}


def resolved(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def unbounded(schema: dict, path: str, seen: frozenset = frozenset()) -> list[str]:
    """The writable numbers without minimum and maximum, and dates without x-minimum and
    x-maximum, anywhere in a request schema."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen, path = seen | {name}, name
    schema = resolved(schema)
    if schema.get("readOnly"):
        return []
    found = []
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            found += unbounded(part, path, seen)
    kind = schema.get("type")
    if kind in ("integer", "number") and not {"minimum", "maximum"} <= set(schema):
        found.append(f"{path} ({kind})")
    if schema.get("format") in FAR_DATE and not {"x-minimum", "x-maximum"} <= set(schema):
        found.append(f"{path} ({schema['format']})")
    for name, part in (schema.get("properties") or {}).items():
        found += unbounded(part, f"{path}.{name}", seen)
    if "items" in schema:
        found += unbounded(schema["items"], f"{path}[]", seen)
    return found


def operations():
    for template, items in DOCUMENT["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield template, method, operation


def test_every_number_and_date_input_in_the_schema_has_bounds():
    problems = []
    for template, method, operation in operations():
        for parameter in operation.get("parameters", []):
            where = f"{method.upper()} {template} ?{parameter['name']}"
            problems += unbounded(parameter.get("schema", {}), where)
        for content in operation.get("requestBody", {}).get("content", {}).values():
            problems += unbounded(content["schema"], f"{method.upper()} {template}")
    assert problems == []


def beyond(schema: dict) -> list:
    """Values just past a property's bounds (and far past them)."""
    schema = resolved(schema)
    kind = schema.get("type")
    if kind in ("integer", "number"):  # a missing bound fails the schema test above
        values = [10**19, -(10**19)]
        if "maximum" in schema:
            values.insert(0, schema["maximum"] + 1)
        if "minimum" in schema:
            values.insert(1, schema["minimum"] - 1)
        return values if kind == "integer" else [Decimal(str(v)) for v in values]
    if schema.get("format") in FAR_DATE:
        return [FAR_DATE[schema["format"]], EARLY_DATE[schema["format"]]]
    return []


def probes():
    """(template, method, property, value) for every top-level bounded body property."""
    for template, method, operation in operations():
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        body = resolved(content["application/json"]["schema"])
        for name, schema in (body.get("properties") or {}).items():
            if resolved(schema).get("readOnly"):
                continue
            for value in beyond(schema):
                yield template, method, name, value


PROBES = list(probes())


@pytest.fixture(autouse=True)
def no_throttles(monkeypatch):
    for throttle in (CounterThrottleMixin, CodeFailureThrottle):
        monkeypatch.setattr(throttle, "allow_request", lambda self, request, view: True)


def real_path(world: World, template: str) -> str:
    """The template filled with A's objects, from the access rows (else id 1)."""
    pattern = template_pattern(template)
    for row in all_rows():
        kwargs = row.kwargs(world)
        if kwargs and pattern.match(path := reverse(row.name, kwargs=kwargs)):
            return path
    return re.sub(r"\{\w+\}", "1", template)


def actor_for(template: str) -> str:
    return "owner_a" if "/merchant/" in template else "consumer_a"


def test_probes_cover_the_values_the_tester_sent():
    assert ("/api/v1/merchant/counter/purchases/", "post", "amount_fen", 10**19) in PROBES
    assert ("/api/v1/merchant/cards/{id}/adjustments/", "post", "points_delta", 10**19) in PROBES


@pytest.mark.parametrize(("template", "method", "name", "value"), PROBES, ids=str)
def test_a_value_past_its_bound_is_a_400_naming_the_field(world, template, method, name, value):
    client = APIClient()
    token = tokens_for(world.users[actor_for(template)])["access"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {name: str(value) if isinstance(value, Decimal) else value}
    response = getattr(client, method)(
        real_path(world, template), body, format="json", headers=IDEMPOTENT
    )
    assert response.status_code == 400, response.content
    assert any(key == name or key.startswith(f"{name}.") for key in response.json()["fields"])


def owner_of_a(world) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(world.users['owner_a'])['access']}")
    return client


def test_the_testers_oversized_values_are_400_with_field_errors(world):
    """Whole, otherwise valid requests: a counter purchase of 10^19 fen, an adjustment of 10^19
    points, slots starting 9999-12-31."""
    owner = owner_of_a(world)
    purchase = owner.post(
        "/api/v1/merchant/counter/purchases/",
        {"code": world.card_a.number, "shop": world.shop_a.pk, "amount_fen": 10**19},
        format="json",
        headers=IDEMPOTENT,
    )
    adjustment = owner.post(
        f"/api/v1/merchant/cards/{world.card_a.pk}/adjustments/",
        {"points_delta": 10**19, "note": "补录"},
        format="json",
        headers=IDEMPOTENT,
    )
    slot = owner.post(
        "/api/v1/merchant/slots/",
        {
            "shop": world.shop_a.pk,
            "starts": ["9999-12-31T10:00:00+08:00"],
            "duration_minutes": 60,
            "capacity": 2,
        },
        format="json",
    )
    for response, field in (
        (purchase, "amount_fen"),
        (adjustment, "points_delta"),
        (slot, "starts"),
    ):
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] == "invalid"
        assert any(key.startswith(field) for key in body["fields"]), body
