"""Platform staff: orders (read-only history), disputes to decide, reported reviews to moderate.

Decisions go through the same services as the API, so a refund reverses payment, points and
settlement exactly as anywhere else.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import (
    Dispute,
    DisputeStatus,
    Order,
    OrderEvent,
    ReportStatus,
    Review,
    ReviewPhoto,
    ReviewReport,
    ReviewStatus,
    ShopOrderPolicy,
    TimeSlot,
)
from .services import dispute_resolve, review_moderate


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "event", "from_state", "to_state", "actor", "actor_role", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class DisputeInline(admin.TabularInline):
    model = Dispute
    extra = 0
    can_delete = False
    fields = ["side", "reason", "status", "resolution_note", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["code", "shop", "consumer", "kind", "state", "amount_fen", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["code", "shop__name", "consumer__phone"]
    inlines = [OrderEventInline, DisputeInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields]  # orders change only through services

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ["pk", "order", "side", "status", "created_at", "resolved_at"]
    list_filter = ["status", "side"]
    search_fields = ["order__code", "reason"]
    readonly_fields = ["order", "opened_by", "side", "reason", "status", "resolved_by"]
    fields = [*readonly_fields, "resolution_note"]
    actions = ["decide_for_consumer", "decide_for_merchant"]

    def has_add_permission(self, request):
        return False

    def decide(self, request, queryset, *, for_consumer: bool):
        decided = 0
        for dispute in queryset.filter(status=DisputeStatus.OPEN):
            dispute_resolve(
                dispute=dispute,
                staff=request.user,
                for_consumer=for_consumer,
                note=dispute.resolution_note,
            )
            decided += 1
        self.message_user(request, _("已处理 %d 条争议。") % decided, messages.SUCCESS)

    @admin.action(description=_("支持用户：全额退款"))
    def decide_for_consumer(self, request, queryset):
        self.decide(request, queryset, for_consumer=True)

    @admin.action(description=_("支持商家：确认消费"))
    def decide_for_merchant(self, request, queryset):
        self.decide(request, queryset, for_consumer=False)


class ReviewReportInline(admin.TabularInline):
    model = ReviewReport
    extra = 0
    fields = ["reporter", "reason", "text", "status", "counts", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReviewPhotoInline(admin.TabularInline):
    model = ReviewPhoto
    extra = 0
    fields = ["image", "thumbnail"]
    readonly_fields = fields


class PendingReportsFilter(admin.SimpleListFilter):
    title = _("举报")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("pending", _("有待审核的举报"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(reports__status=ReportStatus.PENDING).distinct()
        return queryset


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reported reviews: their reports wait as "pending" (a review past the automatic rule is
    also hidden); keep them or remove them."""

    list_display = ["pk", "shop", "rating", "is_verified", "status", "created_at"]
    list_filter = [PendingReportsFilter, "status", "is_verified", "rating"]
    search_fields = ["text", "shop__name"]
    readonly_fields = [
        "shop",
        "consumer",
        "order",
        "is_verified",
        "rating",
        "text",
        "status",
        "reply_text",
        "replied_at",
    ]
    inlines = [ReviewReportInline, ReviewPhotoInline]
    actions = ["keep", "remove"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("审核通过：恢复展示"))
    def keep(self, request, queryset):
        for review in queryset:
            pending = review.reports.filter(status=ReportStatus.PENDING).exists()
            if pending or review.status != ReviewStatus.VISIBLE:
                review_moderate(review=review, keep=True)

    @admin.action(description=_("删除：不再展示，不计入评分"))
    def remove(self, request, queryset):
        for review in queryset.exclude(status=ReviewStatus.REMOVED):
            review_moderate(review=review, keep=False)


@admin.register(TimeSlot)
class TimeSlotAdmin(admin.ModelAdmin):
    list_display = ["pk", "shop", "service", "resource_name", "starts_at", "capacity", "booked"]
    raw_id_fields = ["shop", "service"]
    readonly_fields = ["booked"]


@admin.register(ShopOrderPolicy)
class ShopOrderPolicyAdmin(admin.ModelAdmin):
    list_display = ["shop", "requires_acceptance", "cancel_cutoff_minutes", "service_mode"]
    raw_id_fields = ["shop"]
