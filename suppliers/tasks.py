"""Celery tasks of the suppliers app. Thin: call the service; safe to run twice."""

from sfms.tasks import sfms_task

from . import services


@sfms_task(name="suppliers.flag_expiring_certifications", max_retries=0)
def flag_expiring_certifications():
    """Beat, daily at 08:00 KST: tell suppliers about certifications expiring within 30 days."""
    return services.flag_expiring_certifications()
