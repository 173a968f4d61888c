"""The Celery app. Tasks are discovered in each Django app's tasks.py; conventions are in sfms/tasks.py."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sfms.settings.dev")

app = Celery("sfms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs (run by `celery -A sfms beat`). Added to whatever CELERY_BEAT_SCHEDULE the settings hold.
# Sweeps re-enqueue work whose task was lost, so a Redis outage delays jobs but loses none.
app.add_periodic_task(
    60.0,
    app.signature("organizations.sweep_pending_notifications"),
    name="organizations.sweep_pending_notifications",
    expires=55,  # a sweep that could not start within its minute is skipped; the next one covers it
)
# crontab(minute="*") fires at second 0 of every minute, so a call set to open at 09:00 opens in the
# first seconds of 09:00, not up to a minute late as a 60 s interval counted from start-up could.
app.add_periodic_task(
    crontab(minute="*"),
    app.signature("programs.advance_calls_by_clock"),
    name="programs.advance_calls_by_clock",
    expires=55,
)
app.add_periodic_task(
    crontab(minute="*/15"),
    app.signature("programs.send_deadline_reminders"),
    name="programs.send_deadline_reminders",
    expires=600,
)
app.add_periodic_task(
    crontab(hour=8, minute=0),
    app.signature("suppliers.flag_expiring_certifications"),
    name="suppliers.flag_expiring_certifications",
    expires=3600,
)
app.add_periodic_task(
    60.0,
    app.signature("applications.sweep_pending_eligibility"),
    name="applications.sweep_pending_eligibility",
    expires=55,
)
# Evaluation reports (PDFs) still pending after two minutes are enqueued again.
app.add_periodic_task(
    60.0,
    app.signature("evaluations.sweep_pending_reports"),
    name="evaluations.sweep_pending_reports",
    expires=55,
)
# Daily: remind experts whose declared interests lapse within 30 days; expire unanswered matching notes.
app.add_periodic_task(
    crontab(hour=8, minute=10),
    app.signature("evaluations.daily_upkeep"),
    name="evaluations.daily_upkeep",
    expires=3600,
)
# Daily: the one-year outcome survey to each lead SME whose project completed a year ago, and reminders.
app.add_periodic_task(
    crontab(hour=8, minute=20),
    app.signature("outcomes.send_surveys"),
    name="outcomes.send_surveys",
    expires=3600,
)
# Daily: the risk check opens, refreshes and resolves projects' risk flags and reminds each new one once.
app.add_periodic_task(
    crontab(hour=7, minute=30),
    app.signature("monitoring.check_risks"),
    name="monitoring.check_risks",
    expires=3600,
)
