from django.contrib import admin

from .models import Campaign, Coupon, PaperBatch, Redemption


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "merchant", "status", "benefit_kind", "issued_count", "total_quantity"]
    list_filter = ["status", "benefit_kind", "audience"]
    search_fields = ["title", "merchant__name"]
    raw_id_fields = ["merchant", "service"]
    filter_horizontal = ["shops", "levels"]


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ["code", "campaign", "channel", "status", "holder_phone", "valid_until"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "holder_phone"]
    raw_id_fields = ["campaign", "holder", "batch"]


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin):
    """Read-only: redemptions are reversed through the counter, never edited or deleted."""

    list_display = ["coupon", "shop", "staff", "discount_fen", "redeemed_at", "reversed_at"]
    list_filter = ["reversed_at"]
    raw_id_fields = ["coupon", "campaign", "shop", "staff", "reversed_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(PaperBatch)
