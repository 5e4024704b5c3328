from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.consumer_app import app_shell
from core.api import healthz, not_found

api_v1 = [
    path("auth/", include("accounts.urls")),
    path("", include("merchants.urls")),
    path("", include("geo.urls")),
    path("", include("loyalty.urls")),
    path("", include("coupons.urls")),
    path("", include("consumers.urls")),
    path("", include("settlement.urls")),
    path("", include("notifications.urls")),
    path("", include("deals.urls")),
    path("", include("crm.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(pattern_name="dashboard:home"), name="root"),
    path("admin/", admin.site.urls),
    path("dashboard/", include("dashboard.urls")),
    # The consumer app (Vue, history mode): its files come from WhiteNoise, its routes from here.
    re_path(r"^app/(?P<path>.*)$", app_shell, name="consumer-app"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Unknown API paths answer in the error shape, DEBUG or not.
    re_path(r"^api/", not_found, name="api-not-found"),
]

# Uploaded photos while DEBUG (make run); in production a web server or object store serves them.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "core.api.not_found"
handler500 = "core.api.server_error"
