from __future__ import annotations

from django.contrib import admin

from .models import (
    Activity,
    ActivityExecution,
    MentoringForm,
    Municipality,
    Organisation,
    Programme,
    ProgrammeForm,
    ProgrammeRoleText,
    ProgrammeVersion,
    Region,
    RegionalCoordinator,
    Stage,
    StagePeriod,
    Task,
    TaskIndicator,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "region")
    list_filter = ("region",)
    search_fields = ("name",)


@admin.register(RegionalCoordinator)
class RegionalCoordinatorAdmin(admin.ModelAdmin):
    list_display = ("user", "region")
    autocomplete_fields = ("user", "region")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("short_name", "kind", "region", "municipality", "city")
    list_filter = ("kind", "region")
    search_fields = ("short_name", "name", "inn")


@admin.register(MentoringForm)
class MentoringFormAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "mentor_category", "mentee_category", "order")
    list_filter = ("level",)


class ProgrammeFormInline(admin.StackedInline):
    model = ProgrammeForm
    extra = 0


class ProgrammeRoleTextInline(admin.StackedInline):
    model = ProgrammeRoleText
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "start_year", "end_year", "status")
    list_filter = ("status", "organisation__region")
    search_fields = ("title", "organisation__short_name")
    inlines = (ProgrammeRoleTextInline, ProgrammeFormInline)


class TaskIndicatorInline(admin.TabularInline):
    model = TaskIndicator
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "programme")
    list_filter = ("programme",)
    inlines = (TaskIndicatorInline,)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "timing", "programme")
    list_filter = ("programme", "task__number")
    search_fields = ("title", "number")


@admin.register(ActivityExecution)
class ActivityExecutionAdmin(admin.ModelAdmin):
    list_display = ("activity", "academic_year", "status", "done_on", "responsible")
    list_filter = ("status", "academic_year")


class StagePeriodInline(admin.TabularInline):
    model = StagePeriod
    extra = 0


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "programme", "artefact")
    list_filter = ("programme",)
    inlines = (StagePeriodInline,)


@admin.register(ProgrammeRoleText)
class ProgrammeRoleTextAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "programme")
    list_filter = ("programme",)


@admin.register(ProgrammeForm)
class ProgrammeFormAdmin(admin.ModelAdmin):
    list_display = ("form", "programme", "order")
    list_filter = ("programme",)


@admin.register(TaskIndicator)
class TaskIndicatorAdmin(admin.ModelAdmin):
    list_display = ("__str__", "unit", "task")
    list_filter = ("task__programme",)


@admin.register(StagePeriod)
class StagePeriodAdmin(admin.ModelAdmin):
    list_display = ("stage", "academic_year", "starts_on", "ends_on")
    list_filter = ("academic_year",)


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(admin.ModelAdmin):
    """Approved versions are a record: read them here, create them by approving."""

    list_display = ("programme", "number", "approver_name", "approved_at")
    list_filter = ("programme",)
    readonly_fields = ("programme", "number", "snapshot", "created_at", "approved_by",
                       "approved_at", "approver_name", "approver_position")

    def has_add_permission(self, request: object) -> bool:
        return False
