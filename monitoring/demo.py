"""Demo projects for `manage.py seed_demo`, from the concluded 2025 KOSMO call, so every login has
projects to open:

- 한빛정밀 (the demo SME login, 경남) with the demo supplier: agreement in force, advance paid, two
  progress reports, milestones (one done, one overdue) and a site visit by the 경남 centre;
- 청우기계 (경남): in progress for five months with no report and no visit and a milestone overdue,
  flagged by the risk check run at the end;
- 경남주물 (경남): agreement issued, waiting for the parties to accept.

The 2025 call's history is replayed: it is opened for the moment of the submissions (dated inside its
window), then put back as concluded. Idempotent: nothing is created once the call has a project."""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from applications.demo import submit_demo
from evaluations import rules as evaluation_rules
from evaluations.models import Decision, DecisionStatus, EvaluationPlan
from organizations.models import Company, Membership, Role, User
from organizations.rules import complete_business_number
from programs.models import Call, CallStatus

from . import risk_check, services
from .models import Project, ReporterRole

CALL = "2025-kosmo-001"
SUBMITTED_AT = datetime.datetime(2025, 3, 5, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
LEAD, SUPPLIER = "608861234", "220864455"


def _company(nine_digits):
    return (
        Company.objects.unrestricted().filter(business_number=complete_business_number(nine_digits)).first()
    )


def _select(call, submission, staff, now):
    share = evaluation_rules.government_share(submission.snapshot["shares"]["lines"])
    plan, _ = EvaluationPlan.objects.get_or_create(call=call)
    return Decision.objects.create(
        plan=plan,
        submission=submission,
        track=submission.application.track,
        status=DecisionStatus.SELECTED,
        government_share=share,
        decided_by=staff,
        decided_at=now,
        final=True,
        finalised_at=now,
        released_at=now,
    )


def _member(company, login):
    """A contact person for a demo firm with no login of its own, so it can accept its agreement."""
    user, made = User.objects.get_or_create(
        email=f"{login}@demo.sfms.kr", defaults={"full_name": f"{company.name} 담당자"}
    )
    if made:
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, role=Role.SME_MEMBER, company=company)
    return user


def _accept_all(project, users):
    for party in project.agreements.get().parties.all():
        services.agreement_accept(users[party.role], party, ip="127.0.0.1")


@transaction.atomic
def seed_demo():
    """Returns the number of projects created."""
    call = Call.objects.unrestricted().filter(reference=CALL).first()
    if call is None or Project.objects.unrestricted().filter(call=call).exists():
        return 0
    users = {
        role: User.objects.filter(email=f"{login}@demo.sfms.kr").first()
        for role, login in (
            ("admin", "admin"),
            ("operator", "operator"),
            ("lead", "sme"),
            ("supplier", "supplier"),
            ("centre", "centre"),
        )
    }
    lead, supplier = _company(LEAD), _company(SUPPLIER)
    others = {
        name: Company.objects.unrestricted().filter(name=name).order_by("pk").first()
        for name in ("청우기계", "경남주물")
    }
    if not all(users.values()) or not lead or not supplier or not all(others.values()):
        return 0
    track = call.tracks.get(level="basic")
    today = timezone.localdate()
    now = timezone.now()

    status = call.status
    Call.objects.unrestricted().filter(pk=call.pk).update(status=CallStatus.OPEN)
    call.refresh_from_db()
    submissions = {
        name: submit_demo(track, company, users["admin"], supplier, title, now=SUBMITTED_AT)
        for name, company, title in (
            ("hanbit", lead, "가공 라인 MES 구축과 설비 데이터 수집"),
            ("cheongwoo", others["청우기계"], "청우기계 조립 라인 생산관리 시스템 구축"),
            ("gyeongnam", others["경남주물"], "경남주물 주조 공정 품질 데이터 수집"),
        )
    }
    Call.objects.unrestricted().filter(pk=call.pk).update(status=status)

    staff = users["operator"]
    parties = {"operator": staff, "lead": users["lead"], "supplier": users["supplier"]}

    hanbit = services.project_create(
        staff,
        _select(call, submissions["hanbit"], staff, now),
        starts_on=today - datetime.timedelta(days=100),
    )
    _accept_all(hanbit, parties)
    advance = hanbit.tranches.get(order=1)
    services.tranche_request(users["lead"], advance)
    services.tranche_approve(staff, advance)
    services.tranche_mark_paid(staff, advance, paid_on=hanbit.starts_on + datetime.timedelta(days=14))
    for name, days, done in (
        ("MES 서버·네트워크 설치", 30, 28),
        ("설비 PLC 데이터 연동", 75, None),
        ("작업지시·실적 화면 개발", 130, None),
    ):
        changes = {"name": name, "planned_on": hanbit.starts_on + datetime.timedelta(days=days)}
        if done is not None:
            changes["done_on"] = hanbit.starts_on + datetime.timedelta(days=done)
        services.milestone_save(staff, hanbit, changes)
    for period_days, percent, spent, work in (
        (30, 20, 14_000_000, "MES 서버와 현장 네트워크를 설치하고 작업지시 기준정보를 정리했습니다."),
        (60, 40, 30_000_000, "가공 설비 8대 중 5대의 PLC 신호를 MES로 수집하기 시작했습니다."),
    ):
        services.progress_report_submit(
            users["lead"],
            hanbit,
            reporter_role=ReporterRole.LEAD,
            period_end=hanbit.starts_on + datetime.timedelta(days=period_days),
            percent_complete=percent,
            spent=spent,
            work_done=work,
        )
    services.site_visit_record(
        users["centre"],
        hanbit,
        visited_on=today - datetime.timedelta(days=40),
        findings="서버실과 현장 단말 설치를 확인했습니다. PLC 연동은 일정보다 2주 늦습니다.",
        follow_up="남은 설비 3대의 PLC 연동 일정을 다음 보고에 적어 주십시오.",
        follow_up_due=today + datetime.timedelta(days=14),
    )

    cheongwoo = services.project_create(
        staff,
        _select(call, submissions["cheongwoo"], staff, now),
        starts_on=today - datetime.timedelta(days=150),
    )
    _accept_all(cheongwoo, {**parties, "lead": _member(others["청우기계"], "cheongwoo")})
    services.milestone_save(
        staff,
        cheongwoo,
        {"name": "생산관리 시스템 설치", "planned_on": cheongwoo.starts_on + datetime.timedelta(days=60)},
    )

    services.project_create(
        staff,
        _select(call, submissions["gyeongnam"], staff, now),
        starts_on=today + datetime.timedelta(days=7),
    )
    # What the daily check would find this morning, so the dashboards show risk flags at once.
    risk_check.check_risks(project_ids=[hanbit.pk, cheongwoo.pk], today=today)
    return 3
