from __future__ import annotations

from django.contrib import admin

from .models import CycleSettings, NotificationLog


@admin.register(CycleSettings)
class CycleSettingsAdmin(admin.ModelAdmin):
    list_display = ("programme", "weeks_without_meeting", "low_satisfaction_threshold",
                    "digest_weekday")


@admin.register(NotificationLog)
class NotificationLogAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "period", "sent_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "period")
    raw_id_fields = ("user",)
