"""A supplier registers in the browser and an operator approves it.

The supplier's member (a company that signed up as a supplier, no profile yet) opens 공급기업 정보,
meets the GOV.UK error summary once, fills domains, introduction and contact, adds one solution,
checks the answers and asks for review. An admin of the national agency starts the review, records
a capability assessment and approves; the supplier then sees "등록". axe (0 serious/critical
violations) runs on every page visited."""

import pytest
from playwright.sync_api import expect

from organizations.models import Company, Role
from suppliers.models import CapabilityAssessment, SupplierProfile, SupplierStatus
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    operator = factories.make_operator("스마트제조혁신추진단")
    admin = factories.make_member(
        Role.OPERATOR_ADMIN, operator=operator, email="admin@kosmo.kr", full_name="박지훈"
    )
    company = factories.make_company("한빛솔루션", kind=Company.Kind.SUPPLIER, ksic=None, region_code="48")
    member = factories.make_member(
        Role.SUPPLIER_MEMBER, company=company, email="sales@hanbit.kr", full_name="김공급"
    )
    return {"operator": operator, "admin": admin, "company": company, "member": member}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="로그아웃").click()


def heading(page):
    return page.get_by_role("heading", level=1)


def task_status(page, name):
    return page.locator(".task-list-item", has=page.get_by_role("link", name=name)).locator(".task-tag")


def test_supplier_registers_and_the_national_agency_approves(page, live_server, world):
    # --- the supplier fills its profile -----------------------------------------------------------
    sign_in(page, live_server, "sales@hanbit.kr")
    page.goto(live_server.url + "/suppliers/my/")
    expect(heading(page)).to_have_text("공급기업 정보")
    expect(page.locator(".state-line")).to_contain_text("작성 중")
    expect(task_status(page, "기술 분야·소개·연락처 입력")).to_have_text("시작 전")
    expect(page.get_by_text("솔루션을 하나 이상 등록해 주십시오.")).to_be_visible()
    check_page(page, "sup-01-home-new")
    profile = SupplierProfile.objects.get(company=world["company"])
    assert profile.status == SupplierStatus.DRAFT

    page.get_by_role("link", name="기술 분야·소개·연락처 입력").click()
    expect(heading(page)).to_have_text("기술 분야·소개·연락처")
    check_page(page, "sup-02-about")
    page.get_by_label("담당자 이름").fill("김영업")
    page.get_by_role("button", name="저장하고 계속").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("기술 분야를 하나 이상 선택해 주십시오.")
    expect(page).to_have_title("오류: 기술 분야·소개·연락처 | 스마트공장 사업관리시스템")
    expect(page.get_by_label("담당자 이름")).to_have_value("김영업")  # every answer is kept
    check_page(page, "sup-03-about-errors")
    page.get_by_role("link", name="기술 분야를 하나 이상 선택해 주십시오.").click()
    expect(page.locator("#id_domains_0")).to_be_focused()
    page.get_by_label("MES(생산관리)").check()
    page.get_by_label("센서·IoT·데이터 수집").check()
    page.get_by_label("기업 소개(한국어)").fill("자동차 부품 공장에 MES와 설비 데이터 수집을 구축합니다.")
    page.get_by_label("담당자 이메일").fill("sales@hanbit.kr")
    page.get_by_role("button", name="저장하고 계속").click()
    expect(page.get_by_role("status")).to_contain_text("기술 분야·소개·연락처를 저장했습니다.")
    expect(task_status(page, "기술 분야·소개·연락처 입력")).to_have_text("완료")

    page.get_by_role("link", name="솔루션 등록").click()
    expect(heading(page)).to_have_text("솔루션")
    check_page(page, "sup-04-solutions-empty")
    page.get_by_role("link", name="솔루션 추가").click()
    expect(heading(page)).to_have_text("솔루션 추가")
    check_page(page, "sup-05-solution-form")
    page.get_by_label("솔루션명").fill("한빛 MES 클라우드")
    page.get_by_label("기술 분야").select_option(label="MES(생산관리)")
    page.get_by_label("기초").check()
    page.get_by_label("중간1").check()
    page.get_by_label("클라우드(SaaS)").check()
    page.get_by_label("최저 가격(원)").fill("30,000,000")
    page.get_by_label("최고 가격(원)").fill("150,000,000")
    page.get_by_role("button", name="저장하고 계속").click()
    expect(page.get_by_role("status")).to_contain_text("솔루션 '한빛 MES 클라우드'을(를) 저장했습니다.")
    expect(page.get_by_role("cell", name="30,000,000원 ~ 150,000,000원")).to_be_visible()
    check_page(page, "sup-06-solutions")

    page.get_by_role("link", name="공급기업 정보로 돌아가기").click()
    expect(page.locator(".task-progress")).to_have_text("6개 중 3개 완료")
    page.get_by_role("main").get_by_role("link", name="심사 요청").click()
    expect(heading(page)).to_have_text("입력 내용 확인")
    expect(page.get_by_text("'심사 요청' 버튼을 누르기 전에는 아무것도 전송되지 않습니다.")).to_be_visible()
    check_page(page, "sup-07-check-answers")
    page.get_by_role("button", name="심사 요청").click()
    expect(heading(page)).to_have_text("심사를 요청했습니다")
    check_page(page, "sup-08-submitted")
    assert SupplierProfile.objects.get(pk=profile.pk).status == SupplierStatus.SUBMITTED
    sign_out(page)

    # --- the national agency reviews, assesses and approves ------------------------------------------
    sign_in(page, live_server, "admin@kosmo.kr")
    page.goto(live_server.url + "/suppliers/review/")
    expect(heading(page)).to_have_text("공급기업 심사")
    check_page(page, "sup-09-review-queue")
    page.get_by_role("link", name="심사 요청 1").click()
    company_name = world["company"].name
    page.get_by_role("link", name=company_name).click()
    expect(heading(page)).to_have_text(company_name)
    expect(page.get_by_text("한빛 MES 클라우드", exact=True)).to_be_visible()
    check_page(page, "sup-10-review-detail")
    page.get_by_role("link", name="심사 시작").click()
    expect(heading(page)).to_have_text("심사 시작")
    check_page(page, "sup-11-start-review")
    page.get_by_role("button", name="심사 시작").click()
    expect(page.get_by_role("status")).to_contain_text("심사를 시작했습니다")

    page.get_by_role("link", name="역량 평가 기록").click()
    expect(heading(page)).to_have_text("역량 평가 기록")
    page.get_by_label("경영 역량").fill("70")
    page.get_by_label("기술 역량").fill("80")
    page.get_by_label("사업 관리 역량").fill("120")
    page.get_by_role("button", name="평가 기록").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("사업 관리 역량 점수는 100 이하여야 합니다.")
    check_page(page, "sup-12-assessment-errors")
    page.get_by_label("사업 관리 역량").fill("75")
    page.get_by_role("button", name="평가 기록").click()
    expect(page.get_by_role("status")).to_contain_text("역량 평가를 기록했습니다. 평점: 3.75")
    expect(page.locator(".rating-value")).to_contain_text("3.75")
    page.get_by_text("평점은 이렇게 계산합니다").click()
    expect(page.get_by_text("역량 평가(가중치 50%)")).to_be_visible()
    check_page(page, "sup-13-review-rated")
    assert CapabilityAssessment.objects.get().technology == 80

    page.get_by_role("link", name="반려").click()
    page.get_by_role("button", name="반려").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("사유를 입력해 주십시오.")
    check_page(page, "sup-14-reject-needs-reason")
    page.get_by_role("link", name="심사 페이지로 돌아가기").click()
    page.get_by_role("link", name="등록 승인").click()
    expect(heading(page)).to_have_text("등록 승인")
    page.get_by_role("button", name="등록 승인").click()
    expect(page.get_by_role("status")).to_contain_text("공급기업으로 등록했습니다")
    expect(page.locator(".state-line .supplier-status")).to_have_text("등록")
    check_page(page, "sup-15-review-registered")
    assert SupplierProfile.objects.get(pk=profile.pk).status == SupplierStatus.REGISTERED
    sign_out(page)

    # --- the supplier sees it is registered ------------------------------------------------------------
    sign_in(page, live_server, "sales@hanbit.kr")
    page.goto(live_server.url + "/suppliers/my/")
    expect(page.locator(".state-line .supplier-status")).to_have_text("등록")
    expect(page.get_by_text("등록된 공급기업입니다.")).to_be_visible()
    expect(page.locator(".rating-value")).to_contain_text("3.75")
    check_page(page, "sup-16-home-registered")
    page.set_viewport_size({"width": 360, "height": 800})
    check_page(page, "sup-17-home-registered-360")
