from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .errors import AlreadyDecided
from .models import BannedWord, ItemStatus, ModerationItem
from .services import moderation_decide


@admin.register(BannedWord)
class BannedWordAdmin(admin.ModelAdmin):
    list_display = ["word", "normalised", "mode", "variants", "active", "note", "created_at"]
    list_filter = ["mode", "variants", "active"]
    search_fields = ["word", "normalised", "note"]


@admin.register(ModerationItem)
class ModerationItemAdmin(admin.ModelAdmin):
    """The queue: staff approve (the text goes public) or reject (it never does). Each
    decision is audited (audit.ModerationItemEvent: who, when, from which page)."""

    list_display = ["subject", "object_id", "field", "text", "hits", "status", "created_at"]
    list_filter = ["status", "subject"]
    readonly_fields = [f.name for f in ModerationItem._meta.fields]
    actions = ["approve", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("status", "created_at")

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, approve: bool) -> None:
        done = 0
        for item in queryset.filter(status=ItemStatus.PENDING):
            try:
                moderation_decide(item_id=item.pk, approve=approve, by=request.user)
                done += 1
            except AlreadyDecided:
                continue
        self.message_user(request, _("已处理 %(n)d 条。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("通过（公开）"))
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("驳回（不公开）"))
    def reject(self, request, queryset):
        self._decide(request, queryset, False)
