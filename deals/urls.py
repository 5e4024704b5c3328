from rest_framework.routers import SimpleRouter

from . import api, consumer_api

router = SimpleRouter()
router.register("merchant/flash-deals", api.FlashDealViewSet, basename="merchant-flash-deal")
router.register("flash-deals", consumer_api.FlashDealNearViewSet, basename="flash-deal")

urlpatterns = router.urls
