"""/app/: the consumer app's build, served by WhiteNoise, history routes answered with its index."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

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


def app_copy(tmp_path: Path) -> Path:
    """The app's sources in a folder of their own (its node_modules linked), so generating
    types from another schema leaves the real ones alone."""
    source = Path(settings.BASE_DIR) / "consumer_app"
    copy = tmp_path / "consumer_app"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("node_modules", "dist"))
    (copy / "node_modules").symlink_to(source / "node_modules")
    return copy


def type_check(app: Path, schema: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SCHEMA": str(schema)}
    subprocess.run(["npm", "run", "--silent", "gen"], cwd=app, env=env, check=True,
                   capture_output=True)  # fmt: skip
    return subprocess.run(["npm", "run", "--silent", "check"], cwd=app, capture_output=True,
                          text=True)  # fmt: skip


def test_a_schema_change_that_breaks_the_app_fails_its_type_check(tmp_path):
    if not (Path(settings.BASE_DIR) / "consumer_app" / "node_modules").exists():
        pytest.fail("The consumer app's packages are missing: run `make setup`.")
    schema = tmp_path / "openapi.yml"
    call_command("spectacular", "--file", str(schema))
    app = app_copy(tmp_path)
    assert type_check(app, schema).returncode == 0

    # Discovery's `radius_m` renamed `radius_metres`: the discover screen no longer type-checks.
    document = yaml.safe_load(schema.read_text())
    for parameter in document["paths"]["/api/v1/discover/"]["get"]["parameters"]:
        if parameter["name"] == "radius_m":
            parameter["name"] = "radius_metres"
    schema.write_text(yaml.safe_dump(document, allow_unicode=True))
    broken = type_check(app, schema)
    assert broken.returncode != 0
    assert "DiscoverView.vue" in broken.stdout + broken.stderr
