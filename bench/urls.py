"""The platform's URLs plus a naive discovery endpoint, for comparison in `make bench`."""

from django.urls import path
from django.utils import timezone
from rest_framework.response import Response

from config.urls import urlpatterns as platform_urls
from geo.api import DiscoverView, ShopSummarySerializer
from geo.selectors import candidates, shops_discover


def naive_candidates(query, now):
    """What most GeoDjango code does: ORDER BY the annotated Distance (no KNN index order)."""
    return candidates(query, now).order_by("geodesic", "pk")


class NaiveDiscoverView(DiscoverView):
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = shops_discover(
            self.query_from(params.validated_data), timezone.now(), candidates=naive_candidates
        )
        data = ShopSummarySerializer(page.shops, many=True, context={"request": request}).data
        return Response({"next": None, "next_cursor": None, "results": data})


urlpatterns = [
    path("api/v1/discover-naive/", NaiveDiscoverView.as_view()),
    *platform_urls,
]
