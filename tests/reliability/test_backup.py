"""The documented backup and restore (platform/bin/backup, platform/bin/restore) round-trips a
seeded database: same rows in every table, invariants hold, audit triggers still fire."""

import io
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import ROOT, database_url, process_env

RESTORED = "o2o_reliability_restored"


def psql(url: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", url.replace("postgis://", "postgresql://"), "-tAqc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def row_counts(url: str) -> dict[str, int]:
    tables = psql(url, "select tablename from pg_tables where schemaname = 'public'").split()
    queries = [f"select '{t}', count(*) from {t}" for t in tables]  # noqa: S608  our own tables
    counts = psql(url, " union all ".join(queries))
    return {line.split("|")[0]: int(line.split("|")[1]) for line in counts.splitlines()}


@pytest.fixture
def restored_url():
    url = database_url(connection.settings_dict, NAME=RESTORED)
    maintenance = database_url(connection.settings_dict, NAME="postgres")
    psql(maintenance, f"drop database if exists {RESTORED}")
    yield url
    psql(maintenance, f"drop database if exists {RESTORED}")


@pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only
def test_backup_restores_into_a_fresh_database_that_passes_the_invariants(tmp_path, restored_url):
    call_command("seed_demo", shops=60, stdout=io.StringIO())
    source_url = database_url(connection.settings_dict)
    dump = tmp_path / "o2o.dump"
    env = process_env(DATABASE_URL=source_url)
    run = {"env": env, "cwd": ROOT, "capture_output": True, "text": True}

    backup = subprocess.run([str(ROOT / "platform/bin/backup"), str(dump)], **run)
    assert backup.returncode == 0, backup.stderr
    restore = subprocess.run([str(ROOT / "platform/bin/restore"), str(dump), restored_url], **run)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "invariants hold" in restore.stdout

    source, restored = row_counts(source_url), row_counts(restored_url)
    assert source == restored
    assert source["merchants_shop"] == 60 and source["audit_shopevent"] >= 60

    # The audit triggers came along: a change in the restored database is recorded.
    events = int(psql(restored_url, "select count(*) from audit_shopevent"))
    psql(restored_url, "update merchants_shop set status = 'hidden' where price_level > 0")
    assert int(psql(restored_url, "select count(*) from audit_shopevent")) == events + 60

    # Never over an existing database.
    again = subprocess.run([str(ROOT / "platform/bin/restore"), str(dump), restored_url], **run)
    assert again.returncode != 0
    assert "already exists" in again.stderr
