"""The pieces `make run` and docker-compose share: bootstrap, web, worker, seed."""

import importlib.util
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT, free_port, process_env, stop, wait_for_port


def test_stdlib_platform_is_not_shadowed_at_the_repository_root():
    result = subprocess.run(
        [sys.executable, "-c", "import uuid, platform; print(platform.system())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Linux"


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_web(**env) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [str(ROOT / "platform" / "bin" / "web")],
        env=process_env(PORT=str(port), WEB_CONCURRENCY="1", ACCESS_LOG="0", **env),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process)
    return process, port


@pytest.mark.django_db
def test_web_script_serves_healthz():
    process, port = run_web()
    try:
        status, body = get(f"http://127.0.0.1:{port}/healthz")
    finally:
        stop(process)
    assert status == 200, body


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable():
    dead = f"postgis://postgres@127.0.0.1:{free_port()}/o2o"
    process, port = run_web(DATABASE_URL=dead)
    try:
        status, body = get(f"http://127.0.0.1:{port}/healthz")
    finally:
        stop(process)
    assert status == 503
    assert b'"database": false' in body


def test_worker_script_runs_tasks_from_the_broker(celery_worker_process):
    from core.tasks import ping

    assert ping.delay().get(timeout=30) == "pong"


def test_bootstrap_explains_a_problem_in_one_sentence_without_a_traceback():
    result = subprocess.run(
        [sys.executable, str(ROOT / "platform" / "bootstrap.py")],
        env=process_env(DATABASE_URL="postgis://postgres@127.0.0.1:5432/bad-name!"),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("setup stopped:")
    assert "Traceback" not in result.stderr


def load_bootstrap(local_dir):
    spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "platform" / "bootstrap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.LOCAL = local_dir
    return module


def test_bootstrap_starts_its_own_redis_when_none_answers(tmp_path):
    bootstrap = load_bootstrap(tmp_path)
    url = bootstrap.start_own_redis()
    try:
        assert bootstrap.redis_answers(url)
        assert bootstrap.start_own_redis() == url  # idempotent: the same server again
    finally:
        port = url.rsplit(":", 1)[1].split("/")[0]
        subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], check=False)


def test_bootstrap_starts_its_own_postgis_cluster_when_none_answers():
    local = ROOT / ".local" / "test-own-cluster"
    bootstrap = load_bootstrap(local)
    url = bootstrap.start_own_postgres()
    try:
        bootstrap.ensure_database(url)
        assert bootstrap.psql(bootstrap.psql_url(url), "select postgis_version()")
    finally:
        as_owner = ["runuser", "-u", "postgres", "--"] if bootstrap.os.geteuid() == 0 else []
        pg_ctl = f"/usr/lib/postgresql/{bootstrap.installed_postgres_major()}/bin/pg_ctl"
        subprocess.run(
            [*as_owner, pg_ctl, "-D", str(local / "postgres"), "-m", "fast", "stop"],
            check=False,
            capture_output=True,
        )


def test_a_task_sent_to_one_queue_lands_in_that_queue_only():
    """Queues share the broker: a message for `fanout` must not be copied into the others."""
    from kombu import Connection

    from config.celery_app import QUEUES, app
    from core.tasks import ping

    # A key prefix of its own, so no running worker sees these messages.
    prefix = f"queue-test-{os.getpid()}:"
    with Connection(app.conf.broker_url, transport_options={"global_keyprefix": prefix}) as conn:
        client = conn.default_channel.client  # adds the prefix to every key
        try:
            for queue in app.amqp.queues.values():  # as a worker does when it starts
                queue(conn.default_channel).declare()
            ping.apply_async(queue="fanout", connection=conn)
            lengths = {queue: client.llen(queue) for queue in QUEUES}
        finally:
            for key in client.keys("*"):
                client.delete(key.decode().removeprefix(prefix))
    assert lengths == {"default": 0, "fanout": 1, "notifications": 0}
