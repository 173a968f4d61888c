"""What aftercare tests start from: a running project (make_project) whose final inspection passed
and whose tranches are all paid, set up through the models (inspections and tranches are other
apps' steps), and a second open call with a higher-level track for the next application."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from monitoring.models import Project, Tranche
from organizations.models import Operator, Role
from tests import factories


def make_ready(ns, *, passed_days_ago=30, paid=True):
    """Final inspection passed `passed_days_ago` days ago; every tranche paid (unless `paid=False`)."""
    passed_at = timezone.now() - datetime.timedelta(days=passed_days_ago)
    Project.objects.filter(pk=ns.project.pk).update(inspection_passed_at=passed_at, status="inspection")
    if paid:
        Tranche.objects.filter(project=ns.project).update(status="paid", paid_on=timezone.localdate())
    ns.project.refresh_from_db()
    return ns


def centre_for(code, name="경기센터"):
    centre = factories.make_operator(name, kind=Operator.Kind.REGIONAL_CENTRE, region_code=code)
    centre.regions_covered.set([code])
    return factories.make_member(Role.CENTRE_STAFF, operator=centre)


@pytest.fixture
def ns(db):
    return factories.make_project()


@pytest.fixture
def ready(ns):
    return make_ready(ns)


@pytest.fixture
def next_track(db):
    """An open call (another operator) with an intermediate_1 track and a lower basic track."""
    operator = factories.make_operator("다음운영기관")
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=20)
    basic = factories.make_track(call, "basic")
    higher = factories.make_track(call, "intermediate_1")
    return SimpleNamespace(call=call, basic=basic, higher=higher)
