"""Load N synthetic shops with COPY, in a city-like spread: dense centres, sparse edges.

`shops_load(total)` tops the bench database up to `total` shops (so 10k -> 100k -> 1M reuses
what is there). Secondary indexes are dropped during a large load and rebuilt after it.
"""

import io
import random
import time
from collections.abc import Iterator
from functools import cache

from django.db import connection

from accounts.models import Role, User
from demo.shops import BRANDS, DISTRICTS, SHOP_KINDS
from merchants.models import Category, Merchant, Shop, ShopCategory
from merchants.services import pinyin_of

BATCH = 100_000
METRO_BOX = (121.15, 30.85, 121.85, 31.55)  # lng/lat of greater Shanghai
TABLES = [Shop._meta.db_table, ShopCategory._meta.db_table]


@cache
def part_pinyin(part: str) -> tuple[str, str]:
    return pinyin_of(part)


def name_and_pinyin(brand: str, noun: str, district: str) -> tuple[str, str, str]:
    """The name and its pinyin, pieced from cached parts (pinyin of each whole name is slow)."""
    parts = [part_pinyin(part) for part in (brand, noun, district, "店")]
    name = f"{brand}{noun}（{district}店）"
    return name, "".join(full for full, _ in parts), "".join(first for _, first in parts)


def random_point(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.15:  # the sparse edges
        return rng.uniform(METRO_BOX[0], METRO_BOX[2]), rng.uniform(METRO_BOX[1], METRO_BOX[3])
    _, lat, lng = rng.choice(DISTRICTS)
    return lng + rng.gauss(0, 0.03), lat + rng.gauss(0, 0.025)


def shop_rows(rng, first_id: int, count: int, merchant_id: int, leaves: list[Category]):
    for shop_id in range(first_id, first_id + count):
        leaf = rng.choice(leaves)
        nouns = SHOP_KINDS.get(leaf.slug, (["店"], []))[0]
        district = rng.choice(DISTRICTS)[0]
        name, pinyin, initials = name_and_pinyin(rng.choice(BRANDS), rng.choice(nouns), district)
        lng, lat = random_point(rng)
        location = f"SRID=4326;POINT({lng:.6f} {lat:.6f})"
        shop = (
            f"{shop_id}\t{merchant_id}\t{name}\t{pinyin}\t{initials}\t{district}{leaf.name_zh}\t"
            f"上海市{district}\t{location}\t\t{rng.randint(1, 4)}\tactive\t"
            f"{round(rng.uniform(3, 5), 1)}\t{rng.randint(0, 500)}\tnow()\tnow()\n"
        )
        links = "".join(f"{shop_id}\t{c}\t{location}\n" for c in (leaf.pk, leaf.parent_id))
        yield shop, links


def copy(table: str, columns: list[str], text: str) -> None:
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(text)
        )


SHOP_COLUMNS = [
    "id",
    "merchant_id",
    "name",
    "name_pinyin",
    "name_initials",
    "description",
    "address",
    "location",
    "phone",
    "price_level",
    "status",
    "rating",
    "rating_count",
    "created_at",
    "updated_at",
]


def secondary_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "select indexname, indexdef from pg_indexes where tablename = any(%s) "
            "and indexname not in (select conname from pg_constraint)",
            [TABLES],
        )
        return cursor.fetchall()


def discovery_merchant() -> Merchant:
    """The merchant the synthetic shops belong to: their own, so no other benchmark's merchant
    finds a million shops of its own."""
    owner, _ = User.objects.get_or_create(
        phone="+8613600001000", defaults={"role": Role.MERCHANT_OWNER}
    )
    merchant, _ = Merchant.objects.get_or_create(owner=owner, defaults={"name": "周边发现压测商户"})
    return merchant


def shops_load(total: int, seed: int = 7) -> dict:
    """Top the shop table up to `total` rows; returns the load figures."""
    existing = Shop.objects.count()
    if existing >= total:
        return {"loaded": 0}
    owner_merchant = discovery_merchant()
    leaves = list(Category.objects.filter(parent__isnull=False))
    rng = random.Random(seed + existing)
    count = total - existing
    first_id = (Shop.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    rebuild = secondary_indexes() if count > 50_000 else []
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name, _ in rebuild:
            cursor.execute(f'drop index if exists "{name}"')
        # The rows reference existing merchants and categories by construction; skipping the
        # per-row foreign-key triggers is what makes a million-row COPY take seconds.
        cursor.execute("set session_replication_role = replica")
    for offset in range(0, count, BATCH):
        batch = list(
            shop_rows(rng, first_id + offset, min(BATCH, count - offset), owner_merchant.pk, leaves)
        )
        copy(TABLES[0], SHOP_COLUMNS, "".join(shop for shop, _ in batch))
        copy(
            TABLES[1], ["shop_id", "category_id", "location"], "".join(links for _, links in batch)
        )
        print(f"    loaded {offset + len(batch):>9,}/{count:,} shops", flush=True)
    copied = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("set session_replication_role = default")
        for _, definition in rebuild:
            cursor.execute(definition)
        cursor.execute(
            f"select setval(pg_get_serial_sequence('{TABLES[0]}', 'id'), "
            f"(select max(id) from {TABLES[0]}))"
        )
        for table in TABLES:
            cursor.execute(f"analyze {table}")
    return {
        "loaded": count,
        "copy_seconds": round(copied, 1),
        "index_seconds": round(time.perf_counter() - started - copied, 1),
    }


def shops_reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"truncate {', '.join(TABLES)} restart identity cascade")


def leaf_slugs() -> Iterator[str]:
    return Category.objects.filter(parent__isnull=False, is_public_service=False).values_list(
        "slug", flat=True
    )
