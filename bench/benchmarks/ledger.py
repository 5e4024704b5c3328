"""Counter operations on membership cards over HTTP: 16 concurrent clients (wrk connections)
across 1,000 cards, half recording purchases (earn), half spending balance or points behind
the consumption password; then the invariant check over every card (must find 0 violations:
cached figures equal the ledger's sums and the lots, nothing negative).

The cards are kept between runs (the ledger is append-only, even for the bench); each run
tops up the balances and points that earlier runs spent.
"""

import os
import subprocess
import tempfile
import uuid
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import Role, User
from accounts.services import tokens_for
from bench.benchmarks.discovery import start_gunicorn
from core.codes import short_code_new
from loyalty.models import LedgerEntry, MembershipCard
from loyalty.selectors import ledger_violations_check
from loyalty.services import card_adjust, card_program_save
from loyalty.services.password import CardPinHasher
from merchants.models import Category, Merchant
from merchants.services import shop_create

ROOT = Path(__file__).resolve().parent.parent.parent
CARDS = 1_000
CLIENTS = 16
SECONDS = 20
PIN = "135790"
OWNER_PHONE = "+8613600002000"
FLOAT_POINTS, FLOAT_BALANCE_FEN = 5_000, 50_000


def bench_cards() -> tuple[User, int, list[str]]:
    """The bench merchant, its shop and 1,000 cards with a password, created once."""
    owner = User.objects.filter(phone=OWNER_PHONE).first()
    if owner is None:
        with transaction.atomic():
            owner = User.objects.create_user(OWNER_PHONE, None, role=Role.MERCHANT_OWNER)
            merchant = Merchant.objects.create(owner=owner, name="账本压测商户")
            shop_create(
                merchant=merchant,
                name="压测门店",
                categories=[Category.objects.filter(parent__isnull=False).first()],
                address="上海市静安区",
                lat=31.2286,
                lng=121.4481,
            )
            program = card_program_save(
                merchant=merchant,
                name="压测会员卡",
                levels=[{"name": "普通卡", "rank": 0, "points_per_yuan": 1, "threshold": 0}],
            )
            consumers = User.objects.bulk_create(
                User(phone=f"+86135{index:08d}", role=Role.CONSUMER, password=make_password(None))
                for index in range(CARDS)
            )
            pin = make_password(PIN, hasher=CardPinHasher())
            numbers = set()
            while len(numbers) < CARDS:
                numbers.add(short_code_new(10))
            MembershipCard.objects.bulk_create(
                MembershipCard(
                    program=program,
                    consumer=consumer,
                    level=program.levels.get(),
                    number=number,
                    password=pin,
                )
                for number, consumer in zip(sorted(numbers), consumers, strict=True)
            )
    merchant = owner.merchant
    cards = MembershipCard.objects.filter(program__merchant=merchant).order_by("pk")
    # Earlier runs spent points and balance: give every card its float back.
    for card in cards.filter(Q(points__lt=FLOAT_POINTS) | Q(balance_fen__lt=FLOAT_BALANCE_FEN)):
        if card.points < FLOAT_POINTS:
            card_adjust(
                card_id=card.pk, points_delta=FLOAT_POINTS - card.points, by=owner, note="压测准备"
            )
        if card.balance_fen < FLOAT_BALANCE_FEN:
            card_adjust(
                card_id=card.pk,
                balance_delta_fen=FLOAT_BALANCE_FEN - card.balance_fen,
                by=owner,
                note="压测准备",
            )
    MembershipCard.objects.filter(pk__in=cards.values("pk")).update(
        password_failures=0, spending_locked_until=None
    )
    return owner, merchant.shops.get().pk, list(cards.values_list("number", flat=True))


def wrk(port: int, seconds: int, script: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    result = subprocess.run(
        ["wrk", "-t1", f"-c{CLIENTS}", f"-d{seconds}s", "-s", lua.name, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH "))
    return {k: float(v) for k, v in (pair.split("=") for pair in line.split()[1:])}


def ledger() -> dict:
    owner, shop_id, numbers = bench_cards()
    run = uuid.uuid4().hex[:12]
    script = (ROOT / "bench" / "ledger.lua").read_text()
    script = (
        script.replace("{NUMBERS}", "{" + ",".join(f'"{n}"' for n in numbers) + "}")
        .replace("TOKEN", tokens_for(owner)["access"])
        .replace("SHOP", str(shop_id))
        .replace("PIN", PIN)
    )
    first_entry = LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    port = 18500 + os.getpid() % 1000
    server = start_gunicorn(port, THROTTLE_USER="100000000/min")
    try:
        wrk(port, 3, script.replace("RUN", f"{run}-warm"))
        figures = wrk(port, SECONDS, script.replace("RUN", run))
    finally:
        server.terminate()
        server.wait(timeout=20)
    written = LedgerEntry.objects.filter(pk__gt=first_entry).aggregate(
        earn=Count("pk", filter=Q(kind="earn")), spend=Count("pk", filter=Q(kind="spend"))
    )
    statuses = {k[1:]: int(v) for k, v in figures.items() if k.startswith("s") and k[1:].isdigit()}
    return {
        "cards": len(numbers),
        "clients": CLIENTS,
        "ops_per_second": round(figures["requests"] / figures["seconds"], 1),
        "p50_ms": round(figures["p50"], 2),
        "p95_ms": round(figures["p95"], 2),
        "statuses": statuses,
        "transport_errors": int(figures["errors"]),
        "rows_written_incl_warmup": written,
        "invariant_violations": len(ledger_violations_check()),
    }
