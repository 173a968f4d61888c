"""An operator records an official level assessment in the browser; the SME then sees it beside
its own self-diagnosis, which is marked as unofficial.

The national agency's staff open the company, meet the error summary once (a PNG renamed .pdf is
refused by its content), then record the assessment with its report PDF; the company's level
becomes 중간1. The SME's member opens 우리 회사 수준 from the menu and finds the official level
highlighted with the report to download, and the self-diagnosis beside it under "비공식 자가진단".
axe (0 serious/critical violations) runs on every page visited, and the SME page at 360 px."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from organizations.models import Company, LevelAssessment, Role
from programs.models import SelfDiagnosis
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


@pytest.fixture
def world(transactional_db):
    agency = factories.make_operator("스마트제조혁신추진단")
    factories.make_member(Role.OPERATOR_STAFF, operator=agency, email="staff@kosmo.kr", full_name="이서연")
    company = factories.make_company("한빛정밀", region_code="48")
    member = factories.make_member(
        Role.SME_MEMBER, company=company, email="kim@hanbit.kr", full_name="김민준"
    )
    SelfDiagnosis.objects.create(
        company=company, submitted_by=member, answers={}, score=58, estimated_level="intermediate_2"
    )
    return {"company": company}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def heading(page):
    return page.get_by_role("heading", level=1)


def test_operator_records_and_the_sme_sees_it_beside_its_self_diagnosis(page, live_server, world):
    company = world["company"]
    sign_in(page, live_server, "staff@kosmo.kr")
    page.goto(f"{live_server.url}/org/companies/{company.pk}/")
    expect(heading(page)).to_have_text(company.name)
    expect(page.get_by_text("기록된 수준확인 결과가 없습니다.")).to_be_visible()
    check_page(page, "lvl-01-company-detail-empty")

    page.get_by_role("link", name="수준확인 결과 기록").click()
    expect(heading(page)).to_have_text("수준확인 결과 기록")
    check_page(page, "lvl-02-form")
    page.get_by_label("평가 기관").fill("스마트제조혁신추진단")
    page.get_by_label("연", exact=True).fill("2026")
    page.get_by_label("월", exact=True).fill("3")
    page.get_by_label("일", exact=True).fill("10")
    page.get_by_label("중간1").check()
    page.get_by_label("데이터 수집 점수").fill("72")
    page.get_by_label("분석 점수").fill("65")
    page.get_by_label("자율 제어 점수").fill("41")
    page.get_by_label("수준확인 결과서").set_input_files(
        {"name": "결과서.pdf", "mimeType": "application/pdf", "buffer": PNG}
    )
    page.get_by_role("button", name="수준확인 결과 기록").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("선택한 파일의 내용이 확장자(.pdf)와 맞지 않습니다.")
    expect(page).to_have_title(f"오류: {company.name} - 수준확인 결과 기록 | 스마트공장 사업관리시스템")
    expect(page.get_by_label("분석 점수")).to_have_value("65")  # every answer is kept
    check_page(page, "lvl-03-form-errors")
    assert not LevelAssessment.objects.exists()

    page.get_by_role("link", name="선택한 파일의 내용이 확장자(.pdf)와 맞지 않습니다.", exact=False).click()
    expect(page.get_by_label("수준확인 결과서")).to_be_focused()
    page.get_by_label("수준확인 결과서").set_input_files(
        {"name": "한빛정밀 수준확인 결과서.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="수준확인 결과 기록").click()
    expect(page.get_by_role("status")).to_contain_text(
        "수준확인 결과를 기록했습니다. 현재 스마트공장 수준: 중간1"
    )
    expect(page.locator("tr.level-in-force")).to_contain_text("현재 수준")
    check_page(page, "lvl-04-company-detail-recorded")
    company.refresh_from_db()
    assert company.smart_factory_level == "intermediate_1"
    page.get_by_role("button", name="로그아웃").click()

    sign_in(page, live_server, "kim@hanbit.kr")
    page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="우리 회사 수준").click()
    expect(heading(page)).to_have_text("우리 회사 스마트공장 수준")
    official = page.locator(".level-official")
    unofficial = page.locator(".level-unofficial")
    expect(official.locator(".stat")).to_have_text("중간1")
    expect(official).to_contain_text("스마트제조혁신추진단")
    expect(unofficial.get_by_text("비공식 자가진단")).to_be_visible()
    expect(unofficial.locator(".stat")).to_have_text("중간2")
    assert official.bounding_box()["x"] < unofficial.bounding_box()["x"]  # side by side
    expect(page.locator("tr.level-in-force")).to_contain_text("2026. 3. 10.")
    with page.expect_download() as download:
        official.get_by_role("link", name="결과서 내려받기", exact=False).click()
    assert download.value.suggested_filename == "한빛정밀 수준확인 결과서.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    check_page(page, "lvl-05-sme-level")
    page.set_viewport_size({"width": 360, "height": 800})
    check_page(page, "lvl-06-sme-level-360")
    assert Company.objects.get(pk=company.pk).smart_factory_level == "intermediate_1"
