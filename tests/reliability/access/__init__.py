"""Who may call what: one row per endpoint and method, with the status each actor gets.

Every module in this package exports `ROWS`; tests/reliability/test_access.py walks them all and
fails when an endpoint of the URL conf has no row. A new app adds `access/<app>.py`:

    from . import Row, consumer_object, merchant_object

    ROWS = [
        Row("coupon-claim", "POST", consumer_object(201), kwargs=lambda w: {"pk": w.campaign_a.pk}),
        Row("merchant-campaign-detail", "GET", merchant_object(200, staff=403),
            kwargs=lambda w: {"pk": w.campaign_a.pk}),
    ]

and, when its rows need objects of A, a builder in tests/reliability/world.py.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACTORS = ("anonymous", "consumer_a", "consumer_b", "owner_a", "staff_a", "owner_b", "admin")
MISSING_ID = 2_000_000_000  # an id no row has, to compare "not yours" with "does not exist"
IDEMPOTENT = {"Idempotency-Key": "access-table-0001"}  # each actor's call is rolled back


@dataclass(frozen=True)
class Row:
    name: str  # the URL name (every endpoint needs one)
    method: str
    expect: dict[str, int]  # actor -> HTTP status
    kwargs: Callable[[Any], dict] = lambda world: {}  # URL kwargs naming objects of A
    body: Callable[[Any], Any] | None = None  # request body built from the world
    query: dict | Callable[[Any], dict] = field(default_factory=dict)  # or built from the world
    multipart: bool = False
    headers: dict = field(default_factory=dict)  # e.g. IDEMPOTENT, for counter operations

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.method

    def __str__(self):
        return f"{self.method} {self.name}"


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ACTORS, status)


def signed_in(status: int) -> dict[str, int]:
    return {**everyone(status), "anonymous": 401}


def merchant_list(ok: int, *, staff: int | None = None, owner_b: int | None = None) -> dict:
    """A merchant collection: each merchant sees or adds to its own; others are refused."""
    return {
        "anonymous": 401,
        "consumer_a": 403,
        "consumer_b": 403,
        "owner_a": ok,
        "staff_a": ok if staff is None else staff,
        "owner_b": ok if owner_b is None else owner_b,
        "admin": 403,
    }


def merchant_object(ok: int, *, staff: int = 403) -> dict[str, int]:
    """An object of merchant A: another merchant is told it does not exist (404)."""
    return {**merchant_list(ok, staff=staff), "owner_b": 404}


def owner_list(ok: int, *, owner_b: int | None = None) -> dict[str, int]:
    return merchant_list(ok, staff=403, owner_b=owner_b)


def owner_object(ok: int) -> dict[str, int]:
    return {**owner_list(ok), "owner_b": 404}


def consumer_list(ok: int, *, consumer_a: int | None = None) -> dict[str, int]:
    """A consumer's own collection (or an action any consumer may take): merchants and the
    platform's admins are refused."""
    return {
        "anonymous": 401,
        "consumer_a": ok if consumer_a is None else consumer_a,
        "consumer_b": ok,
        "owner_a": 403,
        "staff_a": 403,
        "owner_b": 403,
        "admin": 403,
    }


def consumer_object(ok: int) -> dict[str, int]:
    """An object of consumer A: consumer B is told it does not exist (404)."""
    return {
        "anonymous": 401,
        "consumer_a": ok,
        "consumer_b": 404,
        "owner_a": 403,
        "staff_a": 403,
        "owner_b": 403,
        "admin": 403,
    }


def all_rows() -> list[Row]:
    rows: list[Row] = []
    for module in pkgutil.iter_modules(__path__):
        rows += importlib.import_module(f"{__name__}.{module.name}").ROWS
    return rows
