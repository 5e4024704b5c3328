"""Schemathesis against the live OpenAPI schema: generated requests, valid and invalid, to every
operation, as a consumer and as a merchant owner. No 5xx; every answer agrees with the schema
(status code documented, content type, headers, body shape).

Invalid input is generated too (negative mode) and must get a documented answer; whether it is
refused is not checked: DRF coerces a number sent for a string field into a string and ignores
unknown fields, by design. (That check, `negative_data_rejection`, found the loose `limit` and
`shop` query parameters, fixed since.)

In every other valid case, path ids are the real rows of tests/reliability/world.py (so handlers
run past their lookups); generated values otherwise. A new endpoint is covered as soon as it is
in the schema; give it a row in tests/reliability/access/ and its ids come from the world too.
"""

import itertools
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import tokens_for
from config.wsgi import application
from core.throttling import CodeFailureThrottle, CounterThrottleMixin
from tests.reliability.access import all_rows
from tests.reliability.world import World

EXAMPLES_PER_OPERATION = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)


def live_schema() -> schemathesis.BaseSchema:
    """The schema /api/schema/ serves, generated in-process (no database needed)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = application  # calls go through the WSGI app, in this process
    return loaded


schema = live_schema()


@pytest.fixture
def calls():
    """Counts an operation's cases: every other one gets real ids (`@schema.given` would do it
    with a strategy, but schemathesis refuses it next to examples in the schema)."""
    return itertools.count()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: a request's end must not close the connection that holds
    the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def no_throttles(monkeypatch):
    """Hundreds of requests a minute from one client: throttles are tested on their own."""
    for throttle in (CounterThrottleMixin, CodeFailureThrottle):
        monkeypatch.setattr(throttle, "allow_request", lambda self, request, view: True)


def template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


def real_path_parameters(world: World, template: str) -> dict[str, str] | None:
    """The path parameters naming A's objects, from the access rows, or None."""
    pattern = template_pattern(template)
    for row in all_rows():
        kwargs = row.kwargs(world)
        if kwargs and (match := pattern.match(reverse(row.name, kwargs=kwargs))):
            return match.groupdict()
    return None


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    # The world is built once per operation on purpose: its rows are what the cases hit.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=True,  # the same cases every run: a failure is reproducible, CI is stable
)
@pytest.mark.parametrize("actor", ["consumer_a", "owner_a"])
def test_api_answers_within_its_schema(case, actor, world, calls):
    real_ids = next(calls) % 2 == 0
    # Only in positive cases: a real id would turn a deliberately invalid path into a valid one.
    if real_ids and case.path_parameters and case.meta.generation.mode == GenerationMode.POSITIVE:
        case.path_parameters.update(real_path_parameters(world, case.operation.path) or {})
    token = tokens_for(world.users[actor])["access"]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
