from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("merchant/settlement/entries", api.EntryViewSet, basename="settlement-entry")
router.register("merchant/payouts", api.PayoutBatchViewSet, basename="payout-batch")

urlpatterns = router.urls
