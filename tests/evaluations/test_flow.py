"""The whole path through the services: plan, committee, draw, scoring, results, selection within
budget, release, objection."""

from decimal import Decimal

import pytest

from evaluations import services as ev
from evaluations.models import AssignmentStatus, Decision, DecisionStatus, StageResult
from organizations.errors import Conflict
from tests import factories

pytestmark = pytest.mark.django_db


def _score_all(stage, points_by_submission):
    for a in stage.assignments.exclude(status=AssignmentStatus.RELEASED).select_related("evaluator__user"):
        value = points_by_submission[a.submission_id]
        points = {c.code: Decimal(c.max_points) * value for c in stage.criteria.all()}
        ev.scores_submit(
            a.evaluator.user, a, points=points, comments={c.code: "근거" for c in stage.criteria.all()}
        )


def test_two_submissions_are_drawn_scored_ranked_and_selected_within_budget(
    staff, call, track, plan, stage, reviewers
):
    first = factories.make_submitted(track)
    second = factories.make_submitted(track)
    draw = ev.assignment_draw(staff, stage, seed="fixed")
    assert len(draw.outcome["pairs"]) == 6
    _score_all(stage, {first.pk: Decimal("0.9"), second.pk: Decimal("0.7")})
    ev.stage_close(staff, stage)
    results = {r.submission_id: r for r in StageResult.objects.filter(stage=stage)}
    assert results[first.pk].total == Decimal("90.00") and results[first.pk].rank == 1
    assert results[second.pk].total == Decimal("70.00") and results[second.pk].rank == 2

    call.total_budget = 60_000_000
    call.save()
    ev.decide(staff, plan, first, status=DecisionStatus.SELECTED)
    with pytest.raises(Conflict) as refused:
        ev.decide(staff, plan, second, status=DecisionStatus.SELECTED)
    assert refused.value.code == "over_budget"
    ev.decide(staff, plan, second, status=DecisionStatus.WAITLISTED)
    assert ev.decisions_finalise(staff, plan) == 2
    decision = Decision.objects.get(submission=first)
    assert ev.results_release(staff, plan, decision_ids=[decision.pk]) == 1
    lead_user = first.application.lead.memberships.first().user
    objection = ev.objection_lodge(lead_user, decision, body="점수 재검토를 요청합니다.")
    ev.objection_decide(staff, objection, upheld=True, reason="평가표 누락 확인")
    decision.refresh_from_db()
    assert decision.final is False
    assert stage.assignments.filter(submission=first, status=AssignmentStatus.ASSIGNED).count() == 3
