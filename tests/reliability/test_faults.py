"""A backing service down, restarted or hung: requests fail cleanly with 503 in the error shape
(never a 500 page, never a hang), and succeed again once the service is back. Real processes:
gunicorn, a PostgreSQL cluster and a Redis of the test's own."""

import itertools
import subprocess
import sys
import threading
import time

import psycopg2
import pytest
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken

from accounts.services import tokens_for
from loyalty.services import card_top_up
from tests.conftest import ROOT, database_url, process_env
from tests.factories import ShopFactory
from tests.loyalty.factories import PIN, card_create_for, program_create

from .processes import Postgres, Redis, Silent, Web

DISCOVER = "/api/v1/discover/?lat=31.2286&lng=121.4481"
ME = "/api/v1/auth/me/"


def sms_sign_in(web: Web, url: str, phone: str):
    """Sign in with an SMS code as the app does, reading the captcha's answer and the code
    from the web process's database (no worker sends the SMS here: it waits in the outbox)."""
    db = psycopg2.connect(url.replace("postgis://", "postgresql://"))
    try:
        key = web.request("GET", "/api/v1/auth/captcha/")[1]["captcha_key"]
        with db, db.cursor() as cursor:
            cursor.execute("SELECT response FROM captcha_captchastore WHERE hashkey = %s", [key])
            answer = cursor.fetchone()[0]
        body = {"phone": phone, "captcha_key": key, "captcha_answer": answer}
        assert web.request("POST", "/api/v1/auth/sms-code/", body)[0] == 202
        with db, db.cursor() as cursor:
            cursor.execute(
                "SELECT data->>'code' FROM notifications_outboxmessage WHERE address = %s"
                " ORDER BY id DESC LIMIT 1",
                [phone],
            )
            code = cursor.fetchone()[0]
    finally:
        db.close()
    return web.request("POST", "/api/v1/auth/sms-login/", {"phone": phone, "code": code})


def assert_unavailable(answer):
    status, body = answer
    assert status == 503, body
    assert body == {"code": "service_unavailable", "detail": body["detail"], "fields": {}}
    assert body["detail"]


@pytest.fixture
def postgres(django_db_setup, django_db_blocker):
    """Our own cluster holding a copy of the (migrated) test database."""
    cluster = Postgres()
    with django_db_blocker.unblock():
        source = database_url(connection.settings_dict).replace("postgis://", "postgresql://")
    cluster.database_url = cluster.copy_database(source, "faults")
    yield cluster
    cluster.destroy()


@pytest.fixture
def redis_server():
    server = Redis()
    yield server
    server.kill()


def test_database_down_gives_503_then_requests_succeed_again(postgres):
    web = Web(DATABASE_URL=postgres.database_url)
    try:
        status, session = sms_sign_in(web, postgres.database_url, "+8613911110000")
        assert status == 200, session
        token = session["access"]
        assert web.request("GET", ME, token=token)[0] == 200

        postgres.stop()
        assert_unavailable(web.request("GET", ME, token=token))
        assert_unavailable(web.request("GET", DISCOVER))
        assert_unavailable(web.request("PATCH", ME, {"name": "小王"}, token=token))
        assert web.request("GET", "/healthz")[0] == 503

        postgres.start()
        assert web.request("GET", ME, token=token)[0] == 200
        assert web.request("PATCH", ME, {"name": "小王"}, token=token)[0] == 200
        assert web.request("GET", DISCOVER)[0] == 200

        # A restart under a kept-alive connection: the health check reconnects, no error.
        postgres.restart()
        assert web.request("GET", ME, token=token)[0] == 200
        assert "Traceback" not in web.output()
    finally:
        web.close()


def test_redis_down_gives_503_then_requests_succeed_again(redis_server):
    web = Web(REDIS_URL=redis_server.url)
    try:
        assert web.request("GET", DISCOVER)[0] == 200  # throttles count in Redis

        redis_server.kill()
        assert_unavailable(web.request("GET", DISCOVER))
        assert web.request("GET", "/healthz")[0] == 503

        redis_server.start()
        assert web.request("GET", DISCOVER)[0] == 200
        assert web.request("GET", "/healthz")[0] == 200
    finally:
        web.close()


@pytest.mark.django_db
def test_hung_database_and_redis_time_out_into_503():
    """A server that accepts connections and never answers: connect and socket timeouts turn
    it into 503 well before gunicorn's worker timeout would kill the request."""
    database, redis = Silent(), Silent()
    token = AccessToken()
    token["user_id"] = 1
    web = Web(
        DATABASE_URL=f"postgis://postgres@127.0.0.1:{database.port}/none",
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
    )
    try:
        assert_unavailable(web.request("GET", DISCOVER))  # the throttle waits on Redis
        assert_unavailable(web.request("GET", ME, token=str(token)))
    finally:
        web.close()
        database.close()
        redis.close()


@pytest.fixture
def card_at_counter(transactional_db):
    """A card with stored value at merchant A's shop, committed, so the cluster's copy has it."""
    program = program_create()
    shop = ShopFactory(merchant=program.merchant)
    card = card_create_for(program)
    owner = program.merchant.owner
    card_top_up(card=card, amount_fen=500_000, backend="cash", by=owner, idempotency_key="t0")
    return shop, card, tokens_for(owner)["access"]


def test_database_restarted_under_counter_load_loses_nothing(card_at_counter, postgres):
    """Card spends keep coming while PostgreSQL goes down and comes back, three times: each
    answer is 201 or 503 in the error shape; every 201 is in the ledger, nothing else is, and
    check_invariants finds the data consistent."""
    shop, card, token = card_at_counter
    web = Web(DATABASE_URL=postgres.database_url, THROTTLE_USER="1000000/min")
    answers: dict[str, int] = {}
    refusals: list[str] = []  # the error codes of the non-201 answers
    done = threading.Event()

    def spend(worker: int) -> None:
        for n in itertools.count():
            if done.is_set():
                return
            key = f"restart-{worker}-{n}"
            answers[key], body = web.request(
                "POST",
                "/api/v1/merchant/counter/purchases/",
                {
                    "code": card.number,
                    "shop": shop.pk,
                    "amount_fen": 100,
                    "balance_fen": 100,
                    "password": PIN,
                },
                token=token,
                headers={"Idempotency-Key": key},
            )
            if answers[key] != 201:
                refusals.append(body["code"])

    def answered_since(mark: int, status: int) -> None:
        deadline = time.monotonic() + 30  # seconds, even on a busy machine
        while status not in list(answers.values())[mark:]:
            assert time.monotonic() < deadline, (status, answers, web.output()[-6000:])
            time.sleep(0.1)

    threads = [threading.Thread(target=spend, args=(worker,)) for worker in range(3)]
    try:
        for thread in threads:
            thread.start()
        for _ in range(3):
            answered_since(len(answers), 201)
            postgres.stop()  # with requests in flight
            answered_since(len(answers), 503)  # the outage is seen...
            postgres.start()
        answered_since(len(answers), 201)  # ...and is over
    finally:
        done.set()
        for thread in threads:
            thread.join()
        web.close()
    assert set(answers.values()) == {201, 503}, web.output()[-12000:]
    assert set(refusals) == {"service_unavailable"}
    succeeded = {key for key, status in answers.items() if status == 201}
    assert succeeded
    cluster = psycopg2.connect(postgres.database_url.replace("postgis://", "postgresql://"))
    with cluster, cluster.cursor() as cursor:
        cursor.execute(
            "select idempotency_key from loyalty_ledgerentry where idempotency_key like %s",
            ["restart-%"],
        )
        written = {key for (key,) in cursor.fetchall()}
    cluster.close()
    assert written == succeeded
    check = subprocess.run(
        [sys.executable, "manage.py", "check_invariants"],
        env=process_env(DATABASE_URL=postgres.database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
