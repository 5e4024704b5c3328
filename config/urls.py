from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api import healthz, not_found

api_v1 = [
    path("auth/", include("accounts.urls")),
    path("", include("merchants.urls")),
    path("", include("geo.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    re_path(r"^api/", not_found),  # unknown API paths answer in the error shape, DEBUG or not
]

handler404 = "core.api.not_found"
handler500 = "core.api.server_error"
