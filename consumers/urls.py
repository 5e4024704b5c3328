from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import me, merchant, public

router = SimpleRouter()
router.register("me/orders", me.MyOrderViewSet, basename="my-order")
router.register("me/reviews", me.MyReviewViewSet, basename="my-review")
router.register("merchant/orders", merchant.MerchantOrderViewSet, basename="merchant-order")
router.register("merchant/slots", merchant.MerchantSlotViewSet, basename="merchant-slot")
router.register("merchant/reviews", merchant.MerchantReviewViewSet, basename="merchant-review")

urlpatterns = [
    path("shops/<int:shop_id>/slots/", public.ShopSlotsView.as_view(), name="shop-slots"),
    path(
        "shops/<int:shop_id>/order-policy/",
        public.ShopOrderPolicyView.as_view(),
        name="shop-order-policy",
    ),
    path("shops/<int:shop_id>/reviews/", public.ShopReviewsView.as_view(), name="shop-reviews"),
    path(
        "reviews/<int:review_id>/report/", public.ReviewReportView.as_view(), name="review-report"
    ),
    path(
        "merchant/order-policies/<int:shop_id>/",
        merchant.OrderPolicyView.as_view(),
        name="merchant-order-policy",
    ),
    *router.urls,
]
