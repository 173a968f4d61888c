"""Demo evaluation for `manage.py seed_demo`, on the open 2026 KOSMO call whose twelve submitted
applications `applications.demo` made:

- KOSMO's pool of six experts (universities, institutes, a supplier's lab) with their domains and
  confirmed declarations; one declared an advisory relation with 대성정밀, so the draw left them
  off that application and the exclusion report says why;
- the call's plan: requirement review (done), technical evaluation by committee, deliberation;
  the technical committee accepted and pledged, chaired by 서지우; a deliberation committee of three;
- a recorded draw (fixed seed), every sheet scored and the stage closed, so the operator's ranking
  is there (two applications below the cut-off); then the operator reopened the demo reviewer's
  sheets for a correction, so `evaluator@demo.sfms.kr` (임도현) has sheets to score and submit,
  while `evaluator2@demo.sfms.kr` (서지우) sees all of theirs submitted.

Everything goes through `evaluations.services`, as the operator, the experts and the reviewers
would, so the audit trail and notifications are the real ones. Idempotent: nothing is created once
the call has an evaluation plan."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from applications.models import Submission
from organizations.demo import DEMO_PASSWORD
from organizations.models import Company, Operator, Region, Role, User
from organizations.rules import complete_business_number
from programs.models import Call
from suppliers.models import TechDomain

from . import services
from .models import AssignmentStatus, EvaluationPlan, Evaluator, StageKind

CALL = "2026-kosmo-001"
STAFF = "operator@demo.sfms.kr"
REVIEWER = "evaluator@demo.sfms.kr"  # organizations.demo's evaluator login: sheets left to score
SECOND_REVIEWER = "evaluator2@demo.sfms.kr"
SEED = "demo-2026-kosmo-001"

# email, name, affiliation kind, affiliation, company (first nine digits), region, domains, chair
EXPERTS = [
    (REVIEWER, "임도현", "university", "한국공과대학교 산업공학과", None, "11", ["mes", "iot", "ai"], False),
    (
        SECOND_REVIEWER,
        "서지우",
        "institute",
        "한국생산기술연구원 스마트제조연구부",
        None,
        "44",
        ["mes", "quality", "vision"],
        True,
    ),
    (
        "expert3@demo.sfms.kr",
        "문태호",
        "university",
        "부산대학교 기계공학부",
        None,
        "26",
        ["robot", "plc"],
        False,
    ),
    (
        "expert4@demo.sfms.kr",
        "배수민",
        "institute",
        "한국전자기술연구원",
        None,
        "41",
        ["iot", "energy"],
        False,
    ),
    (
        "expert5@demo.sfms.kr",
        "조현우",
        "supplier",
        "다온오토메이션 기술연구소",
        "214862233",
        "41",
        ["robot", "logistics"],
        False,
    ),
    (
        "expert6@demo.sfms.kr",
        "한지성",
        "institute",
        "한국산업기술시험원",
        None,
        "48",
        ["quality", "erp"],
        False,
    ),
]
# (expert email, demo applicant's name, kind, description)
INTEREST = ("expert3@demo.sfms.kr", "대성정밀", "professional", "2025년 공정 개선 자문 용역 수행")
DELIBERATION = [(SECOND_REVIEWER, True), ("expert6@demo.sfms.kr", False), ("expert4@demo.sfms.kr", False)]

# Logins this demo adds to the ones organizations.demo prints: (role, email, password).
DEMO_LOGINS = [(Role.EVALUATOR, SECOND_REVIEWER, DEMO_PASSWORD)]

# How good each application is, in submission order (1.0 = full marks): a spread with two below the
# cut-off of 60 points. Each reviewer adds a small offset of their own.
QUALITY = ["0.93", "0.88", "0.86", "0.84", "0.81", "0.79", "0.77", "0.74", "0.71", "0.66", "0.58", "0.52"]
REVIEWER_OFFSET = ["0.02", "-0.01", "0.00", "-0.03", "0.01", "-0.02"]
COMMENTS = {
    "necessity": "현재 수작업 관리로 불량 원인 추적이 어려워 도입 필요성이 분명합니다.",
    "feasibility": "기존 ERP와 MES 연계 범위와 일정이 구체적입니다.",
    "data": "설비 데이터 수집 주기와 활용 방안이 제시되어 있습니다.",
    "supplier": "공급기업의 유사 업종 구축 경험이 충분합니다.",
    "effects": "불량률과 가동률 목표가 현실적이며 측정 방법이 명확합니다.",
}
WEAK_COMMENT = "근거 자료가 부족하여 보완이 필요합니다."


def _points(max_points, fraction):
    """Half-point steps between 0 and the criterion's maximum."""
    value = (Decimal(max_points) * fraction * 2).quantize(Decimal("1")) / 2
    return min(max(value, Decimal(0)), Decimal(max_points))


def _experts(staff, kosmo):
    regions = {r.code: r for r in Region.objects.all()}
    domains = {d.code: d for d in TechDomain.objects.all()}
    found = {}
    for email, name, kind, affiliation, company, region, codes, _chair in EXPERTS:
        evaluator = services.evaluator_add(
            staff,
            kosmo,
            email=email,
            full_name=name,
            affiliation_kind=kind,
            affiliation_name=affiliation,
            affiliation_company=(
                Company.objects.unrestricted().get(business_number=complete_business_number(company))
                if company
                else None
            ),
            region=regions[region],
            domains=[domains[c] for c in codes if c in domains],
        )
        found[email] = evaluator
    login = found[SECOND_REVIEWER].user
    if not login.has_usable_password():
        login.set_password(DEMO_PASSWORD)
        login.save(update_fields=["password"])
    email, applicant, kind, description = INTEREST
    company = Company.objects.unrestricted().filter(name=applicant).first()
    if company is not None:
        services.interest_declare(
            found[email].user, found[email], kind=kind, company=company, description=description
        )
    for evaluator in found.values():
        services.interests_confirm(evaluator.user, evaluator)
    return found


def _seat(staff, stage, evaluator, *, chair, now):
    seat = services.seat_invite(staff, stage, evaluator, is_chair=chair)
    seat = services.seat_respond(evaluator.user, seat, accept=True, now=now)
    return services.pledge_sign(evaluator.user, seat, agree=True, now=now)


def _score(stage, submissions, experts):
    order = {s.pk: i for i, s in enumerate(submissions)}
    reviewers = {e.pk: i for i, e in enumerate(experts.values())}
    criteria = list(stage.criteria.all())
    for a in stage.assignments.filter(status=AssignmentStatus.ASSIGNED).select_related("evaluator__user"):
        quality = Decimal(QUALITY[order[a.submission_id] % len(QUALITY)])
        fraction = quality + Decimal(REVIEWER_OFFSET[reviewers[a.evaluator_id] % len(REVIEWER_OFFSET)])
        points, comments = {}, {}
        for position, c in enumerate(criteria):
            # each criterion a little above or below the application's level
            value = _points(c.max_points, fraction + Decimal((position % 3) - 1) / 50)
            points[c.code] = value
            comments[c.code] = (
                COMMENTS.get(c.code, "") if value >= c.max_points * Decimal("0.6") else WEAK_COMMENT
            )
        services.scores_submit(
            a.evaluator.user,
            a,
            points=points,
            comments=comments,
            overall_comment="계획이 구체적이고 실행 가능성이 높습니다."
            if quality >= Decimal("0.75")
            else "데이터 활용 계획과 기대 효과의 근거를 보완해야 합니다.",
        )


@transaction.atomic
def seed_demo():
    """Returns the number of evaluators, stages, seats and sheets created."""
    call = Call.objects.unrestricted().filter(reference=CALL).first()
    if call is None or EvaluationPlan.objects.unrestricted().filter(call=call).exists():
        return 0
    staff = User.objects.filter(email=STAFF).first()
    kosmo = Operator.objects.unrestricted().filter(code="kosmo").first()
    submissions = list(
        Submission.objects.unrestricted().filter(application__call=call, status="submitted").order_by("pk")
    )
    if staff is None or kosmo is None or not submissions:
        return 0
    if (
        Evaluator.objects.unrestricted()
        .filter(operator=kosmo, user__email__in=[e[0] for e in EXPERTS])
        .exists()
    ):
        return 0  # a pool made by hand: leave it alone
    now = timezone.now()
    experts = _experts(staff, kosmo)

    plan = services.plan_set_up(
        staff, call, stages=[StageKind.REQUIREMENT_REVIEW, StageKind.TECHNICAL, StageKind.DELIBERATION]
    )
    stages = {s.kind: s for s in plan.stages.all()}
    requirement = services.stage_open(staff, stages[StageKind.REQUIREMENT_REVIEW])
    services.stage_close(staff, requirement)

    technical = services.stage_update(
        staff,
        stages[StageKind.TECHNICAL],
        {
            "tie_break": ["feasibility", "data"],
            "scoring_deadline": now + datetime.timedelta(days=7),
        },
    )
    technical = services.stage_open(staff, technical)
    for email, *_rest, chair in EXPERTS:
        _seat(staff, technical, experts[email], chair=chair, now=now)
    for email, chair in DELIBERATION:
        _seat(staff, stages[StageKind.DELIBERATION], experts[email], chair=chair, now=now)

    services.assignment_draw(staff, technical, seed=SEED)
    _score(technical, submissions, experts)
    services.stage_close(staff, technical)
    # The operator asks the demo reviewer to look at their sheets again: the ranking stays on the
    # operator's pages, and the reviewer has work waiting.
    for a in technical.assignments.filter(
        evaluator=experts[REVIEWER], status=AssignmentStatus.SUBMITTED
    ).order_by("pk"):
        services.assignment_reopen(
            staff, a, reason="점수 근거 보완 요청: 항목별 의견을 구체적으로 적어 주십시오."
        )

    return (
        len(experts)
        + plan.stages.count()
        + sum(s.seats.count() for s in plan.stages.all())
        + technical.assignments.count()
    )
