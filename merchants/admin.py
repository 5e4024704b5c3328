from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.utils.translation import gettext_lazy as _

from .models import Category, Merchant, Service, Shop, StaffMember
from .services import merchants_verify


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "parent", "is_public_service", "sort_order"]
    list_filter = ["parent", "is_public_service"]


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "licence_name", "licence_number", "verified_at", "created_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "owner__phone", "licence_name", "licence_number"]
    raw_id_fields = ["owner"]
    readonly_fields = ["verified_at", "verified_by"]
    actions = ["verify", "unverify"]

    @admin.action(description=_("核验通过（已核对营业执照）"))
    def verify(self, request, queryset):
        done = merchants_verify(merchants=queryset, staff=request.user)
        self.message_user(request, _("已核验 %(count)d 个商户。") % {"count": done})

    @admin.action(description=_("撤销核验"))
    def unverify(self, request, queryset):
        done = merchants_verify(merchants=queryset, staff=request.user, verified=False)
        self.message_user(request, _("已撤销 %(count)d 个商户的核验。") % {"count": done})


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
