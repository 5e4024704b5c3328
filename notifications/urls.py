from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, callbacks

router = SimpleRouter()
router.register("me/inbox", api.InboxViewSet, basename="inbox")
router.register("me/devices", api.DeviceViewSet, basename="my-device")

urlpatterns = [
    path(
        "me/notification-preferences/",
        api.PreferenceView.as_view(),
        name="notification-preferences",
    ),
    path(
        "me/marketing-consents/",
        api.MarketingConsentListView.as_view(),
        name="my-marketing-consents",
    ),
    path(
        "me/marketing-consents/<int:merchant_id>/",
        api.MarketingConsentView.as_view(),
        name="my-marketing-consent",
    ),
    path(
        "sms/callbacks/<str:gateway>/<str:kind>/<str:token>/",
        callbacks.SmsCallbackView.as_view(),
        name="sms-callback",
    ),
    *router.urls,
]
