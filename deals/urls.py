from rest_framework.routers import SimpleRouter

from . import api, api_consumer

router = SimpleRouter()
router.register("merchant/flash-deals", api.FlashDealViewSet, basename="merchant-flash-deal")
router.register("flash-deals", api_consumer.FlashDealNearViewSet, basename="flash-deal")

urlpatterns = router.urls
