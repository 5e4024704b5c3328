from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import public, shops, staff

router = SimpleRouter()
router.register("categories", staff.CategoryViewSet, basename="category")
router.register("merchant/staff", staff.StaffViewSet, basename="merchant-staff")
router.register("merchant/shops", shops.ShopViewSet, basename="merchant-shop")
router.register("merchant/services", shops.ServiceViewSet, basename="merchant-service")

urlpatterns = [
    path("shops/<int:pk>/", public.ShopDetailView.as_view(), name="shop-detail"),
    *router.urls,
]
