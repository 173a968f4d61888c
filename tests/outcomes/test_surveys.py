"""The one-year survey: requested from the lead SME when the project's completion (inspection
pass) is a year old, reminded after 14 and 28 days until the one-year values of every agreement KPI
are entered; each step sent once, whatever how often the daily task runs. The beat runs it daily."""

import datetime

import pytest

from organizations.models import AuditEvent, Notification
from outcomes import services, tasks
from outcomes.models import OutcomeSurvey
from sfms.celery import app
from tests import factories

from .conftest import YEAR_LATER, ids, passed

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _sent(user, text):
    return Notification.objects.filter(recipient=user, subject__contains=text).count()


def test_the_request_goes_a_year_after_the_pass_then_two_reminders_each_once(w):
    passed(w.project)
    assert services.surveys_send(today=YEAR_LATER - DAY) == {}
    assert not OutcomeSurvey.objects.exists()
    assert services.surveys_send(today=YEAR_LATER) == {w.project.pk: "request"}
    assert services.surveys_send(today=YEAR_LATER) == {}  # again the same day: nothing
    assert _sent(w.lead_user, "1년 후 성과 조사:") == 1
    survey = OutcomeSurvey.objects.get(project=w.project)
    assert survey.due_on == YEAR_LATER and survey.requested_at is not None
    assert services.surveys_send(today=YEAR_LATER + 13 * DAY) == {}
    assert services.surveys_send(today=YEAR_LATER + 14 * DAY) == {w.project.pk: "first_reminder"}
    assert services.surveys_send(today=YEAR_LATER + 20 * DAY) == {}
    assert services.surveys_send(today=YEAR_LATER + 28 * DAY) == {w.project.pk: "second_reminder"}
    assert services.surveys_send(today=YEAR_LATER + 60 * DAY) == {}
    assert _sent(w.lead_user, "1차 안내") == 1 and _sent(w.lead_user, "2차 안내") == 1
    assert AuditEvent.objects.filter(object_repr__contains=str(YEAR_LATER)).count() >= 4


def test_no_reminder_once_the_values_are_entered(w):
    services.indicators_prepare(w.lead_user, w.project)
    passed(w.project)
    services.surveys_send(today=YEAR_LATER)
    k = ids(w.project)
    services.values_enter(
        w.lead_user,
        w.project,
        "one_year",
        {k["defect_rate"]: "1.2", k["utilisation"]: "90", k["lead_time"]: "2.5"},
        today=YEAR_LATER + 3 * DAY,
    )
    survey = OutcomeSurvey.objects.get(project=w.project)
    assert survey.answered_at is not None
    assert services.surveys_send(today=YEAR_LATER + 14 * DAY) == {}
    assert _sent(w.lead_user, "1차 안내") == 0


def test_values_entered_before_the_request_mean_no_request(w):
    services.indicators_prepare(w.lead_user, w.project)
    passed(w.project)
    k = ids(w.project)
    values = {k["defect_rate"]: "1.2", k["utilisation"]: "90", k["lead_time"]: "2.5"}
    services.values_enter(w.lead_user, w.project, "one_year", values, today=YEAR_LATER)
    assert services.surveys_send(today=YEAR_LATER) == {}
    assert _sent(w.lead_user, "1년 후 성과 조사:") == 0


def test_projects_not_passed_or_abandoned_get_no_survey(w):
    other = factories.make_project()
    passed(other.project)
    other.project.status = "abandoned"
    other.project.save(update_fields=["status"])
    assert services.surveys_send(today=YEAR_LATER + 400 * DAY) == {}


def test_the_task_runs_the_daily_send_and_is_on_the_beat(w, time_machine):
    passed(w.project)
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC))
    assert tasks.send_surveys() == {str(w.project.pk): "request"}
    entry = app.conf.beat_schedule.get("outcomes.send_surveys") or {}
    assert entry.get("task") == "outcomes.send_surveys"
