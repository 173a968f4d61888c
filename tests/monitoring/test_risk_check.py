"""The scheduled risk check through the database: each kind of flag is raised from real rows
(milestones, progress reports, site visits, the project's budget), refreshed on the next run,
resolved when the risk is gone, audited, and reminded by e-mail exactly once (again once when a
warning escalates to critical, then also to the regional centre covering the project's region)."""

import datetime

import pytest
from django.utils import timezone

from monitoring import risk_check, tasks
from monitoring.models import Milestone, ProgressReport, RiskFlag, SiteVisit
from organizations.models import AuditEvent, Notification, Operator, Role
from tests import factories

pytestmark = pytest.mark.django_db


def at(day):
    """Noon in Seoul on `day`: the `now` of a run on that day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def run(project, offset):
    """The check as it would run `offset` days after the project's start."""
    day = project.starts_on + datetime.timedelta(days=offset)
    return risk_check.check_risks(today=day, now=at(day), project_ids=[project.pk])


def open_flags(project, kind=None):
    qs = RiskFlag.objects.unrestricted().filter(project=project, resolved_at=None)
    return list(qs.filter(kind=kind) if kind else qs)


def report(w, period_end, *, percent=30, spent=10_000_000, submitted=None):
    return ProgressReport.objects.create(
        project=w.project,
        reporter_role="lead",
        period_end=period_end,
        percent_complete=percent,
        spent=spent,
        work_done="MES 서버 설치",
        submitted_by=w.lead_user,
        submitted_at=at(submitted or period_end),
    )


def visit(w, on):
    return SiteVisit.objects.create(
        project=w.project, operator=w.operator, visited_on=on, findings="설비 설치 확인", recorded_by=w.staff
    )


def reports_every_period(w, upto):
    """A report for every 30-day period that ended before `upto` days from the start."""
    start = w.project.starts_on
    for end in range(29, upto, 30):
        report(w, start + datetime.timedelta(days=end))


@pytest.fixture
def world():
    return factories.make_project(starts_days_ago=10)


@pytest.fixture
def centre_user():
    centre = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set(["41"])
    return factories.make_member(Role.CENTRE_STAFF, operator=centre)


@pytest.fixture
def busan_centre_user():
    centre = factories.make_operator("부산센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="26")
    centre.regions_covered.set(["26"])
    return factories.make_member(Role.CENTRE_STAFF, operator=centre)


def mails(user, subject_part="위험 신호"):
    return list(Notification.objects.filter(recipient=user, subject__contains=subject_part).order_by("pk"))


# --- each kind ------------------------------------------------------------------------------------


def test_an_overdue_milestone_is_flagged_escalated_and_resolved_when_done(world):
    p = world.project
    m = Milestone.objects.create(
        project=p, name="MES 설치", planned_on=p.starts_on + datetime.timedelta(days=10)
    )
    assert run(p, 10)["opened"] == 0  # the planned day itself is not late
    counts = run(p, 11)
    assert counts["opened"] == 1
    (flag,) = open_flags(p)
    assert (flag.kind, flag.key, flag.severity) == (
        "milestone_overdue",
        f"milestone_overdue:{m.pk}",
        "warning",
    )
    assert flag.since == m.planned_on + datetime.timedelta(days=1)
    assert "'MES 설치' 마일스톤이" in flag.message and "1일 늦었습니다" in flag.message

    run(p, 41)  # 31 days late: critical, the same row
    (again,) = open_flags(p, "milestone_overdue")
    assert again.pk == flag.pk and again.severity == "critical" and "31일" in again.message

    Milestone.objects.filter(pk=m.pk).update(done_on=p.starts_on + datetime.timedelta(days=42))
    counts = run(p, 42)
    assert counts["resolved"] == 1 and open_flags(p, "milestone_overdue") == []
    flag.refresh_from_db()
    assert flag.resolved_at == at(p.starts_on + datetime.timedelta(days=42))


def test_a_missing_progress_report_is_flagged_after_the_grace_days_and_resolved_by_a_late_report(world):
    p = world.project
    first_end = p.starts_on + datetime.timedelta(days=29)
    run(p, 36)  # period ended on day 29, seven days' grace: day 36 is still fine
    assert open_flags(p, "report_missing") == []
    run(p, 37)
    (flag,) = open_flags(p, "report_missing")
    assert flag.key == f"report_missing:{first_end.isoformat()}" and flag.severity == "warning"
    assert "진척 보고서를 제출해 주십시오" in flag.message

    report(world, first_end - datetime.timedelta(days=3), submitted=p.starts_on + datetime.timedelta(days=38))
    run(p, 38)
    assert open_flags(p, "report_missing") == []
    flag.refresh_from_db()
    assert flag.resolved_at is not None


def test_two_missing_reports_are_both_critical(world):
    run(world.project, 70)
    flags = open_flags(world.project, "report_missing")
    assert [f.severity for f in flags] == ["critical", "critical"]
    assert all("모두 2건" in f.message for f in flags)


def test_budget_variance_compares_the_latest_reports_spending_with_its_progress(world):
    p = world.project
    spent = p.total_cost * 60 // 100  # 60% spent at 20% progress: 40 points ahead → critical
    report(world, p.starts_on + datetime.timedelta(days=5), percent=20, spent=spent)
    run(p, 6)
    (flag,) = open_flags(p, "budget_variance")
    assert (flag.key, flag.severity) == ("budget_variance:ahead", "critical")
    assert "사업비 집행률(60%)이 공정률(20%)보다 40%p 높습니다" in flag.message

    report(world, p.starts_on + datetime.timedelta(days=7), percent=55, spent=spent)  # back in step
    run(p, 8)
    assert open_flags(p, "budget_variance") == []


def test_overspending_is_critical(world):
    p = world.project
    report(world, p.starts_on + datetime.timedelta(days=5), percent=90, spent=p.total_cost + 1)
    run(p, 6)
    (flag,) = open_flags(p, "budget_variance")
    assert (flag.key, flag.severity) == ("budget_variance:overspent", "critical")


def test_no_site_visit_for_ninety_days_is_flagged_and_a_visit_resolves_it(world):
    p = world.project
    reports_every_period(world, 200)
    run(p, 90)
    assert open_flags(p) == []
    run(p, 91)
    (flag,) = open_flags(p)
    assert (flag.kind, flag.key, flag.severity) == (
        "no_site_visit",
        f"no_site_visit:{p.starts_on}",
        "warning",
    )
    assert "사업 시작일" in flag.message and "91일" in flag.message

    visit(world, p.starts_on + datetime.timedelta(days=92))
    run(p, 92)
    assert open_flags(p) == []
    run(p, 92 + 91)
    (later,) = open_flags(p)
    assert later.key == f"no_site_visit:{p.starts_on + datetime.timedelta(days=92)}" and later.pk != flag.pk


# --- rows, refresh, resolve ---------------------------------------------------------------------


def test_a_second_run_refreshes_the_open_row_and_opens_no_other(world):
    p = world.project
    Milestone.objects.create(project=p, name="설비 반입", planned_on=p.starts_on + datetime.timedelta(days=3))
    first = run(p, 5)
    second = run(p, 6)
    assert (first["opened"], second["opened"], second["refreshed"]) == (1, 0, 1)
    (flag,) = RiskFlag.objects.unrestricted().filter(project=p)
    assert flag.first_seen_at == at(p.starts_on + datetime.timedelta(days=5))
    assert flag.last_seen_at == at(p.starts_on + datetime.timedelta(days=6))
    assert "3일 늦었습니다" in flag.message


def test_flags_of_a_project_no_longer_in_progress_are_resolved(world):
    p = world.project
    Milestone.objects.create(project=p, name="설비 반입", planned_on=p.starts_on + datetime.timedelta(days=3))
    run(p, 5)
    type(p).objects.unrestricted().filter(pk=p.pk).update(status="abandoned")
    counts = risk_check.check_risks(today=p.starts_on + datetime.timedelta(days=6))
    assert counts["resolved"] == 1 and open_flags(p) == []


def test_opening_escalating_and_resolving_are_audited_by_the_system(world):
    p = world.project
    m = Milestone.objects.create(
        project=p, name="설비 반입", planned_on=p.starts_on + datetime.timedelta(days=3)
    )
    run(p, 5)
    run(p, 6)  # nothing changed but the time: not audited
    run(p, 40)  # critical
    Milestone.objects.filter(pk=m.pk).update(done_on=p.starts_on + datetime.timedelta(days=40))
    run(p, 41)
    (flag,) = RiskFlag.objects.unrestricted().filter(project=p, kind="milestone_overdue")
    events = AuditEvent.objects.unrestricted().filter(object_id=str(flag.pk), content_type__model="riskflag")
    assert sorted(events.values_list("action", flat=True)) == ["create", "transition", "update"]
    assert all(e.actor is None and e.actor_label == "system" for e in events)
    assert {e.operator_id for e in events} == {world.operator.pk}
    assert events.get(action="update").after["severity"] == "critical"


# --- reminders ------------------------------------------------------------------------------------


def test_each_flag_is_reminded_once_to_the_lead_and_the_calls_staff(world, centre_user, busan_centre_user):
    p = world.project
    Milestone.objects.create(project=p, name="설비 반입", planned_on=p.starts_on + datetime.timedelta(days=3))
    assert run(p, 5)["reminded"] == 1
    assert run(p, 6)["reminded"] == 0
    assert run(p, 7)["reminded"] == 0
    (lead_mail,) = mails(world.lead_user)
    assert len(mails(world.staff)) == 1
    assert "[SFMS] 과제 위험 신호(주의)" in lead_mail.subject and p.title in lead_mail.subject
    assert "마일스톤 지연" in lead_mail.body and "'설비 반입' 마일스톤이" in lead_mail.body
    assert mails(world.supplier_user) == [] and mails(centre_user) == [] and mails(busan_centre_user) == []
    (flag,) = open_flags(p)
    assert flag.reminded_at == at(p.starts_on + datetime.timedelta(days=5))


def test_a_critical_flag_is_reminded_to_the_regional_centre_too_and_an_escalation_once_more(
    world, centre_user, busan_centre_user
):
    p = world.project
    Milestone.objects.create(project=p, name="설비 반입", planned_on=p.starts_on + datetime.timedelta(days=3))
    run(p, 5)  # warning
    assert run(p, 33)["reminded"] == 0  # 30 days late: still a warning
    assert run(p, 34)["reminded"] == 1  # 31 days late: critical, reminded again
    assert run(p, 35)["reminded"] == 0
    assert [m.subject.split(":")[0] for m in mails(world.lead_user)] == [
        "[SFMS] 과제 위험 신호(주의)",
        "[SFMS] 과제 위험 신호(심각)",
    ]
    (centre_mail,) = mails(centre_user)
    assert "심각" in centre_mail.subject
    assert mails(busan_centre_user) == []


def test_a_resolved_risk_that_comes_back_is_a_new_flag_reminded_again(world):
    p = world.project
    m = Milestone.objects.create(
        project=p, name="설비 반입", planned_on=p.starts_on + datetime.timedelta(days=3)
    )
    run(p, 5)
    Milestone.objects.filter(pk=m.pk).update(done_on=p.starts_on + datetime.timedelta(days=5))
    run(p, 6)
    Milestone.objects.filter(pk=m.pk).update(done_on=None)
    run(p, 7)
    assert RiskFlag.objects.unrestricted().filter(project=p).count() == 2
    assert len(mails(world.lead_user)) == 2


def test_the_check_reads_every_project_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    worlds = [factories.make_project(starts_days_ago=10) for _ in range(3)]
    for w in worlds:
        Milestone.objects.create(project=w.project, name="반입", planned_on=w.project.starts_on)
    with django_assert_max_num_queries(5):
        projects = list(risk_check.projects_to_check([w.project.pk for w in worlds]))
        facts = [risk_check.facts_for(pr, timezone.localdate()) for pr in projects]
    assert [len(f.milestones) for f in facts] == [1, 1, 1]


def test_the_task_runs_the_check_for_the_given_day(world):
    p = world.project
    Milestone.objects.create(project=p, name="설비 반입", planned_on=p.starts_on + datetime.timedelta(days=3))
    result = tasks.check_risks.apply(
        kwargs={"today": (p.starts_on + datetime.timedelta(days=5)).isoformat()}
    ).get()
    assert result["opened"] >= 1
    assert open_flags(p, "milestone_overdue")
