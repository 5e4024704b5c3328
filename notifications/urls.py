from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("me/inbox", api.InboxViewSet, basename="inbox")
router.register("me/devices", api.DeviceViewSet, basename="my-device")

urlpatterns = [
    path(
        "me/notification-preferences/",
        api.PreferenceView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
