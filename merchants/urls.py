from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("categories", api.CategoryViewSet, basename="category")
router.register("merchant/staff", api.StaffViewSet, basename="merchant-staff")

urlpatterns = router.urls
