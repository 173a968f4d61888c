"""django-filter FilterSets for the monitoring lists (projects, agreements, parties, tranches,
milestones). Querysets come in already scoped (`visible_to(user)`); a filter only narrows them, and
each filter costs nothing more than a WHERE clause."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AgreementStatus, PartyRole, ProjectStatus, ReporterRole, TrancheKind, TrancheStatus


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("상태"), choices=ProjectStatus.choices)
    call = django_filters.NumberFilter(label=_("공고 ID"), field_name="call_id")
    region = django_filters.CharFilter(label=_("소재 지역 코드(예: 41)"), field_name="region_id")
    lead = django_filters.NumberFilter(label=_("주관 도입기업 ID"), field_name="lead_id")


class ProjectPartFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(label=_("과제 ID"), field_name="project_id")


class AgreementFilter(ProjectPartFilter):
    status = django_filters.ChoiceFilter(label=_("상태"), choices=AgreementStatus.choices)


class AgreementPartyFilter(django_filters.FilterSet):
    agreement = django_filters.NumberFilter(label=_("협약 ID"), field_name="agreement_id")
    project = django_filters.NumberFilter(label=_("과제 ID"), field_name="agreement__project_id")
    role = django_filters.ChoiceFilter(label=_("당사자"), choices=PartyRole.choices)
    accepted = django_filters.BooleanFilter(
        label=_("동의함"), field_name="accepted_at", lookup_expr="isnull", exclude=True
    )


class TrancheFilter(ProjectPartFilter):
    status = django_filters.ChoiceFilter(label=_("상태"), choices=TrancheStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("구분"), choices=TrancheKind.choices)


class MilestoneFilter(ProjectPartFilter):
    done = django_filters.BooleanFilter(
        label=_("완료"), field_name="done_on", lookup_expr="isnull", exclude=True
    )
    overdue = django_filters.BooleanFilter(label=_("기한 지남"), method="filter_overdue")

    def filter_overdue(self, queryset, name, value):
        late = {"done_on__isnull": True, "planned_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class ProgressReportFilter(ProjectPartFilter):
    reporter_role = django_filters.ChoiceFilter(label=_("보고 주체"), choices=ReporterRole.choices)


class SiteVisitFilter(ProjectPartFilter):
    pass
