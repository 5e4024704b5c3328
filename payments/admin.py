from django.contrib import admin

from .models import Payment, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    readonly_fields = ["amount_fen", "reason", "external_reference", "created_by", "created_at"]
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["pk", "merchant", "payer", "amount_fen", "purpose", "backend", "status"]
    list_filter = ["backend", "status", "purpose"]
    search_fields = ["reference", "external_reference"]
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline]

    def has_add_permission(self, request):
        return False
