from __future__ import annotations

from django.contrib import admin

from .models import (
    Competency,
    Consent,
    ImportBatch,
    ImportRow,
    MentorTraining,
    Person,
    ProgrammeRole,
    Recognition,
    Specialty,
    StudyGroup,
)


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(StudyGroup)
class StudyGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "course", "specialty", "organisation")
    list_filter = ("organisation", "course")
    search_fields = ("name",)


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = ("signer", "representative_name", "signed_on", "number", "valid_until",
              "revoked_on")


class RoleInline(admin.TabularInline):
    model = ProgrammeRole
    extra = 0
    fields = ("programme", "role", "is_active", "capacity", "trained_on")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "middle_name", "category", "study_group",
                    "organisation")
    list_filter = ("category", "organisation")
    search_fields = ("last_name", "first_name", "email")
    list_select_related = ("study_group", "organisation")
    raw_id_fields = ("user", "study_group")
    inlines = (RoleInline, ConsentInline)


@admin.register(ProgrammeRole)
class ProgrammeRoleAdmin(admin.ModelAdmin):
    list_display = ("person", "role", "programme", "capacity", "is_active", "trained_on")
    list_filter = ("role", "is_active", "programme")
    search_fields = ("person__last_name",)
    list_select_related = ("person", "programme__organisation")
    raw_id_fields = ("person",)
    filter_horizontal = ("forms", "competencies")


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("person", "signer", "signed_on", "number", "revoked_on")
    list_filter = ("signer",)
    search_fields = ("person__last_name", "number")
    raw_id_fields = ("person",)
    list_select_related = ("person",)


@admin.register(MentorTraining)
class MentorTrainingAdmin(admin.ModelAdmin):
    list_display = ("person", "title", "held_on", "hours")
    raw_id_fields = ("person",)


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ("role", "year", "kind", "given_on")
    list_filter = ("kind", "year")
    raw_id_fields = ("role",)


class ImportRowInline(admin.TabularInline):
    model = ImportRow
    extra = 0
    readonly_fields = ("number", "outcome", "messages", "person")
    can_delete = False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("original_name", "organisation", "status", "total_rows", "created_by",
                    "created_at")
    list_filter = ("status",)
    readonly_fields = ("counts", "error", "finished_at")


@admin.register(ImportRow)
class ImportRowAdmin(admin.ModelAdmin):
    list_display = ("batch", "number", "outcome")
    list_filter = ("outcome",)
    raw_id_fields = ("batch", "person")
