"""Counter redemptions over HTTP: gunicorn, wrk with 16 connections, each request a distinct
coupon's scanned QR payload with its own Idempotency-Key; then the hammer: rounds of 100
concurrent requests redeeming one coupon with different keys, counting double redemptions
(must be 0)."""

import http.client
import json
import os
import subprocess
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import tokens_for
from core.codes import qr_payload, short_code_new
from core.models import IdempotencyRecord
from coupons.models import BenefitKind, Campaign, CampaignStatus, Coupon, CouponChannel, Redemption
from merchants.models import Category, Merchant, Shop
from merchants.services import shop_create

from .discovery import start_gunicorn

ROOT = Path(__file__).resolve().parent.parent.parent
OWNER_PHONE = "+8613600000002"
CLIENTS = 16
SECONDS = 20
COUPONS = 60_000  # more than 20 s can use at a few hundred a second, so none repeats
HAMMER_ROUNDS, HAMMER_REQUESTS = 10, 100


def bench_merchant() -> tuple[User, Shop]:
    """The benchmark's merchant and shop, its earlier campaigns and coupons removed."""
    owner, _ = User.objects.get_or_create(
        phone=OWNER_PHONE, defaults={"role": Role.MERCHANT_OWNER, "name": "bench"}
    )
    merchant, _ = Merchant.objects.get_or_create(owner=owner, defaults={"name": "核销压测商户"})
    Redemption.objects.filter(campaign__merchant=merchant).delete()
    Coupon.objects.filter(campaign__merchant=merchant).delete()
    Campaign.objects.filter(merchant=merchant).delete()
    IdempotencyRecord.objects.filter(user=owner).delete()
    shop = merchant.shops.first() or shop_create(
        merchant=merchant,
        name="压测门店",
        categories=[Category.objects.get(slug="hair")],
        address="上海市静安区",
        lat=31.2286,
        lng=121.4481,
    )
    return owner, shop


def coupons_make(campaign: Campaign, count: int) -> list[str]:
    now = timezone.now()
    codes = [short_code_new(10) for _ in range(count)]
    Coupon.objects.bulk_create(
        (
            Coupon(
                campaign=campaign,
                code=code,
                channel=CouponChannel.PAPER,
                valid_from=now - timedelta(hours=1),
                valid_until=now + timedelta(days=1),
            )
            for code in codes
        ),
        batch_size=5000,
    )
    Campaign.objects.filter(pk=campaign.pk).update(issued_count=count)
    return codes


def wrk_redemptions(port: int, shop: Shop, token: str, payloads: list[str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as codes:
        codes.write("\n".join(payloads) + "\n")
    script = (
        (ROOT / "bench" / "redemption.lua")
        .read_text()
        .replace("CODES_FILE", codes.name)
        .replace("SHOP_ID", str(shop.pk))
        .replace("TOKEN", token)
        .replace("RUN_ID", uuid.uuid4().hex[:12])
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    result = subprocess.run(
        ["wrk", "-t1", f"-c{CLIENTS}", f"-d{SECONDS}s", "-s", lua.name, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH "))
    figures = {k: float(v) for k, v in (pair.split("=") for pair in line.split()[1:])}
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def process_cpu_seconds(parent: int) -> float:
    """User + system CPU of a process's children (gunicorn's workers): how much work the
    requests took, whatever else the shared machine was doing meanwhile."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:  # ppid
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def redeem_once(port: int, token: str, body: bytes) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"hammer-{uuid.uuid4()}",
        }
        connection.request("POST", "/api/v1/merchant/redemptions/", body, headers)
        return connection.getresponse().status
    finally:
        connection.close()


def hammer(port: int, shop: Shop, token: str, codes: list[str]) -> dict:
    """Each round: 100 threads released by a barrier redeem one coupon, each its own key."""
    statuses: list[int] = []
    doubles = 0
    for code in codes:
        body = json.dumps({"shop": shop.pk, "code": code, "order_amount_fen": 12800}).encode()
        barrier = threading.Barrier(HAMMER_REQUESTS)
        answers: list[int] = []

        def run(body=body, barrier=barrier, answers=answers):
            barrier.wait()
            answers.append(redeem_once(port, token, body))

        threads = [threading.Thread(target=run) for _ in range(HAMMER_REQUESTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        doubles += max(0, answers.count(201) - 1)
        statuses += answers
    return {
        "hammer_rounds": len(codes),
        "hammer_requests": len(statuses),
        "hammer_201": statuses.count(201),
        "hammer_409": statuses.count(409),
        "hammer_other": len(statuses) - statuses.count(201) - statuses.count(409),
        "double_redemptions": doubles,
    }


def redemption() -> dict:
    owner, shop = bench_merchant()
    campaign = Campaign.objects.create(
        merchant=owner.merchant,
        title="压测满减券",
        status=CampaignStatus.PUBLISHED,
        benefit_kind=BenefitKind.AMOUNT_OFF,
        amount_off_fen=2000,
        min_spend_fen=10000,
        valid_from=timezone.now() - timedelta(hours=1),
        valid_until=timezone.now() + timedelta(days=1),
        total_quantity=COUPONS + HAMMER_ROUNDS,
    )
    started = time.perf_counter()
    codes = coupons_make(campaign, COUPONS + HAMMER_ROUNDS)
    made_s = time.perf_counter() - started
    token = tokens_for(owner)["access"]
    port = 18000 + os.getpid() % 1000
    server = start_gunicorn(port, THROTTLE_USER="100000000/min")  # one client, many requests
    try:
        warm = [qr_payload("C", code) for code in codes[:COUPONS]]
        cpu_before = process_cpu_seconds(server.pid)
        main = wrk_redemptions(port, shop, token, warm)
        cpu_used = process_cpu_seconds(server.pid) - cpu_before
        hammered = hammer(port, shop, token, codes[COUPONS:])
    finally:
        server.terminate()
        server.wait(timeout=20)
    standing = Redemption.objects.filter(campaign=campaign, reversed_at__isnull=True)
    twice_in_db = standing.values("coupon").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "coupons_made": len(codes),
        "coupons_made_seconds": round(made_s, 2),
        "clients": CLIENTS,
        "redemptions_per_second": round(main["rps"], 1),
        "p50_ms": round(main["p50"], 2),
        "p95_ms": round(main["p95"], 2),
        "requests": int(main["requests"]),
        "web_cpu_ms_per_redemption": round(cpu_used * 1000 / max(1, main["requests"]), 2),
        "socket_errors": int(main["errors"]),
        "non_2xx": int(main["non2xx"]),
        "redeemed_in_db": standing.count() - hammered["hammer_201"],
        **hammered,
        "coupons_redeemed_twice_in_db": twice_in_db,
    }
