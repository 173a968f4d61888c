"""The project list as a dashboard (issue 7, point 9): how many projects the user sees in each
status, how many open risk flags of each kind they hold, each project's open flags (badges by
severity) and its next action, and a filter by risk kind. Every count starts from
`Project.objects.visible_to(user)`, so a regional centre counts exactly its regions' projects.

Each function costs a fixed number of queries, whatever the number of projects.
"""

from collections import Counter

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import ProjectFilterForm
from .models import Milestone, Project, ProjectStatus, RiskFlag, RiskKind, RiskSeverity

ANY_RISK = "any"
CRITICAL_RISK = "critical"


def open_flags():
    return RiskFlag.objects.unrestricted().filter(resolved_at__isnull=True)


def open_flag_count():
    """An annotation: the number of open risk flags of the project (a subquery, no join)."""
    rows = (
        open_flags()
        .filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1], output_field=IntegerField()), Value(0))


def prefetch_open_flags():
    """Open flags of each project as `project.open_flags` (critical first, then by kind and date)."""
    severity_first = open_flags().order_by("severity", "kind", "since", "pk")  # "critical" < "warning"
    return Prefetch("risk_flags", queryset=severity_first, to_attr="open_flags")


def prefetch_open_milestones():
    rows = Milestone.objects.unrestricted().filter(done_on__isnull=True).order_by("planned_on", "order", "pk")
    return Prefetch("milestones", queryset=rows, to_attr="open_milestones")


class DashboardFilterForm(ProjectFilterForm):
    """The project filters plus the risk: any open flag, a critical one, or one of a kind."""

    risk = forms.ChoiceField(label=gettext_lazy("위험 신호"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].choices = [
            ("", _("전체")),
            (ANY_RISK, _("위험 신호 있음")),
            (CRITICAL_RISK, _("심각한 위험 신호 있음")),
            *RiskKind.choices,
        ]

    def apply(self, qs):
        qs = super().apply(qs)
        if not self.is_bound or not self.is_valid() or not self.cleaned_data["risk"]:
            return qs
        risk, flags = self.cleaned_data["risk"], open_flags()
        if risk == CRITICAL_RISK:
            flags = flags.filter(severity=RiskSeverity.CRITICAL)
        elif risk != ANY_RISK:
            flags = flags.filter(kind=risk)
        return qs.filter(pk__in=flags.values("project_id"))


def summary(visible):
    """Counts for the top of the list, over every project the user sees (filters aside): projects
    by status, and open flags by kind (with how many of them are critical). Two queries."""
    ids = visible.values("pk")
    by_status = Counter(
        dict(
            Project.objects.unrestricted()
            .filter(pk__in=ids)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
    )
    flags = Counter()
    critical = Counter()
    for kind, severity, n in (
        open_flags()
        .filter(project__in=ids)
        .order_by()
        .values_list("kind", "severity")
        .annotate(n=Count("pk"))
    ):
        flags[kind] += n
        if severity == RiskSeverity.CRITICAL:
            critical[kind] += n
    return {
        "statuses": [
            {"code": code, "label": label, "count": by_status.get(code, 0)}
            for code, label in ProjectStatus.choices
        ],
        "project_total": sum(by_status.values()),
        "kinds": [
            {"code": code, "label": label, "count": flags.get(code, 0), "critical": critical.get(code, 0)}
            for code, label in RiskKind.choices
        ],
        "flag_total": sum(flags.values()),
    }


def next_action(project):
    """What the project waits for, in a few Korean words. Reads the prefetched `open_flags`,
    `open_milestones` and `agreement_state` (the list view's)."""
    status = project.status
    if status == ProjectStatus.AGREEMENT:
        state = getattr(project, "agreement_state", None) or {}
        waiting = state.get("waiting") or []
        if waiting:
            return _("협약 동의: %(names)s") % {"names": ", ".join(waiting)}
        return _("협약 발급")
    if status == ProjectStatus.IN_PROGRESS:
        flags = getattr(project, "open_flags", [])
        if flags:
            return _("위험 신호 조치: %(kind)s") % {"kind": flags[0].get_kind_display()}
        milestones = getattr(project, "open_milestones", [])
        if milestones:
            m = milestones[0]
            return _("마일스톤 '%(name)s' (%(date)s 예정)") % {
                "name": m.name,
                "date": m.planned_on.isoformat(),
            }
        return _("진척 보고 제출")
    if status == ProjectStatus.INSPECTION:
        return _("최종 점검")
    return ""
