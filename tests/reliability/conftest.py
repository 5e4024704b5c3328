import pytest
from django.db import transaction

from merchants.models import Category
from merchants.taxonomy import taxonomy_load
from tests.reliability.world import World


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """One World for a whole module, in a transaction rolled back at its end. Each test runs
    in a savepoint inside it (pytest-django's `db`), so every test meets the same untouched
    world, as if it had built its own, without paying for it a few hundred times."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not Category.objects.exists():  # a transactional test before us flushed it
            taxonomy_load(Category)
        yield World()
        transaction.set_rollback(True)


@pytest.fixture
def world(db, module_world):
    return module_world
