"""The outcomes survey task through a real Celery worker: a project whose inspection passed a year
ago gets its one-year survey request, once. (Here with the other worker tests: each restores the
serialized database, so the transactional tests after them find their content types.)"""

import datetime

import pytest
from django.utils import timezone

from organizations.models import Notification
from outcomes import tasks
from outcomes.models import OutcomeSurvey
from tests import factories
from tests.infra.test_celery_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_sends_the_one_year_survey_request(celery_worker):
    w = factories.make_project()
    project = w.project
    project.status = "inspection"
    project.inspection_passed_at = timezone.now() - datetime.timedelta(days=367)
    project.save(update_fields=["status", "inspection_passed_at"])

    tasks.send_surveys.delay()

    def requested():
        survey = OutcomeSurvey.objects.filter(project=project).first()
        return survey is not None and survey.requested_at is not None

    assert wait_for(requested), celery_worker.log()
    tasks.send_surveys.delay()  # the same day again: nothing more
    assert wait_for(lambda: False, timeout=2) is False
    sent = Notification.objects.filter(recipient=w.lead_user, subject__contains="1년 후 성과 조사")
    assert sent.count() == 1
