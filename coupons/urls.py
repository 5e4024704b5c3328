from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import campaigns, consumer, counter
from .api.files import FileNegotiation

router = SimpleRouter()
router.register("merchant/campaigns", campaigns.CampaignViewSet, basename="merchant-campaign")
router.register("merchant/redemptions", counter.RedemptionViewSet, basename="redemption")
router.register("me/coupons", consumer.MyCouponViewSet, basename="my-coupon")

# Files are named like files, without the trailing slash the router would add.
files = [
    path(
        "merchant/campaigns/<int:pk>/stats.csv",
        campaigns.CampaignViewSet.as_view(
            {"get": "stats_csv"}, content_negotiation_class=FileNegotiation
        ),
        name="merchant-campaign-stats-csv",
    ),
    path(
        "me/coupons/<int:pk>/qr.png",
        consumer.MyCouponViewSet.as_view({"get": "qr"}, content_negotiation_class=FileNegotiation),
        name="my-coupon-qr",
    ),
]

urlpatterns = [
    path("shops/<int:pk>/campaigns/", consumer.ShopCampaignsView.as_view(), name="shop-campaigns"),
    path("campaigns/<int:pk>/claim/", consumer.ClaimView.as_view(), name="campaign-claim"),
    *files,
    *router.urls,
]
