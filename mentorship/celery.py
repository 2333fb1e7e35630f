"""The Celery application. Periodic tasks are declared here, in one place.

Without CELERY_BROKER_URL tasks run eagerly in-process (settings.CELERY_TASK_ALWAYS_EAGER).
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules not named tasks.py.
app.autodiscover_tasks(["monitoring"], related_name="survey_tasks")

# Periodic tasks (Celery beat). Later capabilities add their entries here.
app.conf.beat_schedule = {
    # Surveys: reminders two days before the deadline, closing expired campaigns.
    "survey-remind": {
        "task": "monitoring.survey_tasks.survey_remind",
        "schedule": crontab(hour=9, minute=0),
    },
}
