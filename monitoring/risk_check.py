"""The scheduled risk check (issue 7, point 3): read every project in progress, ask the pure rules
in `monitoring.risks` which flags hold today, and keep the RiskFlag table in step.

- One open row per project and flag `key`. A flag seen again refreshes its severity, message and
  `last_seen_at`; a flag no longer raised gets `resolved_at` (the row stays, as history). A risk
  that comes back later opens a new row.
- Every open row is reminded once by e-mail (`reminded_at`): to the lead company's members and the
  call's staff, and for a critical flag also to the staff of the regional centres covering the
  project's region. A warning that escalates to critical is reminded once more (the centre hears of
  it then).
- Opening, escalating and resolving a flag are audited (actor: the system).
- Safe to run twice, also at the same time: each project is handled under its row lock.

Facts, as the rules need them:
- Reporting periods run every `REPORT_EVERY_DAYS` from the start (`risks.expected_report_periods`);
  a report by either party (lead or supplier) whose `period_end` falls inside a period covers it,
  submitted on the day it was submitted (Asia/Seoul).
- Spending and progress are those of the latest report (by period end, then submission).
- Visits are the site visits recorded for the project.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from organizations import audit
from organizations.models import Membership, Operator, Role
from organizations.notifications import notify_each

from . import risks
from .models import Milestone, ProgressReport, Project, ProjectStatus, RiskFlag, RiskSeverity, SiteVisit
from .querysets import CALL_STAFF_ROLES

REPORT_EVERY_DAYS = 30
VISIT_EVERY_DAYS = 90
GRACE_DAYS = 7


# --- facts ----------------------------------------------------------------------------------------


def _local(moment):
    return timezone.localdate(moment) if moment is not None else None


def _report_facts(project, reports, today):
    """The periods owed so far, each with the day the first report covering it was submitted."""
    ends = risks.expected_report_periods(project.starts_on, project.ends_on, REPORT_EVERY_DAYS, today)
    facts, start = [], project.starts_on
    for end in ends:
        days = [_local(r.submitted_at) for r in reports if start <= r.period_end <= end]
        facts.append(risks.ReportFacts(period_end=end, submitted_on=min(days, default=None)))
        start = end + datetime.timedelta(days=1)
    return tuple(facts)


def facts_for(project, today):
    """The rules' view of one project. Reads the prefetched milestones, progress reports and site
    visits (`projects_to_check` prefetches them)."""
    reports = [r for r in project.progress_reports.all() if _local(r.submitted_at) <= today]
    latest = max(reports, key=lambda r: (r.period_end, r.submitted_at, r.pk), default=None)
    return risks.ProjectFacts(
        key=project.pk,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        status=project.status,
        budget_total=project.total_cost,
        spent=latest.spent if latest else 0,
        percent_complete=latest.percent_complete if latest else None,
        milestones=tuple(
            risks.MilestoneFacts(key=m.pk, name=m.name, planned_on=m.planned_on, done_on=m.done_on)
            for m in project.milestones.all()
        ),
        reports=_report_facts(project, reports, today),
        visits=tuple(risks.VisitFacts(visited_on=v.visited_on) for v in project.site_visits.all()),
        report_every_days=REPORT_EVERY_DAYS,
        visit_every_days=VISIT_EVERY_DAYS,
        grace_days=GRACE_DAYS,
    )


def projects_to_check(project_ids=None):
    """Projects in progress, and any other project still holding an open flag (to resolve it), with
    what the rules read prefetched: a fixed number of queries however many projects there are."""
    qs = (
        Project.objects.unrestricted()
        .filter(Q(status=ProjectStatus.IN_PROGRESS) | Q(risk_flags__resolved_at__isnull=True))
        .distinct()
        .select_related("call__operator", "lead", "submission")
        .defer("submission__snapshot")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.unrestricted()),
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.unrestricted().only(
                    "pk", "project_id", "period_end", "percent_complete", "spent", "submitted_at"
                ),
            ),
            Prefetch(
                "site_visits",
                queryset=SiteVisit.objects.unrestricted().only("pk", "project_id", "visited_on"),
            ),
        )
        .order_by("pk")
    )
    return qs.filter(pk__in=project_ids) if project_ids is not None else qs


# --- recipients -----------------------------------------------------------------------------------


class _Recipients:
    """Who hears of a project's flags, looked up once per run."""

    def __init__(self):
        self._cache = {}

    def _users(self, key, rows):
        if key not in self._cache:
            users = {}
            for m in rows.select_related("user").order_by("user_id"):
                if m.user.is_active:
                    users.setdefault(m.user_id, m.user)
            self._cache[key] = list(users.values())
        return self._cache[key]

    def for_flag(self, project, severity):
        members = Membership.objects.unrestricted().filter(is_active=True)
        users = {}
        groups = [
            self._users(
                ("lead", project.lead_id), members.filter(company_id=project.lead_id, role=Role.SME_MEMBER)
            ),
            self._users(
                ("staff", project.call.operator_id),
                members.filter(operator_id=project.call.operator_id, role__in=CALL_STAFF_ROLES),
            ),
        ]
        if severity == RiskSeverity.CRITICAL:
            centres = Operator.objects.filter(
                kind=Operator.Kind.REGIONAL_CENTRE, regions_covered=project.region_id
            ).values("pk")
            groups.append(
                self._users(
                    ("centre", project.region_id),
                    members.filter(operator_id__in=centres, role=Role.CENTRE_STAFF),
                )
            )
        for group in groups:
            for user in group:
                users.setdefault(user.pk, user)
        return list(users.values())


REMINDER_SUBJECT = gettext_lazy("[SFMS] 과제 위험 신호(%(severity)s): %(title)s")
REMINDER_BODY = gettext_lazy(
    "'%(title)s' 과제(접수번호 %(receipt)s)에 위험 신호가 있습니다.\n\n"
    "유형: %(kind)s\n심각도: %(severity)s\n발생일: %(since)s\n내용: %(message)s\n\n"
    "SFMS에 로그인해 과제 화면에서 확인해 주십시오. 같은 신호는 한 번만 알립니다."
)


def _remind(flag, project, recipients, now):
    notify_each(
        recipients.for_flag(project, flag.severity),
        REMINDER_SUBJECT,
        REMINDER_BODY,
        {
            "title": project.title,
            "receipt": project.submission.receipt_number,
            "kind": flag.get_kind_display(),
            "severity": flag.get_severity_display(),
            "since": flag.since.isoformat(),
            "message": flag.message,
        },
    )
    flag.reminded_at = now
    flag.save(update_fields=["reminded_at"])


# --- the check ------------------------------------------------------------------------------------


def _check_project(project, today, now, recipients, counts):
    raised = risks.flags_for(facts_for(project, today), today)
    with transaction.atomic():
        Project.objects.unrestricted().select_for_update().filter(pk=project.pk).values_list("pk").get()
        open_rows = {
            f.key: f for f in RiskFlag.objects.unrestricted().filter(project=project, resolved_at=None)
        }
        for flag in raised:
            row = open_rows.pop(flag.key, None)
            if row is None:
                row = RiskFlag(
                    project=project,
                    kind=flag.kind,
                    key=flag.key,
                    severity=flag.severity,
                    since=flag.since,
                    message=flag.message,
                    first_seen_at=now,
                    last_seen_at=now,
                )
                row.full_clean()
                row.save()
                audit.record_create(None, row, reason="risk check")
                counts["opened"] += 1
            else:
                before = audit.snapshot(row, fields=["severity", "since", "message"])
                escalated = row.severity == RiskSeverity.WARNING and flag.severity == RiskSeverity.CRITICAL
                row.severity, row.since, row.message, row.last_seen_at = (
                    flag.severity,
                    flag.since,
                    flag.message,
                    now,
                )
                if escalated:
                    row.reminded_at = None
                row.save(update_fields=["severity", "since", "message", "last_seen_at", "reminded_at"])
                if before["severity"] != row.severity:
                    audit.record_update(None, row, before, reason="risk check")
                counts["refreshed"] += 1
            row.project = project
            if row.reminded_at is None:
                _remind(row, project, recipients, now)
                counts["reminded"] += 1
        for row in open_rows.values():
            row.resolved_at = now
            row.save(update_fields=["resolved_at"])
            row.project = project
            audit.record_transition(None, row, "resolved_at", None, now.isoformat(), reason="risk check")
            counts["resolved"] += 1


def check_risks(*, today=None, now=None, project_ids=None):
    """Run the check over every project (or those in `project_ids`). Returns counts of flags
    opened, refreshed, resolved and reminded."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    counts = defaultdict(int)
    recipients = _Recipients()
    for project in projects_to_check(project_ids):
        _check_project(project, today, now, recipients, counts)
    return {k: counts[k] for k in ("opened", "refreshed", "resolved", "reminded")}
