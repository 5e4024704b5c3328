"""The project's URLs plus a view that logs and raises with secrets: loaded by a gunicorn
subprocess through ROOT_URLCONF in tests/reliability/test_logs.py."""

import logging

from django.http import JsonResponse
from django.urls import path

from config.urls import handler404, handler500, urlpatterns  # noqa: F401

logger = logging.getLogger("tests.leaky")


def leaky(request):
    secrets = request.GET.dict()
    logger.info("redeeming %s with %s", secrets["qr"], secrets)
    logger.warning("staff login password=%s Authorization: Bearer %s", secrets["password"], "t0k")
    if "fail" in secrets:
        raise ValueError(f"coupon {secrets['qr']} rejected for {secrets}")
    return JsonResponse({})


urlpatterns = [path("leaky/", leaky), *urlpatterns]
