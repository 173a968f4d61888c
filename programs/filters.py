"""One FilterSet per resource, shared by the pages, the API and saved-search alerts."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import KsicDivision, Region, SmartFactoryLevel

from .models import Call, CallStatus, DeliveryModel, Programme, ProgrammeType, Track

TRACK_LEVELS = [c for c in SmartFactoryLevel.choices if c[0] != SmartFactoryLevel.NONE]

PHASE_CHOICES = [
    ("current", _("접수 예정·접수 중")),
    ("upcoming", _("접수 예정")),
    ("open", _("접수 중")),
    ("past", _("마감")),
]


class CallFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("검색어"), method="filter_q")
    region = django_filters.ModelChoiceFilter(
        label=_("지역"),
        queryset=Region.objects.all(),
        method="filter_region",
        help_text=_("전국 공고도 함께 보여 줍니다."),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("업종"), queryset=KsicDivision.objects.all(), method="filter_sector"
    )
    level = django_filters.ChoiceFilter(label=_("목표 수준"), choices=TRACK_LEVELS, method="filter_level")
    delivery_model = django_filters.ChoiceFilter(label=_("추진 유형"), choices=DeliveryModel.choices)
    closes_before = django_filters.DateFilter(label=_("마감일까지"), method="filter_closes_before")
    phase = django_filters.ChoiceFilter(label=_("접수 상태"), choices=PHASE_CHOICES, method="filter_phase")
    status = django_filters.ChoiceFilter(label=_("상태"), choices=CallStatus.choices)
    programme = django_filters.NumberFilter(label=_("지원사업 ID"), field_name="programme_id")

    class Meta:
        model = Call
        fields = [
            "q",
            "region",
            "sector",
            "level",
            "delivery_model",
            "closes_before",
            "phase",
            "status",
            "programme",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title_ko__icontains=value)
            | Q(title_en__icontains=value)
            | Q(body_ko__icontains=value)
            | Q(reference__icontains=value)
            | Q(programme__name_ko__icontains=value)
        )

    def filter_region(self, queryset, name, value: Region):
        # Nationwide calls (no region list) are open to every region.
        through = Call.eligible_regions.through
        listed = through.objects.filter(call_id=OuterRef("pk"))
        return queryset.filter(Q(~Exists(listed)) | Q(Exists(listed.filter(region_id=value.pk))))

    def filter_sector(self, queryset, name, value: KsicDivision):
        through = Call.eligible_sectors.through
        listed = through.objects.filter(call_id=OuterRef("pk"))
        return queryset.filter(Q(~Exists(listed)) | Q(Exists(listed.filter(ksicdivision_id=value.pk))))

    def filter_level(self, queryset, name, value):
        return queryset.filter(Exists(Track.objects.filter(call_id=OuterRef("pk"), level=value)))

    def filter_closes_before(self, queryset, name, value):
        end = timezone.make_aware(datetime.datetime.combine(value, datetime.time.max))
        return queryset.filter(closes_at__lte=end)

    def filter_phase(self, queryset, name, value):
        groups = {
            "current": (CallStatus.PUBLISHED, CallStatus.OPEN),
            "upcoming": (CallStatus.PUBLISHED,),
            "open": (CallStatus.OPEN,),
            "past": (CallStatus.CLOSED, CallStatus.EVALUATING, CallStatus.CONCLUDED, CallStatus.CANCELLED),
        }
        return queryset.filter(status__in=groups[value])


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("사업명"), method="filter_q")
    programme_type = django_filters.ChoiceFilter(label=_("사업 유형"), choices=ProgrammeType.choices)
    fiscal_year = django_filters.NumberFilter(label=_("회계연도"))

    class Meta:
        model = Programme
        fields = ["q", "programme_type", "fiscal_year"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(name_ko__icontains=value) | Q(name_en__icontains=value)) if value else queryset
        )
