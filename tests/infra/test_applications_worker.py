"""The eligibility check through a real Celery worker: results appear after submission, and a
worker killed in the middle of a check leaves nothing half-written; the sweep runs it again on a
new worker and every rule's result is stored once."""

import datetime

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from applications import services, tasks
from applications.models import EligibilityResult, EligibilityRun, RunStatus
from organizations.models import Role
from programs.models import EligibilityRule
from tests import factories
from tests.infra.conftest import database_url, spawn_worker
from tests.infra.test_celery_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


RULES = (
    ("sme_size", {"max_employees": 300, "max_revenue": 150_000_000_000, "combine": "any"}),
    ("production_facility", {}),
    ("required_documents", {"kinds": ["business_plan", "financial_statements"]}),
    ("supplier_approved", {}),
)


def _submitted():
    operator = factories.make_operator()
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=5)
    factories.make_required_documents(call)
    for order, (kind, params) in enumerate(RULES):
        EligibilityRule.objects.create(call=call, kind=kind, params=params, order=order)
    track = factories.make_track(call, "basic")
    company = factories.make_company()
    sme = factories.make_member(Role.SME_MEMBER, company=company)
    application = factories.make_application(track, company, sme)
    return sme, application


def _count(sql):
    """On Django's own autocommit connection: pg_stat_activity is a snapshot per transaction, so the
    blocker's open transaction would keep seeing the moment before the worker queued up."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_worker_checks_eligibility_after_submission(fresh_celery_worker):
    sme, application = _submitted()
    submission, _ = services.application_submit(sme, application)  # enqueues on commit
    run = submission.eligibility_runs.get()

    def done():
        run.refresh_from_db()
        return run.status == RunStatus.DONE

    assert wait_for(done), fresh_celery_worker.log()
    assert run.outcome == "pass"
    assert list(run.results.values_list("kind", flat=True)) == [kind for kind, _ in RULES]


def test_a_worker_killed_mid_check_leaves_nothing_and_the_check_runs_once_later(
    fresh_celery_worker, tmp_path
):
    sme, application = _submitted()
    submission, _ = services.application_submit(sme, application)
    run = submission.eligibility_runs.get()
    assert wait_for(lambda: EligibilityRun.objects.get(pk=run.pk).status == RunStatus.DONE), (
        fresh_celery_worker.log()
    )
    # A second run, held back by a row lock the test takes, so the worker is caught mid-task.
    stuck = EligibilityRun.objects.create(submission=submission, reason="재확인")
    with psycopg.connect(database_url(settings.DATABASES["default"])) as blocker:
        blocker.execute("SELECT id FROM applications_eligibilityrun WHERE id = %s FOR UPDATE", [stuck.pk])
        tasks.run_eligibility.delay(run_id=stuck.pk)
        waiting = (
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE '%%applications_eligibilityrun%%'"
        )
        assert wait_for(lambda: _count(waiting) == 1), fresh_celery_worker.log()
        fresh_celery_worker.proc.kill()  # SIGKILL: no warm shutdown, the task's transaction is cut
        fresh_celery_worker.proc.wait(timeout=10)
        blocker.rollback()
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.PENDING and stuck.attempts == 0
    assert not EligibilityResult.objects.filter(run=stuck).exists()

    replacement = spawn_worker(tmp_path / "replacement")
    try:
        later = timezone.now() + services.STALE_RUN_AGE + datetime.timedelta(seconds=1)
        assert services.eligibility_requeue_stale(now=later) == 1
        assert wait_for(lambda: EligibilityRun.objects.get(pk=stuck.pk).status == RunStatus.DONE), (
            replacement.log()
        )
        # The killed worker's message may still come back from the broker: it finds the run done.
        tasks.run_eligibility.delay(run_id=stuck.pk)
        assert wait_for(lambda: "skipped" in replacement.log()), replacement.log()
    finally:
        replacement.stop()
    stuck.refresh_from_db()
    assert stuck.attempts == 1 and stuck.outcome == "pass"
    assert EligibilityResult.objects.filter(run=stuck).count() == len(RULES)
