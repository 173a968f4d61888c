"""A real Celery worker process takes the notification task from Redis and sends the mail.

This is the end-to-end proof of the job pattern: row written in a transaction, task enqueued on
commit, a separate worker process (its own Django, same test database) reloads the row, sends
and marks it sent.
"""

import time

import pytest
from django.db import transaction

from organizations.models import Notification
from organizations.notifications import notify
from tests import factories

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WAIT_SECONDS = 30


def wait_for(predicate, timeout=WAIT_SECONDS, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def test_worker_sends_notification_committed_in_a_transaction(celery_worker):
    user = factories.make_user(email="worker-test@example.kr", full_name="김담당")
    with transaction.atomic():
        notification = notify(user, "신청서가 접수되었습니다", "김담당님, 신청서가 접수되었습니다.")
        # Nothing is enqueued before commit: the worker cannot have seen the row yet.
        assert Notification.objects.get(pk=notification.pk).status == Notification.Status.PENDING

    def sent():
        notification.refresh_from_db()
        return notification.status == Notification.Status.SENT

    assert wait_for(sent), (
        f"the worker did not send notification {notification.pk} within {WAIT_SECONDS}s "
        f"(status={notification.status}, last_error={notification.last_error!r}); worker log:\n{celery_worker.log()}"
    )
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert notification.last_error == ""

    time.sleep(1)  # a duplicate delivery, if the pattern allowed one, would show up by now
    messages = celery_worker.mail_messages()
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "worker-test@example.kr"
    assert message["Subject"] == "신청서가 접수되었습니다"
    assert message.get_content().strip() == "김담당님, 신청서가 접수되었습니다."
    log = celery_worker.log()
    assert "Task organizations.deliver_notification[" in log
    assert "succeeded" in log


def test_worker_never_sees_a_rolled_back_notification(celery_worker):
    user = factories.make_user(email="rollback-test@example.kr")
    before = len(celery_worker.mail_messages())
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user, "보내지면 안 되는 알림", "롤백")
        raise RuntimeError("the change this notification reports failed")
    # Enqueue a committed one after it: once that is sent, the rolled-back one would have been too.
    with transaction.atomic():
        marker = notify(user, "표시용 알림", "본문")

    def marker_sent():
        marker.refresh_from_db()
        return marker.status == Notification.Status.SENT

    assert wait_for(marker_sent), celery_worker.log()
    assert Notification.objects.count() == 1
    subjects = [m["Subject"] for m in celery_worker.mail_messages()[before:]]
    assert subjects == ["표시용 알림"]
