"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session (each test gets a fresh context: its own cookies), a phone's
screen (390x844) and Chinese as the browser's language. Chromium's camera is a fake one
playing tests/e2e/camera.py's video. Screenshots go to tests/e2e/screenshots/ (git-ignored).
"""

import os
from pathlib import Path

import pytest

from .camera import FakeCamera

# Playwright's sync API keeps an asyncio loop in the test's thread; Django refuses ORM calls
# from such a thread unless told that this is not async code (it is not: the loop is idle).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="session")
def fake_camera(tmp_path_factory) -> FakeCamera:
    return FakeCamera(tmp_path_factory.mktemp("camera") / "camera.y4m")


@pytest.fixture(scope="session")
def browser(fake_camera):
    from playwright.sync_api import sync_playwright

    for stale in SCREENSHOTS.glob("FAILED-*.png"):
        stale.unlink()
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make setup` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_FLAGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={fake_camera.path}",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def page(request, browser, live_server, settings):
    # No network here: the map's tiles come from a closed local port and fail at once.
    settings.DASHBOARD_MAP_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    page = phone_page(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    if getattr(request.node, "call_failed", False):  # what the page showed when it failed
        screenshot(page, f"FAILED-{request.node.name}")
    page.context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def phone_page(browser, live_server):
    """A new page in a context of its own (its own cookies): a phone in Shanghai."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        permissions=["camera", "geolocation"],
        geolocation={"latitude": 31.2397, "longitude": 121.4998},  # 陆家嘴
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
