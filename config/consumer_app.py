"""The consumer's phone web app at /app/ (consumer_app/, built by the set-up into dist/app/).

WhiteNoise serves its files (WHITENOISE_ROOT is the dist folder, so /app/assets/… are plain
files); every other /app/… path is a history-mode route of the app and gets its index.html,
with the map tiles of this deployment filled in.
"""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_safe

TILES_PLACEHOLDER = '<meta name="o2o-map-tiles" content="" />'


def app_index() -> Path:
    return Path(settings.CONSUMER_APP_DIST) / "app" / "index.html"


@require_safe
def app_shell(request: HttpRequest, path: str = "") -> HttpResponse:
    if path.startswith("assets/") or Path(path).suffix:
        raise Http404(path)  # a missing file, not a route: no index.html in its place
    index = app_index()
    if not index.exists():
        return HttpResponse(
            "消费者应用尚未构建：请运行 make setup。\n"
            "The consumer app is not built: run make setup.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    tiles = escape(settings.DASHBOARD_MAP_TILES_URL)
    html = index.read_text(encoding="utf-8").replace(
        TILES_PLACEHOLDER, f'<meta name="o2o-map-tiles" content="{tiles}" />'
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # a new build is picked up at the next visit
    return response
