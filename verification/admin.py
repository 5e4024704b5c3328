from django.contrib import admin

from .models import SmsCode


@admin.register(SmsCode)
class SmsCodeAdmin(admin.ModelAdmin):
    list_display = ["phone", "purpose", "created_at", "attempts", "used_at", "client_address"]
    list_filter = ["purpose"]
    search_fields = ["phone"]
    exclude = ["code_hash"]
    readonly_fields = ["phone", "purpose", "created_at", "expires_at", "attempts", "used_at"]
