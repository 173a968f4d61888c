"""The notification outbox: write a row in the caller's transaction, send it from a Celery task after commit.

    from organizations.notifications import notify

    with transaction.atomic():
        ...change state...
        notify(user, _("신청서가 접수되었습니다"), body)

Delivery is at-least-once: the row is locked while the mail is sent and marked sent in the same
transaction, so concurrent or repeated runs send once; only a crash between the SMTP call and the
commit can send twice.
"""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from sfms.tasks import enqueue_on_commit

from .models import Notification

logger = logging.getLogger(__name__)

#: A notification is given up (status failed) after this many failed sends, whoever triggered them.
MAX_DELIVERY_ATTEMPTS = 10
#: The sweep leaves rows younger than this to the task enqueued on commit.
SWEEP_MIN_AGE = timedelta(minutes=1)
#: ...and does not enqueue the same row again within this interval (the longest retry backoff).
SWEEP_REQUEUE_INTERVAL = timedelta(minutes=10)
SWEEP_BATCH_SIZE = 500


class TransientDeliveryError(Exception):
    """Sending failed for a reason that may pass (SMTP server down, 4xx reply); the task retries."""


# Outcomes of `deliver`, also the task's return value (visible in worker logs).
SENT = "sent"
MISSING = "missing"
ALREADY_DONE = "already_done"
FAILED = "failed"
RETRY = "retry"


def notify(user, subject, body):
    """Queue an e-mail to `user`. Call it inside the transaction that makes the change it reports:
    the row commits or rolls back with it, and the task is enqueued only after commit."""
    notification = Notification.objects.create(
        recipient=user, email=user.email, subject=str(subject)[:200], body=str(body)
    )
    from .tasks import deliver_notification

    enqueue_on_commit(deliver_notification, notification_id=notification.pk)
    return notification


def notify_each(users, subject, body, params):
    """Queue the same message to each user in their own language: `subject` and `body` are lazy
    (gettext_lazy) strings with %(name)s placeholders filled from `params` after translation."""
    from django.utils import translation

    sent = []
    for user in users:
        with translation.override(getattr(user, "preferred_language", "") or "ko"):
            sent.append(notify(user, str(subject) % params, str(body) % params))
    return sent


def is_transient_mail_error(exc):
    """True for failures worth retrying: connection trouble, timeouts and SMTP 4xx replies."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(
        exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | ConnectionError | TimeoutError
    )


def deliver(notification_id):
    """Send one pending notification. Safe to call any number of times: returns SENT once, then
    ALREADY_DONE. Raises TransientDeliveryError (after recording the attempt) when a retry may help."""
    failure = None
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            logger.info("Notification %s is gone; nothing to send", notification_id)
            return MISSING
        if notification.status != Notification.Status.PENDING:
            logger.info("Notification %s is already %s", notification_id, notification.status)
            return ALREADY_DONE
        now = timezone.now()
        try:
            # The SMTP timeout (MAILERS options) bounds how long the row stays locked if the server hangs.
            send_mail(notification.subject, notification.body, None, [notification.email])
        except Exception as exc:
            failure = exc
            transient = is_transient_mail_error(exc)
            give_up = not transient or notification.attempts + 1 >= MAX_DELIVERY_ATTEMPTS
            notification.attempts = F("attempts") + 1
            notification.last_attempt_at = now
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if give_up:
                notification.status = Notification.Status.FAILED
            notification.save(update_fields=["attempts", "last_attempt_at", "last_error", "status"])
        else:
            notification.attempts = F("attempts") + 1
            notification.last_attempt_at = now
            notification.status = Notification.Status.SENT
            notification.sent_at = now
            notification.last_error = ""
            notification.save(
                update_fields=["attempts", "last_attempt_at", "status", "sent_at", "last_error"]
            )
            return SENT
    # The failed attempt is committed (and the row unlocked) before deciding what happens next.
    if give_up:
        logger.error("Notification %s failed for good: %s", notification_id, notification.last_error)
        return FAILED
    raise TransientDeliveryError(f"notification {notification_id}: {notification.last_error}") from failure


def requeue_stale_pending(now=None):
    """Enqueue delivery again for rows still pending a minute after creation (their task was lost,
    e.g. Redis was down at commit). A row is re-enqueued at most once per SWEEP_REQUEUE_INTERVAL.
    Returns the ids enqueued."""
    from .tasks import deliver_notification

    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(
                status=Notification.Status.PENDING, created_at__lte=now - SWEEP_MIN_AGE
            )
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=now - SWEEP_REQUEUE_INTERVAL))
            .order_by("created_at", "id")
            .select_for_update(skip_locked=True)  # a row being sent right now is locked: leave it
            .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
        )
        Notification.objects.filter(pk__in=ids).update(queued_at=now)
        for pk in ids:
            enqueue_on_commit(deliver_notification, notification_id=pk)
    if ids:
        logger.warning("Re-enqueued %d pending notification(s)", len(ids))
    return ids
