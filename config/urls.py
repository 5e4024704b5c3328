from captcha.views import captcha_image
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api import healthz, not_found
from core.throttling import sign_in_throttled
from notifications.callbacks import unsubscribe

# Every sign-in page has the API's per-address sign-in rate (core.throttling), the admin's too.
admin.site.login = sign_in_throttled(admin.site.login)

api_v1 = [
    path("auth/", include("accounts.urls")),
    path("auth/", include("verification.urls")),
    path("", include("merchants.urls")),
    path("", include("geo.urls")),
    path("", include("loyalty.urls")),
    path("", include("coupons.urls")),
    path("", include("consumers.urls")),
    path("", include("settlement.urls")),
    path("", include("notifications.urls")),
    path("", include("deals.urls")),
    path("", include("crm.urls")),
    path("", include("privacy.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(pattern_name="dashboard:home"), name="root"),
    path("admin/", admin.site.urls),
    path("sms/unsubscribe/<str:token>/", unsubscribe, name="sms-unsubscribe"),
    # The image of a sign-in challenge (GET /api/v1/auth/captcha/ names it).
    re_path(r"^captcha/image/(?P<key>\w+)/$", captcha_image, {"scale": 1}, name="captcha-image"),
    path("dashboard/", include("dashboard.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Unknown API paths answer in the error shape, DEBUG or not.
    re_path(r"^api/", not_found, name="api-not-found"),
]

# Uploaded photos from the web process under `make run` (DEBUG) and docker compose (SERVE_MEDIA,
# DEBUG off); in production a web server or object store serves them.
if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

handler404 = "core.api.not_found"
handler500 = "core.api.server_error"
