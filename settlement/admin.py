from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import CommissionRate, PayoutBatch, SettlementEntry
from .services import batch_totals_check, payout_batch_mark_paid


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    list_display = ["merchant", "rate_bp", "updated_at"]
    raw_id_fields = ["merchant"]
    search_fields = ["merchant__name"]


class EntryInline(admin.TabularInline):
    model = SettlementEntry
    extra = 0
    can_delete = False
    fields = ["order", "kind", "amount_fen", "rate_bp", "commission_fen", "payable_fen"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PayoutBatch)
class PayoutBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "merchant",
        "period_end",
        "entry_count",
        "amount_fen",
        "commission_fen",
        "payable_fen",
        "status",
        "reconciles",
    ]
    list_filter = ["status"]
    search_fields = ["merchant__name"]
    readonly_fields = [f.name for f in PayoutBatch._meta.fields]
    inlines = [EntryInline]
    actions = ["mark_paid"]

    @admin.display(boolean=True, description=_("与明细一致"))
    def reconciles(self, batch):
        return batch_totals_check(batch)

    @admin.action(description=_("标记为已打款"))
    def mark_paid(self, request, queryset):
        for batch in queryset:
            payout_batch_mark_paid(batch=batch)
        self.message_user(request, _("已标记。"), messages.SUCCESS)


@admin.register(SettlementEntry)
class SettlementEntryAdmin(admin.ModelAdmin):
    list_display = ["pk", "merchant", "order", "kind", "amount_fen", "commission_fen", "batch"]
    list_filter = ["kind"]
    raw_id_fields = ["merchant", "order", "batch"]
    readonly_fields = [f.name for f in SettlementEntry._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # append-only
