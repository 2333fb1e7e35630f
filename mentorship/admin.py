from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, DataVersion, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "email", "is_active", "is_superuser",
                    "last_login")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Notifications"), {"fields": ("receive_reminders",)}),
    )


@admin.register(DataVersion)
class DataVersionAdmin(admin.ModelAdmin):
    """Read-only: database triggers keep it (mentorship.dataversion)."""

    list_display = ("epoch", "number")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "verb", "target_repr", "ip_address")
    list_filter = ("verb",)
    search_fields = ("target_repr", "actor__username", "verb")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
