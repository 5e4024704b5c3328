"""Discovery at 10k, 100k and 1M shops: pgbench on the endpoint's own SQL, then the HTTP
endpoint under gunicorn with wrk on loopback (random points, 20 results, anonymous)."""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from bench.data.shops import leaf_slugs, shops_load, shops_reset
from geo.selectors import DiscoverQuery, candidates, first_fetch
from merchants.models import Merchant

ROOT = Path(__file__).resolve().parent.parent.parent
SIZES = (10_000, 100_000, 1_000_000)
POINT_SQL = (
    "ST_SetSRID(ST_MakePoint(121.35 + :x / 1000000.0 * 0.25, 31.10 + :y / 1000000.0 * 0.25), 4326)"
)


def endpoint_sql() -> str:
    """The endpoint's candidate query for pgbench, its point replaced by a random one."""
    query = DiscoverQuery(point=Point(121.45, 31.22, srid=4326), radius_m=2000, limit=20)
    rows = candidates(query, timezone.now())[: first_fetch(query.limit)]
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        literal = cursor.mogrify(sql, params).decode()
    return re.sub(r"ST_GeomFromEWKB\('[^']*'::bytea\)", POINT_SQL, literal)


def pgbench_tps(seconds: int) -> float | None:
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        return None
    db = connection.settings_dict
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(f"\\set x random(0, 1000000)\n\\set y random(0, 1000000)\n{endpoint_sql()};\n")
    result = subprocess.run(
        [
            pgbench,
            "-n",
            "-c",
            "2",
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            script.name,
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
    )
    return float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))


def start_gunicorn(port: int, **extra_env: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "ROOT_URLCONF": "bench.urls",
        "DATABASE_URL": f"postgis://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "PORT": str(port),
        "WEB_CONCURRENCY": os.environ.get("BENCH_WEB_WORKERS", "3"),
        "WEB_THREADS": "1",
        "ACCESS_LOG": "0",
        "THROTTLE_ANON": "100000000/min",  # one client, many requests: measure, not throttle
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        **extra_env,
    }
    process = subprocess.Popen(
        [str(ROOT / "platform" / "bin" / "web")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def wrk(port: int, path: str, seconds: int, connections: int, categories=()) -> dict:
    script = (ROOT / "bench" / "discovery.lua").read_text()
    script = script.replace("PATH_PREFIX", path).replace(
        "{CATEGORIES}", "{" + ", ".join(f'"{c}"' for c in categories) + "}"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            lua.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH "))
    figures = {k: float(v) for k, v in (pair.split("=") for pair in line.split()[1:])}
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def ensure_owner() -> None:
    if not Merchant.objects.exists():
        owner = User.objects.create_user("+8613600000001", None, role=Role.MERCHANT_OWNER)
        Merchant.objects.create(owner=owner, name="bench")


def discovery() -> dict:
    ensure_owner()
    shops_reset()
    port = 18000 + os.getpid() % 1000
    server = start_gunicorn(port)
    figures: dict = {"p50_ms_by_size": {}, "load": {}}
    try:
        for size in SIZES:
            figures["load"][str(size)] = shops_load(size)
            wrk(port, "/api/v1/discover/", 2, 2)  # warm caches at this size
            figures["p50_ms_by_size"][str(size)] = round(
                wrk(port, "/api/v1/discover/", 6, 2)["p50"], 2
            )
            print(f"    {size:>9,} shops: p50 {figures['p50_ms_by_size'][str(size)]} ms")
        figures["raw_sql_tps"] = pgbench_tps(15)
        main = wrk(port, "/api/v1/discover/", 15, 8)
        category = wrk(port, "/api/v1/discover/", 15, 8, categories=list(leaf_slugs()))
        # Last: its slow requests outlive wrk's run and would still load the next measurement.
        naive = wrk(port, "/api/v1/discover-naive/", 10, 8)
    finally:
        server.terminate()
        server.wait(timeout=20)
    figures.update(
        endpoint_rps=round(main["rps"], 1),
        endpoint_p50_ms=round(main["p50"], 2),
        endpoint_p95_ms=round(main["p95"], 2),
        endpoint_errors=int(main["errors"] + main["non2xx"]),
        naive_rps=round(naive["rps"], 1),
        category_endpoint_rps=round(category["rps"], 1),
    )
    sizes = figures["p50_ms_by_size"]
    figures["ratios"] = {
        "endpoint_over_raw_sql (target >= 0.20)": round(
            figures["endpoint_rps"] / figures["raw_sql_tps"], 3
        )
        if figures["raw_sql_tps"]
        else None,
        "endpoint_over_naive (target >= 10)": round(
            figures["endpoint_rps"] / figures["naive_rps"], 1
        ),
        "category_over_endpoint (target >= 0.5)": round(
            figures["category_endpoint_rps"] / figures["endpoint_rps"], 2
        ),
        "p50_1M_over_10k (target <= 1.5)": round(sizes["1000000"] / sizes["10000"], 2),
    }
    return figures
