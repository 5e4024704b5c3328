"""/app/: the consumer app's build, served by WhiteNoise, history routes answered with its index."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def built_app():
    if not (Path(settings.CONSUMER_APP_DIST) / "app" / "index.html").exists():
        pytest.fail("The consumer app is not built: run `make setup`.")


def test_every_app_route_gets_the_index_with_this_deployments_map_tiles(client, settings):
    settings.DASHBOARD_MAP_TILES_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    for path in ("/app/", "/app/orders/12", "/app/coupons/3", "/app/me/notifications"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert '<div id="app">' in html
        assert 'content="https://tiles.example.cn/{z}/{x}/{y}.png"' in html
        assert response["Cache-Control"] == "no-cache"
    assert client.get("/app").status_code == 301  # to /app/


def test_the_apps_files_come_from_its_build_and_nothing_from_elsewhere(client):
    html = client.get("/app/").content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and all(ref.startswith("/app/") for ref in refs), refs  # no CDN
    script = next(ref for ref in refs if ref.endswith(".js"))
    served = client.get(script)
    assert served.status_code == 200
    assert "javascript" in served["Content-Type"]
    assert client.get("/app/sw.js").status_code == 200  # the service worker, at the app's scope
    assert client.get("/app/assets/missing-file.js").status_code == 404  # not the index
    assert client.post("/app/orders/1").status_code == 405
