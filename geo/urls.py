from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, consumer_api

router = SimpleRouter()
router.register("me/places", consumer_api.PlaceViewSet, basename="my-place")
router.register("me/subscriptions", consumer_api.SubscriptionViewSet, basename="my-subscription")
router.register("me/check-ins", consumer_api.CheckInViewSet, basename="my-check-in")

urlpatterns = [
    path("discover/", api.DiscoverView.as_view(), name="discover"),
    path("me/activity-area/", consumer_api.ActivityAreaView.as_view(), name="my-activity-area"),
    path(
        "me/activity-area/refresh/",
        consumer_api.ActivityAreaRefreshView.as_view(),
        name="my-activity-area-refresh",
    ),
    *router.urls,
]
