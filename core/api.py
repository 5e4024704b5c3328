import sys

# The project's Celery app (config.celery_app) as the current app: config sits above core.
from celery import current_app as celery_app
from django.db import connections
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import csrf, defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from kombu import Connection

from .errors import ServiceUnavailable, error_body
from .faults import RETRY_AFTER_SECONDS, is_unavailable, unavailable_noted


def database_answers() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("select 1")
        return True
    except Exception:
        connections["default"].close()
        return False


def broker_answers() -> bool:
    try:
        with Connection(celery_app.conf.broker_url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, 503 otherwise (for load balancers)."""
    checks = {"database": database_answers(), "broker": broker_answers()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@csrf_exempt  # answers every method alike; a CSRF refusal would hide the 404 behind a 403
def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("未找到。")), status=404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: API clients get the error shape; pages get Django's page."""
    if request.path.startswith("/api/"):
        detail = _("CSRF 校验失败：会话登录的写请求需带 X-CSRFToken 请求头。")
        return JsonResponse(error_body("csrf_failed", detail), status=403)
    return csrf.csrf_failure(request, reason)


def server_error(request):
    """handler500. Outside DRF's views (middleware, Django pages) an outage arrives here too:
    it still answers 503, as DRF's handler does."""
    error = sys.exc_info()[1]
    if is_unavailable(error):
        unavailable_noted(error)
        body = error_body(ServiceUnavailable.code, ServiceUnavailable.message)
        response = JsonResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("server_error", _("服务器内部错误，请稍后重试。")), status=500
        )
    return defaults.server_error(request)
