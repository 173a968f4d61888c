"""The programs tasks through a real Celery worker: the clock task opens a due call, and a template
change recomputes stored quotes, once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from organizations.models import Role
from programs import services, tasks
from programs.models import CallStatus, FundingQuoteRevision
from tests import factories
from tests.infra.test_celery_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_opens_a_due_call(celery_worker):
    operator = factories.make_operator()
    now = timezone.now()
    call = factories.make_call(
        operator,
        status=CallStatus.PUBLISHED,
        opens_at=now - datetime.timedelta(seconds=1),
        closes_at=now + datetime.timedelta(days=3),
    )
    factories.make_track(call)
    tasks.advance_calls_by_clock.delay()

    def opened():
        call.refresh_from_db()
        return call.status == CallStatus.OPEN

    assert wait_for(opened), celery_worker.log()


def test_worker_recomputes_quotes_after_a_template_change(celery_worker):
    operator = factories.make_operator()
    admin = factories.make_member(Role.OPERATOR_ADMIN, operator=operator)
    company = factories.make_company()
    sme = factories.make_member(Role.SME_MEMBER, company=company)
    call = factories.make_call(operator, status=CallStatus.OPEN, opens_in_days=-1)
    track = factories.make_track(call, "basic")
    stored = services.funding_quote_save(sme, track=track, company=company, total_cost=90_000_000)
    assert stored.sme_share == 45_000_000
    rows = [{"role": "central_government", "rate": Decimal("0.4"), "cap": 50_000_000}]
    services.track_set_funders(admin, track, rows, reason="비율 조정")  # enqueues on commit

    def recomputed():
        stored.refresh_from_db()
        return stored.template_version == 2

    assert wait_for(recomputed), celery_worker.log()
    assert (stored.shares[0]["amount"], stored.sme_share) == (36_000_000, 54_000_000)
    assert FundingQuoteRevision.objects.filter(quote=stored).count() == 1
