"""Celery tasks of the organizations app. Thin: reload by id, call the service in notifications.py."""

from sfms.tasks import RECOVERABLE_ERRORS, sfms_task

from . import notifications


@sfms_task(
    name="organizations.deliver_notification",
    autoretry_for=(*RECOVERABLE_ERRORS, notifications.TransientDeliveryError),
)
def deliver_notification(*, notification_id):
    """Send one notification e-mail; a no-op if it was already sent or deleted."""
    return notifications.deliver(notification_id)


@sfms_task(name="organizations.sweep_pending_notifications", max_retries=0)
def sweep_pending_notifications():
    """Periodic (celery beat): re-enqueue notifications whose task was lost. Returns how many."""
    return len(notifications.requeue_stale_pending())
