from django.urls import path

from . import api

urlpatterns = [
    path("policies/", api.PolicyListView.as_view(), name="policy-list"),
    path("policies/<str:kind>/", api.PolicyDetailView.as_view(), name="policy-detail"),
    path("me/consents/", api.ConsentsView.as_view(), name="my-consents"),
    path("me/consents/<str:kind>/", api.ConsentWithdrawView.as_view(), name="my-consent-withdraw"),
    path("me/export/", api.ExportView.as_view(), name="my-export"),
    path("me/export/download/", api.ExportDownloadView.as_view(), name="my-export-download"),
    path("me/deletion/", api.DeletionView.as_view(), name="my-deletion"),
]
