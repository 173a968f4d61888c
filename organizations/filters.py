"""One FilterSet per resource, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import (
    ASSESSED_LEVELS,
    AuditEvent,
    Company,
    KsicDivision,
    LevelAssessment,
    Membership,
    Operator,
    Region,
    SmartFactoryLevel,
)
from .rules import compact_business_number


class CompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("기업명 또는 사업자등록번호"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("기업 유형"), choices=Company.Kind.choices)
    region = django_filters.ModelChoiceFilter(label=_("지역"), queryset=Region.objects.all())
    ksic_division = django_filters.ModelChoiceFilter(label=_("업종"), queryset=KsicDivision.objects.all())
    smart_factory_level = django_filters.ChoiceFilter(
        label=_("스마트공장 수준"), choices=SmartFactoryLevel.choices
    )

    class Meta:
        model = Company
        fields = ["q", "kind", "region", "ksic_division", "smart_factory_level"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = compact_business_number(value)
        q = Q(name__icontains=value) | Q(name_en__icontains=value)
        if number.isdigit():
            q |= Q(business_number__startswith=number)
        return queryset.filter(q)


class OperatorFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("기관 유형"), choices=Operator.Kind.choices)

    class Meta:
        model = Operator
        fields = ["kind"]


class MembershipFilter(django_filters.FilterSet):
    # Plain ids, not model choices over every row: an "invalid choice" answer would tell a user
    # whether another tenant's company or operator id exists.
    company = django_filters.NumberFilter(label=_("기업 ID"), field_name="company_id")
    operator = django_filters.NumberFilter(label=_("운영기관 ID"), field_name="operator_id")

    class Meta:
        model = Membership
        fields = ["role", "company", "operator", "is_active"]


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("작업"), choices=AuditEvent.Action.choices)
    object_type = django_filters.CharFilter(label=_("대상 종류"), field_name="content_type__model")
    object_id = django_filters.CharFilter(label=_("대상 ID"))
    since = django_filters.IsoDateTimeFilter(
        label=_("시작 일시"), field_name="occurred_at", lookup_expr="gte"
    )
    until = django_filters.IsoDateTimeFilter(label=_("종료 일시"), field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "since", "until"]


class LevelAssessmentFilter(django_filters.FilterSet):
    # A plain id, like MembershipFilter: an "invalid choice" answer would tell whether a company
    # the user cannot see exists.
    company = django_filters.NumberFilter(label=_("기업 ID"), field_name="company_id")
    level = django_filters.ChoiceFilter(label=_("확인 수준"), choices=ASSESSED_LEVELS)
    in_force = django_filters.BooleanFilter(
        label=_("철회되지 않은 결과만"), field_name="withdrawn_at", lookup_expr="isnull"
    )

    class Meta:
        model = LevelAssessment
        fields = ["company", "level", "in_force"]
