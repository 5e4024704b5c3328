from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import CustomerExport

from .models import Consent, DataExport, DeletionRequest, PolicyDocument


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    """Platform staff write each version here; a published version is never edited (a change
    is a new version, which asks every user to accept again)."""

    list_display = ["kind", "version", "language", "title", "published_at"]
    list_filter = ["kind", "language"]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at:
            return ["kind", "version", "language", "title", "body", "summary", "published_at"]
        return ["published_at"]

    @admin.action(description=_("发布所选版本"))
    def publish(self, request, queryset):
        count = queryset.filter(published_at__isnull=True).update(published_at=timezone.now())
        self.message_user(request, _("已发布 %(n)d 个版本。") % {"n": count}, messages.SUCCESS)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "version", "channel", "granted_at", "withdrawn_at"]
    list_filter = ["kind", "channel"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False  # the record of what someone agreed to is not edited


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "requested_at", "ready_at", "downloaded_at"]
    exclude = ["file"]  # staff do not download consumers' exports
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "requested_at", "due_at", "completed_at"]
    list_filter = ["status"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CustomerExport)
class CustomerExportAdmin(admin.ModelAdmin):
    """Who took which merchant's customer list, and when (crm's export endpoint records it)."""

    list_display = ["merchant", "by", "by_role", "exported_at", "count"]
    list_filter = ["by_role"]
    raw_id_fields = ["merchant", "by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
