"""The evaluation services on a real database: the pool and declarations, the plan and rubric, the
draw with every kind of conflict, swaps, scoring and reopening, results, cost review, decisions
within budget, release, objections and matching notes. Each refusal is checked to change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services as app_services
from applications.models import EligibilityResult, Submission
from evaluations import selectors
from evaluations import services as ev
from evaluations.models import (
    Assignment,
    AssignmentDraw,
    AssignmentStatus,
    CostReview,
    Criterion,
    Decision,
    DeclaredInterest,
    EvaluationPlan,
    Evaluator,
    Exclusion,
    MatchingNote,
    MatchingNoteStatus,
    Objection,
    ObjectionStatus,
    Score,
    Stage,
    StageKind,
    StageResult,
    StageStatus,
)
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Company, Membership, Notification, Region, Role, User
from programs.models import EligibilityRule
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal


# --- helpers --------------------------------------------------------------------------------------


def _raises(error_type, code, fn, *args, **kwargs):
    """Call fn expecting exactly `error_type` with `code`; return the error."""
    with pytest.raises(DomainError) as caught:
        fn(*args, **kwargs)
    assert type(caught.value) is error_type, caught.value
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    return caught.value


def _counts(*models):
    return {m.__name__: m.objects.count() for m in models}


EVERYTHING = (
    Assignment,
    AssignmentDraw,
    Exclusion,
    Score,
    StageResult,
    CostReview,
    Decision,
    MatchingNote,
    Objection,
    Evaluator,
    DeclaredInterest,
    AuditEvent,
    Notification,
)


def _events(obj, action=None):
    qs = AuditEvent.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("id"))


def _seated(operator, stage, staff, names, **extra):
    found = []
    for name in names:
        evaluator = factories.make_evaluator(operator, name, **extra)
        factories.seat(stage, evaluator, by=staff)
        found.append(evaluator)
    return found


def _submit(assignment, fraction, *, comment="근거를 적었습니다"):
    """The reviewer submits every criterion at `fraction` of its maximum."""
    criteria = list(assignment.stage.criteria.all())
    return ev.scores_submit(
        assignment.evaluator.user,
        assignment,
        points={c.code: D(c.max_points) * D(fraction) for c in criteria},
        comments={c.code: comment for c in criteria},
    )


def _live(stage, submission=None):
    qs = Assignment.objects.filter(stage=stage).exclude(status=AssignmentStatus.RELEASED)
    if submission is not None:
        qs = qs.filter(submission=submission)
    return qs.select_related("evaluator__user", "stage").order_by("pk")


def _result(stage, submission, total, *, passed=True, rank=1):
    """A stage result written directly: decision tests start from a ranking."""
    return StageResult.objects.create(
        stage=stage,
        submission=submission,
        track=submission.application.track,
        reviewer_count=3,
        total=D(total),
        passed=passed,
        rank=rank if passed else None,
        computed_at=timezone.now(),
    )


def _lead_user(submission):
    return submission.submitted_by


# --- the pool and declarations --------------------------------------------------------------------


def test_evaluator_add_creates_user_role_profile_notifies_and_audits(staff, operator):
    evaluator = ev.evaluator_add(
        staff,
        operator,
        email=" Expert@Example.KR ",
        full_name="최전문",
        affiliation_kind="university",
        affiliation_name="한국공과대학교",
        region=Region.objects.get(code="11"),
        domains=["mes", "iot"],
    )
    user = User.objects.get(email="expert@example.kr")
    assert evaluator.user == user and not user.has_usable_password() and user.full_name == "최전문"
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.operator_id, membership.company_id, membership.is_active) == (
        Role.EVALUATOR,
        operator.pk,
        None,
        True,
    )
    assert (evaluator.name, evaluator.affiliation_name, evaluator.region_id) == (
        "최전문",
        "한국공과대학교",
        "11",
    )
    assert sorted(evaluator.domains.values_list("code", flat=True)) == ["iot", "mes"]
    assert evaluator.interests_valid_until is None  # declares and confirms interests first
    for obj in (user, membership, evaluator):
        [event] = _events(obj, "create")
        assert event.actor == staff
    [mail] = Notification.objects.filter(recipient=user)
    assert "평가위원 등록" in mail.subject and operator.name_ko in mail.subject

    before = _counts(User, Membership, *EVERYTHING)
    _raises(
        Conflict,
        "evaluator_exists",
        ev.evaluator_add,
        staff,
        operator,
        email="expert@example.kr",
        full_name="최전문",
        affiliation_kind="university",
        affiliation_name="한국공과대학교",
        region=Region.objects.get(code="11"),
    )
    assert _counts(User, Membership, *EVERYTHING) == before


def test_evaluator_add_refuses_another_operators_staff_and_a_company_affiliation_without_company(
    staff, operator, other_operator
):
    stranger = factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)
    region = Region.objects.get(code="11")
    before = _counts(User, Membership, *EVERYTHING)
    with pytest.raises(AccessDenied):
        ev.evaluator_add(
            stranger,
            operator,
            email="x@example.kr",
            full_name="가",
            affiliation_kind="university",
            affiliation_name="대학",
            region=region,
        )
    with pytest.raises(DomainError):
        ev.evaluator_add(
            staff,
            operator,
            email="y@example.kr",
            full_name="나",
            affiliation_kind="company",
            affiliation_name="어느 기업",
            region=region,
        )
    assert _counts(User, Membership, *EVERYTHING) == before


def test_interests_confirm_is_for_the_expert_and_lasts_a_year(operator, staff):
    evaluator = factories.make_evaluator(operator, "정확인", confirmed=False)
    now = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    with pytest.raises(AccessDenied):
        ev.interests_confirm(staff, evaluator, now=now)
    ev.interests_confirm(evaluator.user, evaluator, now=now)
    evaluator.refresh_from_db()
    assert evaluator.interests_confirmed_at == now
    assert evaluator.interests_valid_until == datetime.date(2027, 3, 2)
    [event] = _events(evaluator, "update")
    assert event.reason == "interests confirmed" and event.after["interests_valid_until"] == "2027-03-02"


def test_interests_remind_due_reminds_once_per_period(operator):
    today = timezone.localdate()
    soon = factories.make_evaluator(operator, "곧만료")
    later = factories.make_evaluator(operator, "아직먼")
    lapsed = factories.make_evaluator(operator, "이미만료")
    inactive = factories.make_evaluator(operator, "활동중지", is_active=False)
    Evaluator.objects.filter(pk=soon.pk).update(interests_valid_until=today + datetime.timedelta(days=10))
    Evaluator.objects.filter(pk=later.pk).update(interests_valid_until=today + datetime.timedelta(days=60))
    Evaluator.objects.filter(pk__in=[lapsed.pk, inactive.pk]).update(
        interests_valid_until=today - datetime.timedelta(days=1)
    )
    now = timezone.now()
    assert ev.interests_remind_due(now) == 2

    def reminded():
        return Notification.objects.filter(subject__contains="이해관계 신고 재확인")

    assert sorted(n.recipient.full_name for n in reminded()) == ["곧만료", "이미만료"]
    assert Evaluator.objects.get(pk=soon.pk).interests_reminded_on == today
    assert ev.interests_remind_due(now + datetime.timedelta(days=1)) == 0  # not again the next day
    assert ev.interests_remind_due(now + datetime.timedelta(days=29)) == 0
    assert reminded().count() == 2
    # Thirty days on, the one lapsing in 60 days comes into the window; the others were told already.
    assert ev.interests_remind_due(now + datetime.timedelta(days=30)) == 1
    assert reminded().count() == 3 and reminded().filter(recipient=later.user).exists()


def test_lapsed_declarations_keep_a_reviewer_out_of_the_draw(operator, staff, track, stage, reviewers):
    lapsed = _seated(operator, stage, staff, ["만료위원"])[0]
    Evaluator.objects.filter(pk=lapsed.pk).update(
        interests_valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="lapsed")
    assert sorted(a.evaluator.name for a in _live(stage)) == ["김평가", "박평가", "이평가"]
    assert list(Exclusion.objects.filter(evaluator=lapsed).values_list("submission_id", "reason")) == [
        (submission.pk, "interests_unconfirmed")
    ]
    assert [(e.evaluator_id, e.reason) for e in selectors.exclusion_report(stage)] == [
        (lapsed.pk, "interests_unconfirmed")
    ]
    # Confirmed again, the expert is drawn for the place still open and leaves the report.
    ev.interests_confirm(lapsed.user, lapsed)
    ev.stage_update(staff, stage, {"reviewers_per_application": 4})
    ev.assignment_draw(staff, stage, seed="confirmed")
    assert sorted(a.evaluator.name for a in _live(stage)) == ["김평가", "만료위원", "박평가", "이평가"]
    assert selectors.exclusion_report(stage) == []


# --- plan and rubric ------------------------------------------------------------------------------


def test_plan_set_up_gives_stages_in_order_and_the_default_rubric(staff, call, track):
    plan = ev.plan_set_up(staff, call, stages=["deliberation", "technical", "requirement_review"])
    stages = list(plan.stages.order_by("order"))
    assert [(s.kind, s.order, s.status) for s in stages] == [
        ("requirement_review", 1, "planned"),
        ("technical", 4, "planned"),
        ("deliberation", 6, "planned"),
    ]
    technical = stages[1]
    assert [(c.code, c.max_points, c.weight) for c in technical.criteria.order_by("order")] == [
        ("necessity", 20, 20),
        ("feasibility", 25, 25),
        ("data", 20, 20),
        ("supplier", 15, 15),
        ("effects", 20, 20),
    ]
    assert not stages[0].criteria.exists() and not stages[2].criteria.exists()
    assert len(_events(plan, "create")) == 1 and all(len(_events(s, "create")) == 1 for s in stages)
    again = ev.plan_set_up(staff, call, stages=["technical", "cost_review"])
    assert again == plan
    assert list(plan.stages.order_by("order").values_list("kind", flat=True)) == [
        "requirement_review",
        "technical",
        "cost_review",
        "deliberation",
    ]
    assert technical.criteria.count() == 5  # not doubled

    before = _counts(EvaluationPlan, Stage, Criterion, AuditEvent)
    _raises(DomainError, "stage_kind", ev.plan_set_up, staff, call, stages=["technical", "interview"])
    _raises(DomainError, "stage_kind", ev.plan_set_up, staff, call, stages=[])
    assert _counts(EvaluationPlan, Stage, Criterion, AuditEvent) == before


def test_stage_open_refuses_a_rubric_whose_weights_do_not_sum_to_100(staff, plan):
    stage = plan.stages.get(kind=StageKind.TECHNICAL)
    effects = stage.criteria.get(code="effects")
    ev.criterion_save(staff, stage, {"weight": 10}, criterion=effects)
    error = _raises(DomainError, "rubric_invalid", ev.stage_open, staff, stage)
    assert "가중치 합계가 90입니다" in error.message
    stage.refresh_from_db()
    assert stage.status == StageStatus.PLANNED and _events(stage, "transition") == []

    ev.criterion_save(staff, stage, {"weight": 20}, criterion=effects)
    ev.stage_open(staff, stage)
    stage.refresh_from_db()
    assert stage.status == StageStatus.SCORING
    [event] = _events(stage, "transition")
    assert (event.before, event.after, event.actor) == ({"status": "planned"}, {"status": "scoring"}, staff)


# --- the draw and conflicts -----------------------------------------------------------------------


def test_each_kind_of_conflict_is_excluded_in_a_real_draw_with_its_reason(
    operator, staff, track, stage, reviewers
):
    lead = factories.make_company("한빛정밀")
    supplier = factories.make_supplier("스마트솔루션")
    large = factories.make_company("대한전자", kind=Company.Kind.LARGE_FIRM, business_group="대한그룹")
    submission = factories.make_submitted(track, lead, supplier=supplier, members=[(large, "large_firm")])

    at_lead = factories.make_evaluator(operator, "신청기업직원", company=lead)
    at_supplier = factories.make_evaluator(operator, "공급기업직원", company=supplier.company)
    group_firm = factories.make_company("대한정밀", kind=Company.Kind.LARGE_FIRM, business_group="대한그룹")
    same_group = factories.make_evaluator(operator, "계열사직원", company=group_firm)
    interested = {}
    for kind, company in [
        ("employer", lead),
        ("professional", supplier.company),
        ("personal", lead),
        ("financial", large),
        ("family", lead),
    ]:
        evaluator = factories.make_evaluator(operator, f"이해관계-{kind}")
        ev.interest_declare(evaluator.user, evaluator, kind=kind, company=company, description="신고")
        interested[evaluator.pk] = (kind, company)
    # An interest that has ended is no longer a conflict.
    ended = factories.make_evaluator(operator, "종료된관계")
    interest = ev.interest_declare(ended.user, ended, kind="employer", company=lead)
    ev.interest_end(ended.user, interest, ended_on=timezone.localdate() - datetime.timedelta(days=1))
    conflicted = [at_lead, at_supplier, same_group, *Evaluator.objects.filter(pk__in=interested)]
    for evaluator in [*conflicted, ended]:
        factories.seat(stage, evaluator, by=staff)

    ev.stage_update(staff, stage, {"reviewers_per_application": 4})
    draw = ev.assignment_draw(staff, stage, seed="conflicts")
    assert sorted(a.evaluator.name for a in _live(stage)) == ["김평가", "박평가", "이평가", "종료된관계"]
    excluded = {
        e.evaluator_id: (e.reason, e.detail)
        for e in Exclusion.objects.filter(draw=draw, submission=submission)
    }
    labels = dict(DeclaredInterest._meta.get_field("kind").choices)
    assert excluded == {
        at_lead.pk: ("affiliated_applicant", lead.name),
        at_supplier.pk: ("affiliated_member", supplier.company.name),
        same_group.pk: ("same_group", f"대한그룹: {large.name}"),
        **{
            pk: ("declared_interest", f"{company.name} ({labels[kind]})")
            for pk, (kind, company) in interested.items()
        },
    }
    assert Exclusion.objects.filter(draw=draw).count() == 8  # one reason each
    # The report lists the latest reasons per pair.
    assert {(e.evaluator_id, e.reason) for e in selectors.exclusion_report(stage)} == {
        (pk, reason) for pk, (reason, _detail) in excluded.items()
    }


def test_same_group_uses_the_company_business_group_and_ignores_empty_groups(operator, staff, track, stage):
    lead = factories.make_company("무그룹기업", business_group="")
    submission = factories.make_submitted(track, lead)
    other = factories.make_company("다른무그룹", business_group="")
    reviewer = _seated(operator, stage, staff, ["무그룹위원"], company=other)[0]
    ev.stage_update(staff, stage, {"reviewers_per_application": 1})
    ev.assignment_draw(staff, stage, seed="empty-group")
    assert [a.evaluator_id for a in _live(stage, submission)] == [reviewer.pk]
    assert not Exclusion.objects.exists()

    # Once the lead declares it belongs to the reviewer's group, the next draw leaves the pair out.
    second = factories.make_submitted(track, factories.make_company("그룹기업", business_group="한빛그룹"))
    Company.objects.filter(pk=other.pk).update(business_group="한빛그룹")
    ev.assignment_draw(staff, stage, seed="group")
    assert not _live(stage, second).exists()
    assert list(Exclusion.objects.filter(submission=second).values_list("evaluator_id", "reason")) == [
        (reviewer.pk, "same_group")
    ]
    draw = AssignmentDraw.objects.latest("pk")
    assert draw.outcome["shortfalls"] == {str(second.pk): 1}


def test_expertise_must_match_the_track_domains(operator, staff, track, stage):
    mes = _seated(operator, stage, staff, ["MES전문"], domains=["mes"])[0]
    erp = _seated(operator, stage, staff, ["ERP전문"], domains=["erp"])[0]
    ev.track_expertise_set(staff, track, ["erp"])
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="domains")
    assert [a.evaluator_id for a in _live(stage, submission)] == [erp.pk]
    assert list(Exclusion.objects.values_list("evaluator_id", "reason")) == [(mes.pk, "no_expertise")]


def test_a_conflict_declared_on_opening_releases_records_and_draws_a_replacement(
    operator, staff, track, stage, reviewers
):
    spare = _seated(operator, stage, staff, ["최예비"])[0]
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="declare")
    drawn = {a.evaluator_id: a for a in _live(stage)}
    assert len(drawn) == 3
    leaving = next(a for a in drawn.values() if a.evaluator_id != spare.pk)
    stranger = next(a for a in drawn.values() if a.pk != leaving.pk)
    with pytest.raises(AccessDenied):  # only the reviewer may declare
        ev.conflict_declare(stranger.evaluator.user, leaving, reason="남의 배정")
    _raises(DomainError, "reason_required", ev.conflict_declare, leaving.evaluator.user, leaving, reason=" ")

    redraw = ev.conflict_declare(leaving.evaluator.user, leaving, reason="대표이사가 대학 동기입니다")
    leaving.refresh_from_db()
    assert (
        leaving.status == AssignmentStatus.RELEASED and leaving.release_reason == "대표이사가 대학 동기입니다"
    )
    assert list(
        Exclusion.objects.filter(submission=submission, evaluator=leaving.evaluator).values_list(
            "reason", "detail"
        )
    ) == [("declared_on_opening", "대표이사가 대학 동기입니다")]
    live = {a.evaluator_id for a in _live(stage, submission)}
    assert len(live) == 3 and leaving.evaluator_id not in live
    [replacement] = Assignment.objects.filter(draw=redraw)
    [undrawn] = {r.pk for r in [*reviewers, spare]} - set(drawn)
    assert replacement.evaluator_id == undrawn and replacement.status == AssignmentStatus.ASSIGNED
    assert redraw.seed == f"conflict-{leaving.pk}"
    [event] = _events(leaving, "transition")
    assert event.after == {"status": "released"} and event.reason == "대표이사가 대학 동기입니다"
    # A later draw never brings the reviewer back to it.
    ev.assignments_reassign(staff, stage, submission_ids=[submission.pk], reason="재배정 확인")
    assert leaving.evaluator_id not in {a.evaluator_id for a in _live(stage, submission)}


def test_a_declared_conflict_without_a_replacement_tells_the_staff(operator, staff, track, stage, reviewers):
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="short")
    leaving = _live(stage).first()
    ev.conflict_declare(leaving.evaluator.user, leaving, reason="이해관계")
    assert _live(stage, submission).count() == 2
    [mail] = Notification.objects.filter(recipient=staff, subject__contains="평가위원 교체 필요")
    assert submission.receipt_number in mail.subject


def _reproducible_setup(operator, staff, tag):
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    factories.make_required_documents(call)
    track = factories.make_track(call, "basic", projects_planned=5)
    plan = ev.plan_set_up(staff, call, stages=[StageKind.TECHNICAL])
    stage = ev.stage_open(staff, plan.stages.get())
    ev.stage_update(staff, stage, {"reviewers_per_application": 2, "load_cap": 3})
    _seated(operator, stage, staff, [f"위원{n}" for n in range(1, 6)])
    submissions = [factories.make_submitted(track) for _ in range(4)]
    return stage, submissions


def test_the_draw_is_reproducible_and_recorded(operator, staff):
    outcomes = []
    for tag in ("first", "second"):
        stage, submissions = _reproducible_setup(operator, staff, tag)
        draw = ev.assignment_draw(staff, stage, seed="seed-2026")
        position = {s.pk: n for n, s in enumerate(submissions)}
        names = {}
        for a in _live(stage):
            names.setdefault(position[a.submission_id], []).append(a.evaluator.name)
        outcomes.append({k: sorted(v) for k, v in names.items()})

        assert draw.seed == "seed-2026" and draw.performed_by == staff
        assert draw.inputs["reviewers_per_application"] == 2 and draw.inputs["load_cap"] == 3
        reviewer_ids = sorted(stage.seats.values_list("evaluator_id", flat=True))
        assert draw.inputs["reviewers"] == reviewer_ids
        assert draw.inputs["eligible"] == {str(s.pk): reviewer_ids for s in submissions}
        pairs = sorted(map(tuple, draw.outcome["pairs"]))
        assert pairs == sorted(_live(stage).values_list("submission_id", "evaluator_id"))
        assert draw.outcome["shortfalls"] == {}
        loads = list(_live(stage).values_list("evaluator_id", flat=True))
        counts = [loads.count(r) for r in reviewer_ids]
        assert sum(counts) == 8 and max(counts) - min(counts) <= 1 and max(counts) <= 3
        [event] = _events(draw, "create")
        assert event.reason == "8 assignments"
    assert outcomes[0] == outcomes[1]
    assert all(len(v) == 2 for v in outcomes[0].values()) and len(outcomes[0]) == 4


def test_a_second_draw_only_fills_what_is_missing(operator, staff, track, stage, reviewers):
    first = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="one")
    second = factories.make_submitted(track)
    draw = ev.assignment_draw(staff, stage, seed="two")
    assert {submission_id for submission_id, _reviewer in draw.outcome["pairs"]} == {second.pk}
    assert _live(stage, first).count() == 3 and _live(stage, second).count() == 3


def test_the_draw_is_for_staff_of_an_open_scoring_stage(
    operator, other_operator, staff, plan, track, reviewers
):
    stranger = factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)
    stage = plan.stages.get(kind=StageKind.TECHNICAL)
    factories.make_submitted(track)
    before = _counts(*EVERYTHING)
    with pytest.raises(AccessDenied):
        ev.assignment_draw(stranger, stage)
    assert _counts(*EVERYTHING) == before
    requirement = plan.stages.get(kind=StageKind.REQUIREMENT_REVIEW)
    _raises(Conflict, "stage_not_scored", ev.assignment_draw, staff, requirement)
    assert _counts(*EVERYTHING) == before


# --- swap -----------------------------------------------------------------------------------------


def test_swap_is_refused_for_a_conflicted_reviewer_and_at_the_load_cap(
    operator, staff, track, stage, reviewers
):
    lead = factories.make_company("스왑신청")
    first = factories.make_submitted(track, lead)
    second = factories.make_submitted(track)
    ev.stage_update(staff, stage, {"reviewers_per_application": 1, "load_cap": 1})
    ev.assignment_draw(staff, stage, seed="swap")
    a_first = _live(stage, first).get()
    a_second = _live(stage, second).get()
    free = next(r for r in reviewers if r.pk not in (a_first.evaluator_id, a_second.evaluator_id))
    conflicted = _seated(operator, stage, staff, ["스왑신청직원"], company=lead)[0]

    before = _counts(*EVERYTHING)
    error = _raises(
        Conflict, "reviewer_excluded", ev.assignment_swap, staff, a_first, conflicted, reason="교체"
    )
    assert "신청 기업 소속" in error.message and lead.name in error.message
    _raises(Conflict, "load_cap", ev.assignment_swap, staff, a_first, a_second.evaluator, reason="교체")
    _raises(DomainError, "reason_required", ev.assignment_swap, staff, a_first, free, reason="")
    with pytest.raises(AccessDenied):
        ev.assignment_swap(free.user, a_first, free, reason="제가 할게요")
    assert _counts(*EVERYTHING) == before
    a_first.refresh_from_db()
    assert a_first.status == AssignmentStatus.ASSIGNED

    replacement = ev.assignment_swap(staff, a_first, free, reason="일정 충돌")
    a_first.refresh_from_db()
    assert a_first.status == AssignmentStatus.RELEASED and a_first.release_reason == "일정 충돌"
    assert replacement.evaluator == free and replacement.submission == first
    assert [a.evaluator_id for a in _live(stage, first)] == [free.pk]
    assert _events(replacement, "create")[0].reason == "일정 충돌"


# --- scoring --------------------------------------------------------------------------------------


def test_submit_locks_the_sheet_and_staff_reopening_unlocks_it_with_an_audit_event(
    operator, staff, track, stage, reviewers
):
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="lock")
    sheet = _live(stage, submission).first()
    reviewer = sheet.evaluator.user
    full = {c.code: c.max_points for c in stage.criteria.all()}

    # A sheet with a low score and no comment is refused, and nothing of it is kept.
    before = _counts(*EVERYTHING)
    low = {**full, "data": D("5")}
    error = _raises(DomainError, "scores_incomplete", ev.scores_submit, reviewer, sheet, points=low)
    assert dict(error.blockers) == {"data": "배점의 60% 미만(12점 미만)을 준 항목은 의견을 적어 주십시오."}
    error = _raises(DomainError, "scores_invalid", ev.scores_save, reviewer, sheet, points={"data": "NaN"})
    assert dict(error.blockers) == {"data": "점수는 숫자로 입력해 주십시오."}
    _raises(DomainError, "scores_invalid", ev.scores_save, reviewer, sheet, points={"data": "20.001"})
    _raises(DomainError, "scores_invalid", ev.scores_save, reviewer, sheet, points={"bogus": "1"})
    assert _counts(*EVERYTHING) == before

    ev.scores_save(reviewer, sheet, points={"data": "19.5"}, comments={"data": "좋음"})
    assert list(
        Score.objects.filter(assignment=sheet).values_list("criterion__code", "points", "comment")
    ) == [("data", D("19.50"), "좋음")]
    submitted = ev.scores_submit(
        reviewer, sheet, points={**full, "data": D("5")}, comments={"data": "계획이 모호함"}
    )
    assert submitted.status == AssignmentStatus.SUBMITTED and submitted.total == D("85.00")
    [event] = _events(sheet, "transition")
    assert (event.before, event.after, event.actor) == (
        {"status": "assigned"},
        {"status": "submitted"},
        reviewer,
    )

    _raises(Conflict, "sheet_submitted", ev.scores_save, reviewer, sheet, points=full)
    with pytest.raises(AccessDenied):
        ev.assignment_reopen(reviewer, sheet, reason="제가 다시")
    _raises(DomainError, "reason_required", ev.assignment_reopen, staff, sheet, reason="")
    ev.assignment_reopen(staff, sheet, reason="점수 입력 오류 정정")
    sheet.refresh_from_db()
    assert (sheet.status, sheet.total, sheet.submitted_at) == (AssignmentStatus.ASSIGNED, None, None)
    reopened = _events(sheet, "transition")[-1]
    assert (reopened.before, reopened.after, reopened.reason, reopened.actor) == (
        {"status": "submitted"},
        {"status": "assigned"},
        "점수 입력 오류 정정",
        staff,
    )
    ev.scores_submit(reviewer, sheet, points=full)
    sheet.refresh_from_db()
    assert sheet.total == D("100.00")


def test_a_reviewer_without_the_pledge_cannot_score(operator, staff, track, stage):
    unpledged = factories.make_evaluator(operator, "서약전")
    factories.seat(stage, unpledged, by=staff, pledge=False)
    submission = factories.make_submitted(track)
    ev.stage_update(staff, stage, {"reviewers_per_application": 1})
    ev.assignment_draw(staff, stage, seed="pledge")
    sheet = _live(stage, submission).get()
    with pytest.raises(AccessDenied):
        ev.scores_save(unpledged.user, sheet, points={"data": "10"})
    assert not Score.objects.exists()


# --- results --------------------------------------------------------------------------------------


def test_stage_close_refuses_open_sheets_then_ranks_each_track(
    operator, staff, call, track, plan, stage, reviewers
):
    second_track = factories.make_track(call, "basic", name_ko="기초형 B", projects_planned=3)
    a = factories.make_submitted(track)
    b = factories.make_submitted(track)
    c = factories.make_submitted(track)
    x = factories.make_submitted(second_track)
    ev.assignment_draw(staff, stage, seed="close")
    fractions = {a.pk: D("0.7"), b.pk: D("0.9"), c.pk: D("0.5"), x.pk: D("0.6")}
    sheets = list(_live(stage))
    for sheet in sheets[:-1]:
        _submit(sheet, fractions[sheet.submission_id])

    before = _counts(*EVERYTHING)
    error = _raises(Conflict, "sheets_open", ev.stage_close, staff, stage)
    assert "1건" in error.message
    assert _counts(*EVERYTHING) == before
    stage.refresh_from_db()
    assert stage.status == StageStatus.SCORING

    _submit(sheets[-1], fractions[sheets[-1].submission_id])
    ev.stage_close(staff, stage)
    stage.refresh_from_db()
    assert stage.status == StageStatus.CLOSED
    results = {
        r.submission_id: (r.track_id, r.total, r.passed, r.rank, r.reviewer_count, r.trimmed)
        for r in StageResult.objects.filter(stage=stage)
    }
    assert results == {
        b.pk: (track.pk, D("90.00"), True, 1, 3, False),
        a.pk: (track.pk, D("70.00"), True, 2, 3, False),
        c.pk: (track.pk, D("50.00"), False, None, 3, False),
        x.pk: (second_track.pk, D("60.00"), True, 1, 3, False),  # at the cut-off of 60: passes
    }
    assert StageResult.objects.get(submission=b).criteria == {
        "necessity": "18.00",
        "feasibility": "22.50",
        "data": "18.00",
        "supplier": "13.50",
        "effects": "18.00",
    }
    _stage, tracks = selectors.ranking(plan)
    assert [(t.pk, [row.submission.pk for row in rows]) for t, rows in tracks] == [
        (track.pk, [b.pk, a.pk, c.pk]),
        (second_track.pk, [x.pk]),
    ]
    [event] = [e for e in _events(stage, "transition") if e.after == {"status": "closed"}]
    assert event.actor == staff


def test_trimmed_aggregation_with_five_reviewers(operator, staff, track, stage):
    _seated(operator, stage, staff, ["위원가", "위원나", "위원다", "위원라", "위원마"])
    ev.stage_update(staff, stage, {"reviewers_per_application": 5, "aggregation": "trimmed_mean"})
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="five")
    by_name = {"위원가": "0.5", "위원나": "0.7", "위원다": "0.8", "위원라": "0.9", "위원마": "1"}
    for sheet in _live(stage, submission):
        _submit(sheet, by_name[sheet.evaluator.name])
    ev.stage_close(staff, stage)
    result = StageResult.objects.get(submission=submission)
    # (70 + 80 + 90) / 3 without 50 and 100; the plain mean would be 78.
    assert (result.total, result.trimmed, result.reviewer_count, result.rank) == (D("80.00"), True, 5, 1)


def test_ties_in_a_real_stage_follow_the_tie_break_then_the_smaller_share(
    operator, staff, track, stage, reviewers
):
    ev.stage_update(staff, stage, {"tie_break": ["data"], "reviewers_per_application": 1, "load_cap": 10})
    bigger = factories.make_submitted(track)  # 100M project: 50M government share
    smaller = factories.make_submitted(track, total_cost=80_000_000, budget_software=20_000_000)
    by_data = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="ties")
    for sheet in _live(stage):
        points = {c.code: D(c.max_points) * D("0.8") for c in stage.criteria.all()}
        if sheet.submission_id == by_data.pk:  # same total, more on data, less on effects
            points["data"], points["effects"] = D("20"), D("12")
        ev.scores_submit(sheet.evaluator.user, sheet, points=points)
    ev.stage_close(staff, stage)
    ranks = dict(StageResult.objects.filter(stage=stage).values_list("submission_id", "rank"))
    assert ranks == {by_data.pk: 1, smaller.pk: 2, bigger.pk: 3}
    assert (
        StageResult.objects.get(submission=bigger).total == StageResult.objects.get(submission=smaller).total
    )


def test_eligible_submissions_leave_out_failed_eligibility_and_withdrawn(
    operator, staff, call, track, stage, reviewers
):
    EligibilityRule.objects.create(
        call=call,
        kind="sme_size",
        params={"max_employees": 300, "max_revenue": None, "combine": "all"},
        order=0,
    )
    ok = factories.make_submitted(track)
    too_big = factories.make_submitted(track, factories.make_company("큰기업", employees=450))
    withdrawn = factories.make_submitted(track)
    overridden = factories.make_submitted(track, factories.make_company("정정기업", employees=450))
    app_services.application_withdraw(_lead_user(withdrawn), withdrawn.application, reason="내용 보완")
    result = EligibilityResult.objects.get(run__submission=overridden)
    app_services.eligibility_override(staff, result, outcome="pass", reason="3년 평균 280명 확인")
    assert too_big.eligibility_runs.get().outcome == "fail"

    assert list(selectors.eligible_submissions(stage)) == [ok, overridden]
    ev.assignment_draw(staff, stage, seed="eligible")
    assert set(_live(stage).values_list("submission_id", flat=True)) == {ok.pk, overridden.pk}


# --- cost review ----------------------------------------------------------------------------------


def test_cost_review_cuts_a_line_and_recomputes_the_shares(operator, staff, call, plan):
    local = factories.make_track(
        call,
        "basic",
        funders=(
            ("central_government", "0.5", None),
            ("province", "0.15", None),
            ("municipality", "0.15", None),
        ),
    )
    submission = factories.make_submitted(local)
    assert selectors.government_share_of(submission) == 80_000_000  # 50 + 15 + 15 of 100M
    ev.plan_set_up(staff, call, stages=["cost_review"])
    review_stage = ev.stage_open(staff, plan.stages.get(kind=StageKind.COST_REVIEW))

    before = _counts(*EVERYTHING)
    error = _raises(
        DomainError,
        "cost_review_invalid",
        ev.cost_review_record,
        staff,
        review_stage,
        submission,
        reviewer_body="원가검토위원회",
        approved_lines={"software": 40_000_001, "travel": 5},
        reason="x",
    )
    assert dict(error.blockers) == {
        "software": "인정 금액은 0원 이상, 신청 금액(40,000,000원) 이하여야 합니다.",
        "travel": "신청서에 없는 예산 항목입니다.",
    }
    _raises(
        DomainError,
        "reason_required",
        ev.cost_review_record,
        staff,
        review_stage,
        submission,
        reviewer_body="원가검토위원회",
        approved_lines={"software": 20_000_000},
    )
    _raises(
        Conflict,
        "not_cost_review",
        ev.cost_review_record,
        staff,
        plan.stages.get(kind=StageKind.TECHNICAL),
        submission,
        reviewer_body="원가검토위원회",
        approved_lines={},
    )
    assert _counts(*EVERYTHING) == before

    review = ev.cost_review_record(
        staff,
        review_stage,
        submission,
        reviewer_body="원가검토위원회",
        approved_lines={"software": 19_999_999},
        reason="SW 라이선스 단가 조정",
    )
    assert review.approved_total == 79_999_999
    amounts = {line["role"]: line["amount"] for line in review.shares["lines"]}
    # Each funder rounded down to 1,000 won; the SME pays the rest, so the shares add up exactly.
    assert amounts == {"central_government": 39_999_000, "province": 11_999_000, "municipality": 11_999_000}
    assert review.shares["sme_share"] == 16_002_999
    assert sum(amounts.values()) + review.shares["sme_share"] == review.approved_total
    assert review.government_share == 63_997_000 == selectors.government_share_of(submission)
    assert review.original_lines["software"] == 40_000_000 and review.approved_lines["software"] == 19_999_999
    [event] = _events(review, "create")
    assert event.reason == "SW 라이선스 단가 조정"

    again = ev.cost_review_record(
        staff,
        review_stage,
        submission,
        reviewer_body="원가검토위원회",
        approved_lines={"software": 40_000_000},
        reason="재검토: 원안 인정",
    )
    assert again.pk == review.pk and again.government_share == 80_000_000
    assert CostReview.objects.count() == 1 and len(_events(review, "update")) == 1


def test_a_cost_review_after_selection_moves_the_committed_budget_and_never_past_it(
    operator, staff, call, track, plan
):
    local = factories.make_track(
        call,
        "basic",
        funders=(
            ("central_government", "0.5", None),
            ("province", "0.15", None),
            ("municipality", "0.15", None),
        ),
    )
    technical = plan.stages.get(kind=StageKind.TECHNICAL)
    a = factories.make_submitted(local)  # 80M of public money
    b = factories.make_submitted(track)  # 50M
    c = factories.make_submitted(track, total_cost=60_000_000, budget_software=0)  # 30M
    for rank, s in enumerate((a, b, c), start=1):
        _result(technical, s, 90 - rank, rank=rank)
    call.total_budget = 150_000_000
    call.save()
    ev.decide(staff, plan, a, status="selected")
    ev.decide(staff, plan, b, status="selected")
    _raises(Conflict, "over_budget", ev.decide, staff, plan, c, status="selected")

    ev.plan_set_up(staff, call, stages=["cost_review"])
    review_stage = ev.stage_open(staff, plan.stages.get(kind=StageKind.COST_REVIEW))
    record = dict(reviewer_body="원가검토위원회", reason="SW 라이선스 단가 조정")
    ev.cost_review_record(staff, review_stage, a, approved_lines={"software": 19_999_999}, **record)
    decision = Decision.objects.get(submission=a)
    assert decision.government_share == 63_997_000
    assert _events(decision, "update")[-1].before == {"government_share": 80_000_000}
    fresh_plan = EvaluationPlan.objects.get(pk=plan.pk)
    assert selectors.budget_position(fresh_plan) == (150_000_000, 113_997_000, 36_003_000)
    ev.decide(staff, plan, c, status="selected")  # the cut made room for it

    # Approving the full request again would put 160M on a 150M budget: refused, nothing changes.
    before = _counts(*EVERYTHING)
    _raises(
        Conflict,
        "over_budget",
        ev.cost_review_record,
        staff,
        review_stage,
        a,
        approved_lines={"software": 40_000_000},
        **record,
    )
    assert _counts(*EVERYTHING) == before
    assert CostReview.objects.get(submission=a).government_share == 63_997_000
    assert selectors.budget_position(fresh_plan) == (150_000_000, 143_997_000, 6_003_000)

    ev.decisions_finalise(staff, plan)
    _raises(
        Conflict,
        "decision_final",
        ev.cost_review_record,
        staff,
        review_stage,
        b,
        approved_lines={"software": 20_000_000},
        **record,
    )


# --- decisions ------------------------------------------------------------------------------------


@pytest.fixture
def ranked(call, track, plan):
    """Four ranked submissions of the Basic track (50M government share each) and one below the cut-off."""
    stage = plan.stages.get(kind=StageKind.TECHNICAL)
    subs = [factories.make_submitted(track) for _ in range(5)]
    for n, s in enumerate(subs[:4], start=1):
        _result(stage, s, 90 - n, rank=n)
    _result(stage, subs[4], "59.99", passed=False)
    return subs


def test_below_the_cutoff_cannot_be_selected_or_waitlisted(staff, plan, ranked):
    failed = ranked[4]
    before = _counts(*EVERYTHING)
    _raises(Conflict, "below_cutoff", ev.decide, staff, plan, failed, status="selected")
    _raises(Conflict, "below_cutoff", ev.decide, staff, plan, failed, status="waitlisted")
    _raises(DomainError, "decision_status", ev.decide, staff, plan, failed, status="maybe")
    assert _counts(*EVERYTHING) == before
    decision = ev.decide(staff, plan, failed, status="rejected")
    assert (decision.status, decision.rank, decision.government_share) == ("rejected", None, 50_000_000)
    _raises(DomainError, "reason_required", ev.decide, staff, plan, ranked[0], status="rejected")


def test_selection_stays_within_the_budget_and_the_planned_count(staff, call, track, plan, ranked):
    call.total_budget = 150_000_000
    call.save()
    for s in ranked[:3]:
        ev.decide(staff, plan, s, status="selected")
    before = _counts(*EVERYTHING)
    error = _raises(Conflict, "over_budget", ev.decide, staff, plan, ranked[3], status="selected")
    assert "150,000,000원 중 150,000,000원이 이미 선정되어 0원이 남았는데" in error.message
    assert _counts(*EVERYTHING) == before
    assert selectors.budget_position(EvaluationPlan.objects.get(pk=plan.pk)) == (150_000_000, 150_000_000, 0)

    # Re-selecting one already selected does not count it twice.
    ev.decide(staff, plan, ranked[0], status="selected", reason="재확인")

    call.total_budget = 1_000_000_000
    call.save()
    track.projects_planned = 3
    track.save()
    fresh = Submission.objects.get(pk=ranked[3].pk)  # the track as it is now, not the cached one
    error = _raises(Conflict, "track_full", ev.decide, staff, plan, fresh, status="selected")
    assert "(3개)" in error.message
    track.projects_planned = 4
    track.save()
    ev.decide(staff, plan, Submission.objects.get(pk=ranked[3].pk), status="selected")
    assert Decision.objects.filter(status="selected").count() == 4


def test_waitlist_positions_follow_the_order_of_waitlisting(staff, call, plan, ranked):
    call.total_budget = 50_000_000
    call.save()
    ev.decide(staff, plan, ranked[0], status="waitlisted")
    ev.decide(staff, plan, ranked[1], status="waitlisted")
    ev.decide(staff, plan, ranked[1], status="waitlisted", reason="다시 저장")  # keeps its place
    ev.decide(staff, plan, ranked[0], status="selected")  # first on the list moves up
    third = ev.decide(staff, plan, ranked[2], status="waitlisted")
    positions = dict(
        Decision.objects.filter(status="waitlisted").values_list("submission_id", "waitlist_position")
    )
    assert positions == {ranked[1].pk: 2, ranked[2].pk: 3}
    assert third.rank == 3
    selected = Decision.objects.get(submission=ranked[0])
    assert selected.waitlist_position is None
    [transition] = _events(selected, "transition")
    assert (transition.before, transition.after) == ({"status": "waitlisted"}, {"status": "selected"})


def test_decide_is_for_the_operators_staff_and_needs_a_result(staff, other_operator, plan, track, ranked):
    stranger = factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)
    before = _counts(*EVERYTHING)
    with pytest.raises(AccessDenied):
        ev.decide(stranger, plan, ranked[0], status="selected")
    unranked = factories.make_submitted(track)
    before = _counts(*EVERYTHING)
    _raises(Conflict, "no_result", ev.decide, staff, plan, unranked, status="selected")
    assert _counts(*EVERYTHING) == before


def test_finalise_then_release_notifies_the_applicant(staff, call, plan, ranked):
    decision = ev.decide(staff, plan, ranked[0], status="selected")
    waitlisted = ev.decide(staff, plan, ranked[1], status="waitlisted")
    _raises(Conflict, "decision_not_final", ev.results_release, staff, plan, decision_ids=[decision.pk])
    assert ev.decisions_finalise(staff, plan) == 2
    decision.refresh_from_db()
    assert decision.final and decision.finalised_at is not None
    deliberation = plan.stages.get(kind=StageKind.DELIBERATION)
    assert deliberation.status == StageStatus.CLOSED
    _raises(Conflict, "decision_final", ev.decide, staff, plan, ranked[0], status="waitlisted")
    assert [e.reason for e in _events(decision, "update")] == ["deliberation committee"]

    lead = _lead_user(ranked[0])
    assert ev.results_release(staff, plan, decision_ids=[decision.pk, waitlisted.pk]) == 2
    [mail] = Notification.objects.filter(recipient=lead, subject__contains="평가 결과 안내")
    assert call.title_ko in mail.subject
    assert ranked[0].receipt_number in mail.body and "선정" in mail.body and "7일 안에" in mail.body
    assert ev.results_release(staff, plan, decision_ids=[decision.pk]) == 0  # once
    assert Notification.objects.filter(recipient=lead, subject__contains="평가 결과 안내").count() == 1


def test_finalise_waits_for_matching_notes_still_open(staff, plan, ranked):
    decision = ev.decide(staff, plan, ranked[0], status="selected")
    now = timezone.now()
    ev.matching_note_send(
        staff,
        decision,
        kind="other_supplier",
        body="다른 공급기업을 권고합니다.",
        respond_by=now + datetime.timedelta(days=3),
    )
    _raises(Conflict, "notes_open", ev.decisions_finalise, staff, plan, now=now)
    assert not Decision.objects.filter(final=True).exists()
    assert ev.decisions_finalise(staff, plan, now=now + datetime.timedelta(days=4)) == 1


# --- objections -----------------------------------------------------------------------------------


def _released(staff, plan, submission, at):
    decision = ev.decide(staff, plan, submission, status="selected")
    ev.decisions_finalise(staff, plan)
    ev.results_release(staff, plan, decision_ids=[decision.pk], now=at)
    decision.refresh_from_db()
    return decision


def test_objections_are_lodged_only_inside_the_window(staff, plan, ranked):
    at = timezone.now() - datetime.timedelta(days=3)
    pending = ev.decide(staff, plan, ranked[1], status="waitlisted")
    decision = _released(staff, plan, ranked[0], at)
    lead = _lead_user(ranked[0])
    _raises(Conflict, "not_released", ev.objection_lodge, _lead_user(ranked[1]), pending, body="이의")
    with pytest.raises(AccessDenied):
        ev.objection_lodge(_lead_user(ranked[1]), decision, body="남의 결정")
    before = _counts(*EVERYTHING)
    _raises(
        Conflict,
        "objection_late",
        ev.objection_lodge,
        lead,
        decision,
        body="늦은 이의",
        now=at + datetime.timedelta(days=7, seconds=1),
    )
    _raises(DomainError, "body_required", ev.objection_lodge, lead, decision, body=" ")
    assert _counts(*EVERYTHING) == before

    objection = ev.objection_lodge(
        lead, decision, body="점수 재검토 요청", now=at + datetime.timedelta(days=7)
    )
    assert objection.status == ObjectionStatus.LODGED
    _raises(Conflict, "objection_open", ev.objection_lodge, lead, decision, body="또 이의")
    assert len(_events(objection, "create")) == 1

    dismissed = ev.objection_decide(staff, objection, upheld=False, reason="채점 기준에 맞게 평가됨")
    assert dismissed.status == ObjectionStatus.DISMISSED
    decision.refresh_from_db()
    assert decision.final is True
    [mail] = Notification.objects.filter(recipient=lead, subject__contains="이의신청 처리 결과")
    assert "기각" in mail.body and "채점 기준에 맞게 평가됨" in mail.body
    _raises(Conflict, "objection_decided", ev.objection_decide, staff, objection, upheld=True, reason="재고")


def test_an_upheld_objection_reopens_the_sheets_and_the_decision(
    operator, staff, track, plan, stage, reviewers
):
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="objection")
    for sheet in _live(stage):
        _submit(sheet, "0.8")
    ev.stage_close(staff, stage)
    decision = _released(staff, plan, submission, timezone.now())
    objection = ev.objection_lodge(_lead_user(submission), decision, body="기술성 점수가 낮게 매겨졌습니다")
    ev.objection_decide(staff, objection, upheld=True, reason="평가표 누락 확인")
    decision.refresh_from_db()
    stage.refresh_from_db()
    assert (decision.final, decision.finalised_at, decision.status) == (False, None, "selected")
    assert stage.status == StageStatus.SCORING
    assert list(_live(stage).values_list("status", flat=True)) == ["assigned"] * 3
    assert all(e.reason == "평가표 누락 확인" for e in _events(_live(stage).first(), "transition")[-1:])
    [event] = _events(objection, "transition")
    assert (event.after, event.reason) == ({"status": "upheld"}, "평가표 누락 확인")
    assert _events(decision, "update")[-1].reason == "objection upheld: re-evaluation"

    # Re-scored and closed again, the decision can be confirmed anew.
    for sheet in _live(stage):
        _submit(sheet, "0.9")
    ev.stage_close(staff, stage)
    assert StageResult.objects.get(submission=submission).total == D("90.00")
    assert ev.decisions_finalise(staff, plan) == 1


# --- matching notes -------------------------------------------------------------------------------


def test_matching_notes_are_answered_before_the_deadline_and_expire_after(staff, plan, ranked):
    now = timezone.now()
    first = ev.decide(staff, plan, ranked[0], status="selected")
    second = ev.decide(staff, plan, ranked[1], status="waitlisted")
    by = now + datetime.timedelta(days=2)
    _raises(
        DomainError,
        "respond_by_past",
        ev.matching_note_send,
        staff,
        first,
        kind="budget_adjustment",
        body="조정",
        respond_by=now - datetime.timedelta(minutes=1),
    )
    note = ev.matching_note_send(
        staff, first, kind="budget_adjustment", body="하드웨어 예산을 줄여 주십시오.", respond_by=by
    )
    late_note = ev.matching_note_send(
        staff, second, kind="other_track", body="고도화 유형을 권고합니다.", respond_by=by
    )
    lead = _lead_user(ranked[0])
    [mail] = Notification.objects.filter(recipient=lead, subject__contains="매칭 검증 의견")
    assert ranked[0].receipt_number in mail.subject and "사업비 조정 요청" in mail.body

    with pytest.raises(AccessDenied):
        ev.matching_note_respond(_lead_user(ranked[1]), note, accepted=True, response="남의 의견")
    _raises(
        DomainError, "response_required", ev.matching_note_respond, lead, note, accepted=True, response=""
    )
    answered = ev.matching_note_respond(lead, note, accepted=True, response="반영하겠습니다.", now=by)
    assert (answered.status, answered.accepted, answered.responded_by) == ("answered", True, lead)
    _raises(Conflict, "note_closed", ev.matching_note_respond, lead, note, accepted=False, response="번복")

    other_lead = _lead_user(ranked[1])
    _raises(
        Conflict,
        "note_late",
        ev.matching_note_respond,
        other_lead,
        late_note,
        accepted=True,
        response="늦은 답변",
        now=by + datetime.timedelta(seconds=1),
    )
    assert ev.matching_notes_expire(now) == 0
    assert ev.matching_notes_expire(by + datetime.timedelta(seconds=1)) == 1
    late_note.refresh_from_db()
    assert late_note.status == MatchingNoteStatus.EXPIRED
    [event] = _events(late_note, "transition")
    assert (event.before, event.after, event.actor) == ({"status": "open"}, {"status": "expired"}, None)
    assert ev.matching_notes_expire(by + datetime.timedelta(days=1)) == 0


def test_a_partial_draft_save_keeps_the_other_criteria(operator, staff, track, stage, reviewers):
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="partial")
    sheet = _live(stage, submission).first()
    user = sheet.evaluator.user
    ev.scores_save(
        user, sheet, points={"necessity": "18", "data": "15"}, comments={"data": "데이터 계획 구체적"}
    )
    ev.scores_save(user, sheet, points={"necessity": "17"})
    saved = {s.criterion.code: (s.points, s.comment) for s in sheet.scores.select_related("criterion")}
    assert saved == {"necessity": (D("17"), ""), "data": (D("15"), "데이터 계획 구체적")}
    ev.scores_save(user, sheet, points={"data": ""})  # an emptied field clears that one criterion
    assert set(sheet.scores.values_list("criterion__code", flat=True)) == {"necessity"}


def test_trimmed_totals_and_tie_break_means_leave_out_the_same_two_sheets(
    operator, staff, track, plan, stage
):
    stage.reviewers_per_application = 5
    stage.aggregation = "trimmed_mean"
    stage.save()
    _seated(operator, stage, staff, ["가위원", "나위원", "다위원", "라위원", "마위원"])
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="trim")
    for sheet, fraction in zip(_live(stage, submission), ("0.5", "0.6", "0.7", "0.8", "1.0"), strict=True):
        _submit(sheet, fraction)
    ev.stage_close(staff, stage)
    result = StageResult.objects.get(stage=stage, submission=submission)
    assert result.trimmed is True
    assert result.total == D("70.00")  # mean of 60, 70, 80
    assert result.criteria["necessity"] == "14.00"  # 20 × mean(0.6, 0.7, 0.8), not × mean of all five


def test_a_reviewers_first_look_is_recorded_once_and_audited(operator, staff, track, stage, reviewers):
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="look")
    sheet = _live(stage, submission).first()
    ev.assignment_open(staff, sheet)  # someone else looking records nothing
    assert sheet.opened_at is None
    ev.assignment_open(sheet.evaluator.user, sheet)
    ev.assignment_open(sheet.evaluator.user, Assignment.objects.get(pk=sheet.pk))
    events = AuditEvent.objects.filter(
        content_type__model="assignment", object_id=str(sheet.pk), reason="first opened"
    )
    assert events.count() == 1
    assert events.get().actor == sheet.evaluator.user and events.get().before == {"opened_at": None}
