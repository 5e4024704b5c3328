from django.contrib import admin

from .models import CardProgram, LedgerEntry, Level, MembershipCard, TopUpBonusTier


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


class BonusTierInline(admin.TabularInline):
    model = TopUpBonusTier
    extra = 0


@admin.register(CardProgram)
class CardProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "merchant", "top_up_enabled", "created_at"]
    search_fields = ["name", "merchant__name"]
    inlines = [LevelInline, BonusTierInline]


class LedgerInline(admin.TabularInline):
    """Read-only: the ledger is append-only (the database refuses changes too)."""

    model = LedgerEntry
    fk_name = "card"
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "points_delta", "balance_delta_fen", "points_after"]
    fields += ["balance_after_fen", "reference", "created_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MembershipCard)
class MembershipCardAdmin(admin.ModelAdmin):
    list_display = ["number", "program", "consumer", "level", "status", "points", "balance_fen"]
    list_filter = ["status"]
    search_fields = ["number", "consumer__phone"]
    readonly_fields = ["points", "balance_fen", "password", "number"]
    inlines = [LedgerInline]
