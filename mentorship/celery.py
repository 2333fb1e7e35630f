"""The Celery application. Periodic tasks are declared here, in one place.

Without CELERY_BROKER_URL tasks run eagerly in-process (settings.CELERY_TASK_ALWAYS_EAGER).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks (Celery beat). Later capabilities add their entries here.
app.conf.beat_schedule = {}
