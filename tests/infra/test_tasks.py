"""The task conventions of sfms/tasks.py: enqueue after commit only, keyword-only ids, retry policy."""

from unittest import mock

import pytest
from celery.exceptions import Retry
from django.db import OperationalError, transaction

from sfms.celery import app
from sfms.tasks import RECOVERABLE_ERRORS, SfmsTask, enqueue_on_commit, sfms_task


class FakeTask:
    name = "tests.fake"

    def __init__(self):
        self.calls = []

    def apply_async(self, *, kwargs):
        self.calls.append(kwargs)


@pytest.mark.django_db
def test_enqueue_waits_for_commit(django_capture_on_commit_callbacks):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue_on_commit(task, thing_id=7)
        assert task.calls == []  # not before commit
    assert len(callbacks) == 1
    assert task.calls == [{"thing_id": 7}]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enqueue_after_real_commit_and_never_after_rollback():
    task = FakeTask()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        enqueue_on_commit(task, thing_id=1)
        1 / 0  # noqa: B018
    assert task.calls == []

    with transaction.atomic():
        enqueue_on_commit(task, thing_id=2)
        with pytest.raises(ZeroDivisionError), transaction.atomic():  # a savepoint that rolls back
            enqueue_on_commit(task, thing_id=3)
            1 / 0  # noqa: B018
        assert task.calls == []
    assert task.calls == [{"thing_id": 2}]

    enqueue_on_commit(task, thing_id=4)  # autocommit: at once
    assert task.calls == [{"thing_id": 2}, {"thing_id": 4}]


def test_enqueue_takes_keyword_arguments_only():
    with pytest.raises(TypeError):
        enqueue_on_commit(FakeTask(), 1)


@pytest.mark.django_db
def test_broker_failure_on_commit_is_logged_not_raised(django_capture_on_commit_callbacks, caplog):
    task = mock.Mock(name="task")
    task.name = "tests.fake"
    task.apply_async.side_effect = ConnectionRefusedError("redis down")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(task, thing_id=5)
    task.apply_async.assert_called_once_with(kwargs={"thing_id": 5})
    assert "the periodic sweep will retry" in caplog.text


def test_tasks_must_take_keyword_only_arguments():
    with pytest.raises(TypeError, match="keyword-only"):

        @sfms_task(name="tests.positional")
        def positional(thing_id):
            pass

    with pytest.raises(ValueError, match="explicit dotted name"):
        sfms_task(name="")


def test_registered_tasks_follow_the_conventions():
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert {"organizations.deliver_notification", "organizations.sweep_pending_notifications"} <= set(ours)
    for name, task in ours.items():
        if name.startswith("tests."):
            continue
        assert isinstance(task, SfmsTask), name
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name
        assert set(RECOVERABLE_ERRORS) <= set(task.autoretry_for), name
        assert task.retry_backoff and task.retry_jitter, name


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert (
        schedule["organizations.sweep_pending_notifications"]["task"]
        == "organizations.sweep_pending_notifications"
    )
    assert schedule["organizations.sweep_pending_notifications"]["schedule"] == 60.0
    for entry in schedule.values():
        assert entry["task"] in app.tasks


attempts = []


@sfms_task(name="tests.flaky", max_retries=3)
def flaky(*, fail_times):
    attempts.append(1)
    if len(attempts) <= fail_times:
        raise OperationalError("connection to server lost")
    return len(attempts)


@sfms_task(name="tests.broken")
def broken():
    attempts.append(1)
    raise ValueError("a bug, not an outage")


def test_recoverable_errors_are_retried_up_to_the_cap():
    attempts.clear()
    assert flaky.apply(kwargs={"fail_times": 2}).get() == 3

    attempts.clear()
    result = flaky.apply(kwargs={"fail_times": 10})
    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert len(attempts) == 4  # the first run and max_retries=3 retries


def test_other_errors_are_not_retried():
    attempts.clear()
    result = broken.apply()
    assert isinstance(result.result, ValueError)
    assert len(attempts) == 1


def test_retry_countdown_backs_off_with_jitter():
    countdowns = []

    def fake_retry(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return Retry("retry", when=kwargs["countdown"])

    attempts.clear()
    with mock.patch.object(flaky, "retry", side_effect=fake_retry):
        for retries in range(6):
            flaky.push_request(retries=retries)
            try:
                with pytest.raises(Retry):
                    flaky.run(fail_times=100)
            finally:
                flaky.pop_request()
    # Full jitter: each countdown is random in [0, min(600, 10 * 2**retries)].
    for retries, countdown in enumerate(countdowns):
        assert 0 <= countdown <= min(600, 10 * 2**retries)
