"""The consumer app's first load: JS and CSS bytes (gzipped) fetched to show /app/, and the time
from opening /app/ to the first list of shops, in headless Chromium (Debian's) at 390x844 with
the location granted, against gunicorn on loopback. Each run is a fresh browser context: no HTTP
cache and no service worker yet, as a first visit."""

import gzip
import os
import statistics
import time
from pathlib import Path

from django.conf import settings

from merchants.models import Category, Merchant, Shop
from merchants.services import shop_create

from .discovery import ensure_owner, start_gunicorn

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HERE = {"latitude": 31.2323, "longitude": 121.4751}  # 人民广场
BUDGET_BYTES = 250 * 1024
RUNS = int(os.environ.get("BENCH_APP_RUNS", "5"))


def ensure_shops_near(count: int = 30) -> None:
    """A screenful of shops around the point (the discovery benchmark may have left more)."""
    near = Shop.objects.filter(name__startswith="基准门店").count()
    ensure_owner()
    merchant = Merchant.objects.order_by("pk").first()
    hair = Category.objects.get(slug="hair")
    for n in range(near, count):
        shop_create(
            merchant=merchant,
            name=f"基准门店{n}",
            categories=[hair],
            address="上海市黄浦区人民大道",
            lat=HERE["latitude"] + (n % 6 - 3) * 0.001,
            lng=HERE["longitude"] + (n // 6 - 2) * 0.001,
        )


def first_load(browser, base_url: str) -> tuple[float, int]:
    """Milliseconds to the first shop in the list, and the gzipped JS+CSS bytes fetched."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation=HERE,
    )
    page = context.new_page()
    assets: list = []
    page.on(
        "response",
        lambda r: assets.append(r) if r.url.split("?")[0].endswith((".js", ".css")) else None,
    )
    started = time.perf_counter()
    page.goto(f"{base_url}/app/")
    page.locator("[data-test=shop]").first.wait_for(timeout=30_000)
    elapsed = (time.perf_counter() - started) * 1000
    size = 0
    for response in assets:
        if "/sw.js" in response.url or "workbox-" in response.url:
            continue  # the service worker installs after the first screen; not on its path
        size += len(gzip.compress(response.body(), compresslevel=9))
    context.close()
    return elapsed, size


def consumer_app() -> dict:
    if not (Path(settings.CONSUMER_APP_DIST) / "app" / "index.html").exists():
        return {"error": "consumer app not built (make setup)"}
    from playwright.sync_api import sync_playwright

    ensure_shops_near()
    port = 19000 + os.getpid() % 1000
    server = start_gunicorn(port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            runs = [first_load(browser, f"http://127.0.0.1:{port}") for _ in range(RUNS)]
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    times = sorted(ms for ms, _ in runs)
    first_load_bytes = runs[-1][1]
    return {
        "first_load_js_css_gzip_bytes": first_load_bytes,
        "budget_bytes": BUDGET_BYTES,
        "within_budget": first_load_bytes <= BUDGET_BYTES,
        "first_shops_ms_median": round(statistics.median(times)),
        "first_shops_ms_max": round(times[-1]),
        "runs": RUNS,
    }
