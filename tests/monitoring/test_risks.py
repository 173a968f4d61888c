"""The pure risk rules of monitoring (monitoring/risks.py), without a database: each flag at its
boundary (the day before, on and after), severity escalation, projects not in progress, exact keys
and messages, the stable order of flags_for, integer budget maths and the reporting periods."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from monitoring import risks
from monitoring.risks import MilestoneFacts, ProjectFacts, ReportFacts, RiskFlag, VisitFacts

START = date(2026, 1, 1)
END = date(2026, 12, 31)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def project(**changes) -> ProjectFacts:
    """A project in progress with nothing wrong: no milestones, reports or spending yet."""
    base = ProjectFacts(
        key=7,
        starts_on=START,
        ends_on=END,
        status="in_progress",
        budget_total=100_000_000,
        spent=0,
        percent_complete=None,
        milestones=(),
        reports=(),
        visits=(),
    )
    return replace(base, **changes)


def troubled(**changes) -> ProjectFacts:
    """A project with one of every flag on TROUBLED_DAY."""
    base = project(
        milestones=(MilestoneFacts(3, "MES 설치", date(2026, 5, 1)),),
        reports=(ReportFacts(date(2026, 4, 30)),),
        spent=90_000_000,
        percent_complete=10,
        visits=(VisitFacts(date(2026, 1, 10)),),
    )
    return replace(base, **changes)


TROUBLED_DAY = date(2026, 6, 1)


# --- milestone overdue ----------------------------------------------------------------------------

MES = MilestoneFacts(3, "MES 설치", date(2026, 10, 1))


@pytest.mark.parametrize("today", [date(2026, 9, 30), date(2026, 10, 1)])
def test_a_milestone_is_not_overdue_before_or_on_its_planned_date(today):
    assert risks.milestone_overdue(project(milestones=(MES,)), today) == []


def test_a_milestone_is_overdue_the_day_after_its_planned_date():
    today = date(2026, 10, 2)
    assert risks.milestone_overdue(project(milestones=(MES,)), today) == [
        RiskFlag(
            kind="milestone_overdue",
            severity="warning",
            since=date(2026, 10, 2),
            message="'MES 설치' 마일스톤이 예정일(2026-10-01)보다 1일 늦었습니다. "
            "실제 완료일을 입력하거나 일정 변경을 신청해 주십시오.",
            key="milestone_overdue:3",
        )
    ]


def test_the_milestone_message_says_how_late_and_what_to_do():
    [flag] = risks.milestone_overdue(project(milestones=(MES,)), date(2026, 10, 13))
    assert flag.message == (
        "'MES 설치' 마일스톤이 예정일(2026-10-01)보다 12일 늦었습니다. "
        "실제 완료일을 입력하거나 일정 변경을 신청해 주십시오."
    )
    assert flag.since == date(2026, 10, 2)


@pytest.mark.parametrize(
    "late, severity", [(29, "warning"), (30, "warning"), (31, "critical"), (200, "critical")]
)
def test_a_milestone_turns_critical_after_30_days_late(late, severity):
    [flag] = risks.milestone_overdue(project(milestones=(MES,)), MES.planned_on + days(late))
    assert (flag.severity, flag.since) == (severity, date(2026, 10, 2))


@pytest.mark.parametrize("done_on", [date(2026, 9, 1), date(2026, 10, 1), date(2026, 10, 20)])
def test_a_done_milestone_is_never_overdue_even_when_done_late(done_on):
    done = replace(MES, done_on=done_on)
    assert risks.milestone_overdue(project(milestones=(done,)), date(2026, 10, 25)) == []


def test_a_completion_dated_after_today_has_not_happened_yet():
    future = replace(MES, done_on=date(2026, 10, 30))
    [flag] = risks.milestone_overdue(project(milestones=(future,)), date(2026, 10, 5))
    assert flag.key == "milestone_overdue:3"


def test_overdue_milestones_are_listed_by_planned_date_then_key():
    milestones = (
        MilestoneFacts(9, "데이터 수집", date(2026, 9, 1)),
        MilestoneFacts(5, "ERP 연동", date(2026, 8, 1)),
        MilestoneFacts(4, "설비 연결", date(2026, 9, 1)),
        MilestoneFacts(6, "교육", date(2026, 12, 1)),
    )
    flags = risks.milestone_overdue(project(milestones=milestones), date(2026, 10, 1))
    assert [(f.key, f.severity) for f in flags] == [
        ("milestone_overdue:5", "critical"),
        ("milestone_overdue:4", "warning"),
        ("milestone_overdue:9", "warning"),
    ]


# --- progress report missing ----------------------------------------------------------------------

MAY = date(2026, 5, 31)  # due with 7 days' grace on 7 June


@pytest.mark.parametrize("today", [date(2026, 6, 1), date(2026, 6, 6), date(2026, 6, 7)])
def test_a_report_is_not_missing_until_the_grace_days_have_passed(today):
    assert risks.report_missing(project(reports=(ReportFacts(MAY),)), today) == []


def test_a_report_is_missing_the_day_after_its_grace_days():
    assert risks.report_missing(project(reports=(ReportFacts(MAY),)), date(2026, 6, 8)) == [
        RiskFlag(
            kind="report_missing",
            severity="warning",
            since=date(2026, 6, 8),
            message="2026-05-31에 끝난 기간의 진척 보고서가 제출 기한(2026-06-07)보다 1일 늦었습니다. "
            "진척 보고서를 제출해 주십시오.",
            key="report_missing:2026-05-31",
        )
    ]


@pytest.mark.parametrize("today, flagged", [(MAY, False), (MAY + days(1), True)])
def test_with_no_grace_a_report_is_missing_the_day_after_the_period_ends(today, flagged):
    flags = risks.report_missing(project(reports=(ReportFacts(MAY),), grace_days=0), today)
    assert [f.since for f in flags] == ([MAY + days(1)] if flagged else [])


@pytest.mark.parametrize("submitted_on", [date(2026, 5, 31), date(2026, 6, 7), date(2026, 6, 9)])
def test_a_submitted_report_is_not_missing_even_when_it_came_late(submitted_on):
    reports = (ReportFacts(MAY, submitted_on),)
    assert risks.report_missing(project(reports=reports), date(2026, 6, 10)) == []


def test_a_submission_dated_after_today_has_not_happened_yet():
    reports = (ReportFacts(MAY, date(2026, 6, 20)),)
    assert [f.key for f in risks.report_missing(project(reports=reports), date(2026, 6, 10))] == [
        "report_missing:2026-05-31"
    ]


def test_two_missing_reports_are_both_critical_and_say_how_many():
    reports = (
        ReportFacts(MAY),
        ReportFacts(date(2026, 4, 30)),
        ReportFacts(date(2026, 3, 31), date(2026, 4, 2)),
    )
    flags = risks.report_missing(project(reports=reports), date(2026, 6, 10))
    assert [(f.key, f.severity, f.since) for f in flags] == [
        ("report_missing:2026-04-30", "critical", date(2026, 5, 8)),
        ("report_missing:2026-05-31", "critical", date(2026, 6, 8)),
    ]
    assert flags[1].message == (
        "2026-05-31에 끝난 기간의 진척 보고서가 제출 기한(2026-06-07)보다 3일 늦었습니다. "
        "진척 보고서를 제출해 주십시오. 제출되지 않은 보고서가 모두 2건입니다."
    )


def test_an_earlier_missing_report_is_a_warning_until_the_second_one_is_late():
    reports = (ReportFacts(date(2026, 4, 30)), ReportFacts(MAY))
    on_due = risks.report_missing(project(reports=reports), date(2026, 6, 7))
    after = risks.report_missing(project(reports=reports), date(2026, 6, 8))
    assert [(f.key, f.severity) for f in on_due] == [("report_missing:2026-04-30", "warning")]
    assert [f.severity for f in after] == ["critical", "critical"]


def test_a_period_listed_twice_counts_once_and_is_submitted_if_either_entry_was():
    twice = (ReportFacts(MAY), ReportFacts(MAY))
    submitted_once = (ReportFacts(MAY), ReportFacts(MAY, date(2026, 6, 1)))
    assert [f.severity for f in risks.report_missing(project(reports=twice), date(2026, 6, 10))] == [
        "warning"
    ]
    assert risks.report_missing(project(reports=submitted_once), date(2026, 6, 10)) == []


# --- budget variance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spent, progress, expected",
    [
        (40, 20, None),  # exactly 20 points ahead: not flagged
        (41, 20, ("warning", "budget_variance:ahead")),
        (55, 20, ("warning", "budget_variance:ahead")),  # exactly 35: still a warning
        (56, 20, ("critical", "budget_variance:ahead")),
        (30, 50, None),  # exactly 20 behind
        (29, 50, ("warning", "budget_variance:behind")),
        (15, 50, ("warning", "budget_variance:behind")),
        (14, 50, ("critical", "budget_variance:behind")),
        (0, 20, None),
        (0, 21, ("warning", "budget_variance:behind")),  # progress started, nothing spent
        (21, 0, ("warning", "budget_variance:ahead")),  # spending started, progress reported as 0
        (100, 100, None),
    ],
)
def test_budget_variance_thresholds_in_percentage_points(spent, progress, expected):
    p = project(budget_total=100_000_000, spent=spent * 1_000_000, percent_complete=progress)
    flags = risks.budget_variance(p, TROUBLED_DAY)
    assert [(f.severity, f.key) for f in flags] == ([expected] if expected else [])
    assert all(f.since == TROUBLED_DAY for f in flags)


def test_budget_variance_is_not_checked_before_spending_or_progress_starts():
    assert risks.budget_variance(project(spent=0, percent_complete=0), TROUBLED_DAY) == []
    assert risks.budget_variance(project(spent=0, percent_complete=None), TROUBLED_DAY) == []


def test_without_reported_progress_only_overspending_is_flagged():
    assert risks.budget_variance(project(spent=90_000_000, percent_complete=None), TROUBLED_DAY) == []
    flags = risks.budget_variance(project(spent=100_000_001, percent_complete=None), TROUBLED_DAY)
    assert [f.key for f in flags] == ["budget_variance:overspent"]


def test_spending_the_whole_budget_is_not_overspending_and_one_won_more_is_critical():
    assert risks.budget_variance(project(spent=100_000_000, percent_complete=90), TROUBLED_DAY) == []
    assert risks.budget_variance(project(spent=100_000_001, percent_complete=90), TROUBLED_DAY) == [
        RiskFlag(
            kind="budget_variance",
            severity="critical",
            since=TROUBLED_DAY,
            message="집행액 100,000,001원이 총사업비 100,000,000원을 1원 넘었습니다. "
            "집행 내역을 확인하고 사업비 변경을 신청해 주십시오.",
            key="budget_variance:overspent",
        )
    ]


def test_the_variance_is_exact_in_whole_won_where_a_third_of_a_point_decides():
    # 60 of 300 won is exactly 20%; 61 is 20.33…%
    assert risks.budget_variance(project(budget_total=300, spent=60, percent_complete=0), TROUBLED_DAY) == []
    [flag] = risks.budget_variance(project(budget_total=300, spent=61, percent_complete=0), TROUBLED_DAY)
    assert (flag.severity, flag.key) == ("warning", "budget_variance:ahead")


def test_the_variance_stays_exact_where_floating_point_would_round_the_gap_away():
    budget = 10**20 + 100  # 20% of it is a whole number of won
    exact = project(budget_total=budget, spent=budget // 5, percent_complete=0)
    one_won_more = replace(exact, spent=budget // 5 + 1)
    assert (budget // 5 + 1) / budget * 100 == 20.0  # a float cannot see the difference
    assert risks.budget_variance(exact, TROUBLED_DAY) == []
    assert [f.severity for f in risks.budget_variance(one_won_more, TROUBLED_DAY)] == ["warning"]


def test_the_variance_message_shows_rates_to_a_tenth_and_what_to_do():
    p = project(budget_total=300_000_000, spent=123_456_789, percent_complete=21)  # 41.15…% vs 21%
    [flag] = risks.budget_variance(p, TROUBLED_DAY)
    assert flag.message == (
        "사업비 집행률(41.2%)이 공정률(21%)보다 20.2%p 높습니다. 공정률을 갱신하거나 집행 내역을 확인해 주십시오."
    )
    behind = project(budget_total=100_000_000, spent=10_000_000, percent_complete=50)
    [flag] = risks.budget_variance(behind, TROUBLED_DAY)
    assert flag.message == (
        "사업비 집행률(10%)이 공정률(50%)보다 40%p 낮습니다. 집행이 늦어진 까닭을 확인하고 집행 계획을 보고해 주십시오."
    )
    assert flag.severity == "critical"


def test_a_gap_just_over_20_points_never_reads_as_20():
    ahead = project(budget_total=3000, spent=601, percent_complete=0)  # 20.03…%
    behind = project(budget_total=3000, spent=2399, percent_complete=100)  # 79.96…%
    [flag] = risks.budget_variance(ahead, TROUBLED_DAY)
    assert "집행률(20.1%)이 공정률(0%)보다 20.1%p 높습니다" in flag.message
    [flag] = risks.budget_variance(behind, TROUBLED_DAY)
    assert "집행률(79.9%)이 공정률(100%)보다 20.1%p 낮습니다" in flag.message


def test_a_project_without_a_budget_has_no_variance_but_any_spending_is_over():
    assert risks.budget_variance(project(budget_total=0, spent=0, percent_complete=50), TROUBLED_DAY) == []
    flags = risks.budget_variance(project(budget_total=0, spent=1, percent_complete=50), TROUBLED_DAY)
    assert [f.key for f in flags] == ["budget_variance:overspent"]


# --- no site visit --------------------------------------------------------------------------------


@pytest.mark.parametrize("after", [89, 90])
def test_no_visit_flag_until_more_than_visit_every_days_since_the_start(after):
    assert risks.no_site_visit(project(), START + days(after)) == []


def test_no_visit_since_the_start_is_flagged_on_the_91st_day():
    assert risks.no_site_visit(project(), START + days(91)) == [
        RiskFlag(
            kind="no_site_visit",
            severity="warning",
            since=START + days(91),
            message="사업 시작일(2026-01-01) 이후 91일 동안 현장 점검 기록이 없습니다(점검 주기 90일). "
            "현장 점검 일정을 잡아 주십시오.",
            key="no_site_visit:2026-01-01",
        )
    ]


@pytest.mark.parametrize("after, flagged", [(89, False), (90, False), (91, True)])
def test_the_visit_clock_restarts_at_the_last_visit(after, flagged):
    visits = (VisitFacts(date(2026, 1, 20)), VisitFacts(date(2026, 3, 2)), VisitFacts(date(2026, 2, 1)))
    flags = risks.no_site_visit(project(visits=visits), date(2026, 3, 2) + days(after))
    assert [(f.key, f.since) for f in flags] == (
        [("no_site_visit:2026-03-02", date(2026, 3, 2) + days(91))] if flagged else []
    )


def test_the_visit_message_names_the_last_visit():
    [flag] = risks.no_site_visit(project(visits=(VisitFacts(date(2026, 3, 2)),)), date(2026, 7, 1))
    assert flag.message == (
        "마지막 현장 점검(2026-03-02) 이후 121일이 지났습니다(점검 주기 90일). 현장 점검 일정을 잡아 주십시오."
    )


def test_visits_before_the_start_or_after_today_do_not_count():
    visits = (VisitFacts(START - days(1)), VisitFacts(START + days(200)))
    [flag] = risks.no_site_visit(project(visits=visits), START + days(100))
    assert flag.key == "no_site_visit:2026-01-01"


def test_the_visit_interval_is_the_projects_own():
    p = project(visit_every_days=30, visits=(VisitFacts(date(2026, 2, 1)),))
    assert risks.no_site_visit(p, date(2026, 3, 3)) == []
    assert [f.since for f in risks.no_site_visit(p, date(2026, 3, 4))] == [date(2026, 3, 4)]


# --- projects not being monitored ---------------------------------------------------------------


def test_the_troubled_project_has_every_kind_of_flag():
    assert [f.kind for f in risks.flags_for(troubled(), TROUBLED_DAY)] == list(risks.KINDS)


@pytest.mark.parametrize(
    "status", ["draft", "agreement", "suspended", "completed", "inspection", "closed", ""]
)
def test_nothing_is_flagged_for_a_project_not_in_progress(status):
    p = troubled(status=status)
    assert risks.flags_for(p, TROUBLED_DAY) == []
    assert all(rule(p, TROUBLED_DAY) == [] for rule in risks.RULES)


def test_nothing_is_flagged_before_the_project_starts_and_the_start_day_is_watched():
    p = troubled(
        starts_on=TROUBLED_DAY,
        milestones=(MilestoneFacts(3, "MES 설치", TROUBLED_DAY - days(1)),),
        reports=(),
        visits=(),
    )
    assert risks.flags_for(p, TROUBLED_DAY - days(1)) == []
    assert [f.kind for f in risks.flags_for(p, TROUBLED_DAY)] == ["milestone_overdue", "budget_variance"]


# --- all together ---------------------------------------------------------------------------------


def test_flags_come_in_a_stable_order_whatever_the_order_of_the_facts():
    p = troubled(
        milestones=(
            MilestoneFacts(8, "교육", date(2026, 5, 20)),
            MilestoneFacts(3, "MES 설치", date(2026, 5, 1)),
        ),
        reports=(ReportFacts(date(2026, 4, 30)), ReportFacts(date(2026, 3, 31))),
    )
    shuffled = replace(p, milestones=p.milestones[::-1], reports=p.reports[::-1])
    expected = [
        ("milestone_overdue:3", "critical"),  # 31 days late
        ("milestone_overdue:8", "warning"),
        ("report_missing:2026-03-31", "critical"),
        ("report_missing:2026-04-30", "critical"),
        ("budget_variance:ahead", "critical"),
        ("no_site_visit:2026-01-10", "warning"),
    ]
    assert [(f.key, f.severity) for f in risks.flags_for(p, TROUBLED_DAY)] == expected
    assert risks.flags_for(shuffled, TROUBLED_DAY) == risks.flags_for(p, TROUBLED_DAY)


def test_a_healthy_project_has_no_flags():
    p = project(
        milestones=(MilestoneFacts(1, "착수", date(2026, 2, 1), date(2026, 2, 1)),),
        reports=(ReportFacts(date(2026, 4, 30), date(2026, 5, 3)),),
        spent=30_000_000,
        percent_complete=35,
        visits=(VisitFacts(date(2026, 4, 15)),),
    )
    assert risks.flags_for(p, TROUBLED_DAY) == []


# --- reporting periods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, ends",
    [
        (date(2026, 1, 30), []),  # the first period's last day has not passed
        (date(2026, 1, 31), [date(2026, 1, 30)]),
        (date(2026, 3, 1), [date(2026, 1, 30)]),
        (date(2026, 3, 2), [date(2026, 1, 30), date(2026, 3, 1)]),
    ],
)
def test_report_periods_are_every_days_long_and_count_once_ended(today, ends):
    assert risks.expected_report_periods(START, END, 30, today) == ends


def test_the_last_report_period_is_cut_short_at_the_end_date():
    assert risks.expected_report_periods(START, date(2026, 2, 15), 30, date(2026, 12, 1)) == [
        date(2026, 1, 30),
        date(2026, 2, 15),
    ]
    assert risks.expected_report_periods(START, date(2026, 1, 30), 30, date(2026, 12, 1)) == [
        date(2026, 1, 30)
    ]


def test_report_periods_need_a_positive_length():
    with pytest.raises(ValueError):
        risks.expected_report_periods(START, END, 0, date(2026, 6, 1))


def test_report_periods_feed_the_missing_report_rule():
    today = date(2026, 4, 10)
    submitted = {date(2026, 1, 30): date(2026, 2, 2)}
    periods = risks.expected_report_periods(START, END, 30, today)
    reports = tuple(ReportFacts(end, submitted.get(end)) for end in periods)
    flags = risks.report_missing(project(reports=reports), today)
    assert [(f.key, f.severity) for f in flags] == [
        ("report_missing:2026-03-01", "critical"),
        ("report_missing:2026-03-31", "critical"),
    ]
