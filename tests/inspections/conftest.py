"""What inspection tests start from: a project in progress (started 90 days ago, six months long, so
today lies inside its mid-term window), an evaluator of the operator's pool, a regional centre
covering the project's region (경기)."""

import datetime

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import ChecklistItem
from organizations.models import Operator, Role
from tests import factories

TODAY = timezone.localdate


def days(n):
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def w():
    world = factories.make_project(starts_days_ago=90)
    world.evaluator = factories.make_evaluator(world.operator, "김감리")
    return world


@pytest.fixture
def centre_user():
    centre = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set(["41"])
    return factories.make_member(Role.CENTRE_STAFF, operator=centre, full_name="김센터")


def appoint(w, user=None):
    return services.inspection_appoint(w.staff, w.project, inspector=user or w.evaluator.user)


def check_all(inspection, user=None):
    for item in ChecklistItem.objects.filter(inspection=inspection):
        services.checklist_item_save(user or inspection.inspector, item, checked=True, note="확인")


def conditional(w, inspection, n=1):
    check_all(inspection)
    return services.inspection_result_record(
        inspection.inspector,
        inspection,
        result="conditional",
        note="일부 보완 필요",
        actions=[(f"보완 {i}", days(30)) for i in range(1, n + 1)],
        supplier_score=4,
        supplier_comment="성실함",
    )
