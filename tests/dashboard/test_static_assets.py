"""The dashboard's npm assets, built by the set-up, go through collectstatic and are served
by whitenoise from the web process, with no CDN (the machines have no internet)."""

import re
import subprocess
import sys
import urllib.request

import pytest

from tests.conftest import ROOT, process_env, stop
from tests.platform.test_entry_scripts import get, run_web

pytestmark = pytest.mark.django_db


def test_collected_assets_are_served_by_whitenoise_with_hashed_names(tmp_path):
    # The production storage (hashed names, compressed copies), as `make run` collects.
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=process_env(**env),
        check=True,
    )
    process, port = run_web(**env)
    try:
        status, page = get(f"http://127.0.0.1:{port}/dashboard/login/")
        assert status == 200
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.decode())
        assert any(re.search(r"/vendor/htmx\.min\.[0-9a-f]{12}\.js$", a) for a in assets)
        assert any(re.search(r"/vendor/pico\.min\.[0-9a-f]{12}\.css$", a) for a in assets)
        for asset in assets:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{asset}", headers={"Accept-Encoding": "gzip"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                assert response.status == 200
                assert "immutable" in response.headers["Cache-Control"]
                assert response.headers["Content-Encoding"] == "gzip"
        css = (tmp_path / "static" / "dashboard" / "vendor" / "leaflet").glob("leaflet.*.css")
        leaflet_css = next(css).read_text()
        layers = re.search(r"url\(\"?(images/layers\.[0-9a-f]{12}\.png)\"?\)", leaflet_css).group(1)
        status, _ = get(f"http://127.0.0.1:{port}/static/dashboard/vendor/leaflet/{layers}")
        assert status == 200
    finally:
        stop(process)
