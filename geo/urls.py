from django.urls import path

from . import api

urlpatterns = [path("discover/", api.DiscoverView.as_view(), name="discover")]
