"""Locks live in each app's locks.py and take rows in primary-key order (ARCHITECTURE.md)."""

import ast
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from consumers.services import order_consume
from crm.locks import hand_over_lock
from loyalty.locks import cards_lock
from settlement.locks import entries_lock
from settlement.models import SettlementEntry
from tests.concurrency import run_concurrently
from tests.conftest import ROOT
from tests.consumers.factories import BookableServiceFactory, SlotFactory, booking
from tests.crm.helpers import customer_new
from tests.factories import MerchantFactory, StaffFactory
from tests.loyalty.factories import card_create_for, program_create

NOT_APP_CODE = {"tests", "bench", "node_modules", "consumer_app", "docs", "media", "platform"}


def app_modules() -> list[tuple[str, ast.Module]]:
    modules = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in NOT_APP_CODE or relative.parts[0].startswith("."):
            continue
        if "migrations" in relative.parts:
            continue
        modules.append((relative.as_posix(), ast.parse(path.read_text(), filename=str(path))))
    return modules


def test_only_locks_modules_take_row_locks():
    found = [
        f"{name}:{node.lineno}"
        for name, tree in app_modules()
        if not name.endswith("/locks.py")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "select_for_update"
    ]
    assert found == [], "lock rows through a named helper in the app's locks.py"


def test_no_function_takes_a_lock_flag():
    """A `lock=` switch on a read is how selectors came to lock: the locking read is its own
    helper in locks.py."""
    found = [
        f"{name}:{node.lineno} {node.name}"
        for name, tree in app_modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for argument in (*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs)
        if argument.arg in {"lock", "locked", "for_update"}
    ]
    assert found == []


def overlapping_orders_take_turns(lock, orders: list) -> list:
    """Lock the same rows asked for in opposite orders, in concurrent transactions that hold
    them a moment. Each must get every row, locked in primary-key order whatever order it
    asked in: two that locked in their own orders could each wait for the other's rows."""

    def hold(rows):
        with transaction.atomic():
            locked = lock(rows)
            time.sleep(0.2)
            return [row.pk for row in locked]

    outcomes = run_concurrently(hold, args=orders)
    assert [o for o in outcomes if isinstance(o, Exception)] == []  # no DeadlockDetected
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_cards_locked_in_any_order_never_deadlock():
    program = program_create()
    pks = [card_create_for(program).pk for _ in range(4)]
    outcomes = overlapping_orders_take_turns(cards_lock, [pks, pks[::-1]] * 2)
    assert outcomes == [pks] * 4  # each got every card, locked in primary-key order


@pytest.mark.django_db(transaction=True)
def test_settlement_entries_locked_in_any_order_never_deadlock():
    for _ in range(3):
        order = booking(slot=SlotFactory(service=BookableServiceFactory()))
        order_consume(order=order, via="counter", actor=order.merchant.owner)
    entries = SettlementEntry.objects.all()
    pks = list(entries.order_by("pk").values_list("pk", flat=True))
    assert len(pks) >= 2
    outcomes = overlapping_orders_take_turns(
        entries_lock, [entries.order_by("pk"), entries.order_by("-pk")] * 2
    )
    assert outcomes == [pks] * 4


@pytest.mark.django_db
def test_the_hand_over_locks_the_crm_tables_in_the_documented_order():
    merchant = MerchantFactory()
    leaving = StaffFactory(merchant=merchant).user
    mine = [customer_new(merchant, owner=leaving) for _ in range(3)]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        moved = hand_over_lock(merchant=merchant, staff=leaving)
    # FOR NO KEY UPDATE: a contact added on a locked customer (KEY SHARE) does not wait on it.
    locking = [q["sql"] for q in queries.captured_queries if "FOR NO KEY UPDATE" in q["sql"]]
    tables = [sql.split(" FROM ")[1].split()[0].strip('"') for sql in locking]
    assert tables == ["crm_customer", "crm_maintenanceplan", "crm_task", "crm_complaint"]
    assert all(" ORDER BY " in sql for sql in locking), locking  # rows in pk order (pks_lock)
    assert moved["customers"] == sorted(c.pk for c in mine)
