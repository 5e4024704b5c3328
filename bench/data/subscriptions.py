"""Load N synthetic consumers, each with one flash-deal subscription, with COPY.

Homes spread like the shops of bench/data/shops.py (dense district centres, sparse edges);
radii 500 m-3 km; categories mostly dining (the bench's deal is a hotpot shop's). The coverage
polygons are computed in SQL after the COPY, then the GiST index is built once.
"""

import io
import random
import time

from django.db import connection

from geo.models import Subscription
from merchants.models import Category

from .shops import random_point

BATCH = 100_000
RADII = (500, 1000, 2000, 3000)
PHONE_BASE = 15_000_000_000
INDEXES = [  # as geo.models.Subscription declares them
    ("subscription_category_coverage", "(category_id, coverage) where active"),
    ("subscription_shop_coverage", "(shop_id, coverage) where active and shop_id is not null"),
]


def copy(table: str, columns: list[str], text: str) -> None:
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(text)
        )


def category_picker(rng: random.Random):
    hotpot = Category.objects.get(slug="hotpot").pk
    dining = Category.objects.get(slug="dining").pk
    others = list(Category.objects.exclude(pk__in=[hotpot, dining]).values_list("pk", flat=True))

    def pick() -> int:
        roll = rng.random()
        if roll < 0.13:
            return hotpot
        if roll < 0.30:
            return dining
        return rng.choice(others)

    return pick


def bench_subscriptions() -> int:
    return Subscription.objects.filter(consumer__phone__startswith="+8615").count()


def subscriptions_load(total: int, seed: int = 11) -> dict:
    """Top the bench's subscriptions up to `total` (one consumer each)."""
    existing = bench_subscriptions()
    if existing >= total:
        return {"loaded": 0}
    rng = random.Random(seed + existing)
    pick = category_picker(rng)
    with connection.cursor() as cursor:
        cursor.execute("select coalesce(max(id), 0) from accounts_user")
        first_user = cursor.fetchone()[0] + 1
        for name, _ in INDEXES:
            cursor.execute(f"drop index if exists {name}")
        cursor.execute("set session_replication_role = replica")  # no FK or audit triggers
    started = time.perf_counter()
    count = total - existing
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        users, subscriptions = [], []
        for index in range(offset, offset + size):
            user_id = first_user + index
            phone = f"+86{PHONE_BASE + existing + index}"
            users.append(f"{user_id}\t!\t{phone}\t\tconsumer\tt\tf\tf\tnow()\n")
            lng, lat = random_point(rng)
            subscriptions.append(
                f"{user_id}\t{pick()}\t{rng.choice(RADII)}\tt\tnow()\t"
                f"SRID=4326;POINT({lng:.6f} {lat:.6f})\n"
            )
        copy(
            "accounts_user",
            [
                "id",
                "password",
                "phone",
                "name",
                "role",
                "is_active",
                "is_staff",
                "is_superuser",
                "date_joined",
            ],
            "".join(users),
        )
        copy(
            "geo_subscription",
            ["consumer_id", "category_id", "radius_m", "active", "created_at", "anchor"],
            "".join(subscriptions),
        )
        print(f"    loaded {offset + size:>9,}/{count:,} subscriptions", flush=True)
    copied = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("set session_replication_role = default")
        cursor.execute(
            "select setval(pg_get_serial_sequence('accounts_user', 'id'), "
            "(select max(id) from accounts_user))"
        )
        # The same polygons geo.services.subscriptions_coverage_refresh makes.
        cursor.execute(
            "update geo_subscription set coverage = "
            "ST_Buffer(anchor, radius_m, 'quad_segs=16')::geometry where coverage is null"
        )
        covered = time.perf_counter() - started - copied
        for name, definition in INDEXES:
            cursor.execute(f"create index {name} on geo_subscription using gist {definition}")
        cursor.execute("analyze accounts_user")
        cursor.execute("analyze geo_subscription")
    return {
        "loaded": count,
        "copy_seconds": round(copied, 1),
        "coverage_seconds": round(covered, 1),
        "index_seconds": round(time.perf_counter() - started - copied - covered, 1),
    }
