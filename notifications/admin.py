from django.contrib import admin

from .models import MarketingConsent, MarketingOptOut, OutboxMessage, SmsReply


@admin.register(MarketingConsent)
class MarketingConsentAdmin(admin.ModelAdmin):
    list_display = ["phone", "merchant", "granted", "source", "changed_at"]
    list_filter = ["granted", "source"]
    search_fields = ["phone", "merchant__name"]
    raw_id_fields = ["merchant", "recorded_by"]
    readonly_fields = ["granted_at", "withdrawn_at", "changed_at"]


@admin.register(MarketingOptOut)
class MarketingOptOutAdmin(admin.ModelAdmin):
    list_display = ["phone", "source", "detail", "created_at"]
    list_filter = ["source"]
    search_fields = ["phone"]


@admin.register(SmsReply)
class SmsReplyAdmin(admin.ModelAdmin):
    list_display = ["phone", "gateway", "text", "opted_out", "received_at"]
    list_filter = ["gateway", "opted_out"]
    search_fields = ["phone", "text"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Platform staff see what left and what the gateway reported, not the text: a sign-in
    code waits there until it is sent."""

    list_display = ["channel", "address", "kind", "status", "delivery_status", "sent_at"]
    list_filter = ["channel", "kind", "status", "delivery_status"]
    search_fields = ["address", "provider_message_id"]
    raw_id_fields = ["recipient"]
    exclude = ["body", "data"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name not in ("body", "data")]
