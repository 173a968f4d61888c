"""What most evaluation tests start from: a closed call with a Basic track (central government 50%,
capped at 50M), its staff, a plan with a technical-evaluation stage open for scoring, and three
seated, pledged reviewers from the operator's pool."""

import pytest

from evaluations import services as ev
from evaluations.models import StageKind
from organizations.models import Role
from tests import factories


@pytest.fixture
def call(operator):
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    factories.make_required_documents(call)
    return call


@pytest.fixture
def track(call):
    return factories.make_track(call, "basic", projects_planned=5)


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator)


@pytest.fixture
def plan(staff, call, track):
    return ev.plan_set_up(
        staff, call, stages=[StageKind.REQUIREMENT_REVIEW, StageKind.TECHNICAL, StageKind.DELIBERATION]
    )


@pytest.fixture
def stage(plan, staff):
    stage = plan.stages.get(kind=StageKind.TECHNICAL)
    return ev.stage_open(staff, stage)


@pytest.fixture
def reviewers(operator, stage, staff):
    found = []
    for name in ("김평가", "이평가", "박평가"):
        evaluator = factories.make_evaluator(operator, name)
        factories.seat(stage, evaluator, by=staff)
        found.append(evaluator)
    return found
