from __future__ import annotations

from django.contrib import admin

from .models import Incident, SubjectArchive, SubjectRequest


class ArchiveInline(admin.TabularInline):
    model = SubjectArchive
    extra = 0
    fields = ("status", "progress", "requested_by", "finished_at", "error")
    readonly_fields = fields
    can_delete = False


@admin.register(SubjectRequest)
class SubjectRequestAdmin(admin.ModelAdmin):
    list_display = ("subject_label", "kind", "received_on", "deadline", "status",
                    "organisation")
    list_filter = ("kind", "status", "organisation")
    search_fields = ("subject_label", "received_from")
    raw_id_fields = ("person",)
    readonly_fields = ("deadline", "act")
    inlines = (ArchiveInline,)


@admin.register(SubjectArchive)
class SubjectArchiveAdmin(admin.ModelAdmin):
    list_display = ("request", "status", "progress", "created_at", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("file",)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("detected_at", "organisation", "subjects_count", "notified_at",
                    "investigation_reported_at")
    list_filter = ("organisation",)
    search_fields = ("description",)
