"""The notification outbox: row in the caller's transaction, idempotent delivery, retries, sweep."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from organizations import notifications
from organizations.models import Notification
from organizations.notifications import notify
from organizations.tasks import deliver_notification, sweep_pending_notifications
from tests import factories


@pytest.fixture
def user(db):
    return factories.make_user(email="kim@example.kr", full_name="김민수")


def test_notify_writes_the_row_and_enqueues_on_commit(user, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(deliver_notification, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        n = notify(user, "제목", "본문")
        apply_async.assert_not_called()
    apply_async.assert_called_once_with(kwargs={"notification_id": n.pk})
    n.refresh_from_db()
    assert (n.recipient, n.email, n.subject, n.body, n.status, n.attempts) == (
        user,
        "kim@example.kr",
        "제목",
        "본문",
        Notification.Status.PENDING,
        0,
    )


def test_delivering_twice_sends_once(user):
    n = Notification.objects.create(recipient=user, email=user.email, subject="접수 완료", body="본문입니다")
    assert deliver_notification.apply(kwargs={"notification_id": n.pk}).get() == notifications.SENT
    assert deliver_notification.apply(kwargs={"notification_id": n.pk}).get() == notifications.ALREADY_DONE
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kim@example.kr"]
    assert mail.outbox[0].subject == "접수 완료"
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT
    assert n.attempts == 1
    assert n.sent_at is not None


def test_deleted_notification_is_a_no_op(db):
    assert deliver_notification.apply(kwargs={"notification_id": 987654}).get() == notifications.MISSING
    assert mail.outbox == []


def test_task_requires_keyword_id(user):
    with pytest.raises(TypeError):
        deliver_notification.apply_async(args=(1,))


def test_transient_smtp_errors_are_retried_then_sent(user):
    n = Notification.objects.create(recipient=user, email=user.email, subject="s", body="b")
    real_send = notifications.send_mail
    calls = []

    def flaky_send(*args, **kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(*args, **kwargs)

    with mock.patch.object(notifications, "send_mail", side_effect=flaky_send):
        result = deliver_notification.apply(kwargs={"notification_id": n.pk})
    assert result.get() == notifications.SENT
    n.refresh_from_db()
    assert (n.status, n.attempts, len(mail.outbox)) == (Notification.Status.SENT, 3, 1)


def test_retries_stop_at_the_task_cap_and_leave_the_row_pending_for_the_sweep(user):
    n = Notification.objects.create(recipient=user, email=user.email, subject="s", body="b")
    with mock.patch.object(notifications, "send_mail", side_effect=ConnectionRefusedError("smtp down")):
        result = deliver_notification.apply(kwargs={"notification_id": n.pk})
    assert result.failed()
    n.refresh_from_db()
    assert n.status == Notification.Status.PENDING
    assert n.attempts == deliver_notification.max_retries + 1
    assert n.last_error == "ConnectionRefusedError: smtp down"


def test_gives_up_after_max_attempts_in_total(user):
    n = Notification.objects.create(
        recipient=user,
        email=user.email,
        subject="s",
        body="b",
        attempts=notifications.MAX_DELIVERY_ATTEMPTS - 1,
    )
    with mock.patch.object(notifications, "send_mail", side_effect=ConnectionRefusedError("smtp down")):
        assert deliver_notification.apply(kwargs={"notification_id": n.pk}).get() == notifications.FAILED
    n.refresh_from_db()
    assert (n.status, n.attempts) == (Notification.Status.FAILED, notifications.MAX_DELIVERY_ATTEMPTS)


def test_permanent_smtp_errors_fail_at_once(user):
    n = Notification.objects.create(recipient=user, email=user.email, subject="s", body="b")
    refused = smtplib.SMTPRecipientsRefused({user.email: (550, b"no such user")})
    with mock.patch.object(notifications, "send_mail", side_effect=refused) as send:
        assert deliver_notification.apply(kwargs={"notification_id": n.pk}).get() == notifications.FAILED
    assert send.call_count == 1
    n.refresh_from_db()
    assert (n.status, n.attempts) == (Notification.Status.FAILED, 1)
    assert "550" in n.last_error


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (smtplib.SMTPServerDisconnected("x"), True),
        (smtplib.SMTPConnectError(421, "busy"), True),
        (smtplib.SMTPDataError(451, "try later"), True),
        (smtplib.SMTPDataError(554, "rejected"), False),
        (smtplib.SMTPRecipientsRefused({"a@b.kr": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.kr": (550, b"unknown")}), False),
        (smtplib.SMTPAuthenticationError(535, "bad credentials"), False),
        (TimeoutError(), True),
        (ValueError("bug"), False),
    ],
)
def test_transient_mail_errors(exc, transient):
    assert notifications.is_transient_mail_error(exc) is transient


def _backdate(notification, **delta):
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(**delta))


def test_sweep_requeues_old_pending_rows_once_per_interval(user, django_capture_on_commit_callbacks):
    old = Notification.objects.create(recipient=user, email=user.email, subject="old", body="b")
    _backdate(old, minutes=5)
    fresh = Notification.objects.create(recipient=user, email=user.email, subject="fresh", body="b")
    sent = Notification.objects.create(
        recipient=user, email=user.email, subject="sent", body="b", status=Notification.Status.SENT
    )
    failed = Notification.objects.create(
        recipient=user, email=user.email, subject="failed", body="b", status=Notification.Status.FAILED
    )
    for n in (sent, failed):
        _backdate(n, minutes=5)

    with (
        mock.patch.object(deliver_notification, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sweep_pending_notifications.apply().get() == 1
    apply_async.assert_called_once_with(kwargs={"notification_id": old.pk})
    assert fresh.pk not in [c.kwargs["kwargs"]["notification_id"] for c in apply_async.call_args_list]

    # A sweep soon after leaves it alone: its task may be waiting out a retry backoff.
    with (
        mock.patch.object(deliver_notification, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notifications.requeue_stale_pending(now=timezone.now() + timedelta(seconds=50)) == []
        assert notifications.requeue_stale_pending(now=timezone.now() + timedelta(minutes=11)) == [
            old.pk,
            fresh.pk,
        ]
    assert apply_async.call_count == 2


def test_sweep_then_delivery_sends_a_lost_notification(user, django_capture_on_commit_callbacks):
    """The Redis-outage story: the on-commit enqueue failed, the sweep picks the row up later."""
    with (
        mock.patch.object(
            deliver_notification, "apply_async", side_effect=ConnectionRefusedError("redis down")
        ),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        n = notify(user, "지연된 알림", "본문")
    assert Notification.objects.get(pk=n.pk).status == Notification.Status.PENDING
    _backdate(n, minutes=2)
    with (
        mock.patch.object(
            deliver_notification,
            "apply_async",
            side_effect=lambda kwargs: deliver_notification.apply(kwargs=kwargs),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notifications.requeue_stale_pending() == [n.pk]
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT
    assert [m.subject for m in mail.outbox] == ["지연된 알림"]


@pytest.mark.django_db
def test_notify_each_writes_one_row_per_user_in_their_language():
    from django.utils.translation import gettext_lazy

    from organizations.notifications import notify_each
    from tests import factories

    korean = factories.make_user(email="ko@example.kr", preferred_language="ko")
    english = factories.make_user(email="en@example.kr", preferred_language="en")
    rows = notify_each([korean, english], gettext_lazy("평가 결과"), gettext_lazy("%(n)s번"), {"n": 3})
    assert [(r.email, r.subject, r.body) for r in rows] == [
        ("ko@example.kr", "평가 결과", "3번"),
        ("en@example.kr", "Evaluation result", "no. 3"),
    ]
