"""The operator's evaluation pages through Django's test client: pool, plan and rubric, committee,
assignment (draw, batch, swap, reopen, exclusions), ranking and selection within budget, result
sheet with cost review and matching notes, objections and reports. Each main action shows up in
the database and the audit trail; each refusal shows the service's words and changes nothing;
another operator's staff get 404; list pages keep a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
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
    CostReview,
    Criterion,
    Decision,
    DecisionStatus,
    DeclaredInterest,
    EvaluationPlan,
    EvaluationReport,
    Evaluator,
    MatchingNote,
    ObjectionStatus,
    SeatStatus,
    StageKind,
    StageResult,
    StageStatus,
    TrackExpertise,
)
from organizations.models import AuditEvent, Role
from suppliers.models import TechDomain
from tests import factories
from tests.html import h1, summary, text, title

pytestmark = pytest.mark.django_db

HOME = reverse("evaluations:operator-home")
POOL = reverse("evaluations:pool-list")


def url(name, *args):
    return reverse(f"evaluations:{name}", args=args)


def audited(obj, action=None):
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )
    return events.filter(action=action).exists() if action else events.exists()


@pytest.fixture
def op_client(client, staff):
    client.force_login(staff)
    return client


def score_all(stage, fraction_by_submission):
    for a in stage.assignments.filter(status=AssignmentStatus.ASSIGNED).select_related("evaluator__user"):
        value = fraction_by_submission[a.submission_id]
        criteria = list(stage.criteria.all())
        ev.scores_submit(
            a.evaluator.user,
            a,
            points={c.code: Decimal(c.max_points) * value for c in criteria},
            comments={c.code: f"{a.evaluator.name} 의견" for c in criteria},
        )


def ranked(staff, stage, track, fractions):
    """Submissions drawn, scored (one fraction of the maximum each) and the stage closed."""
    subs = [factories.make_submitted(track) for _ in fractions]
    ev.assignment_draw(staff, stage, seed="fixed")
    score_all(stage, {s.pk: Decimal(f) for s, f in zip(subs, fractions, strict=True)})
    ev.stage_close(staff, stage)
    return subs


@pytest.fixture
def other_staff(other_operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)


# --- home and access ------------------------------------------------------------------------------


def test_home_lists_calls_with_plan_state_and_set_up_link(op_client, operator, other_operator, plan, call):
    bare = factories.make_call(
        operator, status="closed", opens_in_days=-20, closes_in_days=-1, title_ko="계획없는공고"
    )
    factories.make_call(
        other_operator, status="closed", opens_in_days=-20, closes_in_days=-1, title_ko="남의공고"
    )
    response = op_client.get(HOME)
    assert response.status_code == 200 and h1(response) == "평가·선정 관리"
    page = text(response)
    assert call.title_ko in page and "계획없는공고" in page and "남의공고" not in page
    assert "기술성 평가(평가위원회): 준비" in page and "평가 계획 없음" in page
    assert url("plan-setup", bare.pk) in response.content.decode()
    assert url("plan-detail", plan.pk) in response.content.decode()
    assert "평가위원 풀" in page


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.CENTRE_STAFF, Role.SME_MEMBER, None])
def test_pages_refused_to_everyone_but_call_staff(client, role, operator, company, plan):
    if role is not None:
        scope = {"company": company} if role == Role.SME_MEMBER else {"operator": operator}
        client.force_login(factories.make_member(role, **scope))
    for target in (HOME, POOL, url("plan-detail", plan.pk)):
        response = client.get(target)
        if role is None:
            assert response.status_code == 302 and "login" in response["Location"]
        else:
            assert response.status_code == 403


def test_staff_of_another_operator_get_404_everywhere(
    client, other_staff, staff, plan, stage, reviewers, track
):
    ranked(staff, stage, track, ["0.8"])
    assignment = Assignment.objects.filter(stage=stage).first()
    result = StageResult.objects.get(stage=stage)
    seat = CommitteeSeat.objects.filter(stage=stage).first()
    client.force_login(other_staff)
    for target in (
        url("plan-detail", plan.pk),
        url("stage-detail", stage.pk),
        url("committee", stage.pk),
        url("assignments", stage.pk),
        url("exclusions", stage.pk),
        url("assignment-swap", assignment.pk),
        url("ranking", plan.pk),
        url("result-sheet", result.pk),
        url("pool-detail", reviewers[0].pk),
        url("plan-setup", plan.call_id),
        url("reports", plan.pk),
    ):
        assert client.get(target).status_code == 404, target
    before = Decision.objects.count()
    response = client.post(url("decide", plan.pk), {"submission": result.submission_id, "status": "selected"})
    assert response.status_code == 404 and Decision.objects.count() == before
    response = client.post(url("seat-release", seat.pk), {f"release{seat.pk}-reason": "남의 위원"})
    assert response.status_code == 404
    assert CommitteeSeat.objects.get(pk=seat.pk).status == SeatStatus.ACCEPTED


# --- pool -----------------------------------------------------------------------------------------


def test_pool_lists_own_evaluators_with_filters(op_client, operator, other_operator):
    mes = TechDomain.objects.order_by("order").first()
    factories.make_evaluator(operator, "김전문", domains=[mes])
    factories.make_evaluator(operator, "이만료", confirmed=False)
    factories.make_evaluator(other_operator, "남의위원")
    response = op_client.get(POOL)
    page = text(response)
    assert "김전문" in page and "이만료" in page and "남의위원" not in page
    assert "평가위원 2명" in page and "미확인" in page

    def names(**params):
        shown = text(op_client.get(POOL, params))
        return {n for n in ("김전문", "이만료") if n in shown}

    assert names(domain=mes.pk) == {"김전문"}
    assert names(declarations="lapsed") == {"이만료"}
    assert names(declarations="current") == {"김전문"}
    assert names(q="이만") == {"이만료"}


def test_pool_list_costs_the_same_queries_for_one_or_four_evaluators(op_client, operator):
    domains = list(TechDomain.objects.all()[:2])
    factories.make_evaluator(operator, "가위원", domains=domains)
    op_client.get(POOL)
    with CaptureQueriesContext(connection) as one:
        assert op_client.get(POOL).status_code == 200
    for name in ("나위원", "다위원", "라위원"):
        factories.make_evaluator(operator, name, domains=domains)
    with CaptureQueriesContext(connection) as four:
        response = op_client.get(POOL)
    assert "라위원" in text(response)
    assert len(four) == len(one)


def test_pool_add_creates_the_evaluator_with_company_by_business_number(op_client, operator, staff, company):
    domain = TechDomain.objects.first()
    number = company.business_number
    response = op_client.post(
        url("pool-add"),
        {
            "email": "Expert@Example.kr",
            "name": "정전문",
            "affiliation_kind": "company",
            "affiliation_name": "",
            "business_number": f"{number[:3]}-{number[3:5]}-{number[5:]}",
            "company": "",
            "region": "11",
            "domains": [domain.pk],
            "operator": operator.pk,
        },
    )
    evaluator = Evaluator.objects.get(name="정전문")
    assert response.status_code == 302 and response["Location"] == url("pool-detail", evaluator.pk)
    assert evaluator.user.email == "expert@example.kr" and evaluator.operator == operator
    assert evaluator.affiliation_company == company and evaluator.affiliation_name == company.name
    assert list(evaluator.domains.all()) == [domain]
    assert audited(evaluator, "create")
    assert "정전문 님을 평가위원으로 등록" in text(op_client.get(response["Location"]))


def test_pool_add_refuses_bad_input_and_keeps_nothing(op_client, operator):
    response = op_client.post(
        url("pool-add"), {"email": "", "name": "", "affiliation_kind": "supplier", "operator": operator.pk}
    )
    assert response.status_code == 200 and title(response).startswith("오류: ")
    assert summary(response) == [
        "이메일을 입력해 주십시오.",
        "성명을 입력해 주십시오.",
        "소속 기관명을 입력해 주십시오.",
        "기업·공급기업 소속이면 사업자등록번호를 입력하거나 목록에서 기업을 골라 주십시오.",
        "활동 지역을 선택해 주십시오.",
    ]
    assert Evaluator.objects.count() == 0


def test_pool_detail_edits_and_records_interests(op_client, operator, company):
    evaluator = factories.make_evaluator(operator, "한위원")
    detail = url("pool-detail", evaluator.pk)
    response = op_client.post(
        detail,
        {
            "name": "한위원",
            "affiliation_kind": "university",
            "affiliation_name": "새대학교",
            "region": "26",
            "is_active": "",
            "reason": "소속 변경",
        },
    )
    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert (
        evaluator.affiliation_name == "새대학교" and evaluator.region_id == "26" and not evaluator.is_active
    )
    assert AuditEvent.objects.filter(
        object_id=str(evaluator.pk), action="update", reason="소속 변경"
    ).exists()

    response = op_client.post(
        url("interest-add", evaluator.pk),
        {
            "interest-kind": "financial",
            "interest-business_number": company.business_number,
            "interest-description": "주식 보유",
        },
    )
    assert response.status_code == 302
    interest = DeclaredInterest.objects.get(evaluator=evaluator)
    assert interest.company == company and interest.kind == "financial" and audited(interest, "create")
    page = text(op_client.get(detail))
    assert company.name in page and "주식·채권 등 재산상 이해" in page

    response = op_client.post(
        url("interest-end", interest.pk),
        {f"end{interest.pk}-ended_on": "2026. 3. 15.", f"end{interest.pk}-reason": "매각"},
    )
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.ended_on == datetime.date(2026, 3, 15) and audited(interest, "update")


# --- plan, stages, rubric ------------------------------------------------------------------------


def test_plan_is_set_up_from_checked_stages(op_client, call, track):
    response = op_client.get(url("plan-setup", call.pk))
    assert h1(response) == "평가 계획 세우기" and "서면 평가" in text(response)
    response = op_client.post(
        url("plan-setup", call.pk),
        {
            "stages": ["requirement_review", "document_review", "technical"],
            "objection_days": "10",
            "show_comments": "",
        },
    )
    plan = EvaluationPlan.objects.get(call=call)
    assert response.status_code == 302 and response["Location"] == url("plan-detail", plan.pk)
    assert list(plan.stages.values_list("kind", flat=True)) == [
        "requirement_review",
        "document_review",
        "technical",
    ]
    assert plan.objection_days == 10 and plan.show_comments is False and audited(plan, "create")
    assert op_client.get(url("plan-setup", call.pk))["Location"] == url("plan-detail", plan.pk)
    page = text(op_client.get(url("plan-detail", plan.pk)))
    assert "5개 항목, 가중치 합계 100" in page and "단계 시작" in page and "단계 생략" in page


def test_plan_settings_and_track_expertise_are_saved(op_client, plan, track):
    response = op_client.post(url("plan-settings", plan.pk), {"objection_days": "14", "show_comments": "on"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.objection_days == 14 and audited(plan, "update")
    domains = list(TechDomain.objects.all()[:2])
    response = op_client.post(
        url("expertise-set", plan.pk),
        {
            "track_id": track.pk,
            f"t{track.pk}-track": track.pk,
            f"t{track.pk}-domains": [d.pk for d in domains],
        },
    )
    assert response.status_code == 302
    expertise = TrackExpertise.objects.get(track=track)
    assert set(expertise.domains.all()) == set(domains) and audited(expertise)
    assert domains[0].name_ko in text(op_client.get(url("plan-detail", plan.pk)))


def test_stage_settings_save_tie_break_order_and_deadline(op_client, plan):
    stage = plan.stages.get(kind=StageKind.TECHNICAL)
    response = op_client.post(
        url("stage-detail", stage.pk),
        {
            "cutoff": "70",
            "reviewers_per_application": "5",
            "load_cap": "8",
            "aggregation": "trimmed_mean",
            "comment_below": "50",
            "deadline_date": "2026. 12. 24.",
            "deadline_time": "17:00",
            "tie_break_1": "feasibility",
            "tie_break_2": "necessity",
            "tie_break_3": "",
        },
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.cutoff == Decimal("70") and stage.reviewers_per_application == 5 and stage.load_cap == 8
    assert stage.tie_break == ["feasibility", "necessity"] and stage.aggregation == "trimmed_mean"
    assert timezone.localtime(stage.scoring_deadline).hour == 17 and audited(stage, "update")
    response = op_client.post(
        url("stage-detail", stage.pk),
        {
            "cutoff": "60",
            "reviewers_per_application": "3",
            "load_cap": "8",
            "aggregation": "mean",
            "comment_below": "50",
            "tie_break_1": "data",
            "tie_break_2": "data",
        },
    )
    assert summary(response) == ["같은 평가 항목을 두 번 고를 수 없습니다."]
    stage.refresh_from_db()
    assert stage.cutoff == Decimal("70")


def test_invalid_rubric_weights_are_shown_and_refuse_to_open_the_stage(op_client, plan):
    stage = plan.stages.get(kind=StageKind.TECHNICAL)
    response = op_client.post(
        url("criterion-add", stage.pk),
        {
            "new-code": "safety",
            "new-name_ko": "안전 관리",
            "new-max_points": "10",
            "new-weight": "10",
            "new-order": "5",
        },
    )
    assert response.status_code == 302
    criterion = Criterion.objects.get(stage=stage, code="safety")
    assert audited(criterion, "create")
    page = text(op_client.get(url("stage-detail", stage.pk)))
    assert "가중치 합계 110" in page and "가중치 합계가 110입니다. 합계가 100이 되도록 고쳐 주십시오." in page
    response = op_client.post(url("stage-open", stage.pk))
    assert response.status_code == 200
    assert summary(response) == ["가중치 합계가 110입니다. 합계가 100이 되도록 고쳐 주십시오."]
    stage.refresh_from_db()
    assert stage.status == StageStatus.PLANNED
    # Fixing the weights through the edit page, then deleting the extra line, opens the stage.
    response = op_client.post(
        url("criterion-edit", criterion.pk),
        {"code": "safety", "name_ko": "안전 관리", "max_points": "10", "weight": "5", "order": "5"},
    )
    assert response.status_code == 302 and Criterion.objects.get(pk=criterion.pk).weight == 5
    assert op_client.post(url("criterion-delete", criterion.pk)).status_code == 302
    assert op_client.post(url("stage-open", stage.pk)).status_code == 302
    stage.refresh_from_db()
    assert stage.status == StageStatus.SCORING


def test_document_review_is_skipped_with_a_reason(op_client, staff, call, plan):
    ev.plan_set_up(staff, call, stages=[StageKind.DOCUMENT_REVIEW])
    stage = plan.stages.get(kind=StageKind.DOCUMENT_REVIEW)
    response = op_client.post(url("stage-skip", stage.pk), {"skip-reason": ""})
    assert summary(response) == ["사유를 적어 주십시오."]
    response = op_client.post(url("stage-skip", stage.pk), {"skip-reason": "신청 건수가 적어 생략"})
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.status == StageStatus.SKIPPED
    assert AuditEvent.objects.filter(object_id=str(stage.pk), reason="신청 건수가 적어 생략").exists()


# --- committee ------------------------------------------------------------------------------------


def test_committee_invites_from_the_pool_with_a_chair_and_shows_statuses(
    op_client, operator, stage, reviewers
):
    a = factories.make_evaluator(operator, "신위원")
    b = factories.make_evaluator(operator, "오위원")
    page = text(op_client.get(url("committee", stage.pk)))
    assert "김평가" in page and "수락" in page and "서약함" in page and "신위원" in page
    response = op_client.post(url("committee", stage.pk), {"evaluators": [a.pk, b.pk], "chair": b.pk})
    assert response.status_code == 302
    seats = {s.evaluator_id: s for s in CommitteeSeat.objects.filter(stage=stage, evaluator__in=[a, b])}
    assert seats[a.pk].status == SeatStatus.INVITED and not seats[a.pk].is_chair and seats[b.pk].is_chair
    assert audited(seats[a.pk], "create")
    page = text(op_client.get(url("committee", stage.pk)))
    assert "위촉 요청" in page and "서약 전" in page and "위원장" in page


def test_seat_release_needs_a_reason_and_releases_open_sheets(op_client, staff, stage, reviewers, track):
    factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="s")
    seat = CommitteeSeat.objects.get(stage=stage, evaluator=reviewers[0])
    response = op_client.post(url("seat-release", seat.pk), {f"release{seat.pk}-reason": ""})
    assert summary(response) == ["사유를 적어 주십시오."]
    response = op_client.post(url("seat-release", seat.pk), {f"release{seat.pk}-reason": "개인 사정"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.status == SeatStatus.RELEASED
    assert not Assignment.objects.filter(evaluator=reviewers[0], status=AssignmentStatus.ASSIGNED).exists()
    assert AuditEvent.objects.filter(object_id=str(seat.pk), reason="개인 사정").exists()


# --- assignment -----------------------------------------------------------------------------------


def test_draw_assigns_reviewers_and_shows_the_recorded_seed(op_client, stage, reviewers, track):
    sub = factories.make_submitted(track)
    page = text(op_client.get(url("assignments", stage.pk)))
    assert sub.receipt_number in page and "미배정" in page
    response = op_client.post(url("draw", stage.pk), {"seed": "seed-123"})
    assert response.status_code == 302
    assert Assignment.objects.filter(stage=stage, submission=sub).count() == 3
    response = op_client.get(response["Location"])
    page = text(response)
    assert "자동 배정으로 3건을 배정했습니다. 난수 시드: seed-123" in page
    assert "난수 시드 seed-123" in page and "김평가" in page and "배정" in page
    assert audited(stage.draws.get(), "create")


def test_assignment_page_costs_the_same_queries_for_one_or_three_submissions(
    op_client, staff, stage, reviewers, track
):
    factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="a")
    op_client.get(url("assignments", stage.pk))
    with CaptureQueriesContext(connection) as one:
        op_client.get(url("assignments", stage.pk))
    factories.make_submitted(track)
    factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="b")
    with CaptureQueriesContext(connection) as three:
        response = op_client.get(url("assignments", stage.pk))
    assert text(response).count("평가표 다시 열기") == 0 and text(response).count("위원 교체") == 9
    assert len(three) == len(one)


def test_swap_to_a_conflicted_reviewer_is_refused_with_the_reason(
    op_client, operator, staff, stage, reviewers, track
):
    sub = factories.make_submitted(track)
    conflicted = factories.make_evaluator(operator, "최충돌", company=sub.application.lead)
    factories.seat(stage, conflicted, by=staff)
    ev.assignment_draw(staff, stage, seed="x")
    assignment = Assignment.objects.get(stage=stage, submission=sub, evaluator=reviewers[0])
    response = op_client.post(
        url("assignment-swap", assignment.pk), {"evaluator": conflicted.pk, "reason": "일정"}
    )
    assert response.status_code == 200 and title(response).startswith("오류: ")
    assert summary(response) == [
        f"이 위원에게는 배정할 수 없습니다: 신청 기업 소속 ({sub.application.lead.name})"
    ]
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED
    assert not Assignment.objects.filter(evaluator=conflicted).exists()


def test_swap_to_a_free_reviewer_replaces_the_assignment(op_client, operator, staff, stage, reviewers, track):
    sub = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="x")
    spare = factories.make_evaluator(operator, "예비위원")
    factories.seat(stage, spare, by=staff)
    assignment = Assignment.objects.get(stage=stage, submission=sub, evaluator=reviewers[1])
    assert "예비위원" in text(op_client.get(url("assignment-swap", assignment.pk)))
    response = op_client.post(
        url("assignment-swap", assignment.pk), {"evaluator": spare.pk, "reason": "일정 충돌"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.RELEASED and assignment.release_reason == "일정 충돌"
    replacement = Assignment.objects.get(stage=stage, submission=sub, evaluator=spare)
    assert audited(replacement, "create")


def test_batch_remind_and_reassign(op_client, operator, staff, stage, reviewers, track):
    first = factories.make_submitted(track)
    second = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="x")
    response = op_client.post(url("batch", stage.pk), {"action": "remind", "submissions": [first.pk]})
    assert response.status_code == 302
    assert Assignment.objects.filter(submission=first, reminded_at__isnull=False).count() == 3
    assert not Assignment.objects.filter(submission=second, reminded_at__isnull=False).exists()

    response = op_client.post(
        url("batch", stage.pk), {"action": "reassign", "submissions": [first.pk], "reason": ""}
    )
    assert summary(response) == ["다시 배정하는 사유를 적어 주십시오."]
    assert Assignment.objects.filter(submission=first, status=AssignmentStatus.RELEASED).count() == 0

    for name in ("새위원1", "새위원2", "새위원3"):
        factories.seat(stage, factories.make_evaluator(operator, name), by=staff)
    response = op_client.post(
        url("batch", stage.pk), {"action": "reassign", "submissions": [first.pk], "reason": "위원 교체"}
    )
    assert response.status_code == 302
    live = Assignment.objects.filter(submission=first).exclude(status=AssignmentStatus.RELEASED)
    assert {a.evaluator.name for a in live} == {"새위원1", "새위원2", "새위원3"}
    response = op_client.post(url("batch", stage.pk), {"action": "remind"})
    assert summary(response) == ["신청서를 하나 이상 선택해 주십시오."]


def test_closing_with_open_sheets_is_refused_and_reopen_needs_a_reason(
    op_client, staff, plan, stage, reviewers, track
):
    sub = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="x")
    response = op_client.post(url("stage-close", stage.pk))
    assert response.status_code == 200
    assert summary(response) == [
        "아직 제출되지 않은 평가표가 3건 있습니다. 평가위원에게 독촉하거나 배정을 바꾼 뒤 마감해 주십시오."
    ]
    stage.refresh_from_db()
    assert stage.status == StageStatus.SCORING and not StageResult.objects.exists()
    score_all(stage, {sub.pk: Decimal("0.8")})
    sheet = Assignment.objects.filter(stage=stage, submission=sub).first()
    assert op_client.get(url("assignment-reopen", sheet.pk)).status_code == 200
    response = op_client.post(url("assignment-reopen", sheet.pk), {"reason": ""})
    assert summary(response) == ["사유를 적어 주십시오."]
    response = op_client.post(url("assignment-reopen", sheet.pk), {"reason": "점수 오기"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == AssignmentStatus.ASSIGNED and sheet.total is None
    assert AuditEvent.objects.filter(object_id=str(sheet.pk), reason="점수 오기").exists()


def test_exclusion_report_and_draw_list(op_client, operator, staff, stage, reviewers, track):
    sub = factories.make_submitted(track)
    conflicted = factories.make_evaluator(operator, "최충돌", company=sub.application.lead)
    factories.seat(stage, conflicted, by=staff)
    ev.assignment_draw(staff, stage, seed="report-seed")
    response = op_client.get(url("exclusions", stage.pk))
    page = text(response)
    assert f"{sub.receipt_number} 최충돌 신청 기업 소속 {sub.application.lead.name}" in page
    assert "report-seed" in page and "자동 배정 기록" in page


# --- ranking and selection ------------------------------------------------------------------------


def test_ranking_shows_results_and_selection_is_bound_by_the_budget(
    op_client, staff, call, plan, stage, reviewers, track
):
    first, second = ranked(staff, stage, track, ["0.9", "0.7"])
    call.total_budget = 60_000_000
    call.save()
    response = op_client.get(url("ranking", plan.pk))
    page = text(response)
    assert h1(response) == "평가 결과·선정"
    assert f"1 {first.receipt_number} {first.application.lead.name} 90.00 통과 3 50,000,000원" in page
    assert "60,000,000원" in page and "선정 0개 / 예정 5개" in page

    response = op_client.post(url("decide", plan.pk), {"submission": first.pk, "status": "selected"})
    assert response.status_code == 302
    decision = Decision.objects.get(submission=first)
    assert decision.status == DecisionStatus.SELECTED and audited(decision, "create")

    response = op_client.post(url("decide", plan.pk), {"submission": second.pk, "status": "selected"})
    assert response.status_code == 200 and title(response).startswith("오류: ")
    [message] = summary(response)
    assert (
        message.startswith(f"{second.receipt_number}: 공고 예산을 넘습니다.")
        and "10,000,000원이 남았는데" in message
    )
    assert not Decision.objects.filter(submission=second).exists()
    page = text(response)
    assert "남은 예산 10,000,000원" in page and "선정 1개 / 예정 5개" in page


def test_ranking_page_costs_the_same_queries_for_one_or_three_submissions(
    op_client, staff, plan, stage, reviewers, track
):
    ranked(staff, stage, track, ["0.9"])
    op_client.get(url("ranking", plan.pk))
    with CaptureQueriesContext(connection) as one:
        op_client.get(url("ranking", plan.pk))
    assignment = Assignment.objects.filter(stage=stage).first()
    ev.assignment_reopen(staff, assignment, reason="추가")  # back to scoring for two more
    subs = [factories.make_submitted(track), factories.make_submitted(track)]
    ev.assignment_draw(staff, stage, seed="more")
    score_all(stage, {assignment.submission_id: Decimal("0.9"), **{s.pk: Decimal("0.8") for s in subs}})
    ev.stage_close(staff, stage)
    ev.decide(staff, plan, subs[0], status=DecisionStatus.WAITLISTED)
    with CaptureQueriesContext(connection) as three:
        response = op_client.get(url("ranking", plan.pk))
    assert all(s.receipt_number in text(response) for s in subs)
    assert len(three) == len(one)


def test_finalise_and_release_results(op_client, staff, plan, stage, reviewers, track):
    (sub,) = ranked(staff, stage, track, ["0.9"])
    ev.decide(staff, plan, sub, status=DecisionStatus.SELECTED)
    page = text(op_client.get(url("ranking", plan.pk)))
    assert "선정 확정(심의위원회)" in page
    response = op_client.post(url("release", plan.pk))
    assert summary(response) == ["통보할 확정 결정이 없습니다. 심의위원회 확정을 먼저 해 주십시오."]
    assert op_client.post(url("finalise", plan.pk)).status_code == 302
    decision = Decision.objects.get(submission=sub)
    assert decision.final
    assert plan.stages.get(kind=StageKind.DELIBERATION).status == StageStatus.CLOSED
    assert "신청기업에 결과 통보(1건)" in text(op_client.get(url("ranking", plan.pk)))
    assert op_client.post(url("release", plan.pk)).status_code == 302
    decision.refresh_from_db()
    assert decision.released_at is not None and audited(decision, "update")


def test_batch_release_tells_the_chosen_applicants_their_final_decisions(
    op_client, staff, plan, stage, reviewers, track
):
    first, second = ranked(staff, stage, track, ["0.9", "0.8"])
    response = op_client.post(url("batch", stage.pk), {"action": "release", "submissions": [first.pk]})
    assert summary(response) == ["선택한 신청서에 통보할 선정 결정이 없습니다."]
    for sub in (first, second):
        ev.decide(staff, plan, sub, status=DecisionStatus.SELECTED)
    response = op_client.post(url("batch", stage.pk), {"action": "release", "submissions": [first.pk]})
    assert summary(response) == ["확정되지 않은 결정이 1건 있습니다. 심의위원회 확정 뒤 통보해 주십시오."]
    assert not Decision.objects.filter(released_at__isnull=False).exists()
    ev.decisions_finalise(staff, plan)
    response = op_client.post(url("batch", stage.pk), {"action": "release", "submissions": [first.pk]})
    assert response.status_code == 302
    assert "평가 결과 1건을 신청기업에 통보했습니다." in text(op_client.get(response["Location"]))
    assert Decision.objects.get(submission=first).released_at is not None
    assert Decision.objects.get(submission=second).released_at is None


# --- result sheet, cost review, matching notes ----------------------------------------------------


def test_result_sheet_names_reviewers_and_records_a_cost_review(
    op_client, staff, call, plan, stage, reviewers, track
):
    (sub,) = ranked(staff, stage, track, ["0.8"])
    ev.plan_set_up(staff, call, stages=[StageKind.COST_REVIEW])
    result = StageResult.objects.get(stage=stage, submission=sub)
    page = text(op_client.get(url("result-sheet", result.pk)))
    assert f"{sub.receipt_number} 평가 결과표" in page and "김평가" in page and "김평가 의견" in page
    assert "원가 검토 단계를 시작하면" in page
    cost_stage = plan.stages.get(kind=StageKind.COST_REVIEW)
    ev.stage_open(staff, cost_stage)
    lines = sub.snapshot["budget"]["lines"]
    key = next(k for k, v in lines.items() if int(v or 0) > 0)
    data = {f"line_{k}": str(v or 0) for k, v in lines.items()}
    data[f"line_{key}"] = str(int(lines[key]) + 1)
    data.update(reviewer_body="한국원가검토원", reason="")
    response = op_client.post(url("cost-review", result.pk), data)
    assert response.status_code == 200 and not CostReview.objects.exists()
    assert summary(response)[0] == "인정 예산을 확인해 주십시오."
    data[f"line_{key}"] = str(int(lines[key]) - 20_000_000)
    data["reason"] = "과다 계상"
    response = op_client.post(url("cost-review", result.pk), data)
    assert response.status_code == 302
    review = CostReview.objects.get(submission=sub)
    assert review.approved_total == sum(int(v or 0) for v in lines.values()) - 20_000_000
    assert audited(review, "create")
    page = text(op_client.get(url("result-sheet", result.pk)))
    assert "재산정 분담액" in page and f"{review.government_share:,}원" in page and "과다 계상" in page


def test_matching_note_is_sent_with_a_deadline(op_client, staff, plan, stage, reviewers, track):
    (sub,) = ranked(staff, stage, track, ["0.8"])
    decision = ev.decide(staff, plan, sub, status=DecisionStatus.SELECTED)
    result = StageResult.objects.get(submission=sub)
    response = op_client.post(
        url("note-add", decision.pk),
        {"kind": "budget_adjustment", "body": "하드웨어 비용 조정", "respond_date": "2020. 1. 1."},
    )
    assert (
        summary(response) == ["답변 기한은 지금 이후로 정해 주십시오."] and not MatchingNote.objects.exists()
    )
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = op_client.post(
        url("note-add", decision.pk),
        {
            "kind": "budget_adjustment",
            "body": "하드웨어 비용 조정",
            "respond_date": day.isoformat(),
            "respond_time": "18:00",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith(url("result-sheet", result.pk))
    note = MatchingNote.objects.get(decision=decision)
    assert note.kind == "budget_adjustment" and audited(note, "create")
    page = text(op_client.get(url("result-sheet", result.pk)))
    assert "사업비 조정 요청" in page and "답변 대기" in page


# --- objections and reports -----------------------------------------------------------------------


def test_objection_is_dismissed_with_reasons(op_client, staff, plan, stage, reviewers, track):
    (sub,) = ranked(staff, stage, track, ["0.9"])
    decision = ev.decide(staff, plan, sub, status=DecisionStatus.SELECTED)
    ev.decisions_finalise(staff, plan)
    ev.results_release(staff, plan, decision_ids=[decision.pk])
    lead_user = sub.application.lead.memberships.first().user
    objection = ev.objection_lodge(lead_user, decision, body="점수 산정에 이의가 있습니다.")
    page = text(op_client.get(url("objections", plan.pk)))
    assert sub.receipt_number in page and "점수 산정에 이의가 있습니다." in page and "처리하기" in page
    response = op_client.post(url("objection-decide", objection.pk), {"outcome": "dismissed", "reason": ""})
    assert summary(response) == ["처리 사유를 적어 주십시오."]
    response = op_client.post(
        url("objection-decide", objection.pk), {"outcome": "dismissed", "reason": "산정 기준 적합"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED and objection.outcome_reason == "산정 기준 적합"
    assert AuditEvent.objects.filter(
        object_id=str(objection.pk), action="transition", reason="산정 기준 적합"
    ).exists()


def test_reports_are_requested_listed_and_downloaded(op_client, staff, plan, stage, reviewers, track):
    (sub,) = ranked(staff, stage, track, ["0.9"])
    response = op_client.post(url("reports", plan.pk), {"kind": "committee_report"})
    assert response.status_code == 302
    response = op_client.post(url("reports", plan.pk), {"kind": "application_summary", "submission": sub.pk})
    assert response.status_code == 302
    summary_report = EvaluationReport.objects.get(kind="application_summary")
    assert summary_report.submission == sub and audited(summary_report, "create")
    summary_report.file.save("s.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    summary_report.status = "done"
    summary_report.save()
    page = text(op_client.get(url("reports", plan.pk)))
    assert (
        "평가위원회 보고서 — " in page
        and "작성 중" in page
        and "신청서 평가 요약" in page
        and "PDF 내려받기" in page
    )
    download = op_client.get(url("report-download", summary_report.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    pending = EvaluationReport.objects.get(kind="committee_report")
    assert op_client.get(url("report-download", pending.pk)).status_code == 404


# --- markup ---------------------------------------------------------------------------------------


def test_pages_have_unique_ids_and_every_label_points_at_a_field(
    op_client, staff, call, plan, stage, reviewers, track, company
):
    import re

    (sub,) = ranked(staff, stage, track, ["0.9"])
    ev.plan_set_up(staff, call, stages=[StageKind.COST_REVIEW])
    ev.stage_open(staff, plan.stages.get(kind=StageKind.COST_REVIEW))
    decision = ev.decide(staff, plan, sub, status=DecisionStatus.SELECTED)
    ev.interest_declare(staff, reviewers[0], kind="family", company=company)
    result = StageResult.objects.get(submission=sub)
    assignment = Assignment.objects.filter(stage=stage).first()
    pages = [
        HOME,
        POOL,
        url("pool-add"),
        url("pool-detail", reviewers[0].pk),
        url("plan-detail", plan.pk),
        url("stage-detail", stage.pk),
        url("stage-detail", plan.stages.get(kind=StageKind.REQUIREMENT_REVIEW).pk),
        url("committee", plan.stages.get(kind=StageKind.REQUIREMENT_REVIEW).pk),
        url("assignments", stage.pk),
        url("assignment-reopen", assignment.pk),
        url("exclusions", stage.pk),
        url("ranking", plan.pk),
        url("result-sheet", result.pk),
        url("objections", plan.pk),
        url("reports", plan.pk),
    ]
    assert decision.pk
    titles = set()
    for target in pages:
        response = op_client.get(target)
        assert response.status_code == 200, target
        html = response.content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, f"{target}: duplicate ids {duplicates}"
        missing = [f for f in re.findall(r'<label[^>]*\sfor="([^"]+)"', html) if f not in ids]
        assert not missing, f"{target}: labels without a field {missing}"
        assert html.count("<h1") == 1, target
        titles.add(title(response))
    assert len(titles) == len(pages), "every page has its own title"
