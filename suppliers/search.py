"""SME supplier search: one call for the page and the API.

`search_suppliers(params)` validates the parameters with `SupplierFilter`, pages the registered
suppliers that match, and counts results per filter value (facets). Its query count does not
depend on the page size: one COUNT, one page query (company and region joined), one prefetch each
for domains and solutions, one aggregate query per facet, plus the form's look-ups of the region,
sector and domain codes it was given.

Facets are disjunctive: each facet counts its values with every *other* filter applied, so
ticking another domain or choosing another region shows beforehand how many suppliers it gives.
Without a filter of its own a facet's counts are simply those of the filtered results.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation
from django.utils.functional import cached_property

from organizations.models import Region

from .filters import SupplierFilter
from .models import (
    TRACK_LEVELS,
    Certification,
    CertificationKind,
    Deployment,
    ImplementationCase,
    Solution,
    SupplierProfile,
    TechDomain,
)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FACETS = ("domain", "region", "deployment", "certification", "level")


class FacetValue(NamedTuple):
    value: str
    label_ko: str
    label_en: str
    count: int


@dataclass
class SearchResult:
    filterset: SupplierFilter
    page: Page  # empty when the parameters are invalid (see filterset.errors)
    count: int
    facets: dict  # facet name → [FacetValue(value, label_ko, label_en, count), …]

    @property
    def errors(self):
        return self.filterset.errors


def result_queryset(filterset):
    """What a page of results is read from: the filtered, ordered profiles with the company and
    its region joined and the domains and solutions (with their domain) prefetched."""
    return filterset.qs.select_related("company", "company__region").prefetch_related(
        "domains",
        Prefetch(
            "solutions",
            queryset=Solution.objects.unrestricted().select_related("domain").order_by("name", "pk"),
        ),
    )


class _Paginator(Paginator):
    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self):
        return self._count


def search_suppliers(params, *, page_size=DEFAULT_PAGE_SIZE, page=1):
    """Registered suppliers matching `params` (a QueryDict or dict of SupplierFilter's fields).

    Invalid parameters give an empty page, a count of 0 and no facets; `result.errors` (the
    filterset's form errors) says why."""
    filterset = SupplierFilter(
        params if params is not None else {}, queryset=SupplierProfile.objects.searchable()
    )
    try:
        page_size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
    except (TypeError, ValueError):
        page_size = DEFAULT_PAGE_SIZE
    if not filterset.is_valid():
        empty = Paginator(SupplierProfile.objects.none(), page_size).page(1)
        return SearchResult(filterset=filterset, page=empty, count=0, facets={})
    # Counted without the sort order's annotations (and the joins they bring).
    paginator = _Paginator(result_queryset(filterset), page_size, count=_others(filterset).count())
    current = paginator.get_page(page)
    current.object_list = list(current.object_list)  # the page query and its prefetches, now
    return SearchResult(filterset=filterset, page=current, count=paginator.count, facets=facets(filterset))


# --- facets ----------------------------------------------------------------------------------------


def facets(filterset):
    """Counts per value of each facet: {name: [FacetValue, …]}, every value listed (0 included)."""
    return {
        "domain": _domain_facet(_others(filterset, "domain")),
        "region": _region_facet(_others(filterset, "region", "nearby")),
        "deployment": _deployment_facet(_others(filterset, "deployment")),
        "certification": _certification_facet(_others(filterset, "certification")),
        "level": _level_facet(_others(filterset, "level")),
    }


def _others(filterset, *names):
    """The suppliers matching every filter but `names`, unordered."""
    return filterset.apply(filterset.queryset.all(), without=names, order=False).order_by()


def _sql(queryset):
    return queryset.query.sql_with_params()


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _labels(label):
    with translation.override("ko"):
        ko = str(label)
    with translation.override("en"):
        en = str(label)
    return ko, en


def _choice_facet(choices, counts):
    return [FacetValue(str(value), *_labels(label), counts.get(value, 0)) for value, label in choices]


# The domain, region and level facets are written in SQL around the Django-compiled filtered query:
# a LEFT JOIN from the reference table lists every value (0 included) while the filter stays a
# semi-join the planner can drive from its indexes, and a level comes from two tables. Only quoted
# table names and that compiled SQL are spliced in; every value stays a bound parameter.


def _reference_counts(model, inner, *, where="TRUE"):
    """(pk, name_ko, name_en, count) for every row of `model`, counting the rows of `inner` (a
    one-column queryset of its keys), in the model's order."""
    sql, params = _sql(inner)
    table = connection.ops.quote_name(model._meta.db_table)
    key = connection.ops.quote_name(model._meta.pk.column)
    order = ", ".join(
        f"r.{connection.ops.quote_name(model._meta.get_field(name.lstrip('-')).column)}"
        + (" DESC" if name.startswith("-") else "")
        for name in model._meta.ordering
    )
    rows = _fetch(
        f"SELECT r.{key}, r.name_ko, r.name_en, count(f.key) FROM {table} AS r"  # noqa: S608
        f" LEFT JOIN ({sql}) AS f(key) ON f.key = r.{key} WHERE {where}"
        f" GROUP BY r.{key} ORDER BY {order}",
        params,
    )
    return [FacetValue(*row) for row in rows]


def _domain_facet(profiles):
    through = SupplierProfile.domains.through
    inner = through.objects.filter(supplierprofile__in=profiles.values("pk")).values("techdomain_id")
    return _reference_counts(TechDomain, inner, where="r.is_active")


def _region_facet(profiles):
    return _reference_counts(Region, profiles.values("company__region_id"))


def _level_facet(profiles):
    """A supplier counts for a level when a solution suits it or a past case was at it (the level
    filter's rule): one pass over both tables, distinct suppliers per level."""
    solution_sql, solution_params = _sql(
        Solution.objects.unrestricted()
        .filter(profile__in=profiles.values("pk"))
        .order_by()
        .values("profile_id", "levels")
    )
    case_sql, case_params = _sql(
        ImplementationCase.objects.unrestricted()
        .filter(profile__in=profiles.values("pk"))
        .exclude(level="")
        .order_by()
        .values("profile_id", "level")
    )
    rows = _fetch(
        "SELECT level, count(DISTINCT profile_id) FROM ("  # noqa: S608
        f" SELECT s.profile_id, unnest(s.levels) FROM ({solution_sql}) AS s(profile_id, levels)"
        f" UNION ALL SELECT c.profile_id, c.level FROM ({case_sql}) AS c(profile_id, level)"
        ") AS l(profile_id, level) GROUP BY level",
        [*solution_params, *case_params],
    )
    return _choice_facet(TRACK_LEVELS, dict(rows))


def _deployment_facet(profiles):
    counts = dict(
        Solution.objects.unrestricted()
        .filter(profile__in=profiles.values("pk"))
        .order_by()  # the model's ordering by profile would join the profile and company tables
        .values("deployment")
        .annotate(n=Count("profile_id", distinct=True))
        .values_list("deployment", "n")
    )
    return _choice_facet(Deployment.choices, counts)


def _certification_facet(profiles):
    counts = dict(
        Certification.objects.unrestricted()
        .filter(profile__in=profiles.values("pk"))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
        .order_by()
        .values("kind")
        .annotate(n=Count("profile_id", distinct=True))
        .values_list("kind", "n")
    )
    return _choice_facet(CertificationKind.choices, counts)
