from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["phone", "name", "role", "is_active", "phone_verified_at", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["phone", "name"]
    fieldsets = [
        (None, {"fields": ["phone", "password"]}),
        (_("资料"), {"fields": ["name", "role"]}),
        (_("权限"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("时间"), {"fields": ["last_login", "date_joined", "phone_verified_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["phone", "role", "password1", "password2"]})
    ]
