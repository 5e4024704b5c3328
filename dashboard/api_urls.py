from django.urls import path

from . import api

urlpatterns = [
    path("merchant/counter/scan/", api.CounterScanView.as_view(), name="merchant-counter-scan"),
]
