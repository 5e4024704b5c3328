"""One seeded demo for every test of test_seed_demo.py: `seed_demo` runs twice for the module
(the second run must change nothing) instead of twice per test. The seed lives in an outer
transaction rolled back after the module; each test's own transaction nests inside it (a
savepoint), so a test's writes are undone as usual and the next test sees the seed as it was."""

import io
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from merchants.models import Category
from merchants.taxonomy import taxonomy_load

SHOPS = 12


@dataclass
class Seeded:
    first: dict[str, int]  # rows per model after the first run
    second: dict[str, int]  # after the second, which must change nothing


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        if not Category.objects.exists():  # flushed by a transactional test (tests/conftest)
            taxonomy_load(Category)
        call_command("seed_demo", shops=SHOPS, stdout=io.StringIO())
        first = row_counts()
        call_command("seed_demo", shops=SHOPS, stdout=io.StringIO())
        yield Seeded(first=first, second=row_counts())
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded
