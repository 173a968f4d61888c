"""django-filter FilterSets for the evaluations API lists (pool, stages, seats, assignments, decisions,
notes, objections, reports). Querysets come in already scoped (`run_by` / `visible_to`); a filter
only narrows them, and every filter costs nothing more than a WHERE clause."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    AffiliationKind,
    AssignmentStatus,
    DecisionStatus,
    MatchingNoteStatus,
    ObjectionStatus,
    ReportKind,
    SeatStatus,
    StageKind,
)


class EvaluatorFilter(django_filters.FilterSet):
    operator = django_filters.NumberFilter(label=_("운영기관 ID"), field_name="operator_id")
    domain = django_filters.CharFilter(label=_("전문 분야 코드"), method="filter_domain")
    region = django_filters.CharFilter(label=_("활동 지역 코드(예: 11)"), field_name="region_id")
    affiliation_kind = django_filters.ChoiceFilter(label=_("소속 유형"), choices=AffiliationKind.choices)
    active = django_filters.BooleanFilter(label=_("활동"), field_name="is_active")
    interests_current = django_filters.BooleanFilter(
        label=_("이해관계 신고 유효"), method="filter_interests_current"
    )

    def filter_domain(self, queryset, name, value):
        return queryset.filter(domains__code=value).distinct()

    def filter_interests_current(self, queryset, name, value):
        current = Q(interests_valid_until__gte=timezone.localdate())
        return queryset.filter(current) if value else queryset.exclude(current)


class EvaluatorPartFilter(django_filters.FilterSet):
    evaluator = django_filters.NumberFilter(label=_("평가위원 ID"), field_name="evaluator_id")
    current = django_filters.BooleanFilter(label=_("현재 유효"), method="filter_current")

    def filter_current(self, queryset, name, value):
        current = Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate())
        return queryset.filter(current) if value else queryset.exclude(current)


class PlanFilter(django_filters.FilterSet):
    call = django_filters.NumberFilter(label=_("공고 ID"), field_name="call_id")


class StageFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(label=_("평가 계획 ID"), field_name="plan_id")
    kind = django_filters.ChoiceFilter(label=_("단계"), choices=StageKind.choices)


class StagePartFilter(django_filters.FilterSet):
    stage = django_filters.NumberFilter(label=_("평가 단계 ID"), field_name="stage_id")


class SeatFilter(StagePartFilter):
    status = django_filters.ChoiceFilter(label=_("상태"), choices=SeatStatus.choices)
    evaluator = django_filters.NumberFilter(label=_("평가위원 ID"), field_name="evaluator_id")


class AssignmentFilter(StagePartFilter):
    status = django_filters.ChoiceFilter(label=_("상태"), choices=AssignmentStatus.choices)
    evaluator = django_filters.NumberFilter(label=_("평가위원 ID"), field_name="evaluator_id")
    submission = django_filters.NumberFilter(label=_("제출본 ID"), field_name="submission_id")


class TrackExpertiseFilter(django_filters.FilterSet):
    call = django_filters.NumberFilter(label=_("공고 ID"), field_name="track__call_id")
    track = django_filters.NumberFilter(label=_("지원 유형 ID"), field_name="track_id")


class CostReviewFilter(StagePartFilter):
    submission = django_filters.NumberFilter(label=_("제출본 ID"), field_name="submission_id")


class DecisionFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(label=_("평가 계획 ID"), field_name="plan_id")
    track = django_filters.NumberFilter(label=_("지원 유형 ID"), field_name="track_id")
    status = django_filters.ChoiceFilter(label=_("결정"), choices=DecisionStatus.choices)
    final = django_filters.BooleanFilter(label=_("확정"))
    released = django_filters.BooleanFilter(
        label=_("결과 통보"), field_name="released_at", lookup_expr="isnull", exclude=True
    )


class MatchingNoteFilter(django_filters.FilterSet):
    decision = django_filters.NumberFilter(label=_("선정 결정 ID"), field_name="decision_id")
    plan = django_filters.NumberFilter(label=_("평가 계획 ID"), field_name="decision__plan_id")
    status = django_filters.ChoiceFilter(label=_("상태"), choices=MatchingNoteStatus.choices)


class ObjectionFilter(django_filters.FilterSet):
    decision = django_filters.NumberFilter(label=_("선정 결정 ID"), field_name="decision_id")
    plan = django_filters.NumberFilter(label=_("평가 계획 ID"), field_name="decision__plan_id")
    status = django_filters.ChoiceFilter(label=_("상태"), choices=ObjectionStatus.choices)


class ReportFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(label=_("평가 계획 ID"), field_name="plan_id")
    kind = django_filters.ChoiceFilter(label=_("종류"), choices=ReportKind.choices)
