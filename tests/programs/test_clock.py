"""Calls open and close at their announced minute: the beat entry fires on the minute and the task
it runs moves the call. The clock is controlled with time-machine."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.beat import ScheduleEntry

from organizations.models import AuditEvent
from programs import tasks
from programs.models import CallStatus
from sfms.celery import app
from tests import factories

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
OPENS = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SEOUL)
CLOSES = datetime.datetime(2026, 12, 31, 18, 0, tzinfo=SEOUL)


def _beat_entry(name):
    return ScheduleEntry(name=name, app=app, **app.conf.beat_schedule[name])


def _call(operator):
    call = factories.make_call(operator, status=CallStatus.PUBLISHED, opens_at=OPENS, closes_at=CLOSES)
    factories.make_track(call)
    return call


def test_beat_runs_the_clock_task_every_minute_on_the_minute():
    entry = _beat_entry("programs.advance_calls_by_clock")
    assert entry.task == "programs.advance_calls_by_clock"
    with time_machine.travel(OPENS - datetime.timedelta(seconds=30), tick=False):
        last_run = OPENS - datetime.timedelta(minutes=1)
        due, next_in = entry.schedule.is_due(last_run)
        assert not due
        assert next_in == pytest.approx(30, abs=1)
    with time_machine.travel(OPENS + datetime.timedelta(seconds=1), tick=False):
        due, _next = entry.schedule.is_due(OPENS - datetime.timedelta(minutes=1))
        assert due


def test_call_opens_at_its_minute_and_closes_at_its_deadline(operator):
    call = _call(operator)
    with time_machine.travel(OPENS - datetime.timedelta(seconds=1), tick=False):
        assert tasks.advance_calls_by_clock() == {"opened": [], "closed": []}
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED

    with time_machine.travel(OPENS, tick=False):
        assert tasks.advance_calls_by_clock() == {"opened": [call.pk], "closed": []}
        assert tasks.advance_calls_by_clock() == {"opened": [], "closed": []}  # safe to run twice
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN

    with time_machine.travel(CLOSES - datetime.timedelta(seconds=1), tick=False):
        assert tasks.advance_calls_by_clock() == {"opened": [], "closed": []}
    with time_machine.travel(CLOSES, tick=False):
        assert tasks.advance_calls_by_clock() == {"opened": [], "closed": [call.pk]}
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    transitions = AuditEvent.objects.filter(action="transition", object_id=str(call.pk)).order_by("pk")
    assert [(e.before["status"], e.after["status"], e.actor_label) for e in transitions] == [
        ("published", "open", "system"),
        ("open", "closed", "system"),
    ]


def test_a_late_beat_opens_and_closes_in_one_run(operator):
    """After downtime, a call whose whole window passed still goes published → open → closed."""
    call = _call(operator)
    with time_machine.travel(CLOSES + datetime.timedelta(hours=1), tick=False):
        assert tasks.advance_calls_by_clock() == {"opened": [call.pk], "closed": [call.pk]}
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED


def test_cancelled_and_draft_calls_are_left_alone(operator):
    draft = factories.make_call(operator, opens_at=OPENS, closes_at=CLOSES)
    cancelled = factories.make_call(operator, status=CallStatus.CANCELLED, opens_at=OPENS, closes_at=CLOSES)
    with time_machine.travel(OPENS + datetime.timedelta(minutes=5), tick=False):
        assert tasks.advance_calls_by_clock() == {"opened": [], "closed": []}
    draft.refresh_from_db()
    cancelled.refresh_from_db()
    assert (draft.status, cancelled.status) == (CallStatus.DRAFT, CallStatus.CANCELLED)


def test_reminder_sweep_is_scheduled_every_quarter_hour():
    entry = _beat_entry("programs.send_deadline_reminders")
    assert entry.task == "programs.send_deadline_reminders"
    assert entry.schedule.minute == {0, 15, 30, 45}
