from __future__ import annotations

from django.contrib import admin

from .models import (
    Headcount,
    Indicator,
    IndicatorFact,
    IndicatorPlan,
    RegionalPlan,
    Report,
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)


class PlanInline(admin.TabularInline):
    model = IndicatorPlan
    extra = 0


class FactInline(admin.TabularInline):
    model = IndicatorFact
    extra = 0
    fields = ("year", "value", "numerator", "denominator", "evidence_link", "comment")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "group", "unit", "kind", "direction", "source",
                    "programme")
    list_filter = ("group", "kind", "source", "programme")
    search_fields = ("name",)
    inlines = (PlanInline, FactInline)


@admin.register(IndicatorFact)
class IndicatorFactAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "value", "numerator", "denominator", "entered_by")
    list_filter = ("year",)


@admin.register(Headcount)
class HeadcountAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "students", "young_specialists", "teachers",
                    "partner_enterprises")
    list_filter = ("year",)


@admin.register(RegionalPlan)
class RegionalPlanAdmin(admin.ModelAdmin):
    list_display = ("region", "code", "name", "year", "value")
    list_filter = ("region", "year")


class QuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "audience", "form", "version", "organisation")
    list_filter = ("audience",)
    inlines = (QuestionInline,)


@admin.register(SurveyCampaign)
class SurveyCampaignAdmin(admin.ModelAdmin):
    list_display = ("template", "programme", "year", "kind", "audience", "deadline", "status")
    list_filter = ("kind", "status", "year")


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    list_display = ("campaign", "respondent", "sent_at")
    raw_id_fields = ("respondent",)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ("invitation", "status", "submitted_at")
    list_filter = ("status",)


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    list_display = ("response", "question", "scale_value")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("programme", "kind", "year", "status", "progress", "created_at")
    list_filter = ("status", "kind")


@admin.register(IndicatorPlan)
class IndicatorPlanAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "value")
    list_filter = ("year",)


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "type", "template", "position", "is_satisfaction")
    list_filter = ("type",)
