"""Operator staff use the registry and audit pages; a member edits its company. axe on each page,
in Korean and English, and the company list at 360 px."""

import pytest
from playwright.sync_api import expect

from organizations import services
from organizations.models import Company, Operator, Region, Role
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    operator = factories.make_operator("스마트제조혁신추진단", email="help@kosmo.example.kr")
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    centre.regions_covered.set([Region.objects.get(code="48")])
    firms = [factories.make_company(f"한빛정밀{i:02d}") for i in range(23)]
    firms.append(
        factories.make_company("부산솔루션", kind=Company.Kind.SUPPLIER, region_code="26", ksic=None)
    )
    member = factories.make_member(
        Role.SME_MEMBER, company=firms[0], email="member@hanbit.kr", full_name="김민준"
    )
    staff = factories.make_member(
        Role.OPERATOR_STAFF, operator=operator, email="staff@kosmo.kr", full_name="이서연"
    )
    factories.make_member(Role.OPERATOR_ADMIN, operator=operator, email="admin@kosmo.kr", full_name="박지훈")
    factories.make_member(Role.CENTRE_STAFF, operator=centre, email="centre@gn.kr", full_name="최유진")
    services.company_update(member, firms[0], {"employees": 55, "has_mes": True}, reason="연말 갱신")
    return {"operator": operator, "firms": firms, "member": member, "staff": staff}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()


def test_operator_staff_browse_registry_and_audit(page, live_server, world):
    sign_in(page, live_server, "staff@kosmo.kr")
    expect(page.get_by_role("heading", level=1)).to_have_text("운영기관 홈")
    check_page(page, "10-operator-home")

    page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="기업 목록").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("기업 목록")
    expect(page.get_by_text("검색 결과 24건")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(20)
    check_page(page, "11-company-list")

    page.get_by_role("navigation", name="페이지 탐색").get_by_role("link", name="페이지 2").click()
    expect(page.locator("tbody tr")).to_have_count(4)
    current = page.get_by_role("navigation", name="페이지 탐색").locator("[aria-current=page]")
    expect(current).to_have_text("현재 페이지 2")

    page.get_by_label("지역").select_option(label="부산광역시")
    page.get_by_role("button", name="검색").click()
    expect(page.get_by_text("검색 결과 1건")).to_be_visible()
    expect(page.locator("tbody th")).to_have_text([world["firms"][-1].name])

    firm = world["firms"][0]
    page.goto(f"{live_server.url}/org/companies/{firm.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(firm.name)
    check_page(page, "12-company-detail")
    page.get_by_role("link", name="감사 기록 보기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("기업 감사 기록")
    expect(page.get_by_text("연말 갱신")).to_be_visible()
    check_page(page, "13-company-audit")

    page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="소속 기관").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world["operator"].name_ko)
    expect(page.get_by_role("cell", name="admin@kosmo.kr")).to_be_visible()
    check_page(page, "14-operator-detail")

    page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="감사 기록").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("감사 기록")
    check_page(page, "15-audit-list")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    check_page(page, "16-audit-list-en")

    page.goto(f"{live_server.url}/org/companies/{firm.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Access denied")
    check_page(page, "17-forbidden-en")
    page.goto(f"{live_server.url}/org/companies/999999/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page, "18-not-found-en")


def test_member_edits_company_with_errors_then_saves(page, live_server, world):
    firm = world["firms"][0]
    sign_in(page, live_server, "member@hanbit.kr")
    page.get_by_role("link", name="기업 정보 수정").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("기업 정보 수정")
    check_page(page, "20-company-edit")
    page.get_by_label("상시 근로자 수").fill("많음")
    page.get_by_role("button", name="저장").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page).to_have_title(f"오류: {firm.name} - 기업 정보 수정 | 스마트공장 사업관리시스템")
    check_page(page, "21-company-edit-errors")
    page.get_by_label("상시 근로자 수").fill("60")
    page.get_by_label("연 매출액(원)").fill("13,500,000,000")
    page.get_by_label("수정 사유").fill("결산 반영")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("status")).to_contain_text("기업 정보를 저장했습니다.")
    expect(page.get_by_text("13,500,000,000원")).to_be_visible()
    firm.refresh_from_db()
    assert (firm.employees, firm.annual_revenue) == (60, 13_500_000_000)


def test_company_list_at_360px(page, live_server, world):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, live_server, "staff@kosmo.kr")
    page.goto(live_server.url + "/org/companies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("기업 목록")
    check_page(page, "30-company-list-360")
