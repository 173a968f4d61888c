"""SME supplier search (`search.search_suppliers`, `filters.SupplierFilter`): exact results for
Korean keywords of one to three syllables and English words, each filter alone and together,
sort orders, facet counts, invalid input, constant query counts, and the plans at 10,000
suppliers (the GIN index for text, the case indexes for case filters)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suppliers import search_terms
from suppliers.filters import SupplierFilter
from suppliers.generate import generate_suppliers
from suppliers.models import SupplierProfile
from suppliers.search import FacetValue, search_suppliers
from tests import factories
from tests.reference import ensure_reference_data

pytestmark = pytest.mark.django_db

M = 1_000_000
EXPLAIN_FILE = "/tmp/supplier-explain.txt"  # where the lead collects the plans


def _supplier(name, *, rating=None, **kwargs):
    profile = factories.make_supplier(name, **kwargs)
    if rating is not None:
        SupplierProfile.objects.filter(pk=profile.pk).update(rating=Decimal(rating))
    return profile


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Six registered suppliers whose every search term is known, and six unregistered ones that
    would match almost everything; made once for the module in a transaction rolled back at its
    end (each test runs in a savepoint inside it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()  # a transactional test before this module may have flushed it
            yield _catalogue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _catalogue():
    today = timezone.localdate()
    later, earlier = today + datetime.timedelta(days=300), today - datetime.timedelta(days=1)
    s = {}
    s["A"] = _supplier(
        "대성용접기술",
        region_code="48",
        domains=("vision", "robot"),
        introduction="용접 라인 자동화 전문기업입니다.",
        solutions=[("용접 비전 검사", "vision", "on_premise", ["basic", "intermediate_1"])],
        cases=[("자동차부품 용접 라인 구축", "C30", "48", 2022, 150 * M, "intermediate_1")],
        certifications=[("innobiz", None)],
        rating="4.50",
    )
    s["B"] = _supplier(
        "한빛센서",
        region_code="41",
        domains=("iot",),
        introduction="설비 센서와 데이터 수집 장비를 공급합니다.",
        solutions=[("스마트 센서 게이트웨이", "iot", "cloud", ["basic"])],
        cases=[("식품 공장 센서 설치", "C10", "41", 2020, 40 * M, "basic")],
        certifications=[("iso9001", earlier)],  # expired yesterday
        rating="3.20",
    )
    s["C"] = _supplier(
        "미래품질시스템즈",
        region_code="26",
        domains=("quality", "ai"),
        introduction="품질 데이터 분석 전문기업입니다.",
        solutions=[("품질 예측 AI", "ai", "cloud", ["intermediate_2", "advanced"])],
        cases=[
            ("금속 부품 용접 불량 예측", "C24", "26", 2024, 600 * M, "advanced"),
            ("철강 공정 품질 분석", "C24", "47", 2023, 350 * M, "intermediate_2"),
        ],
        certifications=[("venture", later)],
    )
    s["D"] = _supplier(
        "동양정보기술",
        region_code="11",
        domains=("erp", "mes"),
        introduction="Smart ERP and MES for SMEs.",
        solutions=[("WeldEye Cloud MES", "mes", "cloud", ["basic"])],
        cases=[
            ("전자부품 공장 MES 구축", "C26", "11", 2019, 90 * M, "basic"),
            ("기계 공장 ERP 구축", "C29", "41", 2021, 120 * M, "intermediate_1"),
            ("정밀 공장 MES 고도화", "C29", "11", 2025, 300 * M, "intermediate_1"),
        ],
        certifications=[("innobiz", later), ("gs", None)],
        rating="4.50",
    )
    s["E"] = _supplier(
        "세진오토메이션",
        region_code="47",
        domains=("robot",),
        introduction="로봇 자동화 전문기업입니다.",
        solutions=[("로봇 용기 이송", "robot", "hybrid", ["intermediate_1"])],
        cases=[("음료 공장 용기 이송 자동화", "C11", "47", 2018, 200 * M, "intermediate_1")],
        rating="2.80",
    )
    s["F"] = _supplier(
        "한라테크",
        region_code="50",
        domains=("cloud",),
        introduction="클라우드 대시보드를 공급합니다.",
        solutions=[("무선 센서 대시보드", "cloud", "cloud", ["basic"])],
        cases=[("제주 식품 공장 대시보드", "C10", "50", 2024, 30 * M, "basic")],
        rating="3.90",
    )
    for status in ("draft", "submitted", "under_review", "returned", "rejected", "suspended"):
        _supplier(
            f"용접센서품질 {status}",
            status=status,
            region_code="48",
            domains=("vision", "robot", "iot", "quality", "mes", "cloud"),
            introduction="용접 센서 품질 WeldEye Vision MES 로봇 용기",
            solutions=[
                (
                    "용접 비전 검사",
                    "vision",
                    "cloud",
                    ["basic", "intermediate_1", "intermediate_2", "advanced"],
                ),
                ("로봇 셀", "robot", "on_premise", ["advanced"]),
                ("센서 키트", "iot", "hybrid", ["basic"]),
            ],
            cases=[
                ("용접 라인", "C29", "48", 2022, 150 * M, "advanced"),
                ("식품 공장", "C10", "50", 2021, 35 * M, "basic"),
                ("철강 공장", "C24", "26", 2024, 600 * M, "intermediate_2"),
            ],
            certifications=[("innobiz", None), ("venture", None), ("gs", None), ("iso9001", None)],
            rating="5.00",
        )
    return s


def _names(catalogue, result):
    by_pk = {p.pk: key for key, p in catalogue.items()}
    return [by_pk.get(p.pk, p.company.name) for p in result.page.object_list]


def _found(catalogue, **params):
    result = search_suppliers(params, page_size=50)
    assert result.filterset.is_valid(), result.errors
    names = _names(catalogue, result)
    assert result.count == len(names)
    return set(names)


# --- text ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("용", {"A", "C", "E"}),  # one syllable: 용접 (A, C) and 용기 (E)
        ("용접", {"A", "C"}),  # two syllables
        ("용접기", {"A"}),  # three: 용접 & 접기, only in 대성용접기술
        ("센서", {"B", "F"}),
        ("품질", {"C"}),
        ("자동화", {"A", "E"}),  # A's introduction and robot domain, E's
        ("용접 라인", {"A"}),  # every word must be there
        ("용접 품질", {"C"}),
        ("비행기", set()),
    ],
)
def test_korean_keywords(catalogue, q, expected):
    assert _found(catalogue, q=q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("WeldEye", {"D"}),
        ("weldeye", {"D"}),
        ("WELDEYE", {"D"}),
        ("ＷｅｌｄＥｙｅ", {"D"}),  # full-width, NFKC-folded
        ("MES", {"D"}),
        ("vision", {"A"}),  # A's domain: 비전 검사 / Vision inspection
        ("Vision", {"A"}),
        ("erp mes", {"D"}),
    ],
)
def test_english_words_ignore_case(catalogue, q, expected):
    assert _found(catalogue, q=q) == expected


def test_text_without_a_word_does_not_filter(catalogue):
    assert _found(catalogue, q=" ·?! ") == {"A", "B", "C", "D", "E", "F"}


def test_company_name_and_case_titles_are_searched(catalogue):
    assert _found(catalogue, q="한라테크") == {"F"}
    assert _found(catalogue, q="음료 공장") == {"E"}  # only a case title says it
    assert _found(catalogue, q="게이트웨이") == {"B"}  # a solution name


# --- each filter -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"A", "B", "C", "D", "E", "F"}),
        ({"domain": ["robot"]}, {"A", "E"}),
        ({"domain": ["robot", "iot"]}, {"A", "B", "E"}),  # OR
        ({"domain": ["security"]}, set()),
        ({"region": "48"}, {"A"}),
        ({"region": "48", "nearby": "true"}, {"A", "C", "E"}),  # + 부산 26, 경북 47
        ({"region": "48", "nearby": "false"}, {"A"}),
        ({"region": "11", "nearby": "on"}, {"B", "D"}),  # + 경기 41 (a checkbox sends "on")
        ({"region": "50", "nearby": "1"}, {"F"}),  # 제주 has no land neighbour
        ({"scale_min": "100000000", "scale_max": "200000000"}, {"A", "D", "E"}),  # ends included
        ({"scale_min": "150000000", "scale_max": "250000000"}, {"A", "E"}),  # D: 120M and 300M straddle
        ({"scale_min": "500000000"}, {"C"}),
        ({"scale_max": "40000000"}, {"B", "F"}),
        ({"level": "basic"}, {"A", "B", "D", "F"}),  # a solution suits it or a case was at it
        ({"level": "intermediate_1"}, {"A", "D", "E"}),
        ({"level": "advanced"}, {"C"}),
        ({"certification": "innobiz"}, {"A", "D"}),  # no expiry, or not yet expired
        ({"certification": "iso9001"}, set()),  # B's expired yesterday
        ({"certification": "gs"}, {"D"}),
        ({"sector": "C24"}, {"C"}),
        ({"sector": "C29"}, {"D"}),
        ({"sector": "C10"}, {"B", "F"}),
        ({"min_rating": "4.5"}, {"A", "D"}),
        ({"min_rating": "3"}, {"A", "B", "D", "F"}),  # no rating: never above a minimum
        ({"deployment": "cloud"}, {"B", "C", "D", "F"}),
        ({"deployment": "hybrid"}, {"E"}),
        ({"deployment": "on_premise"}, {"A"}),
    ],
)
def test_each_filter(catalogue, params, expected):
    assert _found(catalogue, **params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # The scenario: a Korean keyword and three filters.
        ({"q": "용접", "domain": ["vision"], "region": "48", "scale_min": "100000000"}, {"A"}),
        ({"q": "용접", "region": "48", "nearby": "true"}, {"A", "C"}),
        ({"q": "용접", "level": "advanced"}, {"C"}),
        ({"q": "센서", "deployment": "cloud", "min_rating": "3.5"}, {"F"}),
        ({"domain": ["robot"], "certification": "innobiz", "sector": "C30"}, {"A"}),
        ({"level": "intermediate_1", "scale_max": "150000000", "min_rating": "4"}, {"A", "D"}),
        ({"region": "11", "nearby": "true", "sector": "C29", "deployment": "cloud"}, {"D"}),
        ({"q": "용", "domain": ["robot"], "region": "47"}, {"E"}),
    ],
)
def test_filters_combined(catalogue, params, expected):
    assert _found(catalogue, **params) == expected


def test_every_declared_filter_exists():
    declared = set(SupplierFilter.Meta.fields)
    assert declared == set(SupplierFilter.base_filters)
    assert declared == {
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
    }


# --- only registered suppliers ---------------------------------------------------------------------


def test_unregistered_suppliers_never_appear(catalogue):
    registered = {p.pk for p in catalogue.values()}
    others = set(SupplierProfile.objects.exclude(status="registered").values_list("pk", flat=True))
    assert len(others) == 6
    queries = [
        {},
        {"q": "용접"},
        {"q": "weldeye"},
        {"q": "센서품질"},
        {"domain": ["vision", "iot", "quality", "mes", "cloud"]},
        {"region": "48", "nearby": "true", "sort": "nearest"},
        {"level": "advanced"},
        {"certification": "gs"},
        {"min_rating": "4.9"},
        {"sort": "experience"},
    ]
    for params in queries:
        result = search_suppliers(params, page_size=100)
        shown = {p.pk for p in result.page.object_list}
        assert shown <= registered, params
        assert not shown & others
    # and the facets count none of them: every unregistered one is in 경남 with rating 5
    facets = search_suppliers({}).facets
    assert dict((v.value, v.count) for v in facets["region"])["48"] == 1


def test_the_filterset_defaults_to_registered_suppliers(catalogue):
    filterset = SupplierFilter({"q": "용접"})
    assert {p.pk for p in filterset.qs} == {catalogue["A"].pk, catalogue["C"].pk}


def test_a_suspended_supplier_leaves_and_a_reinstated_one_returns(catalogue):
    SupplierProfile.objects.filter(pk=catalogue["A"].pk).update(status="suspended")
    assert _found(catalogue, q="용접") == {"C"}
    SupplierProfile.objects.filter(pk=catalogue["A"].pk).update(status="registered")
    assert _found(catalogue, q="용접") == {"A", "C"}


# --- sorting -------------------------------------------------------------------------------------


def _order(catalogue, **params):
    result = search_suppliers(params, page_size=50)
    assert result.filterset.is_valid(), result.errors
    return _names(catalogue, result)


def test_default_order_is_rating_then_name(catalogue):
    # A and D both 4.50 (대… before 동…), no rating last
    assert _order(catalogue) == ["A", "D", "F", "B", "E", "C"]
    assert _order(catalogue, sort="rating") == ["A", "D", "F", "B", "E", "C"]
    assert _order(catalogue, sort="relevance") == ["A", "D", "F", "B", "E", "C"]  # no text: rating


def test_experience_order(catalogue):
    # cases: D 3, C 2, the rest 1 (by rating)
    assert _order(catalogue, sort="experience") == ["D", "C", "A", "F", "B", "E"]


def test_nearest_order(catalogue):
    # 경남 48 first, then its neighbours (경북 47, 부산 26), then the rest; rating within each
    assert _order(catalogue, region="48", nearby="true", sort="nearest") == ["A", "E", "C"]
    assert _order(catalogue, sort="nearest", region="48", q="") == ["A"]
    # The order alone, over every registered supplier: then the regions further away.
    filterset = SupplierFilter({"region": "48", "sort": "nearest"})
    assert filterset.is_valid()
    by_pk = {p.pk: key for key, p in catalogue.items()}
    ordered = filterset.order(SupplierProfile.objects.searchable())
    assert [by_pk[p.pk] for p in ordered] == ["A", "E", "C", "D", "F", "B"]


def test_relevance_puts_the_name_first_then_the_rank(catalogue):
    # 센서: B is named for it (3.20), F only mentions it (3.90)
    assert _order(catalogue, q="센서") == ["B", "F"]
    assert _order(catalogue, q="센서", sort="relevance") == ["B", "F"]
    assert _order(catalogue, q="센서", sort="rating") == ["F", "B"]
    assert _order(catalogue, q="용접") == ["A", "C"]
    assert _order(catalogue, q="용")[0] == "A"
    result = search_suppliers({"q": "센서"})
    relevance = [p.relevance for p in result.page.object_list]
    assert relevance[0] > 1 > relevance[1] > 0


def test_pages(catalogue):
    first = search_suppliers({}, page_size=4, page=1)
    second = search_suppliers({}, page_size=4, page=2)
    assert first.count == second.count == 6
    assert _names(catalogue, first) == ["A", "D", "F", "B"]
    assert _names(catalogue, second) == ["E", "C"]
    assert second.page.number == 2 and not second.page.has_next()
    assert _names(catalogue, search_suppliers({}, page_size=4, page=99)) == ["E", "C"]  # last page


# --- facets ----------------------------------------------------------------------------------------


def _counts(result, name):
    return {v.value: v.count for v in result.facets[name] if v.count}


def test_facet_counts_of_a_text_search(catalogue):
    result = search_suppliers({"q": "용"})  # A, C, E
    assert set(result.facets) == {"domain", "region", "deployment", "certification", "level"}
    assert _counts(result, "domain") == {"vision": 1, "robot": 2, "quality": 1, "ai": 1}
    assert _counts(result, "region") == {"48": 1, "26": 1, "47": 1}
    assert _counts(result, "deployment") == {"on_premise": 1, "cloud": 1, "hybrid": 1}
    assert _counts(result, "certification") == {"innobiz": 1, "venture": 1}
    assert _counts(result, "level") == {"basic": 1, "intermediate_1": 2, "intermediate_2": 1, "advanced": 1}


def test_facets_list_every_value_with_labels(catalogue):
    result = search_suppliers({"q": "용"})
    regions = result.facets["region"]
    assert len(regions) == 17
    assert regions[0] == FacetValue("11", "서울특별시", "Seoul", 0)
    assert FacetValue("48", "경상남도", "Gyeongsangnam-do", 1) in regions
    domains = result.facets["domain"]
    assert [v.value for v in domains][:3] == ["mes", "erp", "plm"]  # taxonomy order
    assert FacetValue("vision", "비전 검사", "Vision inspection", 1) in domains
    assert [(v.value, v.label_ko, v.count) for v in result.facets["deployment"]] == [
        ("cloud", "클라우드(SaaS)", 1),
        ("on_premise", "구축형(온프레미스)", 1),
        ("hybrid", "혼합형", 1),
    ]
    assert [v.value for v in result.facets["level"]] == [
        "basic",
        "intermediate_1",
        "intermediate_2",
        "advanced",
    ]
    assert [v.count for v in result.facets["certification"]] == [1, 1, 0, 0, 0, 0, 0, 0, 0]


def test_a_facet_counts_its_values_with_every_other_filter(catalogue):
    # Results: A and E (robot). The domain facet ignores the domain filter (what another domain
    # would give); the region facet applies it.
    result = search_suppliers(QueryDict("q=용&domain=robot"))
    assert result.count == 2
    assert _counts(result, "domain") == {"vision": 1, "robot": 2, "quality": 1, "ai": 1}
    assert _counts(result, "region") == {"48": 1, "47": 1}
    assert _counts(result, "level") == {"basic": 1, "intermediate_1": 2}


def test_the_region_facet_ignores_region_and_nearby(catalogue):
    result = search_suppliers({"region": "48", "nearby": "true"})
    assert result.count == 3
    assert _counts(result, "region") == {"11": 1, "26": 1, "41": 1, "47": 1, "48": 1, "50": 1}
    assert _counts(result, "deployment") == {"on_premise": 1, "cloud": 1, "hybrid": 1}


def test_facets_of_every_filter_value_match_the_filter(catalogue):
    """Each count is the number of results that choosing the value gives (with no other filter)."""
    result = search_suppliers({})
    for name in ("domain", "region", "deployment", "certification", "level"):
        for value in result.facets[name]:
            param = [value.value] if name == "domain" else value.value
            assert value.count == search_suppliers({name: param}).count, (name, value)


# --- invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "99"}, "region"),
        ({"region": "경남"}, "region"),
        ({"domain": ["mes", "nope"]}, "domain"),
        ({"sector": "C99"}, "sector"),
        ({"level": "expert"}, "level"),
        ({"certification": "iso14001"}, "certification"),
        ({"deployment": "mainframe"}, "deployment"),
        ({"min_rating": "abc"}, "min_rating"),
        ({"min_rating": "5.5"}, "min_rating"),
        ({"min_rating": "-1"}, "min_rating"),
        ({"scale_min": "-1"}, "scale_min"),
        ({"scale_min": "1.5"}, "scale_min"),
        ({"scale_max": "1e30"}, "scale_max"),
        ({"scale_min": "300000000", "scale_max": "100000000"}, "scale_max"),
        ({"sort": "cheapest"}, "sort"),
        ({"sort": "nearest"}, "sort"),  # nearest needs a region
        ({"q": "용" * 101}, "q"),
    ],
)
def test_invalid_values_are_form_errors(catalogue, params, field):
    result = search_suppliers(params)
    assert not result.filterset.is_valid()
    assert field in result.errors
    assert result.count == 0
    assert list(result.page.object_list) == []
    assert result.facets == {}


def test_a_bad_page_size_or_number_is_bounded(catalogue):
    assert len(search_suppliers({}, page_size=0).page.object_list) == 1
    assert search_suppliers({}, page_size=10_000).page.paginator.per_page == 100
    assert _names(catalogue, search_suppliers({}, page="x")) == ["A", "D", "F", "B", "E", "C"]
    assert search_suppliers({}, page_size="x").page.paginator.per_page == 20
    assert search_suppliers(None).count == 6


# --- query count -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "lookups"),
    [
        ({}, 0),
        ({"q": "스마트", "sort": "relevance"}, 0),
        ({"region": "41", "nearby": "true", "domain": ["mes", "iot"], "sector": "C29"}, 3),
        ({"scale_min": "50000000", "level": "basic", "certification": "venture", "min_rating": "1"}, 0),
    ],
)
def test_query_count_does_not_depend_on_page_size(params, lookups):
    generate_suppliers(60, seed=3, status_mix={"registered": 1})
    counts = []
    for page_size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            result = search_suppliers(params, page_size=page_size)
            shown = [
                (
                    profile.company.name,
                    profile.company.region.name_ko,
                    [d.name_ko for d in profile.domains.all()],
                    [(s.name, s.domain.name_ko) for s in profile.solutions.all()],
                )
                for profile in result.page.object_list
            ]
        assert result.count > 5
        assert len(shown) == min(page_size, result.count)
        counts.append(len(ctx.captured_queries))
    # the form's look-ups of given codes; COUNT; page; domains; solutions; five facets
    assert counts == [lookups + 9, lookups + 9]


# --- at scale: the plans -------------------------------------------------------------------------


MAIN_QUERIES = ('SELECT COUNT(*) AS "__count"', 'SELECT "suppliers_supplierprofile"."id"')


def _plans(params, *, analyze=True):
    """The plan of every query one search runs, in order, as (sql, plan); the COUNT and the page
    query with actual times when `analyze`."""
    with CaptureQueriesContext(connection) as ctx:
        result = search_suppliers(params)
    assert result.filterset.is_valid(), result.errors
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            options = (
                "ANALYZE, COSTS OFF" if analyze and query["sql"].startswith(MAIN_QUERIES) else "COSTS OFF"
            )
            cursor.execute(f"EXPLAIN ({options}) {query['sql']}")
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return result, plans


def _main(plans):
    """The COUNT's and the page query's plans: the two that read the matching profiles themselves."""
    main = [plan for sql, plan in plans if sql.startswith(MAIN_QUERIES)]
    assert len(main) == 2
    return main


def _share(keyword):
    """The share of all search documents that contain the keyword."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT avg((search_document @@ %s::tsquery)::int) FROM suppliers_supplierprofile",
            [search_terms.tsquery(search_terms.query_terms(keyword))],
        )
        return float(cursor.fetchone()[0])


GIN = "supplier_search_gin"
MIGRATED_MATCH_COST = 100  # for ts_match_vq, the function behind tsvector @@ tsquery
PROFILE_SCAN = "Seq Scan on suppliers_supplierprofile "
CASE_SCAN = "Seq Scan on suppliers_implementationcase"


def _uses_gin(plan):
    return GIN in plan and PROFILE_SCAN not in plan + " "


def test_search_uses_indexes_at_scale():
    """10,000 generated suppliers. The text filter goes through the GIN index, alone and with other
    filters, and the case filters through the case indexes. The COUNT and page plans (with actual
    times) and a line per facet query are printed and saved to /tmp/supplier-explain.txt."""
    factories.make_operator("스마트제조혁신추진단")
    generate_suppliers(10_000, seed=2026)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suppliers_supplierprofile, suppliers_implementationcase, suppliers_solution")
    shares = {keyword: _share(keyword) for keyword in ("용접기", "봇", "용접", "용")}
    scenarios = [
        {"q": "용접기"},
        {"q": "봇"},
        {"q": "용접"},
        {"q": "용"},
        {"q": "용접기", "domain": ["vision", "robot", "ai"], "region": "48", "nearby": "true"},
        {"q": "용접기", "sector": "C29", "scale_min": "100000000", "scale_max": "300000000"},
        {"q": "봇", "level": "advanced", "certification": "venture", "min_rating": "3.5", "sort": "rating"},
        {
            "q": "용접",
            "sector": "C25",
            "scale_min": "200000000",
            "scale_max": "400000000",
            "sort": "experience",
        },
        {"sector": "C29", "scale_min": "100000000", "scale_max": "300000000"},
    ]
    report = [f"share of all documents holding the keyword: { {k: round(v, 3) for k, v in shares.items()} }"]
    results = []
    for params in scenarios:
        result, plans = _plans(params)
        results.append((params, result, plans))
        report.append(f"\n=== {json.dumps(params, ensure_ascii=False)} -> {result.count} results")
        for sql, plan in plans:
            if sql.startswith(MAIN_QUERIES):
                report.append(f"--- {sql[:90]}...\n{plan}")
            else:
                scans = sorted(
                    {line.split(" on ")[-1].split(" (")[0] for line in plan.splitlines() if " on " in line}
                )
                report.append(
                    f"--- {sql[:60]}... [{'GIN' if GIN in plan else 'no GIN'}; reads {', '.join(scans)}]"
                )
    # Migration suppliers 0003 prices `@@` (ts_match_vq) at 100, not PostgreSQL's 1: at 1 the planner
    # misses that reading the table de-TOASTs every ~2 KB document while the GIN match never reads
    # it, and scans the table for 용 (in nine documents of ten) though the index is several times
    # faster. Shown here with the old cost, rolled back with the test.
    with connection.cursor() as cursor:
        cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'ts_match_vq'")
        assert cursor.fetchone()[0] == MIGRATED_MATCH_COST
        cursor.execute("ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST 1")
        at_default_cost = _main(_plans({"q": "용"})[1])
        cursor.execute(f"ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST {MIGRATED_MATCH_COST}")
    report.append("\n=== q=용 at PostgreSQL's default ts_match_vq COST 1 (before migration 0003): COUNT\n")
    report.append(at_default_cost[0])

    text = "\n".join(report)
    print(text)
    with open(EXPLAIN_FILE, "w", encoding="utf-8") as f:
        f.write(text + "\n")

    assert shares["용접기"] < shares["봇"] < 0.2 < shares["용접"] < 0.5 < shares["용"]
    for params, result, plans in results:
        assert result.count > 0, params
        count_plan, page_plan = _main(plans)
        if "q" in params:
            assert _uses_gin(count_plan), params
            if params["q"] != "용":  # ranking nine suppliers in ten reads them all anyway
                assert _uses_gin(page_plan), params
        if params.get("q") == "용접기" and "sector" in params:  # cases probed per matching supplier
            assert CASE_SCAN not in count_plan + page_plan, params
    assert PROFILE_SCAN in at_default_cost[0] + " "  # what the migration is for
