"""Operator staff work through submitted applications in the browser; the applicant answers.

Staff filter the list down to the failing application, open it, override the failing rule (the
error summary first, without a reason), and send a clarification asking for a tax certificate.
The applicant, in another browser context, finds the request in its list and answers with a PDF;
staff then see the answer and the file in the thread. axe (0 serious/critical violations) runs on
every page visited."""

import pytest
from playwright.sync_api import expect

from applications import services
from applications.models import ApplicationDocument, Clarification, EligibilityResult
from organizations.models import Role
from programs.models import EligibilityRule
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(transactional_db):
    operator = factories.make_operator("스마트제조혁신추진단")
    factories.make_member(Role.OPERATOR_STAFF, operator=operator, email="staff@kosmo.kr", full_name="이서연")
    call = factories.make_call(
        operator, status="open", opens_in_days=-1, closes_in_days=10, reference="SF-2027-01"
    )
    factories.make_required_documents(call, advancement=())
    EligibilityRule.objects.create(
        call=call,
        kind="sme_size",
        params={"max_employees": 300, "max_revenue": None, "combine": "all"},
        order=0,
    )
    EligibilityRule.objects.create(call=call, kind="production_facility", params={}, order=1)
    track = factories.make_track(call, "basic", name_ko="기초형")
    supplier = factories.make_supplier("용접자동화")
    applications = {}
    for name, email, employees, region in (
        ("한빛정밀", "kim@hanbit.kr", 450, "48"),
        ("수원전자", "lee@suwon.kr", 80, "41"),
        ("부산기계", "park@busan.kr", 120, "26"),
    ):
        company = factories.make_company(name, region_code=region, employees=employees)
        user = factories.make_member(Role.SME_MEMBER, company=company, email=email, full_name=f"{name} 담당")
        application = factories.make_application(track, company, user, supplier=supplier)
        submission, _ = services.application_submit(user, application)
        services.eligibility_run(submission.eligibility_runs.get().pk)
        applications[name] = application
    return {"applications": applications}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def heading(page):
    return page.get_by_role("heading", level=1)


def test_staff_override_and_ask_then_the_applicant_answers_with_a_pdf(
    page, live_server, world, browser, browser_context_args
):
    failing = world["applications"]["한빛정밀"]
    sign_in(page, live_server, "staff@kosmo.kr")
    page.goto(live_server.url + "/applications/manage/")
    expect(heading(page)).to_have_text("신청서 관리")
    expect(page.get_by_role("status").first).to_contain_text("신청서 3건")
    check_page(page, "app-op-01-list")

    # Filter to the one that failed the size rule.
    page.get_by_label("자격 확인 결과").select_option(label="부적합")
    page.get_by_role("button", name="검색").click()
    expect(page.locator(".result-count")).to_have_text("신청서 1건")
    table = page.get_by_role("table", name="신청서 목록")
    expect(table.get_by_role("rowheader")).to_have_count(1)
    check_page(page, "app-op-02-list-filtered")
    table.get_by_role("link", name=failing.lead.name).click()

    expect(heading(page)).to_contain_text(failing.lead.name)
    expect(page.get_by_role("cell", name="부적합", exact=True)).to_be_visible()
    check_page(page, "app-op-03-detail")

    # Override the failing rule: first without a reason.
    page.get_by_role("link", name="결과 변경 중소기업 규모").click()
    expect(heading(page)).to_have_text("자격 확인 결과 변경: 중소기업 규모")
    check_page(page, "app-op-04-override")
    page.get_by_label("적합", exact=True).check()
    page.get_by_role("button", name="결과 변경").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text("결과를 바꾸는 사유를 입력해 주십시오.")
    check_page(page, "app-op-05-override-errors")
    page.get_by_label("변경 사유").fill("3년 평균 상시 근로자 280명 확인(4대보험 가입자 명부)")
    page.get_by_role("button", name="결과 변경").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "'중소기업 규모' 결과를 '적합'(으)로 바꿨습니다."
    )
    expect(page.get_by_text("변경됨")).to_be_visible()
    expect(page.locator(".muted", has_text="3년 평균 상시 근로자 280명 확인")).to_be_visible()
    check_page(page, "app-op-06-detail-overridden")
    result = EligibilityResult.objects.get(run__submission__application=failing, kind="sme_size")
    assert result.effective_outcome == "pass"

    # Ask for the tax certificate.
    page.get_by_role("link", name="보완 요청하기").click()
    expect(heading(page)).to_have_text("보완 요청")
    check_page(page, "app-op-07-ask")
    page.get_by_label("제목").fill("납세증명서 누락")
    page.get_by_label("요청 내용").fill("국세 납세증명서를 올려 주십시오.")
    page.get_by_label("요청 서류").select_option(label="납세증명서")
    page.get_by_role("button", name="보완 요청 보내기").click()
    expect(heading(page)).to_have_text("납세증명서 누락")
    expect(page.get_by_text("D-7")).to_be_visible()
    check_page(page, "app-op-08-thread-staff")
    clarification = Clarification.objects.get()

    # The applicant, in a browser of its own.
    context = browser.new_context(**browser_context_args)
    applicant = context.new_page()
    sign_in(applicant, live_server, "kim@hanbit.kr")
    applicant.goto(live_server.url + "/applications/clarifications/")
    expect(heading(applicant)).to_have_text("보완 요청")
    check_page(applicant, "app-op-09-applicant-list")
    applicant.get_by_role("link", name="납세증명서 누락").click()
    expect(heading(applicant)).to_have_text("납세증명서 누락")
    check_page(applicant, "app-op-10-applicant-thread")
    applicant.get_by_label("답변 내용").fill("납세증명서를 올립니다.")
    applicant.get_by_label("납세증명서 파일").set_input_files(
        files=[{"name": "납세증명서.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    applicant.get_by_role("button", name="답변 등록").click()
    expect(applicant.get_by_role("status").first).to_contain_text("답변을 등록했습니다.")
    expect(applicant.get_by_role("link", name="납세증명서.pdf")).to_be_visible()
    check_page(applicant, "app-op-11-applicant-answered")
    context.close()
    document = ApplicationDocument.objects.get(clarification=clarification)
    assert (document.kind, document.original_name) == ("tax_clearance", "납세증명서.pdf")

    # Staff see the answer in the thread and on the application.
    page.reload()
    expect(page.get_by_text("납세증명서를 올립니다.")).to_be_visible()
    expect(page.get_by_role("link", name="납세증명서.pdf")).to_be_visible()
    page.get_by_role("link", name="신청서로 돌아가기").click()
    expect(page.get_by_role("heading", name="보완 요청으로 받은 서류")).to_be_visible()
    check_page(page, "app-op-12-detail-answered")

    # The same detail at 360 px, and the list in English.
    page.set_viewport_size({"width": 360, "height": 800})
    check_page(page, "app-op-13-detail-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/applications/manage/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading(page)).to_have_text("Applications")
    expect(page.locator(".result-count")).to_have_text("3 applications")
    check_page(page, "app-op-14-list-en")
    page.get_by_role("table", name="Applications").get_by_role("link", name=failing.lead.name).click()
    expect(page.get_by_role("heading", name="Eligibility", exact=True)).to_be_visible()
    check_page(page, "app-op-15-detail-en")
