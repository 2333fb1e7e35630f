from __future__ import annotations

from django.urls import path

from . import notification_views, recognition_views, risk_views, year_views

app_name = "cycle"

urlpatterns: list = [
    path("programmes/<int:programme_pk>/year/", year_views.year, name="year"),
    # Recognition (cycle/recognition_views.py).
    path("mentors/<int:pk>/training/", recognition_views.mentor_training,
         name="mentor_training"),
    path("mentors/<int:pk>/training/add/", recognition_views.training_add,
         name="training_add"),
    path("mentors/<int:mentor_pk>/training/<int:pk>/edit/", recognition_views.training_edit,
         name="training_edit"),
    path("mentors/<int:mentor_pk>/training/<int:pk>/delete/",
         recognition_views.training_delete, name="training_delete"),
    path("mentors/<int:pk>/recognitions/add/", recognition_views.recognition_add,
         name="recognition_add"),
    path("recognitions/<int:pk>/delete/", recognition_views.recognition_delete,
         name="recognition_delete"),
    path("programmes/<int:programme_pk>/best-mentors/", recognition_views.best_mentors_page,
         name="best_mentors"),
    path("programmes/<int:programme_pk>/best-mentors/<int:pk>/choose/",
         recognition_views.best_mentor_choose, name="best_mentor_choose"),
    path("programmes/<int:programme_pk>/best-mentors/letters.pdf",
         recognition_views.letters_pdf, name="letters_pdf"),
    path("mentors/<int:pk>/letters/<str:kind>.pdf", recognition_views.letter_pdf,
         name="letter_pdf"),
]

# The pairs at risk, their settings and the notification preferences (stage 6).
urlpatterns += [
    path("programmes/<int:programme_pk>/risk/", risk_views.risk, name="risk"),
    path("programmes/<int:programme_pk>/risk/settings/", risk_views.risk_settings,
         name="risk_settings"),
    path("mentorships/<int:pk>/risk-badge/", risk_views.mentorship_risk_badge,
         name="mentorship_risk_badge"),
    path("notifications/", notification_views.notification_settings,
         name="notification_settings"),
]
