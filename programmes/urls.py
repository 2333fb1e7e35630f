from __future__ import annotations

from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("programmes/<int:programme_pk>/passport/", views.passport_edit, name="passport_edit"),
    path("programmes/<int:programme_pk>/tasks/new/", views.task_edit, name="task_create"),
    path("programmes/<int:programme_pk>/tasks/<int:pk>/", views.task_edit, name="task_edit"),
    path("programmes/<int:programme_pk>/forms/<int:pk>/", views.form_edit, name="form_edit"),
    path("programmes/<int:programme_pk>/activities/new/", views.activity_edit,
         name="activity_create"),
    path("programmes/<int:programme_pk>/activities/<int:pk>/", views.activity_edit,
         name="activity_edit"),
    path("programmes/<int:programme_pk>/stages/", views.stage_dates, name="stage_dates"),
    path("programmes/<int:programme_pk>/roadmap/", views.roadmap_page, name="roadmap"),
    path("executions/<int:pk>/", views.execution_edit, name="execution_edit"),
    path("executions/<int:pk>/evidence/", views.execution_evidence, name="execution_evidence"),
]
