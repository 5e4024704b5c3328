"""Flash-deal fan-out on 1,000,000 subscriptions: the matching query in the densest area
(through the ORM, and the same predicate as plain SQL), then publish -> last inbox row with
one real Celery worker."""

import os
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import override_settings

from accounts.models import Role, User
from bench.data.subscriptions import subscriptions_load
from bench.stats import latency
from config.celery_app import app
from deals.models import FlashDeal
from deals.services import flash_deal_create, flash_deal_publish
from geo.matching import shop_category_ids, subscribers_near
from merchants.models import Category, Merchant
from merchants.services import shop_create
from notifications.models import InboxMessage, PushCounter

ROOT = Path(__file__).resolve().parent.parent.parent
TOTAL = 1_000_000
CENTRE = (31.2286, 121.4481)  # 静安: where four district spreads overlap, the densest area
TARGET_REACH = 15_000
RADII = (500, 1000, 1500, 2000, 3000, 5000)

ARM_SQL = """
    SELECT consumer_id FROM geo_subscription
    WHERE active AND {key} = %s
      AND ST_Intersects(coverage, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
      AND ST_DWithin(anchor, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)
"""


def raw_sql(categories: list[int]) -> str:
    """The same predicate as geo.matching.subscribers_near, written by hand."""
    arms = [ARM_SQL.format(key="category_id")] * len(categories) + [ARM_SQL.format(key="shop_id")]
    return " UNION ".join(arms)


def median_ms(call, repeat: int = 15) -> float:
    return round(latency(call, repeat)["p50_ms"], 1)


def bench_shop():
    owner = User.objects.filter(phone="+8613600000077").first()
    if owner is None:
        owner = User.objects.create_user("+8613600000077", None, role=Role.MERCHANT_OWNER)
        Merchant.objects.create(owner=owner, name="闪购压测")
    merchant = owner.merchant
    shop = merchant.shops.first()
    if shop is None:
        shop = shop_create(
            merchant=merchant,
            name="压测火锅（静安店）",
            categories=[Category.objects.get(slug="hotpot")],
            address="上海市静安区",
            lat=CENTRE[0],
            lng=CENTRE[1],
        )
    return merchant, shop


def start_worker(queue: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgis://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.TEST_REDIS_URL,
        "CELERY_QUEUES": f"{queue},notifications",
        "CELERY_CONCURRENCY": "1",
        "CELERY_HOSTNAME": f"bench-fanout-{os.getpid()}@%h",
        "FLASH_DEAL_FANOUT_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
    }
    process = subprocess.Popen(
        [str(ROOT / "platform" / "bin" / "worker")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(
        destination=[env["CELERY_HOSTNAME"].replace("%h", os.uname()[1])], timeout=0.5
    ):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the bench worker did not start")
    return process


def end_to_end(merchant, shop, radius: int, reach: int) -> dict:
    queue = f"fanout-bench-{os.getpid()}"
    PushCounter.objects.all().delete()  # each run meets the same daily caps
    worker = start_worker(queue)
    try:
        with override_settings(FLASH_DEAL_FANOUT_QUEUE=queue):
            deal = flash_deal_create(
                merchant=merchant,
                shop=shop,
                title="压测闪购",
                benefit_kind="amount_off",
                amount_off_fen=1000,
                total_quantity=100_000,
                duration_minutes=60,
                target="radius",
                radius_m=radius,
            )
            started = time.time()
            flash_deal_publish(deal=deal)
        deadline = time.monotonic() + 300
        while FlashDeal.objects.get(pk=deal.pk).fanout_finished_at is None:
            if time.monotonic() > deadline:
                raise RuntimeError("the fan-out did not finish in 5 minutes")
            time.sleep(0.02)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        app.control.purge()  # the pushes not yet delivered: the bench measures the fan-out
    deal.refresh_from_db()
    rows = InboxMessage.objects.filter(dedupe_key=deal.dedupe_key)
    first = rows.order_by("created_at").values_list("created_at", flat=True).first()
    last = rows.order_by("-created_at").values_list("created_at", flat=True).first()
    count = rows.count()
    # The last batch's rows commit just before the task marks the fan-out finished: the
    # end is that mark (the rows' created_at is their batch's start).
    return {
        "inbox_rows": count,
        "end_to_end_s": round(deal.fanout_finished_at.timestamp() - started, 2),
        "fanout_task_s": round(
            (deal.fanout_finished_at - deal.fanout_started_at).total_seconds(), 2
        ),
        "inbox_rows_per_s": round(count / max((last - first).total_seconds(), 1e-3)),
        "reach_matches_inbox": count == reach,
    }


def fanout() -> dict:
    figures: dict = {"load": subscriptions_load(TOTAL)}
    merchant, shop = bench_shop()
    categories = shop_category_ids(shop)
    lat, lng = CENTRE

    def matched(radius: int) -> list[int]:
        rows = subscribers_near(
            shop_id=shop.pk, lng=lng, lat=lat, category_ids=categories, radius_m=radius
        )
        return list(rows)

    reach_by_radius = {r: len(matched(r)) for r in RADII}
    radius = min(RADII, key=lambda r: abs(reach_by_radius[r] - TARGET_REACH))
    sql = raw_sql(categories)
    params = [
        value for key in [*categories, shop.pk] for value in (key, lng, lat, lng, lat, radius)
    ]

    def raw() -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    assert sorted(r for (r,) in raw()) == sorted(matched(radius))
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN "
            + str(
                subscribers_near(
                    shop_id=shop.pk, lng=lng, lat=lat, category_ids=categories, radius_m=radius
                ).query
            )
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    figures.update(
        subscriptions=TOTAL,
        reach_by_deal_radius_m={str(k): v for k, v in reach_by_radius.items()},
        deal_radius_m=radius,
        reach=reach_by_radius[radius],
        match_uses_coverage_index="subscription_category_coverage" in plan,
        match_ms=median_ms(lambda: matched(radius)),
        raw_match_ms=median_ms(raw),
    )
    figures["match_over_raw (target <= 2)"] = round(
        figures["match_ms"] / figures["raw_match_ms"], 2
    )
    figures.update(end_to_end(merchant, shop, radius, figures["reach"]))
    figures["end_to_end_target_s"] = 5
    return figures
