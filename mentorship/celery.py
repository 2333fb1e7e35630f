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
    # Pairs' work: the curators' digest (sent on each programme's digest weekday, Monday
    # by default; the task runs daily and claims one letter per curator and week) and
    # reminders to mentors with no recent meeting (at most once a week each).
    "cycle-curator-digests": {
        "task": "cycle.tasks.curator_digests_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "cycle-mentor-reminders": {
        "task": "cycle.tasks.mentor_reminders_task",
        "schedule": crontab(hour=9, minute=30),
    },
    # Surveys: reminders two days before the deadline, closing expired campaigns.
    "survey-remind": {
        "task": "monitoring.survey_tasks.survey_remind",
        "schedule": crontab(hour=9, minute=0),
    },
    # Personal data: anonymise after a revoked consent's legal period and past retention.
    "people-anonymise-due": {
        "task": "participants.tasks.people_anonymise_due_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Monitoring: the figures behind dashboards and regional roll-ups, computed ahead of
    # their visitors for the new day and after imports (cheap when nothing changed).
    "monitoring-snapshots-warm": {
        "task": "monitoring.snapshots_warm",
        "schedule": crontab(minute="*/10"),
    },
    # Roadmap: the execution records of the new academic year (1 September; idempotent).
    "roadmap-executions-ensure": {
        "task": "programmes.activity_executions_ensure",
        "schedule": crontab(hour=5, minute=0, day_of_month="1", month_of_year="9"),
    },
}
