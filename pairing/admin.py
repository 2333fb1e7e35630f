from __future__ import annotations

from django.contrib import admin

from .models import (
    Exclusion,
    MatchRun,
    MatchSettings,
    MatchSuggestion,
    Meeting,
    MentorPreference,
    Mentorship,
    MentorshipMember,
    MentorshipRequest,
    PlanItem,
    RequestPreference,
)


class PreferenceInline(admin.TabularInline):
    model = RequestPreference
    extra = 0
    raw_id_fields = ("mentor",)


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    list_display = ("mentee", "form", "category", "status", "created_at")
    list_filter = ("status", "form", "category")
    search_fields = ("mentee__person__last_name", "goal")
    raw_id_fields = ("mentee",)
    list_select_related = ("mentee__person", "form")
    inlines = (PreferenceInline,)


class MemberInline(admin.TabularInline):
    model = MentorshipMember
    extra = 0
    raw_id_fields = ("mentee", "request")


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ("__str__", "form", "status", "started_on", "ended_on", "programme")
    list_filter = ("status", "form")
    search_fields = ("mentor__person__last_name",)
    raw_id_fields = ("mentor",)
    list_select_related = ("form", "mentor__person", "programme__organisation")
    inlines = (MemberInline,)


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ("mentor", "mentee", "reason")
    raw_id_fields = ("mentor", "mentee")


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("programme", "form", "status", "progress", "created_at")
    list_filter = ("status",)


@admin.register(MatchSuggestion)
class MatchSuggestionAdmin(admin.ModelAdmin):
    list_display = ("run", "mentee", "mentor", "score", "status")
    list_filter = ("status",)
    raw_id_fields = ("mentor", "mentee", "request")


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "mentorship", "due_on", "status")
    list_filter = ("status", "kind")
    raw_id_fields = ("mentorship",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("held_on", "topic", "meeting_type", "format", "mentorship")
    list_filter = ("meeting_type", "format")
    raw_id_fields = ("mentorship",)
    filter_horizontal = ("attendees",)


@admin.register(MentorshipMember)
class MentorshipMemberAdmin(admin.ModelAdmin):
    list_display = ("mentee", "mentorship", "form", "is_active", "joined_on", "left_on")
    list_filter = ("is_active", "form")
    raw_id_fields = ("mentorship", "mentee", "request")


@admin.register(RequestPreference)
class RequestPreferenceAdmin(admin.ModelAdmin):
    list_display = ("request", "mentor", "rank")
    raw_id_fields = ("request", "mentor")


@admin.register(MatchSettings)
class MatchSettingsAdmin(admin.ModelAdmin):
    list_display = ("programme", "objective", "require_training", "group_mentees")
    list_select_related = ("programme__organisation",)


@admin.register(MentorPreference)
class MentorPreferenceAdmin(admin.ModelAdmin):
    list_display = ("mentor", "rank", "mentee")
    raw_id_fields = ("mentor", "mentee")
