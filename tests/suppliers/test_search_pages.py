"""SME-facing supplier pages through Django's test client: search with combined filters and Korean
keywords (exact result sets), facet counts, unregistered suppliers never shown, the profile page,
the comparison list in the session and the comparison page with its refusals, the next-level
shortcut, and a constant number of queries whatever the page size."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Company, Role
from suppliers import services, views_search
from suppliers.models import SupplierProfile
from tests import factories
from tests.html import h1, text

pytestmark = pytest.mark.django_db

M = 1_000_000
HIDDEN_STATUSES = ("draft", "submitted", "under_review", "returned", "rejected", "suspended")
SEARCH = reverse("suppliers:search")
COMPARE = reverse("suppliers:compare")


def listed(response):
    """Supplier names on the result cards, in page order."""
    found = re.findall(r'class="supplier-card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())
    return [html.unescape(name) for name in found]


def base(name):
    """make_company appends a counter to the name: compare without it."""
    return name.rsplit(" ", 1)[0]


def names(response):
    return sorted(base(n) for n in listed(response))


WELDING = dict(
    region_code="48",
    domains=("robot",),
    solutions=[("용접 로봇 셀", "robot", "on_premise", ["basic", "intermediate_1"])],
    cases=[("자동차 부품 용접 라인 자동화", "C30", "48", 2024, 250 * M, "intermediate_1")],
    certifications=[("iso9001", datetime.date(2027, 12, 31))],
)


@pytest.fixture
def registry(db):
    """Five registered suppliers, and one copy of the best match in every other status."""
    found = {
        "gyeongnam": factories.make_supplier("경남용접자동화", **WELDING),
        "busan": factories.make_supplier(
            "부산스마트용접",
            region_code="26",  # a neighbour of 경남
            domains=("robot", "vision"),
            solutions=[("용접 비전 검사", "vision", "cloud", ["basic"])],
            cases=[("조선 용접 품질 검사", "C31", "26", 2023, 150 * M, "basic")],
        ),
        "seoul": factories.make_supplier(
            "서울용접테크",
            region_code="11",  # not a neighbour of 경남
            domains=("robot",),
            solutions=[("용접 모니터링", "robot", "on_premise", ["basic"])],
            cases=[("금형 용접 공정 개선", "C29", "11", 2022, 200 * M, "basic")],
        ),
        "sensor": factories.make_supplier(
            "경남센서",
            region_code="48",
            domains=("iot",),
            solutions=[("스마트 센서 게이트웨이", "iot", "cloud", ["basic"])],
            cases=[("설비 센서 데이터 수집", "C29", "48", 2024, 120 * M, "basic")],
            introduction="설비 데이터 수집 전문기업입니다.",
        ),
        "small": factories.make_supplier(
            "창원소형용접",
            region_code="48",
            domains=("robot",),
            solutions=[("용접 지그", "robot", "on_premise", ["basic"])],
            cases=[("소형 용접 지그 도입", "C29", "48", 2021, 30 * M, "basic")],
        ),
    }
    for status in HIDDEN_STATUSES:
        found[status] = factories.make_supplier(f"경남용접숨김{status}", status=status, **WELDING)
    return found


@pytest.fixture
def sme(company):
    return factories.make_member(Role.SME_MEMBER, company=company, email="sme@hanbit.kr")


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator, email="staff@kosmo.kr")


@pytest.fixture
def sme_client(client, sme):
    client.force_login(sme)
    return client


COMBINED = {
    "q": "용접",
    "domain": ["robot"],
    "region": "48",
    "nearby": "on",
    "scale_min": "100,000,000",
}


# --- search ---------------------------------------------------------------------------------------


def test_search_needs_a_sign_in(client, registry):
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_combined_filters_and_a_korean_keyword_give_exactly_the_right_suppliers(sme_client, registry):
    response = sme_client.get(SEARCH, COMBINED)
    assert response.status_code == 200
    assert h1(response) == "공급기업 찾기"
    assert names(response) == ["경남용접자동화", "부산스마트용접"]
    assert "검색 결과 2건" in text(response)

    without_neighbours = {k: v for k, v in COMBINED.items() if k != "nearby"}
    assert names(sme_client.get(SEARCH, without_neighbours)) == ["경남용접자동화"]
    with_deployment = {**COMBINED, "deployment": "cloud"}
    assert names(sme_client.get(SEARCH, with_deployment)) == ["부산스마트용접"]
    with_certification = {**COMBINED, "certification": "iso9001"}
    assert names(sme_client.get(SEARCH, with_certification)) == ["경남용접자동화"]
    with_level = {**COMBINED, "level": "intermediate_1"}
    assert names(sme_client.get(SEARCH, with_level)) == ["경남용접자동화"]
    with_sector = {**COMBINED, "sector": "C31"}
    assert names(sme_client.get(SEARCH, with_sector)) == ["부산스마트용접"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("용접", ["경남용접자동화", "부산스마트용접", "서울용접테크", "창원소형용접"]),
        ("센서", ["경남센서"]),
        ("품질", ["부산스마트용접"]),
        ("용접 품질", ["부산스마트용접"]),
        ("게이트웨이", ["경남센서"]),
    ],
)
def test_korean_keywords_of_one_or_two_syllables(sme_client, registry, query, expected):
    assert names(sme_client.get(SEARCH, {"q": query})) == expected


def test_unregistered_suppliers_never_appear(sme_client, staff, client, registry):
    every = sme_client.get(SEARCH)
    assert "숨김" not in text(every)
    assert names(every) == ["경남센서", "경남용접자동화", "부산스마트용접", "서울용접테크", "창원소형용접"]
    for status in HIDDEN_STATUSES:
        assert names(sme_client.get(SEARCH, {"q": f"숨김{status}"})) == []
    client.force_login(staff)  # operators search the same registry
    assert "숨김" not in text(client.get(SEARCH, {"q": "용접"}))


def test_cards_show_region_domains_solutions_rating_cases_and_scale(sme_client, registry, operator, staff):
    profile = registry["gyeongnam"]
    services.capability_assessment_record(
        staff,
        profile,
        operator=operator,
        assessor="김평가",
        assessed_on=datetime.date(2026, 10, 1),
        management=80,
        technology=90,
        project_management=70,
    )
    services.case_save(
        factories.make_member(Role.SUPPLIER_MEMBER, company=profile.company),
        profile,
        {"title": "대형 용접 라인", "year": 2025, "amount": 480 * M, "level": "intermediate_1"},
    )
    response = sme_client.get(SEARCH, {"q": "경남용접자동화"})
    card = text(response)
    assert names(response) == ["경남용접자동화"]
    assert "경상남도" in card
    assert "로봇·자동화" in card
    assert "용접 로봇 셀 (구축형(온프레미스))" in card
    assert "4.00 / 5.00 (역량 평가 반영)" in card
    assert "구축 사례 2건 · 사업 규모 2억 5,000만 원 ~ 4억 8,000만 원" in card


def test_facet_counts_are_shown_next_to_the_filter_values(sme_client, registry):
    page = sme_client.get(SEARCH, {"q": "용접"}).content.decode()

    def count(label):
        match = re.search(re.escape(label) + r' <span class="facet-count">\((\d+)\)</span>', page)
        assert match, label
        return int(match.group(1))

    assert count("로봇·자동화") == 4
    assert count("비전 검사") == 1
    assert count("MES(생산관리)") == 0
    assert re.search(r'<option value="48">경상남도 \(2\)</option>', page)
    assert re.search(r'<option value="on_premise">구축형\(온프레미스\) \(3\)</option>', page)
    assert re.search(r'<option value="iso9001">ISO 9001 \(1\)</option>', page)


def test_invalid_filters_show_an_error_summary_and_no_results(sme_client, registry):
    response = sme_client.get(SEARCH, {"scale_min": "3억", "scale_max": "100"})
    assert response.status_code == 200
    page = text(response)
    assert "입력 내용에 문제가 있습니다" in page
    assert re.search(r"<title>오류: ", response.content.decode())
    assert listed(response) == []
    bad_sort = sme_client.get(SEARCH, {"sort": "nearest"})
    assert "가까운 지역순으로 보려면 지역을 선택해 주십시오." in text(bad_sort)


def test_sorting_by_experience_and_nearest(sme_client, registry):
    extra = registry["seoul"]
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=extra.company)
    for year in (2023, 2024):
        services.case_save(member, extra, {"title": f"용접 {year}", "year": year, "amount": 90 * M})
    by_experience = listed(sme_client.get(SEARCH, {"q": "용접", "sort": "experience"}))
    assert base(by_experience[0]) == "서울용접테크"
    params = {"q": "용접", "region": "26", "nearby": "on", "sort": "nearest"}
    nearest = [base(n) for n in listed(sme_client.get(SEARCH, params))]
    assert nearest[0] == "부산스마트용접"  # 부산 itself, then its neighbour 경남; 서울 is not near
    assert sorted(nearest[1:]) == ["경남용접자동화", "창원소형용접"]


def test_pagination_keeps_the_filters(sme_client, db):
    for n in range(23):
        factories.make_supplier(f"페이지용접{n:02d}", solutions=[("용접 셀", "robot", "cloud", ["basic"])])
    first = sme_client.get(SEARCH, {"q": "용접"})
    assert len(listed(first)) == 20
    assert "검색 결과 23건" in text(first)
    assert 'href="?q=%EC%9A%A9%EC%A0%91&amp;page=2"' in first.content.decode()
    second = sme_client.get(SEARCH, {"q": "용접", "page": 2})
    assert len(listed(second)) == 3
    assert not set(listed(first)) & set(listed(second))


def test_search_page_queries_do_not_grow_with_the_page_size(sme_client, db, monkeypatch):
    for n in range(6):
        factories.make_supplier(
            f"쿼리용접{n}",
            domains=("robot", "vision"),
            solutions=[("용접 셀", "robot", "cloud", ["basic"]), ("비전", "vision", "cloud", ["basic"])],
            cases=[
                ("용접 사례", "C29", "48", 2024, 100 * M, "basic"),
                ("사례2", "C30", "48", 2023, 200 * M, ""),
            ],
        )
    session = sme_client.session
    session[views_search.COMPARE_KEY] = list(SupplierProfile.objects.values_list("pk", flat=True)[:3])
    session.save()

    def run(size):
        monkeypatch.setattr(views_search, "PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as ctx:
            response = sme_client.get(SEARCH, {"q": "용접", "domain": ["robot", "vision"], "region": "48"})
        assert len(listed(response)) == min(size, 6)
        return len(ctx)

    assert run(2) == run(20)


# --- next-level shortcut (point 7) -------------------------------------------------------------------


def test_sme_gets_a_shortcut_to_solutions_of_the_next_level(client, registry, company):
    Company.objects.filter(pk=company.pk).update(smart_factory_level="basic")
    client.force_login(factories.make_member(Role.SME_MEMBER, company=company))
    page = client.get(SEARCH)
    assert "다음 단계 솔루션" in text(page)
    assert "다음 단계인 중간1 수준에 맞는 솔루션" in text(page)
    assert f'href="{SEARCH}?level=intermediate_1&amp;sort=rating"' in page.content.decode()
    shortcut = client.get(SEARCH, {"level": "intermediate_1", "sort": "rating"})
    assert names(shortcut) == ["경남용접자동화"]


def test_no_shortcut_for_operators_and_none_past_advanced(client, staff, company, registry):
    client.force_login(staff)
    assert "다음 단계 솔루션" not in text(client.get(SEARCH))
    Company.objects.filter(pk=company.pk).update(smart_factory_level="advanced")
    client.force_login(factories.make_member(Role.SME_MEMBER, company=company))
    page = text(client.get(SEARCH))
    assert "이미 최고 단계(고도)입니다" in page


# --- profile ----------------------------------------------------------------------------------------


def test_profile_shows_offering_record_rating_basis_and_contacts(sme_client, registry, staff, operator):
    profile = registry["gyeongnam"]
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=profile.company)
    services.certification_save(
        member,
        profile,
        {
            "kind": "venture",
            "issuer": "중소벤처기업부",
            "number": "V-1",
            "valid_until": datetime.date(2026, 1, 31),
        },
    )
    profile.refresh_from_db()
    services.supplier_set_status(staff, profile, "under_review")
    services.supplier_set_status(staff, profile, "registered")
    services.supplier_profile_update(
        member, profile, {"contact_name": "박담당", "contact_phone": "055-123-4567"}
    )
    services.capability_assessment_record(
        staff,
        profile,
        operator=operator,
        assessor="김평가",
        assessed_on=datetime.date(2026, 10, 1),
        management=80,
        technology=90,
        project_management=70,
    )
    response = sme_client.get(reverse("suppliers:supplier-detail", args=[profile.pk]))
    assert response.status_code == 200
    page = text(response)
    assert base(h1(response)) == "경남용접자동화"
    for expected in (
        "용접 로봇 셀",
        "기초, 중간1",
        "구축형(온프레미스)",
        "ISO 9001",
        "2027. 12. 31.까지 유효",
        "벤처기업 확인",
        "2026. 1. 31.까지 만료",
        "자동차 부품 용접 라인 자동화",
        "C30 자동차 및 트레일러 제조업",
    ):
        assert expected in page, expected
    assert "250,000,000원" in page
    assert "1억~3억 원 1" in page  # cases by scale band
    assert "4.00 / 5.00" in page
    assert "전담기관 역량 평가 4.00 0.5 1" in page  # the basis: value, weight, count
    assert "가중치 0.5" in page and "베이즈 평균" in page  # the formula in words
    assert "역량 평가 1회 중 가장 최근 평가: 2026. 10. 1." in page
    assert "박담당" in page and "055-123-4567" in page and "sales@example.kr" in page


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_unregistered_profiles_are_404_for_smes_and_shown_to_operators(client, sme, staff, registry, status):
    url = reverse("suppliers:supplier-detail", args=[registry[status].pk])
    client.force_login(sme)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert "등록되지 않은 공급기업입니다" in text(response)


def test_profile_of_a_missing_supplier_is_404(sme_client):
    assert sme_client.get(reverse("suppliers:supplier-detail", args=[999999])).status_code == 404


# --- comparison list and page -------------------------------------------------------------------------


def add(client, profile, next_url=SEARCH):
    return client.post(reverse("suppliers:compare-add"), {"supplier": profile.pk, "next": next_url})


def test_adding_to_the_comparison_up_to_four_then_a_clear_message(sme_client, registry, db):
    extra = factories.make_supplier("다섯번째용접", solutions=[("용접", "robot", "cloud", ["basic"])])
    chosen = [registry[k] for k in ("gyeongnam", "busan", "seoul", "sensor")]
    back = f"{SEARCH}?q=%EC%9A%A9%EC%A0%91"
    for n, profile in enumerate(chosen, start=1):
        response = add(sme_client, profile, back)
        assert response.status_code == 302
        assert response["Location"] == f"{back}#compare-tray"
        page = text(sme_client.get(back))
        assert f"비교 목록에 담았습니다({n}/4)" in page
    response = add(sme_client, extra, back)
    page = text(sme_client.get(back))
    assert "비교 목록에는 최대 4곳까지 담을 수 있습니다." in page
    assert "먼저 비교 목록에서 다른 공급기업을 빼 주십시오." in page
    assert sme_client.session[views_search.COMPARE_KEY] == [p.pk for p in chosen]
    ids = ",".join(str(p.pk) for p in chosen)
    assert f'href="{COMPARE}?ids={ids}"' in sme_client.get(SEARCH).content.decode()

    sme_client.post(reverse("suppliers:compare-remove"), {"supplier": chosen[0].pk, "next": SEARCH})
    assert sme_client.session[views_search.COMPARE_KEY] == [p.pk for p in chosen[1:]]
    sme_client.post(reverse("suppliers:compare-clear"), {"next": SEARCH})
    assert sme_client.session[views_search.COMPARE_KEY] == []


def test_unregistered_suppliers_cannot_be_added_and_next_must_be_ours(sme_client, registry):
    assert add(sme_client, registry["suspended"]).status_code == 404
    response = add(sme_client, registry["busan"], "https://evil.example/")
    assert response["Location"] == f"{SEARCH}#compare-tray"
    assert sme_client.get(reverse("suppliers:compare-add")).status_code == 405


def test_compare_page_shows_three_suppliers_side_by_side(sme_client, registry):
    chosen = [registry[k] for k in ("gyeongnam", "busan", "sensor")]
    response = sme_client.get(COMPARE, {"ids": ",".join(str(p.pk) for p in chosen)})
    assert response.status_code == 200
    page = response.content.decode()
    headers = re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', page)
    assert [base(h) for h in headers] == ["경남용접자동화", "부산스마트용접", "경남센서"]
    body = text(response)
    assert "경상남도 부산광역시 경상남도" in body  # the region row, in column order
    assert "용접 로봇 셀" in body and "용접 비전 검사" in body and "스마트 센서 게이트웨이" in body
    assert "사업 규모 1억~3억 원 1건 1건 1건" in body
    assert "사업 규모 1억 원 미만 0건 0건 0건" in body
    assert "C30 자동차 및 트레일러 제조업 1건" in body


def test_compare_page_uses_the_session_list_without_ids(sme_client, registry):
    add(sme_client, registry["gyeongnam"])
    add(sme_client, registry["busan"])
    response = sme_client.get(COMPARE)
    assert [
        base(h)
        for h in re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', response.content.decode())
    ] == [
        "경남용접자동화",
        "부산스마트용접",
    ]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ("", "비교할 공급기업을 2곳 이상 골라 주십시오."),
        ("{gyeongnam}", "비교할 공급기업을 2곳 이상 골라 주십시오."),
        ("{gyeongnam},abc", "공급기업 번호는 숫자로 입력해 주십시오. 잘못된 값: abc"),
        ("{gyeongnam},{suspended}", "비교할 수 없는 공급기업 번호입니다: {suspended}."),
        ("{gyeongnam},{submitted}", "비교할 수 없는 공급기업 번호입니다: {submitted}."),
        ("{gyeongnam},999999", "비교할 수 없는 공급기업 번호입니다: 999999."),
        (
            "{gyeongnam},{busan},{seoul},{sensor},{small}",
            "한 번에 최대 4곳까지 비교할 수 있습니다. 5곳을 골랐습니다.",
        ),
        ("{gyeongnam},99999999999999999999999", "공급기업 번호는 숫자로 입력해 주십시오."),
    ],
)
def test_compare_refuses_bad_selections_with_a_clear_message(sme_client, registry, ids, message):
    pks = {key: profile.pk for key, profile in registry.items()}
    response = sme_client.get(COMPARE, {"ids": ids.format(**pks)})
    assert response.status_code == 200
    page = text(response)
    assert "이 공급기업들은 비교할 수 없습니다" in page
    assert message.format(**pks) in page
    assert "공급기업 비교표" not in page
    assert "숨김" not in page


def test_compare_accepts_repeated_ids_and_drops_duplicates(sme_client, registry):
    a, b = registry["gyeongnam"], registry["busan"]
    response = sme_client.get(f"{COMPARE}?ids={a.pk}&ids={b.pk}&ids={a.pk}")
    assert "공급기업 비교표" in text(response)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "999"},
        {"domain": "nope"},
        {"region": "99"},
        {"min_rating": "5.5"},
        {"q": "가" * 500},
        {"level": "legendary"},
        {"nearby": "maybe", "region": "48"},
    ],
)
def test_odd_parameters_never_break_the_page(sme_client, registry, params):
    response = sme_client.get(SEARCH, params)
    assert response.status_code == 200
    assert "숨김" not in text(response)


def test_search_and_compare_pages_in_english(sme_client, registry):
    sme_client.cookies["django_language"] = "en"
    response = sme_client.get(SEARCH, {"q": "용접"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()
    ids = f"{registry['gyeongnam'].pk},{registry['busan'].pk}"
    assert sme_client.get(COMPARE, {"ids": ids}).status_code == 200
    assert (
        sme_client.get(reverse("suppliers:supplier-detail", args=[registry["busan"].pk])).status_code == 200
    )
