"""Supplier search filters: one FilterSet for the SME search page, the API and the scale benchmark.

Every filter is a condition on the profile row or an EXISTS over its rows (cases, solutions,
certifications, domains), so a supplier appears once however many of its rows match. Text goes
through `search_terms` into `search_document @@ CAST(… AS tsquery)`, which the GIN index
`supplier_search_gin` answers for keywords of any length (never a LIKE).

The queryset defaults to `SupplierProfile.objects.searchable()` (registered suppliers only).
"""

import functools
import operator

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQueryField
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower, StrIndex
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import KsicDivision, Region

from . import search_terms
from .models import (
    MAX_WON,
    TRACK_LEVELS,
    Certification,
    CertificationKind,
    Deployment,
    ImplementationCase,
    Solution,
    SupplierProfile,
    TechDomain,
)

SORT_CHOICES = [
    ("relevance", _("관련도순")),
    ("rating", _("평점순")),
    ("experience", _("구축 사례 많은 순")),
    ("nearest", _("가까운 지역순")),
]
MAX_QUERY_LENGTH = 100
MAX_NAME_WORDS = 5


class Matches(Func):
    """`document @@ query`: the operator the GIN index answers."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def name_hits(words):
    """How many of the query's words occur in the company's Korean or English name: a supplier
    named for the keyword ranks above one that mentions it in a case (relevance only, no filter)."""
    name = Lower(
        Func(
            Concat("company__name", Value(" "), "company__name_en", output_field=CharField()),
            template="normalize(%(expressions)s, NFKC)",
            output_field=CharField(),
        )
    )
    hits = [Case(When(GreaterThan(StrIndex(name, Value(w)), 0), then=1), default=0) for w in words]
    return functools.reduce(operator.add, hits, Value(0))


def text_query(value):
    """(tsquery expression for matching, tsquery expression for ranking, words) or None when the
    text has no word. Matching needs every term (AND); ranking uses any term (OR), as the search
    document carries no positions and ts_rank of an AND query is then the same for every row."""
    terms = search_terms.query_terms(value)
    if not terms:
        return None
    match = Cast(Value(search_terms.tsquery(terms)), output_field=SearchQueryField())
    any_term = " | ".join(search_terms.tsquery([term]) for term in terms)
    rank = Cast(Value(any_term), output_field=SearchQueryField())
    return match, rank, search_terms.words(value)[:MAX_NAME_WORDS]


class WonFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CheckboxInput(forms.CheckboxInput):
    """A checkbox on the page (sends "on") that also reads true/false/1/0 from the API; absent or
    anything else is false. (Django's own reads "0" as true.)"""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "on", "yes")
        return bool(value)


class SupplierSearchForm(forms.Form):
    def clean(self):
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and low > high:
            self.add_error("scale_max", _("최대 사업 규모는 최소 사업 규모보다 작을 수 없습니다."))
        if data.get("sort") == "nearest" and not data.get("region") and "region" not in self.errors:
            self.add_error("sort", _("가까운 지역순으로 보려면 지역을 선택해 주십시오."))
        return data


class SupplierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("검색어"), method="filter_q", max_length=MAX_QUERY_LENGTH)
    domain = django_filters.ModelMultipleChoiceFilter(
        label=_("기술 분야"),
        queryset=TechDomain.objects.all(),
        method="filter_domain",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("선택한 분야 중 하나라도 다루는 기업을 보여 줍니다."),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("지역"), queryset=Region.objects.all(), method="filter_region"
    )
    nearby = django_filters.BooleanFilter(
        label=_("인접 지역 포함"), method="filter_nothing", widget=CheckboxInput
    )
    scale_min = WonFilter(
        label=_("최소 사업 규모(원)"), method="filter_scale", min_value=0, max_value=MAX_WON
    )
    scale_max = WonFilter(
        label=_("최대 사업 규모(원)"), method="filter_scale", min_value=0, max_value=MAX_WON
    )
    level = django_filters.ChoiceFilter(label=_("구축 수준"), choices=TRACK_LEVELS, method="filter_level")
    certification = django_filters.ChoiceFilter(
        label=_("보유 인증"), choices=CertificationKind.choices, method="filter_certification"
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("구축 경험 업종"), queryset=KsicDivision.objects.all(), method="filter_sector"
    )
    min_rating = django_filters.NumberFilter(
        label=_("최소 평점"),
        field_name="rating",
        lookup_expr="gte",
        min_value=0,
        max_value=5,
        decimal_places=2,
    )
    deployment = django_filters.ChoiceFilter(
        label=_("구축 방식"), choices=Deployment.choices, method="filter_deployment"
    )
    sort = django_filters.ChoiceFilter(label=_("정렬"), choices=SORT_CHOICES, method="filter_nothing")

    class Meta:
        model = SupplierProfile
        form = SupplierSearchForm
        fields = [
            "q",
            "domain",
            "region",
            "nearby",
            "scale_min",
            "scale_max",
            "level",
            "certification",
            "sector",
            "min_rating",
            "deployment",
            "sort",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = SupplierProfile.objects.searchable()
        super().__init__(data, queryset, request=request, prefix=prefix)

    # --- applying ------------------------------------------------------------------------------

    def filter_queryset(self, queryset):
        return self.apply(queryset)

    def apply(self, queryset, *, without=(), order=True):
        """The filters in `cleaned_data`, except those named in `without` (the facets count each
        value with every other filter applied), then the sort order unless `order` is false."""
        for name, value in self.form.cleaned_data.items():
            if name not in without:
                queryset = self.filters[name].filter(queryset, value)
        return self.order(queryset) if order else queryset

    @property
    def text(self):
        """The parsed text query, or None."""
        if not hasattr(self, "_text"):
            self._text = text_query(self.form.cleaned_data.get("q") or "")
        return self._text

    def sort_key(self):
        """The order actually used: relevance needs a text query, nearest a region."""
        data = self.form.cleaned_data
        wanted = data.get("sort") or ("relevance" if self.text else "rating")
        if wanted == "relevance" and not self.text:
            return "rating"
        if wanted == "nearest" and not data.get("region"):
            return "rating"
        return wanted

    def order(self, queryset):
        rating = F("rating").desc(nulls_last=True)
        tail = [rating, "company__name", "pk"]
        key = self.sort_key()
        if key == "relevance":
            _match, rank, words = self.text
            queryset = queryset.annotate(
                relevance=Cast(name_hits(words), FloatField())
                + Func(F("search_document"), rank, Value(1), function="ts_rank", output_field=FloatField())
            )
            return queryset.order_by(F("relevance").desc(), *tail)
        if key == "experience":
            return queryset.order_by("-case_count", *tail)
        if key == "nearest":
            code = self.form.cleaned_data["region"].pk
            whens = [When(company__region_id=code, then=0)]
            if search_terms.NEIGHBOURS.get(code):
                whens.append(When(company__region_id__in=sorted(search_terms.NEIGHBOURS[code]), then=1))
            queryset = queryset.annotate(distance=Case(*whens, default=2, output_field=IntegerField()))
            return queryset.order_by("distance", *tail)
        return queryset.order_by(*tail)

    # --- filters -------------------------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        """`nearby` and `sort` only shape other filters and the order."""
        return queryset

    def filter_q(self, queryset, name, value):
        if self.text is None:
            return queryset
        match, _rank, _words = self.text
        return queryset.filter(Matches(F("search_document"), match))

    def filter_domain(self, queryset, name, value):
        through = SupplierProfile.domains.through
        codes = [domain.pk for domain in value]
        if not codes:
            return queryset
        return queryset.filter(
            Exists(through.objects.filter(supplierprofile_id=OuterRef("pk"), techdomain_id__in=codes))
        )

    def filter_region(self, queryset, name, value):
        codes = search_terms.with_neighbours(value.pk) if self.form.cleaned_data.get("nearby") else {value.pk}
        return queryset.filter(company__region_id__in=sorted(codes))

    def filter_scale(self, queryset, name, value):
        """One case within [scale_min, scale_max] (both ends included); applied once for both."""
        data = self.form.cleaned_data
        low, high = data.get("scale_min"), data.get("scale_max")
        if name == "scale_max" and low is not None:
            return queryset  # already applied with scale_min
        cases = ImplementationCase.objects.filter(profile_id=OuterRef("pk"))
        if low is not None:
            cases = cases.filter(amount__gte=low)
        if high is not None:
            cases = cases.filter(amount__lte=high)
        return queryset.filter(Exists(cases))

    def filter_level(self, queryset, name, value):
        return queryset.filter(level_condition(value))

    def filter_certification(self, queryset, name, value):
        return queryset.filter(certification_condition(value))

    def filter_sector(self, queryset, name, value):
        return queryset.filter(
            Exists(ImplementationCase.objects.filter(profile_id=OuterRef("pk"), client_sector_id=value.pk))
        )

    def filter_deployment(self, queryset, name, value):
        return queryset.filter(Exists(Solution.objects.filter(profile_id=OuterRef("pk"), deployment=value)))


def level_condition(level):
    """A solution suited to the level, or a past case at it."""
    return Q(Exists(Solution.objects.filter(profile_id=OuterRef("pk"), levels__contains=[level]))) | Q(
        Exists(ImplementationCase.objects.filter(profile_id=OuterRef("pk"), level=level))
    )


def certification_condition(kind, today=None):
    """A certification of the kind that has not expired (no expiry date, or today or later)."""
    today = today or timezone.localdate()
    valid = Certification.objects.filter(profile_id=OuterRef("pk"), kind=kind).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return Exists(valid)
