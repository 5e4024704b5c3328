from django.urls import path

from . import api

urlpatterns = [
    path(
        "payments/notify/<slug:backend>/",
        api.GatewayNotificationView.as_view(),
        name="payment-notify",
    ),
]
