from django.contrib import admin

from .models import Payment, PaymentIssue, Reconciliation, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    readonly_fields = [
        "amount_fen",
        "status",
        "reason",
        "refund_no",
        "external_reference",
        "created_by",
        "created_at",
        "succeeded_at",
    ]
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["pk", "merchant", "payer", "amount_fen", "purpose", "backend", "status"]
    list_filter = ["backend", "status", "purpose"]
    search_fields = ["reference", "trade_no", "external_reference"]
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline]

    def has_add_permission(self, request):
        return False


@admin.register(PaymentIssue)
class PaymentIssueAdmin(admin.ModelAdmin):
    """What platform staff must look at: notifications that did not match, refunds that
    failed, statement lines that differ from our books. Staff only mark them handled."""

    list_display = [
        "created_at",
        "kind",
        "backend",
        "number",
        "day",
        "expected_fen",
        "actual_fen",
        "detail",
        "resolved",
    ]
    list_filter = ["resolved", "kind", "backend", "day"]
    search_fields = ["number", "detail"]
    readonly_fields = [f.name for f in PaymentIssue._meta.fields if f.name != "resolved"]
    list_editable = ["resolved"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reconciliation)
class ReconciliationAdmin(admin.ModelAdmin):
    list_display = ["day", "backend", "payments", "refunds", "mismatches", "created_at"]
    list_filter = ["backend"]
    readonly_fields = [f.name for f in Reconciliation._meta.fields]

    def has_add_permission(self, request):
        return False
