"""An SME searches the supplier registry with three filters and a Korean keyword, gets exactly the
right suppliers, opens one profile, puts three on the comparison list and sees them side by side;
axe on every page (search, search with a notice, profile, comparison, refused comparison)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from organizations.models import Role
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

M = 1_000_000


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()


def welding(
    name, region, amount, *, domains=("robot",), deployment="on_premise", sector="C29", status="registered"
):
    return factories.make_supplier(
        name,
        status=status,
        region_code=region,
        domains=domains,
        solutions=[(f"{name} 용접 로봇 셀", "robot", deployment, ["basic", "intermediate_1"])],
        cases=[(f"{name} 용접 라인 자동화", sector, region, 2024, amount, "basic")],
        certifications=[("iso9001", datetime.date(2027, 12, 31))],
    )


@pytest.fixture
def world(transactional_db):
    company = factories.make_company("한빛정밀", region_code="48", smart_factory_level="basic")
    factories.make_member(Role.SME_MEMBER, company=company, email="sme@hanbit.kr", full_name="김민준")
    expected = [
        welding("경남용접자동화", "48", 250 * M),
        welding(
            "부산스마트용접", "26", 150 * M, domains=("robot", "vision"), deployment="cloud", sector="C31"
        ),
        welding("울산용접로봇", "31", 320 * M, sector="C30"),
    ]
    others = [
        welding("서울용접테크", "11", 200 * M),  # region not near 경남
        welding("창원소형용접", "48", 30 * M),  # past cases too small
        factories.make_supplier(  # no 용접, not robots
            "경남센서",
            region_code="48",
            domains=("iot",),
            solutions=[("스마트 센서 게이트웨이", "iot", "cloud", ["basic"])],
            cases=[("센서 데이터 수집", "C29", "48", 2024, 120 * M, "basic")],
        ),
        *[
            welding(f"경남용접숨김{s}", "48", 250 * M, status=s)
            for s in ("submitted", "rejected", "suspended")
        ],
    ]
    return {"expected": expected, "others": others}


def card_names(page):
    return sorted(page.locator(".supplier-card-title a").all_inner_texts())


def test_sme_searches_compares_three_suppliers_side_by_side(page, live_server, world):
    expected = sorted(p.company.name for p in world["expected"])
    sign_in(page, live_server, "sme@hanbit.kr")

    page.goto(live_server.url + "/suppliers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("공급기업 찾기")
    expect(page.get_by_text("다음 단계인 중간1 수준에 맞는 솔루션")).to_be_visible()
    expect(page.get_by_text("숨김")).to_have_count(0)
    check_page(page, "40-supplier-search")

    # Three filters (domain, region with its neighbours, project scale) and a Korean keyword.
    search = page.get_by_role("search")
    search.get_by_label("검색어").fill("용접")
    search.get_by_label(re.compile("^로봇·자동화")).check()
    search.get_by_label("지역", exact=True).select_option("48")
    search.get_by_label("인접 지역 포함").check()
    search.get_by_label("최소 사업 규모(원)").fill("100,000,000")
    search.get_by_role("button", name="검색").click()

    expect(page.get_by_text("검색 결과 3건")).to_be_visible()
    assert card_names(page) == expected
    expect(search.get_by_label("검색어")).to_have_value("용접")
    expect(search.get_by_label(re.compile("^로봇·자동화"))).to_be_checked()
    # Facet counts beside the values: with every other filter applied, 3 are robots, 1 vision.
    expect(search.get_by_label(re.compile("^비전 검사"))).to_have_accessible_name("비전 검사 (1)")
    check_page(page, "41-supplier-search-results")

    # One profile, then back.
    busan = next(p for p in world["expected"] if p.company.name.startswith("부산"))
    page.get_by_role("link", name=busan.company.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(busan.company.name)
    expect(page.get_by_role("heading", name="평점과 근거")).to_be_visible()
    expect(page.get_by_role("table", name="구축 사례 목록")).to_contain_text("150,000,000원")
    check_page(page, "42-supplier-profile")
    page.go_back()

    # Three on the comparison list.
    for n, name in enumerate(expected, start=1):
        card = page.locator(".supplier-card", has_text=name)
        card.get_by_role("button", name=re.compile("^비교 목록에 담기")).click()
        tray = page.locator("#compare-tray")
        expect(tray).to_contain_text(f"{name}을(를) 비교 목록에 담았습니다({n}/4)")
        expect(tray.get_by_role("heading")).to_contain_text(f"({n}/4)")
        if n == 1:
            expect(tray).to_contain_text("2곳 이상 담으면 비교할 수 있습니다.")
            check_page(page, "43-supplier-search-tray")
    assert card_names(page) == expected  # the search is kept
    page.get_by_role("link", name="비교하기").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("공급기업 비교")
    table = page.get_by_role("table", name="공급기업 비교표")
    headers = table.locator("thead th").all_inner_texts()
    assert headers == expected
    expect(table.get_by_role("row", name=re.compile("^지역"))).to_contain_text("경상남도")
    expect(table.get_by_role("row", name=re.compile("^지역"))).to_contain_text("울산광역시")
    expect(table.get_by_role("row", name=re.compile("^사업 규모 1억~3억 원"))).to_contain_text("1건")
    expect(table).to_contain_text("ISO 9001")
    check_page(page, "44-supplier-compare")

    # A comparison that cannot be shown says why, never a server error.
    hidden = world["others"][-1]
    page.goto(f"{live_server.url}/suppliers/compare/?ids={world['expected'][0].pk},{hidden.pk}")
    expect(page.get_by_role("alert")).to_contain_text("비교할 수 없는 공급기업 번호입니다")
    check_page(page, "45-supplier-compare-refused")

    # A phone-sized screen: filters above the results, nothing cut off for axe either.
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/suppliers/?q=%EC%9A%A9%EC%A0%91&domain=robot")
    expect(page.get_by_text("검색 결과 5건")).to_be_visible()
    check_page(page, "46-supplier-search-360")
