"""The Celery app `orgreg` (`celery -A orgreg worker`): configured from Django's settings under
the CELERY_ namespace (CELERY_BROKER_URL, ...). Without a broker URL (the trial, the tests)
tasks run eagerly in the process that asks for them, so nothing else must run.

The scheduler (`celery -A orgreg beat`, one process for the whole installation) sends the
periodic tasks of `beat_schedule`: each night the purge of job files and pending imports past
their retention (orgreg.jobs.purge); every minute notify's sweep (notify.send_due), which
sends the udmeldinger whose moment has come and any queued mail a lost task left behind."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgreg.settings")

app = Celery("orgreg", include=["orgreg.jobs"])
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks.py (units/tasks.py registers the PDF job kinds).
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "purge-expired-jobs": {
        "task": "orgreg.purge_jobs",
        # Copenhagen time (CELERY_TIMEZONE), when nobody prints.
        "schedule": crontab(hour=3, minute=15),
    },
    "notify-send-due": {
        "task": "notify.send_due",
        # Every minute: an udmelding goes out within a minute of its moment.
        "schedule": 60.0,
    },
}
