"""Scheduled outcome work: the one-year survey requests and reminders (daily, see sfms/celery.py)."""

from sfms.tasks import sfms_task


@sfms_task(name="outcomes.send_surveys")
def send_surveys():
    """Send each project's one-year survey step due today (request, then reminders after 14 and
    28 days), each once. Returns {project id: step sent}."""
    from . import services

    return {str(pk): step for pk, step in services.surveys_send().items()}
