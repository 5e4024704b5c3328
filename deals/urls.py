from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("merchant/flash-deals", api.FlashDealViewSet, basename="merchant-flash-deal")

urlpatterns = router.urls
