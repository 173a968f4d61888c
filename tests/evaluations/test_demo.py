"""The demo evaluation seed_demo loads on the open 2026 KOSMO call: an expert pool with one declared
interest, a plan with its committees, a recorded draw, scored sheets and a ranking for the
operator, open sheets for the demo reviewer login; loading it again changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluations import demo, selectors
from evaluations.models import (
    Assignment,
    AssignmentDraw,
    AssignmentStatus,
    CommitteeSeat,
    Criterion,
    DeclaredInterest,
    EvaluationPlan,
    Evaluator,
    Exclusion,
    ExclusionReason,
    Score,
    Stage,
    StageKind,
    StageResult,
    StageStatus,
)
from organizations.models import AuditEvent, Membership, Notification, User

pytestmark = pytest.mark.django_db

MODELS = [
    Evaluator,
    DeclaredInterest,
    EvaluationPlan,
    Stage,
    Criterion,
    CommitteeSeat,
    AssignmentDraw,
    Assignment,
    Exclusion,
    Score,
    StageResult,
    User,
    Membership,
    AuditEvent,
    Notification,
]


def _seed_earlier_apps():
    from applications.demo import seed_demo as seed_applications
    from organizations.demo import seed_demo as seed_organizations
    from programs.demo import seed_demo as seed_programs
    from suppliers.demo import _demo_supplier_profile

    seed_organizations()
    seed_programs()
    _demo_supplier_profile(timezone.localdate())
    assert seed_applications() == 13


def _counts():
    return {m.__name__: m._base_manager.count() for m in MODELS}


@pytest.fixture
def seeded():
    _seed_earlier_apps()
    assert demo.seed_demo() > 0
    return EvaluationPlan.objects.get(call__reference=demo.CALL)


def test_loading_twice_gives_the_same_counts(seeded):
    before = _counts()
    assert before["Evaluator"] == 6 and before["EvaluationPlan"] == 1 and before["Stage"] == 3

    assert demo.seed_demo() == 0

    assert _counts() == before


def test_the_demo_reviewer_login_has_sheets_to_score_and_the_second_login_has_submitted(seeded):
    from organizations.demo import DEMO_PASSWORD

    reviewer = User.objects.get(email=demo.REVIEWER)
    assert reviewer.check_password(DEMO_PASSWORD)
    queue = list(Assignment.objects.reviewed_by(reviewer))
    assert len(queue) >= 4
    assert {a.status for a in queue} == {AssignmentStatus.ASSIGNED}
    assert all(a.stage.plan_id == seeded.pk and a.stage.kind == StageKind.TECHNICAL for a in queue)

    second = User.objects.get(email=demo.SECOND_REVIEWER)
    assert second.check_password(DEMO_PASSWORD)
    done = list(Assignment.objects.reviewed_by(second))
    assert done and {a.status for a in done} == {AssignmentStatus.SUBMITTED}
    # the other experts have no password: they are in the pool, not demo logins
    assert not User.objects.get(email="expert3@demo.sfms.kr").has_usable_password()


def test_the_operator_has_a_ranking_committees_and_an_exclusion_report(seeded):
    stages = {s.kind: s for s in seeded.stages.all()}
    assert stages[StageKind.REQUIREMENT_REVIEW].status == StageStatus.CLOSED
    technical = stages[StageKind.TECHNICAL]
    assert technical.status == StageStatus.SCORING  # reopened for the demo reviewer's sheets
    assert stages[StageKind.DELIBERATION].status == StageStatus.PLANNED

    seats = list(technical.seats.order_by("-is_chair", "evaluator__name"))
    assert len(seats) == 6 and all(s.may_review for s in seats)
    assert seats[0].is_chair and seats[0].evaluator.name == "서지우"
    assert stages[StageKind.DELIBERATION].seats.filter(is_chair=True).get().evaluator.name == "서지우"

    stage, tracks = selectors.ranking(seeded)
    assert stage == technical
    rows = [row for _track, rows in tracks for row in rows]
    assert len(rows) == 12
    assert sum(1 for r in rows if not r.result.passed) == 2
    ranked = [r.result for r in rows if r.result.passed]
    assert [r.rank for r in ranked] == list(range(1, 11))
    assert all(r.reviewer_count == 3 for r in ranked)
    assert ranked[0].total > ranked[-1].total

    excluded = Exclusion.objects.get(stage=technical, reason=ExclusionReason.DECLARED_INTEREST)
    assert excluded.evaluator.name == "문태호"
    assert excluded.submission.snapshot["lead"]["name"] == "대성정밀"
    assert not technical.assignments.filter(
        evaluator=excluded.evaluator, submission=excluded.submission
    ).exists()
    draw = AssignmentDraw.objects.get(stage=technical)
    assert draw.seed == demo.SEED and len(draw.outcome["pairs"]) == 36


def test_seed_demo_prints_the_evaluator_logins():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert demo.REVIEWER in text and demo.SECOND_REVIEWER in text
    assert EvaluationPlan.objects.filter(call__reference=demo.CALL).exists()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "demo data already present" in out.getvalue()
