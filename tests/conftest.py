import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import Role
from accounts.services import tokens_for
from merchants.models import Category
from merchants.taxonomy import taxonomy_load

from .factories import MerchantFactory, StaffFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

# The quick inner loop is `pytest -m "not e2e and not faults and not slow"`; `make test` runs all.
MARKED_FILES = {
    "e2e": ("tests/e2e/",),
    "faults": ("tests/reliability/test_faults.py", "tests/reliability/test_backup.py"),
    "slow": (
        "tests/reliability/test_schema_fuzz.py",
        "tests/platform/test_entry_scripts.py",
        "tests/demo/",
    ),
}


def pytest_collection_modifyitems(items):
    for item in items:
        path = Path(item.fspath).relative_to(ROOT).as_posix()
        for marker, parts in MARKED_FILES.items():
            if any(part in path for part in parts):
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the real Redis (test db 15); start every test from zero."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _throttle_clock(monkeypatch):
    """The rate limits count in fixed windows (core.throttling): a test's requests that straddle
    a minute's edge would be split between two windows and never reach the limit. Each test's
    throttles see one instant, a second into the current day, so its requests share every window
    (minute, hour, day); tests about a new window set their own timer."""
    now = time.time()
    instant = now - now % 86400 + 1
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: instant)


DB_FIXTURES = {"db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def _taxonomy(request):
    """The category taxonomy is data from a migration, and transactional tests (concurrency,
    live servers) flush every table after they run: reload it for the tests that follow."""
    if not (
        request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")  # database access, as the test has it
    if not Category.objects.exists():
        taxonomy_load(Category)


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user)['access']}")
    return client


@pytest.fixture
def consumer(db):
    return UserFactory(role=Role.CONSUMER)


@pytest.fixture
def merchant(db):
    return MerchantFactory()


@pytest.fixture
def owner_client(merchant):
    return client_for(merchant.owner)


@pytest.fixture
def staff(merchant):
    return StaffFactory(merchant=merchant)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict, **override) -> str:
    """A DATABASE_URL for a subprocess, pointing at the test database by default."""
    db = {**settings_dict, **override}
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgis://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    env = {
        # The browser tests allow sync ORM calls in their own process only.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.TEST_REDIS_URL,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        # The test settings' secrets, for a subprocess under other settings (local).
        **{name: getattr(settings, name) for name in settings.SECRET_NAMES},
    }
    env.update(extra)
    return env


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listened on {port} within {seconds}s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker (platform/bin/worker) on the test broker and test database."""
    with django_db_blocker.unblock():
        env = process_env(CELERY_HOSTNAME=f"test-{os.getpid()}@%h", CELERY_CONCURRENCY="2")
    process = subprocess.Popen(
        [str(ROOT / "platform" / "bin" / "worker")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from config.celery_app import app

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError("the Celery worker did not start")
    yield process
    stop(process)
