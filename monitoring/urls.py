from __future__ import annotations

from django.urls import include, path

from . import plan_views, views

app_name = "monitoring"
urlpatterns = [
    path("", include("monitoring.survey_urls")),  # surveys (issue 7)
    path("programmes/<int:programme_pk>/dashboard/", views.dashboard, name="dashboard"),
    path("programmes/<int:programme_pk>/indicators/export.xlsx", views.indicator_export,
         name="export"),
    path("programmes/<int:programme_pk>/indicators/<int:pk>/", views.indicator_detail,
         name="indicator"),
    path("programmes/<int:programme_pk>/indicators/<int:pk>/facts/<int:year>/clear/",
         views.fact_clear, name="fact_clear"),
    path("programmes/<int:programme_pk>/indicators/<int:pk>/people/<int:year>/",
         views.drilldown, name="drilldown"),
    path("programmes/<int:programme_pk>/headcount/", views.headcount, name="headcount"),
    path("programmes/<int:programme_pk>/plans/", plan_views.plan_list, name="plans"),
    path("programmes/<int:programme_pk>/plans/<int:pk>/", plan_views.plan_edit,
         name="plan_edit"),
    path("programmes/<int:programme_pk>/reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("facts/<int:pk>/evidence/", views.evidence_download, name="evidence"),
    path("region/", views.region, name="region"),
    path("region/plans/", views.region_plan, name="region_plan"),
]
