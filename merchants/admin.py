from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from .models import Category, Merchant, Service, Shop, StaffMember


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "parent", "is_public_service", "sort_order"]
    list_filter = ["parent", "is_public_service"]


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created_at"]
    search_fields = ["name", "owner__phone"]
    raw_id_fields = ["owner"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "merchant", "permissions"]
    raw_id_fields = ["user", "merchant"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


@admin.register(Shop)
class ShopAdmin(GISModelAdmin):
    list_display = ["name", "merchant", "status", "price_level", "updated_at"]
    list_filter = ["status", "categories"]
    list_editable = ["status"]  # platform staff suspend or hide a shop from the list
    search_fields = ["name", "address", "merchant__name"]
    raw_id_fields = ["merchant"]
    inlines = [ServiceInline]
