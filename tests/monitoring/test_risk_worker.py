"""The daily risk check through a real Celery worker (the beat entry's task name, no arguments):
the flag appears and its reminder is queued once, also when the task runs a second time."""

import datetime

import pytest

from monitoring import tasks
from monitoring.models import Milestone, RiskFlag
from organizations.models import Notification
from tests import factories
from tests.infra.test_celery_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_worker_runs_the_check_and_reminds_once(fresh_celery_worker):
    w = factories.make_project(starts_days_ago=10)
    Milestone.objects.create(
        project=w.project, name="설비 반입", planned_on=w.project.starts_on + datetime.timedelta(days=2)
    )
    flags = RiskFlag.objects.unrestricted().filter(project=w.project, kind="milestone_overdue")

    tasks.check_risks.delay()
    assert wait_for(lambda: flags.filter(reminded_at__isnull=False).exists()), fresh_celery_worker.log()
    first_seen = flags.get().last_seen_at

    tasks.check_risks.delay()
    assert wait_for(lambda: flags.get().last_seen_at > first_seen), fresh_celery_worker.log()
    assert flags.count() == 1
    mails = Notification.objects.filter(recipient=w.lead_user, subject__contains="위험 신호")
    assert mails.count() == 1 and "설비 반입" in mails.get().body
