"""The evaluations API for its three users: operators (pool, plan, committee, draw, swap, batch
actions, ranking, decisions within budget, notes, objections, reports), reviewers (seats, pledge,
their sheets only, scoring, conflict) and applicants (released results without reviewer identity,
notes, objections). Bad input answers 400/409 with a clear message and changes nothing; lists keep a
constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations import services as ev
from evaluations.models import (
    Assignment,
    AssignmentStatus,
    CommitteeSeat,
    Decision,
    DecisionStatus,
    EvaluationReport,
    Evaluator,
    MatchingNote,
    Objection,
    Score,
    Stage,
    StageKind,
    TrackExpertise,
)
from organizations.models import AuditEvent, Role
from tests import factories

pytestmark = pytest.mark.django_db

JSON = "application/json"


def url(name, *args):
    return reverse(name, args=args)


def act_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _post(client, name, *args, data=None):
    return client.post(url(name, *args), data or {}, content_type=JSON)


def _lead_user(submission):
    return submission.application.lead.memberships.get(role=Role.SME_MEMBER).user


def _full_points(stage, share):
    return {c.code: str(Decimal(c.max_points) * share) for c in stage.criteria.all()}


def _score_all(stage, shares):
    for a in stage.assignments.filter(status=AssignmentStatus.ASSIGNED).select_related("evaluator__user"):
        ev.scores_submit(
            a.evaluator.user,
            a,
            points=_full_points(stage, shares[a.submission_id]),
            comments={c.code: "근거" for c in stage.criteria.all()},
        )


@pytest.fixture
def other_staff(other_operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)


@pytest.fixture
def drawn(staff, track, stage, reviewers):
    """Two eligible submissions, each assigned to the three reviewers."""
    first, second = factories.make_submitted(track), factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="fixed")
    return first, second


@pytest.fixture
def scored(staff, call, plan, stage, drawn):
    """The stage closed: first 90 points (rank 1), second 70 (rank 2); budget room for one."""
    first, second = drawn
    _score_all(stage, {first.pk: Decimal("0.9"), second.pk: Decimal("0.7")})
    ev.stage_close(staff, stage)
    call.total_budget = 60_000_000
    call.save(update_fields=["total_budget"])
    return first, second


@pytest.fixture
def released(staff, plan, scored):
    """The first selected, the second waitlisted, both final and released to the applicants."""
    first, second = scored
    ev.decide(staff, plan, first, status=DecisionStatus.SELECTED)
    ev.decide(staff, plan, second, status=DecisionStatus.WAITLISTED)
    ev.decisions_finalise(staff, plan)
    ev.results_release(staff, plan, decision_ids=list(Decision.objects.values_list("pk", flat=True)))
    return Decision.objects.get(submission=first), Decision.objects.get(submission=second)


# --- the pool ------------------------------------------------------------------------------------


def test_operator_adds_filters_and_updates_the_pool(client, operator, staff):
    act_as(client, staff)
    response = _post(
        client,
        "evaluator-list",
        data={
            "operator": operator.pk,
            "email": "Expert@Univ.ac.kr",
            "full_name": "정전문",
            "affiliation_kind": "university",
            "affiliation_name": "한국대학교",
            "region": "48",
            "domains": ["mes"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["email"], body["domains"], body["region"]) == (
        "정전문",
        "expert@univ.ac.kr",
        ["mes"],
        "48",
    )
    assert body["interests_current"] is False
    added = Evaluator.objects.get(pk=body["id"])
    confirmed = factories.make_evaluator(operator, "확인위원")
    base = url("evaluator-list")
    assert _ids(client.get(base, {"domain": "mes"})) == [added.pk]
    assert _ids(client.get(base, {"region": "48"})) == [added.pk]
    assert _ids(client.get(base, {"interests_current": "true"})) == [confirmed.pk]
    assert _ids(client.get(base, {"affiliation_kind": "company"})) == []

    response = client.patch(
        url("evaluator-detail", added.pk), {"is_active": False, "domains": []}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False and response.json()["domains"] == []
    assert _ids(client.get(base, {"active": "false"})) == [added.pk]


def test_bad_pool_input_is_refused_in_korean_and_adds_nobody(client, operator, staff, other_operator):
    act_as(client, staff)
    before = Evaluator.objects.count()
    response = _post(
        client,
        "evaluator-list",
        data={"operator": other_operator.pk, "email": "not-an-email", "full_name": "", "region": 7},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["message"] == "입력 내용에 문제가 있습니다."
    assert set(body["errors"]) >= {"operator", "email", "full_name", "affiliation_kind", "region"}
    assert body["errors"]["operator"] == ["이 운영기관의 담당자가 아니거나 없는 운영기관입니다."]
    existing = factories.make_evaluator(operator, "기존위원")
    response = _post(
        client,
        "evaluator-list",
        data={
            "operator": operator.pk,
            "email": existing.user.email,
            "full_name": "중복",
            "affiliation_kind": "university",
            "affiliation_name": "대학",
            "region": "11",
        },
    )
    assert response.status_code == 409 and response.json()["code"] == "evaluator_exists"
    assert Evaluator.objects.count() == before + 1


def test_another_operator_sees_nothing_of_the_pool(client, operator, other_staff):
    evaluator = factories.make_evaluator(operator, "우리위원")
    act_as(client, other_staff)
    assert _ids(client.get(url("evaluator-list"))) == []
    assert client.get(url("evaluator-detail", evaluator.pk)).status_code == 404
    response = client.patch(url("evaluator-detail", evaluator.pk), {"name": "바뀜"}, content_type=JSON)
    assert response.status_code == 404
    evaluator.refresh_from_db()
    assert evaluator.name == "우리위원"
    act_as(client, None)
    assert client.get(url("evaluator-list")).status_code in (401, 403)


def test_reviewer_reads_own_profile_declares_ends_and_confirms_interests(client, operator):
    me = factories.make_evaluator(operator, "나위원", confirmed=False)
    someone = factories.make_evaluator(operator, "남위원")
    related = factories.make_company("관계기업")
    act_as(client, me.user)
    assert _ids(client.get(url("evaluator-list"))) == [me.pk]
    assert client.get(url("evaluator-detail", someone.pk)).status_code == 404

    response = _post(
        client,
        "evaluator-interest-list",
        data={
            "evaluator": me.pk,
            "interest_kind": "professional",
            "business_number": related.business_number,
            "description": "자문 계약",
        },
    )
    assert response.status_code == 201, response.content
    interest = response.json()
    assert (interest["company"], interest["kind"], interest["current"]) == (related.pk, "professional", True)
    response = _post(
        client, "evaluator-interest-list", data={"evaluator": someone.pk, "interest_kind": "family"}
    )
    assert response.status_code == 400 and "evaluator" in response.json()["errors"]

    response = _post(client, "evaluator-interest-end", interest["id"], data={"reason": "계약 종료"})
    assert response.status_code == 200 and response.json()["ended_on"] == timezone.localdate().isoformat()
    assert _post(client, "evaluator-interest-end", interest["id"]).status_code == 409

    response = _post(client, "evaluator-confirm-interests", me.pk)
    assert response.status_code == 200 and response.json()["interests_current"] is True
    me.refresh_from_db()
    assert me.interests_valid_until > timezone.localdate()
    assert _post(client, "evaluator-confirm-interests", someone.pk).status_code == 404


def test_pool_list_keeps_a_constant_number_of_queries(client, operator, staff):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("evaluator-list"), {"page_size": 100})
        assert response.status_code == 200
        return response.json()["count"], len(queries)

    act_as(client, staff)
    for n in range(2):
        factories.make_evaluator(operator, f"위원{n}", domains=["mes"])
    two = count()
    for n in range(5):
        factories.make_evaluator(operator, f"추가{n}", domains=["mes", "erp"])
    seven = count()
    assert (two[0], seven[0]) == (2, 7)
    assert two[1] == seven[1]


# --- plan, stages, rubric, expertise --------------------------------------------------------------


def test_operator_sets_up_a_plan_changes_it_and_its_stage(client, staff, call, track):
    act_as(client, staff)
    response = _post(
        client,
        "evaluation-plan-list",
        data={"call": call.pk, "stages": ["technical", "document_review"], "objection_days": 10},
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    assert [s["kind"] for s in plan["stages"]] == ["document_review", "technical"]
    assert plan["objection_days"] == 10
    response = client.patch(
        url("evaluation-plan-detail", plan["id"]), {"show_comments": False}, content_type=JSON
    )
    assert response.json()["show_comments"] is False

    stage_id = plan["stages"][1]["id"]
    detail = client.get(url("evaluation-stage-detail", stage_id)).json()
    assert [c["code"] for c in detail["criteria"]] == [
        "necessity",
        "feasibility",
        "data",
        "supplier",
        "effects",
    ]
    response = client.patch(
        url("evaluation-stage-detail", stage_id),
        {"cutoff": "70.00", "tie_break": ["feasibility", "nope"]},
        content_type=JSON,
    )
    assert response.status_code == 400 and response.json()["errors"] == {
        "tie_break": ["동점 처리 순서에 없는 평가 항목 코드가 있습니다: nope"]
    }
    assert client.get(url("evaluation-stage-detail", stage_id)).json()["cutoff"] == "60.00"
    response = client.patch(
        url("evaluation-stage-detail", stage_id),
        {"cutoff": "70", "aggregation": "trimmed_mean", "tie_break": ["feasibility"]},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert (response.json()["cutoff"], response.json()["aggregation"]) == ("70.00", "trimmed_mean")

    response = _post(client, "evaluation-stage-skip", stage_id, data={"reason": "생략"})
    assert response.status_code == 409 and response.json()["code"] == "stage_not_skippable"
    response = _post(client, "evaluation-stage-skip", plan["stages"][0]["id"])
    assert response.status_code == 400 and response.json()["errors"] == {
        "reason": ["생략 사유를 적어 주십시오."]
    }
    response = _post(client, "evaluation-stage-skip", plan["stages"][0]["id"], data={"reason": "소규모 공고"})
    assert response.json()["status"] == "skipped"

    response = _post(client, "evaluation-plan-list", data={"call": call.pk, "stages": ["interview"]})
    assert response.status_code == 400 and "stages" in response.json()["errors"]


def test_rubric_is_edited_and_an_unbalanced_one_cannot_open(client, staff, plan):
    stage = plan.stages.get(kind=StageKind.TECHNICAL)
    act_as(client, staff)
    response = _post(
        client,
        "evaluation-criterion-list",
        data={"stage": stage.pk, "code": "safety", "name_ko": "안전", "max_points": 10, "weight": 10},
    )
    assert response.status_code == 201, response.content
    created = response.json()["id"]
    response = _post(client, "evaluation-stage-open", stage.pk)
    assert response.status_code == 400 and response.json()["code"] == "rubric_invalid"
    stage.refresh_from_db()
    assert stage.status == "planned"
    response = client.patch(
        url("evaluation-criterion-detail", created), {"max_points": 200}, content_type=JSON
    )
    assert response.status_code == 400 and "max_points" in response.json()["errors"]
    assert client.delete(url("evaluation-criterion-detail", created)).status_code == 204
    assert _post(client, "evaluation-stage-open", stage.pk).json()["status"] == "scoring"
    assert _ids(client.get(url("evaluation-criterion-list"), {"stage": stage.pk})) == list(
        stage.criteria.values_list("pk", flat=True)
    )


def test_track_expertise_is_set_with_audit_and_only_by_the_call_staff(client, staff, other_staff, track):
    act_as(client, other_staff)
    response = _post(client, "track-expertise-list", data={"track": track.pk, "domains": ["mes"]})
    assert response.status_code == 400 and "track" in response.json()["errors"]
    assert not TrackExpertise.objects.exists()
    act_as(client, staff)
    response = _post(client, "track-expertise-list", data={"track": track.pk, "domains": ["mes", "erp"]})
    assert response.status_code == 200, response.content
    assert sorted(response.json()["domains"]) == ["erp", "mes"]
    response = _post(client, "track-expertise-list", data={"track": track.pk, "domains": ["mes"]})
    assert response.json()["domains"] == ["mes"]
    events = AuditEvent.objects.filter(object_id=str(response.json()["id"]), object_repr=str(track))
    assert [e.after for e in events.order_by("pk")] == [{"domains": ["erp", "mes"]}, {"domains": ["mes"]}]
    assert _ids(client.get(url("track-expertise-list"), {"call": track.call_id})) == [response.json()["id"]]


# --- committee -----------------------------------------------------------------------------------


def test_invitation_answer_pledge_and_release(client, operator, staff, stage):
    expert = factories.make_evaluator(operator, "초대위원")
    act_as(client, staff)
    response = _post(client, "committee-seat-list", data={"stage": stage.pk, "evaluator": expert.pk})
    assert response.status_code == 201, response.content
    seat = response.json()
    assert (seat["status"], seat["may_review"]) == ("invited", False)
    assert (
        _post(client, "committee-seat-list", data={"stage": stage.pk, "evaluator": expert.pk}).status_code
        == 409
    )

    act_as(client, expert.user)
    assert _ids(client.get(url("committee-seat-list"))) == [seat["id"]]
    assert _post(client, "committee-seat-respond", seat["id"], data={"accept": "maybe"}).status_code == 400
    assert (
        _post(client, "committee-seat-respond", seat["id"], data={"accept": True}).json()["status"]
        == "accepted"
    )
    response = _post(client, "committee-seat-pledge", seat["id"], data={"agree": False})
    assert response.status_code == 400 and response.json()["errors"] == {
        "agree": ["서약 내용에 동의해야 평가를 시작할 수 있습니다."]
    }
    response = _post(client, "committee-seat-pledge", seat["id"], data={"agree": True})
    assert response.json()["may_review"] is True and "서약합니다" in response.json()["pledge"]
    assert _post(client, "committee-seat-release", seat["id"], data={"reason": "x"}).status_code == 403

    act_as(client, staff)
    response = _post(client, "committee-seat-release", seat["id"], data={"reason": "일정 불가"})
    assert response.json()["status"] == "released"


# --- assignment ----------------------------------------------------------------------------------


def test_draw_records_seed_pairs_and_shortfalls(client, staff, track, stage, reviewers):
    first, second = factories.make_submitted(track), factories.make_submitted(track)
    stage.reviewers_per_application = 4
    stage.save(update_fields=["reviewers_per_application"])
    act_as(client, staff)
    response = _post(client, "evaluation-stage-draw", stage.pk, data={"seed": "seed-1"})
    assert response.status_code == 201, response.content
    draw = response.json()
    assert draw["seed"] == "seed-1" and draw["performed_by"] == staff.full_name
    assert len(draw["pairs"]) == 6
    assert draw["shortfalls"] == {str(first.pk): 1, str(second.pk): 1}
    assert {tuple(p) for p in draw["pairs"]} == set(
        Assignment.objects.values_list("submission_id", "evaluator_id")
    )
    assert _ids(client.get(url("assignment-draw-list"), {"stage": stage.pk})) == [draw["id"]]

    listed = client.get(url("assignment-list"), {"stage": stage.pk, "submission": first.pk}).json()
    assert listed["count"] == 3
    assert {row["evaluator_name"] for row in listed["results"]} == {"김평가", "이평가", "박평가"}
    assert {row["receipt_number"] for row in listed["results"]} == {first.receipt_number}
    by_reviewer = client.get(url("assignment-list"), {"evaluator": reviewers[0].pk, "status": "assigned"})
    assert by_reviewer.json()["count"] == 2


def test_exclusion_report_says_why(client, operator, staff, track, stage, reviewers):
    submission = factories.make_submitted(track)
    insider = factories.make_evaluator(operator, "소속위원", company=submission.application.lead)
    factories.seat(stage, insider, by=staff)
    act_as(client, staff)
    _post(client, "evaluation-stage-draw", stage.pk, data={"seed": "x"})
    report = client.get(url("evaluation-stage-exclusion-report", stage.pk)).json()
    assert report["count"] == 1
    row = report["results"][0]
    assert (row["submission"], row["evaluator"], row["reason"]) == (
        submission.pk,
        insider.pk,
        "affiliated_applicant",
    )
    assert row["reason_label"] == "신청 기업 소속"
    assert not Assignment.objects.filter(evaluator=insider).exists()


def test_swap_to_a_conflicted_reviewer_is_refused_and_changes_nothing(client, operator, staff, stage, drawn):
    first, _second = drawn
    conflicted = factories.make_evaluator(operator, "관계위원")
    ev.interest_declare(staff, conflicted, kind="family", company=first.application.lead)
    factories.seat(stage, conflicted, by=staff)
    free = factories.make_evaluator(operator, "새위원")
    factories.seat(stage, free, by=staff)
    target = Assignment.objects.filter(submission=first).first()
    before = sorted(Assignment.objects.values_list("pk", "status"))
    act_as(client, staff)
    response = _post(
        client, "assignment-swap", target.pk, data={"evaluator": conflicted.pk, "reason": "일정"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "reviewer_excluded" and "이해관계 신고" in response.json()["message"]
    assert sorted(Assignment.objects.values_list("pk", "status")) == before
    response = _post(client, "assignment-swap", target.pk, data={"evaluator": free.pk})
    assert response.status_code == 400 and response.json()["errors"] == {
        "reason": ["교체 사유를 적어 주십시오."]
    }
    response = _post(client, "assignment-swap", target.pk, data={"evaluator": free.pk, "reason": "일정"})
    assert response.status_code == 201, response.content
    assert (response.json()["evaluator"], response.json()["submission"]) == (free.pk, first.pk)
    target.refresh_from_db()
    assert target.status == AssignmentStatus.RELEASED


def test_batch_actions(client, operator, staff, track, stage, reviewers):
    first, second = factories.make_submitted(track), factories.make_submitted(track)
    act_as(client, staff)
    response = _post(
        client, "evaluation-stage-batch", stage.pk, data={"action": "assign", "submission_ids": [first.pk]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 3 and response.json()["draw"]["seed"]
    assert set(Assignment.objects.values_list("submission_id", flat=True)) == {first.pk}

    response = _post(
        client, "evaluation-stage-batch", stage.pk, data={"action": "remind", "submission_ids": [first.pk]}
    )
    assert response.json() == {"action": "remind", "count": 3, "draw": None}
    assert Assignment.objects.filter(reminded_at__isnull=False).count() == 3

    extra = factories.make_evaluator(operator, "예비위원")
    factories.seat(stage, extra, by=staff)
    response = _post(
        client, "evaluation-stage-batch", stage.pk, data={"action": "reassign", "submission_ids": [first.pk]}
    )
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert Assignment.objects.filter(status=AssignmentStatus.RELEASED).count() == 0
    response = _post(
        client,
        "evaluation-stage-batch",
        stage.pk,
        data={"action": "reassign", "submission_ids": [first.pk], "reason": "일괄 재배정"},
    )
    assert response.status_code == 200 and response.json()["count"] == 1  # only the reserve is left
    assert Assignment.objects.filter(status=AssignmentStatus.RELEASED).count() == 3

    response = _post(
        client,
        "evaluation-stage-batch",
        stage.pk,
        data={"action": "release_results", "submission_ids": [second.pk]},
    )
    assert response.status_code == 400 and response.json()["code"] == "no_decision"
    response = _post(
        client, "evaluation-stage-batch", stage.pk, data={"action": "delete", "submission_ids": "x"}
    )
    assert response.status_code == 400 and set(response.json()["errors"]) == {"action", "submission_ids"}


def test_assignment_list_keeps_a_constant_number_of_queries(client, staff, track, stage, reviewers):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("assignment-list"), {"stage": stage.pk, "page_size": 100})
        assert response.status_code == 200
        return response.json()["count"], len(queries)

    act_as(client, staff)
    factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="a")
    three = count()
    for _ in range(2):
        factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="b")
    nine = count()
    assert (three[0], nine[0]) == (3, 9)
    assert three[1] == nine[1]


# --- the reviewer --------------------------------------------------------------------------------


def test_reviewer_reads_the_sheet_with_rubric_and_supplier_data(client, track, stage, reviewers, staff):
    supplier = factories.make_supplier(
        "공급사례기업", cases=[("A사 MES", "C29", "48", 2024, 80_000_000, "basic")]
    )
    submission = factories.make_submitted(track, supplier=supplier)
    ev.assignment_draw(staff, stage, seed="s")
    mine = Assignment.objects.get(evaluator=reviewers[0], submission=submission)
    act_as(client, reviewers[0].user)
    listed = client.get(url("reviewer-assignment-list")).json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert listed["results"][0]["title"] == factories.READY_PLAN["title"]

    response = client.get(url("reviewer-assignment-detail", mine.pk))
    assert response.status_code == 200, response.content
    sheet = response.json()
    detail = sheet["submission_detail"]
    assert detail["plan"]["title"] == factories.READY_PLAN["title"]
    assert detail["budget"]["total_cost"] == 100_000_000
    assert [k["code"] for k in detail["kpis"]] == [k["code"] for k in submission.snapshot["kpis"]]
    assert detail["shares"] == submission.snapshot["shares"]
    assert {d["kind"] for d in detail["documents"]} == {"business_plan", "financial_statements"}
    assert sheet["criteria"][0]["code"] == "necessity" and sheet["scores"] == []
    [panel] = sheet["suppliers"]
    assert (panel["company"], panel["status"], panel["registered"], panel["case_count"]) == (
        supplier.company_id,
        "registered",
        True,
        1,
    )
    assert panel["by_scale"] == {"under_100m": 1, "100m_500m": 0, "over_500m": 0}
    assert panel["recent_cases"][0]["title"] == "A사 MES"
    mine.refresh_from_db()
    assert mine.opened_at is not None


def test_reviewer_cannot_read_anothers_sheet_nor_before_the_pledge(client, operator, staff, stage, drawn):
    first, _ = drawn
    theirs = Assignment.objects.exclude(evaluator__name="김평가").first()
    kim = Evaluator.objects.get(name="김평가")
    act_as(client, kim.user)
    assert client.get(url("reviewer-assignment-detail", theirs.pk)).status_code == 404
    assert _post(client, "reviewer-assignment-scores", theirs.pk, data={"points": {}}).status_code == 404
    assert client.get(url("assignment-list")).json()["count"] == 0  # the operators' list is not theirs

    late = factories.make_evaluator(operator, "미서약위원")
    factories.seat(stage, late, by=staff, pledge=False)
    sheet = ev.assignment_swap(
        staff, Assignment.objects.filter(submission=first).first(), late, reason="교체"
    )
    act_as(client, late.user)
    assert _ids(client.get(url("reviewer-assignment-list"))) == []
    assert client.get(url("reviewer-assignment-detail", sheet.pk)).status_code == 404
    seat = CommitteeSeat.objects.get(evaluator=late)
    _post(client, "committee-seat-pledge", seat.pk, data={"agree": True})
    assert _ids(client.get(url("reviewer-assignment-list"))) == [sheet.pk]
    assert client.get(url("reviewer-assignment-detail", sheet.pk)).status_code == 200

    act_as(client, staff)
    assert client.get(url("reviewer-assignment-detail", sheet.pk)).status_code == 404


def test_reviewer_saves_a_draft_and_submits(client, stage, drawn):
    mine = Assignment.objects.filter(evaluator__name="김평가").first()
    act_as(client, mine.evaluator.user)
    sheet = url("reviewer-assignment-scores", mine.pk)
    response = client.post(sheet, {"points": {"necessity": "25"}}, content_type=JSON)  # max 20
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "necessity": ["점수는 0점에서 20점 사이, 소수 둘째 자리까지 입력해 주십시오."]
    }
    assert not Score.objects.filter(assignment=mine).exists()
    response = client.post(sheet, {"points": "many"}, content_type=JSON)
    assert response.status_code == 400 and "points" in response.json()["errors"]

    response = client.post(
        sheet, {"points": {"necessity": 18.5}, "overall_comment": "초안"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["scores"] == [{"code": "necessity", "points": "18.50", "comment": ""}]

    points = _full_points(stage, Decimal("0.8"))
    points["data"] = "5"  # under 60% of 20 without a comment
    submit = url("reviewer-assignment-submit", mine.pk)
    response = client.post(submit, {"points": points}, content_type=JSON)
    assert response.status_code == 400 and response.json()["code"] == "scores_incomplete"
    assert (
        list(response.json()["errors"]) == ["data"]
        and "의견을 적어 주십시오" in response.json()["errors"]["data"][0]
    )
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ASSIGNED and mine.total is None

    response = client.post(
        submit, {"points": points, "comments": {"data": "데이터 계획이 부실함"}}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["total"]) == ("submitted", "69.00")
    response = client.post(sheet, {"points": {"necessity": "1"}}, content_type=JSON)
    assert response.status_code == 409 and response.json()["code"] == "sheet_submitted"


def test_operator_reopens_a_submitted_sheet_with_a_reason(client, staff, stage, drawn):
    mine = Assignment.objects.filter(evaluator__name="김평가").first()
    ev.scores_submit(mine.evaluator.user, mine, points=_full_points(stage, Decimal("1")), comments={})
    act_as(client, staff)
    response = _post(client, "assignment-reopen", mine.pk)
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = _post(client, "assignment-reopen", mine.pk, data={"reason": "점수 오기"})
    assert response.status_code == 200 and response.json()["status"] == "assigned"


def test_reviewer_declares_a_conflict_and_loses_the_sheet(client, operator, staff, stage, drawn):
    reserve = factories.make_evaluator(operator, "예비위원")
    factories.seat(stage, reserve, by=staff)
    mine = Assignment.objects.filter(evaluator__name="김평가").first()
    act_as(client, mine.evaluator.user)
    assert _post(client, "reviewer-assignment-conflict", mine.pk).status_code == 400
    response = _post(client, "reviewer-assignment-conflict", mine.pk, data={"reason": "신청기업 대표와 친척"})
    assert response.status_code == 200, response.content
    assert response.json()["pairs"] == [] and response.json()["shortfalls"] == {}
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.RELEASED
    assert Assignment.objects.filter(submission=mine.submission, evaluator=reserve).exists()
    assert client.get(url("reviewer-assignment-detail", mine.pk)).status_code == 404


# --- results and selection -----------------------------------------------------------------------


def test_ranking_by_track_with_shares_and_decisions(client, staff, plan, stage, scored):
    first, second = scored
    ev.decide(staff, plan, first, status=DecisionStatus.SELECTED)
    act_as(client, staff)
    body = client.get(url("evaluation-plan-ranking", plan.pk)).json()
    assert body["stage"] == stage.pk
    [track] = body["tracks"]
    rows = track["rows"]
    assert [(r["submission"], r["rank"], r["total"], r["passed"]) for r in rows] == [
        (first.pk, 1, "90.00", True),
        (second.pk, 2, "70.00", True),
    ]
    assert [r["government_share"] for r in rows] == [50_000_000, 50_000_000]
    assert rows[0]["decision"]["status"] == "selected" and rows[1]["decision"] is None
    assert body["budget"] == {"budget": 60_000_000, "committed": 50_000_000, "left": 10_000_000}

    sheet = client.get(url("evaluation-plan-result-sheet", plan.pk), {"submission": first.pk}).json()
    assert sheet[0]["total"] == "90.00"
    assert {c["reviewer"] for c in sheet[0]["comments"]} == {"김평가", "이평가", "박평가"}
    assert client.get(url("evaluation-plan-result-sheet", plan.pk), {"submission": 0}).status_code == 404


def test_deciding_over_budget_is_refused_and_changes_nothing(client, staff, plan, scored):
    first, second = scored
    act_as(client, staff)
    response = _post(
        client, "decision-list", data={"plan": plan.pk, "submission": first.pk, "decision": "selected"}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["government_share"]) == ("selected", 50_000_000)
    response = _post(
        client, "decision-list", data={"plan": plan.pk, "submission": second.pk, "decision": "selected"}
    )
    assert response.status_code == 409 and response.json()["code"] == "over_budget"
    assert response.json()["message"]
    assert not Decision.objects.filter(submission=second).exists()
    assert client.get(url("evaluation-plan-budget", plan.pk)).json() == {
        "budget": 60_000_000,
        "committed": 50_000_000,
        "left": 10_000_000,
    }
    response = _post(
        client, "decision-list", data={"plan": plan.pk, "submission": second.pk, "decision": "maybe"}
    )
    assert response.status_code == 400 and "decision" in response.json()["errors"]
    response = _post(
        client, "decision-list", data={"plan": plan.pk, "submission": second.pk, "decision": "rejected"}
    )
    assert response.status_code == 400 and response.json()["errors"] == {
        "reason": ["기준을 통과한 신청서를 미선정할 때는 사유를 적어 주십시오."]
    }
    assert _ids(client.get(url("decision-list"), {"plan": plan.pk, "status": "selected"})) == [
        Decision.objects.get(submission=first).pk
    ]


def test_finalise_release_and_the_applicant_sees_only_released_results(client, staff, plan, stage, scored):
    first, second = scored
    lead = _lead_user(first)
    ev.decide(staff, plan, first, status=DecisionStatus.SELECTED)
    act_as(client, lead)
    assert _ids(client.get(url("applicant-decision-list"))) == []
    act_as(client, staff)
    assert _post(client, "evaluation-plan-finalise", plan.pk).json() == {"finalised": 1}
    response = _post(
        client,
        "evaluation-stage-batch",
        stage.pk,
        data={"action": "release_results", "submission_ids": [first.pk]},
    )
    assert response.json()["count"] == 1
    decision = Decision.objects.get(submission=first)
    act_as(client, lead)
    listed = client.get(url("applicant-decision-list")).json()["results"]
    assert [d["id"] for d in listed] == [decision.pk]
    assert listed[0]["status"] == "selected" and listed[0]["objection_until"]
    act_as(client, _lead_user(second))
    assert _ids(client.get(url("applicant-decision-list"))) == []
    assert client.get(url("applicant-decision-result", decision.pk)).status_code == 404


def test_the_applicants_result_names_no_reviewer(client, plan, released, reviewers):
    decision, _ = released
    act_as(client, _lead_user(decision.submission))
    response = client.get(url("applicant-decision-result", decision.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["decision"]["status"] == "selected"
    [stage] = body["stages"]
    assert stage["total"] == "90.00" and stage["rank"] == 1
    assert [c["position"] for c in stage["comments"]] == [1, 2, 3]
    assert stage["comments"][0]["lines"][0] == "스마트공장 구축 필요성: 근거"
    text = response.content.decode()
    for reviewer in reviewers:
        assert reviewer.name not in text
        assert reviewer.user.email not in text
        assert reviewer.user.full_name not in text
    assert '"reviewer"' not in text


def test_matching_note_is_sent_and_answered(client, staff, plan, scored):
    first, _ = scored
    decision = ev.decide(staff, plan, first, status=DecisionStatus.SELECTED)
    act_as(client, staff)
    late = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    data = {
        "decision": decision.pk,
        "note_kind": "other_supplier",
        "body": "공급기업 재검토",
        "respond_by": late,
    }
    response = _post(client, "matching-note-list", data=data)
    assert response.status_code == 400 and response.json()["code"] == "respond_by_past"
    assert not MatchingNote.objects.exists()
    data["respond_by"] = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    response = _post(client, "matching-note-list", data=data)
    assert response.status_code == 201, response.content
    note = response.json()
    assert _post(client, "evaluation-plan-finalise", plan.pk).json()["code"] == "notes_open"

    act_as(client, _lead_user(first))
    assert _ids(client.get(url("applicant-matching-note-list"))) == [note["id"]]
    response = _post(
        client, "applicant-matching-note-respond", note["id"], data={"accepted": True, "response": " "}
    )
    assert response.status_code == 400 and response.json()["errors"] == {
        "response": ["답변 내용을 적어 주십시오."]
    }
    response = _post(
        client,
        "applicant-matching-note-respond",
        note["id"],
        data={"accepted": True, "response": "수용합니다"},
    )
    assert response.status_code == 200 and response.json()["status"] == "answered"
    act_as(client, staff)
    assert client.get(url("matching-note-detail", note["id"])).json()["response"] == "수용합니다"


def test_objection_within_the_window_then_decided(client, staff, plan, released):
    decision, _ = released
    lead = _lead_user(decision.submission)
    act_as(client, lead)
    response = _post(
        client, "applicant-objection-list", data={"decision": decision.pk, "body": "재검토 요청"}
    )
    assert response.status_code == 201, response.content
    objection = response.json()
    assert _ids(client.get(url("applicant-objection-list"))) == [objection["id"]]
    response = _post(client, "applicant-objection-list", data={"decision": decision.pk, "body": "또"})
    assert response.status_code == 409 and response.json()["code"] == "objection_open"

    act_as(client, staff)
    response = _post(client, "objection-decide", objection["id"], data={"upheld": False})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = _post(
        client, "objection-decide", objection["id"], data={"upheld": False, "reason": "평가 적정"}
    )
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    act_as(client, lead)
    assert (
        client.get(url("applicant-objection-detail", objection["id"])).json()["outcome_reason"] == "평가 적정"
    )


def test_objection_after_the_window_is_refused(client, plan, released):
    decision, _ = released
    Decision.objects.filter(pk=decision.pk).update(released_at=timezone.now() - datetime.timedelta(days=30))
    act_as(client, _lead_user(decision.submission))
    response = _post(client, "applicant-objection-list", data={"decision": decision.pk, "body": "늦은 이의"})
    assert response.status_code == 409 and response.json()["code"] == "objection_late"
    assert "이의신청 기간" in response.json()["message"]
    assert not Objection.objects.exists()


def test_cost_review_cuts_recompute_the_government_share(client, staff, call, track, plan, scored):
    first, _ = scored
    ev.plan_set_up(staff, call, stages=[StageKind.COST_REVIEW])
    cost_stage = plan.stages.get(kind=StageKind.COST_REVIEW)
    ev.stage_open(staff, cost_stage)
    act_as(client, staff)
    data = {
        "stage": cost_stage.pk,
        "submission": first.pk,
        "reviewer_body": "원가검토위원회",
        "approved_lines": {"software": -5},
    }
    assert _post(client, "cost-review-list", data=data).status_code == 400
    data["approved_lines"] = {"software": 20_000_000}
    response = _post(client, "cost-review-list", data=data)
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    data["reason"] = "소프트웨어 단가 과다"
    response = _post(client, "cost-review-list", data=data)
    assert response.status_code == 201, response.content
    review = response.json()
    assert (review["approved_total"], review["government_share"]) == (80_000_000, 40_000_000)
    assert _ids(client.get(url("cost-review-list"), {"stage": cost_stage.pk})) == [review["id"]]
    ranking = client.get(url("evaluation-plan-ranking", plan.pk)).json()
    assert ranking["tracks"][0]["rows"][0]["government_share"] == 40_000_000


def test_reports_are_requested_listed_and_downloaded_once_done(client, staff, plan, scored):
    first, _ = scored
    act_as(client, staff)
    response = _post(
        client, "evaluation-report-list", data={"plan": plan.pk, "report_kind": "application_summary"}
    )
    assert response.status_code == 400 and "submission" in response.json()["errors"]
    response = _post(
        client,
        "evaluation-report-list",
        data={"plan": plan.pk, "report_kind": "application_summary", "submission": first.pk},
    )
    assert response.status_code == 201, response.content
    report = response.json()
    assert (report["status"], report["download_url"]) == ("pending", None)
    assert client.get(url("evaluation-report-download", report["id"])).status_code == 404
    row = EvaluationReport.objects.get(pk=report["id"])
    row.file.save("summary.pdf", ContentFile(factories.PDF_BYTES), save=False)
    row.status = "done"
    row.save()
    assert _ids(client.get(url("evaluation-report-list"), {"plan": plan.pk})) == [report["id"]]
    response = client.get(url("evaluation-report-download", report["id"]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == factories.PDF_BYTES
    assert response["Content-Type"] == "application/pdf"


def test_ranking_and_decision_lists_keep_a_constant_number_of_queries(
    client, staff, call, track, plan, stage, reviewers
):
    call.total_budget = 10**10
    call.save(update_fields=["total_budget"])

    def count(name, *args):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(name, *args), {"page_size": 100})
        assert response.status_code == 200
        return len(queries)

    def round_of(n):
        submissions = [factories.make_submitted(track) for _ in range(n)]
        ev.assignment_draw(staff, stage)
        _score_all(stage, {s.pk: Decimal("0.8") for s in submissions})
        ev.stage_close(staff, stage)
        for s in submissions:
            ev.decide(staff, plan, s, status=DecisionStatus.SELECTED)

    act_as(client, staff)
    round_of(1)
    small = (count("evaluation-plan-ranking", plan.pk), count("decision-list"))
    Stage.objects.filter(pk=stage.pk).update(status="scoring")  # set-up: score two more
    round_of(2)
    big = (count("evaluation-plan-ranking", plan.pk), count("decision-list"))
    assert client.get(url("decision-list")).json()["count"] == 3
    ranking = client.get(url("evaluation-plan-ranking", plan.pk)).json()
    assert len(ranking["tracks"][0]["rows"]) == 3
    assert small == big


def test_stage_closes_only_when_every_sheet_is_in(client, staff, stage, drawn):
    act_as(client, staff)
    response = _post(client, "evaluation-stage-close", stage.pk)
    assert response.status_code == 409 and response.json()["code"] == "sheets_open"
    assert "6건" in response.json()["message"]
    first, second = drawn
    _score_all(stage, {first.pk: Decimal("0.9"), second.pk: Decimal("0.5")})
    response = _post(client, "evaluation-stage-close", stage.pk)
    assert response.status_code == 200 and response.json()["status"] == "closed"
    ranking = client.get(url("evaluation-plan-ranking", stage.plan_id)).json()
    assert [(r["submission"], r["passed"]) for r in ranking["tracks"][0]["rows"]] == [
        (first.pk, True),
        (second.pk, False),
    ]


def test_outsiders_read_and_decide_nothing(client, other_staff, plan, scored, reviewers):
    first, _ = scored
    lead = _lead_user(first)
    for user in (other_staff, lead, reviewers[0].user):
        act_as(client, user)
        assert client.get(url("evaluation-plan-ranking", plan.pk)).status_code == 404
        assert (
            client.get(url("evaluation-plan-result-sheet", plan.pk), {"submission": first.pk}).status_code
            == 404
        )
        assert _ids(client.get(url("decision-list"))) == []
        assert _ids(client.get(url("assignment-list"))) == []
        assert _ids(client.get(url("objection-list"))) == []
        response = _post(
            client, "decision-list", data={"plan": plan.pk, "submission": first.pk, "decision": "selected"}
        )
        assert response.status_code == 400 and "plan" in response.json()["errors"]
    assert not Decision.objects.exists()


def test_upheld_objection_reopens_the_sheets(client, staff, plan, stage, released):
    decision, _ = released
    objection = ev.objection_lodge(_lead_user(decision.submission), decision, body="합산 오류")
    act_as(client, staff)
    assert _ids(client.get(url("objection-list"), {"status": "lodged"})) == [objection.pk]
    response = _post(
        client, "objection-decide", objection.pk, data={"upheld": True, "reason": "합산 오류 확인"}
    )
    assert response.status_code == 200 and response.json()["status"] == "upheld"
    decision.refresh_from_db()
    assert decision.final is False
    sheets = client.get(url("assignment-list"), {"submission": decision.submission_id, "status": "assigned"})
    assert sheets.json()["count"] == 3


def test_the_other_lists_keep_a_constant_number_of_queries(
    client, operator, staff, track, plan, stage, reviewers
):
    """Seats, draws, interests, cost reviews, decisions' notes and objections, exclusions, reports,
    stages and criteria for staff; the queue for a reviewer: the same number of queries with one
    row of each as with three."""
    from evaluations.models import Exclusion

    now = timezone.now()
    reviewer = reviewers[0]
    company = factories.make_company("관련기업")

    def grow():
        submission = factories.make_submitted(track)
        extra = factories.make_evaluator(operator, "추가위원")
        factories.seat(stage, extra, by=staff)
        ev.assignment_draw(staff, stage)
        # The draw is seeded per stage and may pass the reviewer over; the queue must grow each time.
        if not reviewer.assignments.filter(stage=stage, submission=submission).exists():
            Assignment.objects.create(stage=stage, submission=submission, evaluator=reviewer)
        ev.interest_declare(staff, reviewer, kind="professional", company=company)
        Exclusion.objects.create(stage=stage, submission=submission, evaluator=extra, reason="no_expertise")
        decision = Decision.objects.create(
            plan=plan,
            submission=submission,
            track=track,
            status="waitlisted",
            government_share=1,
            decided_by=staff,
            decided_at=now,
            released_at=now,
        )
        MatchingNote.objects.create(
            decision=decision,
            kind="other_track",
            body="b",
            respond_by=now + datetime.timedelta(days=3),
            sent_by=staff,
        )
        Objection.objects.create(decision=decision, body="b", lodged_by=staff, lodged_at=now)
        EvaluationReport.objects.create(plan=plan, kind="committee_report", requested_by=staff)

    lists = [
        (staff, "committee-seat-list", {"stage": stage.pk}),
        (staff, "assignment-draw-list", {"stage": stage.pk}),
        (staff, "evaluator-interest-list", {}),
        (staff, "matching-note-list", {}),
        (staff, "objection-list", {}),
        (staff, "evaluation-report-list", {}),
        (staff, "evaluation-stage-list", {}),
        (staff, "evaluation-criterion-list", {}),
        (staff, "evaluation-stage-exclusion-report", {"_pk": stage.pk}),
        (reviewer.user, "reviewer-assignment-list", {}),
    ]

    def counts():
        found = {}
        for user, name, params in lists:
            act_as(client, user)
            params = dict(params)
            target = url(name, params.pop("_pk")) if "_pk" in params else url(name)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(target, {**params, "page_size": 100})
            assert response.status_code == 200, (name, response.content)
            found[name] = len(queries)
        return found

    grow()
    one = counts()
    grow()
    grow()
    assert counts() == one
