"""Pure rules of implementation risk: the flags a scheduled task raises on a project in progress —
milestone overdue, progress report missing, budget variance, no site visit — and the reporting
periods a project owes.

No database here: the task reads the rows, builds the facts below, and gets plain flags back. Each
flag has a stable `key` (kind and subject) so the task can send each reminder once.

Conventions, the same in every rule:
- A deadline day itself is not late. A milestone planned for 1 October is late from 2 October; a
  report for a period ending on 31 May with 7 days' grace is late from 8 June; with a visit every
  90 days, the 90th day after the last visit (or the start) is still fine and the 91st is not.
  A flag's `since` is the first late day.
- Escalation thresholds work the same way: a milestone 30 days late is a warning, 31 days critical;
  a variance of exactly 20 percentage points is not flagged, exactly 35 is a warning.
- A project whose status is not "in_progress", or whose start date is after `today`, has no flags.
- A fact dated after `today` (a completion, a submission, a visit) has not happened yet.
- Money is whole won and percentages are compared with integers only: no float, no rounding.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

IN_PROGRESS = "in_progress"

MILESTONE_OVERDUE = "milestone_overdue"
REPORT_MISSING = "report_missing"
BUDGET_VARIANCE = "budget_variance"
NO_SITE_VISIT = "no_site_visit"
KINDS = (MILESTONE_OVERDUE, REPORT_MISSING, BUDGET_VARIANCE, NO_SITE_VISIT)  # the order of flags_for

WARNING = "warning"
CRITICAL = "critical"

MILESTONE_CRITICAL_AFTER_DAYS = 30  # days late beyond this → critical
REPORTS_MISSING_CRITICAL = 2  # this many missing reports or more → critical
VARIANCE_WARNING_POINTS = 20  # |spent % − progress %| beyond this → warning
VARIANCE_CRITICAL_POINTS = 35  # … beyond this → critical


# --- facts in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneFacts:
    key: object  # the milestone id
    name: str
    planned_on: date
    done_on: date | None = None


@dataclass(frozen=True)
class ReportFacts:
    """One reporting period the project owes a progress report for, and when it was submitted."""

    period_end: date
    submitted_on: date | None = None


@dataclass(frozen=True)
class VisitFacts:
    visited_on: date


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules need to know about one project.

    `reports` lists the expected periods (build them with `expected_report_periods` from
    `starts_on`, `ends_on` and `report_every_days`, then fill in the submission dates). `spent` and
    `budget_total` are whole won; `percent_complete` is the latest reported progress, or None when
    nothing has been reported yet."""

    key: object  # the project id
    starts_on: date
    ends_on: date
    status: str
    budget_total: int
    spent: int
    percent_complete: int | None
    milestones: tuple = field(default_factory=tuple)  # of MilestoneFacts
    reports: tuple = field(default_factory=tuple)  # of ReportFacts
    visits: tuple = field(default_factory=tuple)  # of VisitFacts
    report_every_days: int = 30
    visit_every_days: int = 90
    grace_days: int = 7


# --- flags out ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskFlag:
    kind: str  # one of KINDS
    severity: str  # WARNING or CRITICAL
    since: date  # the first day the risk held (for budget variance: the day it was seen)
    message: str  # Korean: what is late and what to do
    key: str  # kind and subject, stable across runs: "milestone_overdue:3"


def _monitored(project: ProjectFacts, today: date) -> bool:
    return project.status == IN_PROGRESS and today >= project.starts_on


def _happened(on: date | None, today: date) -> bool:
    return on is not None and on <= today


# --- the rules ----------------------------------------------------------------------------------


def milestone_overdue(project: ProjectFacts, today: date) -> list[RiskFlag]:
    """A milestone whose planned date has passed and which is not done: a warning for the first
    30 days late, critical from the 31st. Ordered by planned date, then key."""
    if not _monitored(project, today):
        return []
    flags = []
    for m in sorted(project.milestones, key=lambda m: (m.planned_on, str(m.key))):
        late = (today - m.planned_on).days
        if late <= 0 or _happened(m.done_on, today):
            continue
        flags.append(
            RiskFlag(
                kind=MILESTONE_OVERDUE,
                severity=CRITICAL if late > MILESTONE_CRITICAL_AFTER_DAYS else WARNING,
                since=m.planned_on + timedelta(days=1),
                message=_(
                    "'%(name)s' 마일스톤이 예정일(%(planned)s)보다 %(days)s일 늦었습니다. "
                    "실제 완료일을 입력하거나 일정 변경을 신청해 주십시오."
                )
                % {"name": m.name, "planned": m.planned_on.isoformat(), "days": late},
                key=f"{MILESTONE_OVERDUE}:{m.key}",
            )
        )
    return flags


def report_missing(project: ProjectFacts, today: date) -> list[RiskFlag]:
    """A reporting period that ended more than `grace_days` ago with no report submitted: one flag
    per period, a warning while it is the only one, critical for every one when two or more are
    missing. Periods listed twice count once (submitted if either entry was). Ordered by period."""
    if not _monitored(project, today):
        return []
    submitted: dict[date, bool] = {}
    for r in project.reports:
        submitted[r.period_end] = submitted.get(r.period_end, False) or _happened(r.submitted_on, today)
    grace = timedelta(days=project.grace_days)
    missing = [end for end in sorted(submitted) if not submitted[end] and today > end + grace]
    severity = CRITICAL if len(missing) >= REPORTS_MISSING_CRITICAL else WARNING
    flags = []
    for end in missing:
        due = end + grace
        message = _(
            "%(end)s에 끝난 기간의 진척 보고서가 제출 기한(%(due)s)보다 %(days)s일 늦었습니다. "
            "진척 보고서를 제출해 주십시오."
        ) % {"end": end.isoformat(), "due": due.isoformat(), "days": (today - due).days}
        if severity == CRITICAL:
            message += " " + _("제출되지 않은 보고서가 모두 %(count)s건입니다.") % {"count": len(missing)}
        flags.append(
            RiskFlag(
                kind=REPORT_MISSING,
                severity=severity,
                since=due + timedelta(days=1),
                message=message,
                key=f"{REPORT_MISSING}:{end.isoformat()}",
            )
        )
    return flags


def budget_variance(project: ProjectFacts, today: date) -> list[RiskFlag]:
    """Spending out of step with progress, or over the budget.

    Spending over the budget total is critical ("budget_variance:overspent"), whatever the
    progress. Otherwise, once spending or progress has started, the spent share of the budget
    (spent × 100 / budget, in percent) is compared with `percent_complete`: a gap of more than 20
    percentage points is a warning, more than 35 critical; the key says which way
    ("budget_variance:ahead" when spending runs ahead of progress, ":behind" when it lags). With
    no progress reported yet (None) or no budget, there is nothing to compare and only overspending
    is flagged. All in integers: |spent × 100 − percent × budget| is compared with points × budget.
    At most one flag."""
    if not _monitored(project, today):
        return []
    budget, spent, progress = project.budget_total, project.spent, project.percent_complete
    if spent > budget:
        return [
            RiskFlag(
                kind=BUDGET_VARIANCE,
                severity=CRITICAL,
                since=today,
                message=_(
                    "집행액 %(spent)s원이 총사업비 %(budget)s원을 %(over)s원 넘었습니다. "
                    "집행 내역을 확인하고 사업비 변경을 신청해 주십시오."
                )
                % {"spent": f"{spent:,}", "budget": f"{budget:,}", "over": f"{spent - budget:,}"},
                key=f"{BUDGET_VARIANCE}:overspent",
            )
        ]
    if budget <= 0 or progress is None or (spent <= 0 and progress <= 0):
        return []
    gap = spent * 100 - progress * budget  # percentage points × budget; > 0 when spending leads
    if abs(gap) <= VARIANCE_WARNING_POINTS * budget:
        return []
    severity = CRITICAL if abs(gap) > VARIANCE_CRITICAL_POINTS * budget else WARNING
    # The spending rate is shown to a tenth, rounded away from the progress figure, so the gap shown
    # is the difference of the two numbers shown and a flagged gap never reads as exactly 20.
    spent_tenths = -(-spent * 1000 // budget) if gap > 0 else spent * 1000 // budget
    values = {
        "spent_pct": _tenths_text(spent_tenths),
        "progress": progress,
        "gap": _tenths_text(abs(spent_tenths - progress * 10)),
    }
    if gap > 0:
        direction = "ahead"
        message = (
            _(
                "사업비 집행률(%(spent_pct)s%%)이 공정률(%(progress)s%%)보다 %(gap)s%%p 높습니다. "
                "공정률을 갱신하거나 집행 내역을 확인해 주십시오."
            )
            % values
        )
    else:
        direction = "behind"
        message = (
            _(
                "사업비 집행률(%(spent_pct)s%%)이 공정률(%(progress)s%%)보다 %(gap)s%%p 낮습니다. "
                "집행이 늦어진 까닭을 확인하고 집행 계획을 보고해 주십시오."
            )
            % values
        )
    return [
        RiskFlag(
            kind=BUDGET_VARIANCE,
            severity=severity,
            since=today,
            message=message,
            key=f"{BUDGET_VARIANCE}:{direction}",
        )
    ]


def no_site_visit(project: ProjectFacts, today: date) -> list[RiskFlag]:
    """No site visit for more than `visit_every_days`, counted from the last visit on or before
    today, or from `starts_on` when there has been none since the start (a visit before the start
    does not count). Always a warning. The key names the date counted from, so the next visit
    opens a new key: "no_site_visit:2026-03-02"."""
    if not _monitored(project, today):
        return []
    visits = [v.visited_on for v in project.visits if project.starts_on <= v.visited_on <= today]
    last = max(visits, default=None)
    since_start = last is None
    counted_from = project.starts_on if since_start else last
    days = (today - counted_from).days
    if days <= project.visit_every_days:
        return []
    values = {"from": counted_from.isoformat(), "days": days, "every": project.visit_every_days}
    if since_start:
        message = (
            _(
                "사업 시작일(%(from)s) 이후 %(days)s일 동안 현장 점검 기록이 없습니다(점검 주기 %(every)s일). "
                "현장 점검 일정을 잡아 주십시오."
            )
            % values
        )
    else:
        message = (
            _(
                "마지막 현장 점검(%(from)s) 이후 %(days)s일이 지났습니다(점검 주기 %(every)s일). "
                "현장 점검 일정을 잡아 주십시오."
            )
            % values
        )
    return [
        RiskFlag(
            kind=NO_SITE_VISIT,
            severity=WARNING,
            since=counted_from + timedelta(days=project.visit_every_days + 1),
            message=message,
            key=f"{NO_SITE_VISIT}:{counted_from.isoformat()}",
        )
    ]


RULES = (milestone_overdue, report_missing, budget_variance, no_site_visit)  # in KINDS order


def flags_for(project: ProjectFacts, today: date) -> list[RiskFlag]:
    """Every flag of the project, in a stable order: by kind (milestones, reports, budget, visits),
    then as each rule orders its own."""
    return [flag for rule in RULES for flag in rule(project, today)]


# --- reporting periods --------------------------------------------------------------------------


def expected_report_periods(starts_on: date, ends_on: date, every_days: int, today: date) -> list[date]:
    """The end dates of the reporting periods that have passed (ended before `today`).

    Periods run back to back from `starts_on`, each `every_days` long and inclusive of both ends:
    from 1 January every 30 days, the first ends on 30 January and the next on 1 March (2026).
    The last period is cut short at `ends_on`, which is always a period end."""
    if every_days <= 0:
        raise ValueError("every_days must be positive")
    ends = []
    end = starts_on + timedelta(days=every_days - 1)
    while end < ends_on:
        ends.append(end)
        end += timedelta(days=every_days)
    if ends_on >= starts_on:
        ends.append(ends_on)
    return [e for e in ends if e < today]


# --- display ------------------------------------------------------------------------------------


def _tenths_text(tenths: int) -> str:
    """215 → "21.5", 200 → "20"."""
    whole, tenth = divmod(tenths, 10)
    return f"{whole}" if tenth == 0 else f"{whole}.{tenth}"
