"""Mixed traffic with locust, headless, on loopback, for a fixed time at a held rate: consumers
(discovery, shop pages, claims, purchases, their coupons and cards), a merchant reading its
lists, counters redeeming coupons and spending card balances behind the PIN. Reports the rate
offered and achieved, the error count (must be 0), p50/p95 overall and p95 per endpoint, and
whether the ledger, redemption and settlement invariants still hold afterwards."""

import csv
import json
import os
import subprocess
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import tokens_for
from core.codes import qr_payload
from core.invariants import invariants_check
from coupons.models import BenefitKind, Campaign, CampaignStatus
from loyalty.services import card_program_save, card_top_up
from loyalty.services.cards import card_create
from loyalty.services.password import card_password_set
from merchants.models import Category, Merchant
from merchants.services import service_create, shop_create

from .discovery import start_gunicorn
from .redemption import coupons_make

ROOT = Path(__file__).resolve().parent.parent.parent
USERS = int(os.environ.get("LOAD_USERS", "20"))
USER_RPS = float(os.environ.get("LOAD_USER_RPS", "1"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "30"))
CONSUMERS = 20
COUPONS = 20_000  # far more than the counters can redeem in the run: none repeats
PIN = "135790"
LAT, LNG = 31.2286, 121.4481


def campaign_new(merchant: Merchant, title: str, **fields) -> Campaign:
    now = timezone.now()
    return Campaign.objects.create(
        merchant=merchant,
        title=title,
        status=CampaignStatus.PUBLISHED,
        benefit_kind=BenefitKind.AMOUNT_OFF,
        amount_off_fen=2000,
        min_spend_fen=10000,
        valid_from=now - timedelta(hours=1),
        valid_until=now + timedelta(days=1),
        total_quantity=1_000_000,
        **fields,
    )


def world() -> dict:
    """A merchant with a shop, a service, a card program, two campaigns (one to claim, one of
    paper coupons for the counters) and consumers holding cards with money on them."""
    run = f"{int(time.time()) % 10000:04d}"
    owner = User.objects.create_user(f"+86135{run}9999", None, role=Role.MERCHANT_OWNER)
    merchant = Merchant.objects.create(owner=owner, name="负载压测商户")
    shop = shop_create(
        merchant=merchant,
        name="负载压测门店",
        categories=[Category.objects.get(slug="hair")],
        address="上海市静安区",
        lat=LAT,
        lng=LNG,
    )
    service = service_create(shop=shop, name="洗剪吹", price_fen=8800)
    program = card_program_save(
        merchant=merchant,
        name="压测会员卡",
        levels=[{"name": "普通卡", "rank": 0, "points_per_yuan": Decimal(1), "threshold": 0}],
        top_up_enabled=True,
        max_top_up_fen=10_000_000,
    )
    claimable = campaign_new(merchant, "压测领券", per_customer_limit=30_000)
    paper = campaign_new(merchant, "压测纸券")
    codes = coupons_make(paper, COUPONS)
    consumers, cards = [], []
    for index in range(CONSUMERS):
        consumer = User.objects.create_user(f"+86135{run}{index:04d}", None, role=Role.CONSUMER)
        card = card_create(program=program, consumer=consumer, status="active")
        card_password_set(card=card, password=PIN)
        card_top_up(
            card=card,
            amount_fen=5_000_000,
            backend="cash",
            by=owner,
            shop=shop,
            idempotency_key=f"load-{run}-{index}",
        )
        consumers.append(consumer)
        cards.append(card.number)
    return {
        "shop": shop.pk,
        "service": service.pk,
        "campaign": claimable.pk,
        "coupon_codes": [qr_payload("C", code) for code in codes],
        "cards": cards,
        "pin": PIN,
        "lat": LAT,
        "lng": LNG,
        "owner_token": tokens_for(owner)["access"],
        "consumer_tokens": [tokens_for(consumer)["access"] for consumer in consumers],
    }


def locust(port: int, data: dict, out: Path) -> None:
    data_file = out / "data.json"
    data_file.write_text(json.dumps(data))
    env = {**os.environ, "LOAD_DATA": str(data_file), "LOAD_USER_RPS": str(USER_RPS)}
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "load_locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{SECONDS}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(out / "load"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        check=False,  # exits 1 when a request failed: the figures say which
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def figures_from(stats_csv: Path) -> dict:
    rows = list(csv.DictReader(stats_csv.open()))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p95_ms_by_endpoint": {
            row["Name"]: float(row["95%"]) for row in rows if row["Name"] != "Aggregated"
        },
        "errors_by_endpoint": {
            row["Name"]: int(row["Failure Count"])
            for row in rows
            if row["Name"] != "Aggregated" and int(row["Failure Count"])
        },
    }


def load() -> dict:
    cache.clear()
    data = world()
    port = 18000 + os.getpid() % 1000
    server = start_gunicorn(port, THROTTLE_USER="100000000/min")  # many requests per token
    try:
        with tempfile.TemporaryDirectory() as out:
            locust(port, data, Path(out))
            figures = figures_from(Path(out) / "load_stats.csv")
    finally:
        server.terminate()
        server.wait(timeout=20)
    broken = [
        outcome.invariant.name
        for outcome in invariants_check(only=["loyalty.", "coupons.", "settlement."])
        if not outcome.holds
    ]
    return {
        "users": USERS,
        "run_seconds": SECONDS,
        "rate_offered_rps": USERS * USER_RPS,
        **figures,
        "invariants_broken": broken,
    }
