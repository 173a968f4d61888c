"""The main path of the applications issue, end to end in the browser.

An SME diagnoses itself, picks a recommended call, starts the application, invites a registered
supplier whose member ACCEPTS IN ANOTHER BROWSER CONTEXT, fills the plan (autosaved as it types),
the budget (live shares by htmx), the KPIs, uploads the required documents, confirms the
declarations, checks the answers, submits, gets the receipt (and its PDF when that view answers),
and sees the eligibility results appear without reloading by hand. axe runs on every page.

The eligibility check is run by a real Celery worker started for this test (`fresh_celery_worker`):
the live server's submission enqueues it on commit and the receipt page, polling every 3 seconds,
shows the results when the worker has stored them.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from playwright.sync_api import expect

from applications.models import Application, EligibilityRun, MemberStatus, Submission
from organizations.models import Role
from programs import diagnosis, eligibility
from programs.models import CallStatus, DocumentKind, EligibilityRule, RequiredDocument
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")
M = 1_000_000
CALL_TITLE = "2026년 스마트공장 기초 구축 지원 공고"
PDF = factories.PDF_BYTES


@pytest.fixture
def world(transactional_db):
    operator = factories.make_operator("스마트제조혁신추진단")
    company = factories.make_company("한빛정밀", region_code="41")
    factories.make_member(Role.SME_MEMBER, company=company, email="sme@hanbit.kr", full_name="김민준")
    supplier = factories.make_supplier("용접자동화솔루션", region_code="41")
    factories.make_member(
        Role.SUPPLIER_MEMBER, company=supplier.company, email="sales@weld.kr", full_name="박공급"
    )
    today = datetime.datetime.now(SEOUL).date()
    call = factories.make_call(
        operator,
        status=CallStatus.OPEN,
        title_ko=CALL_TITLE,
        opens_at=datetime.datetime.combine(today - datetime.timedelta(days=3), datetime.time(9), SEOUL),
        closes_at=datetime.datetime.combine(today + datetime.timedelta(days=20), datetime.time(18), SEOUL),
    )
    factories.make_track(call, "basic", name_ko="기초형", funders=(("central_government", "0.5", 50 * M),))
    for order, kind in enumerate((DocumentKind.BUSINESS_PLAN, DocumentKind.FINANCIAL_STATEMENTS)):
        RequiredDocument.objects.create(call=call, kind=kind, order=order)
    for order, (kind, params) in enumerate(eligibility.DEFAULT_RULES):
        EligibilityRule.objects.create(call=call, kind=kind, params=params, order=order)
    return {"call": call, "company": company, "supplier": supplier}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def heading(page):
    return page.get_by_role("heading", level=1)


def task(page, name):
    return page.locator(".task-list-item", has=page.get_by_role("link", name=name))


def complete_and_continue(page):
    page.get_by_label("네, 완료했습니다").check()
    page.get_by_role("button", name="저장하고 계속").click()
    expect(heading(page)).to_have_text("사업 신청서 작성")


def test_sme_applies_with_a_supplier_who_accepts_elsewhere_and_sees_eligibility_live(
    page, browser, browser_context_args, live_server, world, tmp_path, fresh_celery_worker
):
    # --- self-diagnosis → recommended call → start ------------------------------------------------
    sign_in(page, live_server, "sme@hanbit.kr")
    page.goto(live_server.url + "/programs/diagnosis/")
    expect(heading(page)).to_have_text("스마트공장 수준 자가진단")
    check_page(page, "app-01-diagnosis")
    with translation.override("ko"):
        labels = [(str(q.text), str(q.choices[0].label)) for q in diagnosis.QUESTIONS]
    for question, answer in labels:
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="진단 결과 보기").click()
    expect(heading(page)).to_have_text("자가진단 결과")
    card = page.locator(".rec-card", has=page.get_by_role("link", name=CALL_TITLE))
    expect(card).to_be_visible()
    check_page(page, "app-02-diagnosis-result")
    card.get_by_role("button", name=re.compile("이 유형으로 신청하기")).click()

    expect(heading(page)).to_have_text("사업 신청서 작성")
    application = Application.objects.get(lead=world["company"])
    expect(task(page, "사업 계획 작성").locator(".task-tag")).to_have_text("시작 전")
    expect(page.get_by_text("6개 중 0개 완료")).to_be_visible()
    check_page(page, "app-03-task-list")

    # --- consortium: invite the registered supplier by its business number ------------------------
    page.get_by_role("link", name="컨소시엄 구성").click()
    expect(heading(page)).to_have_text("컨소시엄 구성")
    check_page(page, "app-04-consortium")
    page.get_by_label("공급기업 사업자등록번호").fill(world["supplier"].company.business_number)
    page.get_by_label("공급 계약 금액(원)").fill("30,000,000")
    page.get_by_role("button", name="참여 요청 보내기").click()
    expect(page.locator(".members-table")).to_contain_text("수락 대기")
    check_page(page, "app-05-consortium-invited")

    # --- the supplier accepts in its own browser context -------------------------------------------
    other = browser.new_context(**browser_context_args)
    supplier_page = other.new_page()
    sign_in(supplier_page, live_server, "sales@weld.kr")
    supplier_page.goto(live_server.url + "/applications/invitations/")
    expect(heading(supplier_page)).to_have_text("컨소시엄 참여 요청")
    invitation = supplier_page.locator(".invitation").first
    expect(invitation).to_contain_text("한빛정밀")
    expect(invitation).to_contain_text(CALL_TITLE)
    expect(invitation.locator(".members-table")).to_contain_text("공급기업")
    check_page(supplier_page, "app-06-supplier-invitation")
    invitation.get_by_label("네, 참여하겠습니다").check()
    invitation.get_by_role("button", name="응답 보내기").click()
    expect(supplier_page.get_by_text("컨소시엄 참여를 수락했습니다")).to_be_visible()
    check_page(supplier_page, "app-07-supplier-accepted")
    other.close()
    assert application.members.get().status == MemberStatus.ACCEPTED

    page.reload()
    expect(page.locator(".members-table")).to_contain_text("참여 수락")
    complete_and_continue(page)
    expect(task(page, "컨소시엄 구성").locator(".task-tag")).to_have_text("완료")

    # --- plan: autosaved while typing, then completed ---------------------------------------------
    page.get_by_role("link", name="사업 계획 작성").click()
    check_page(page, "app-08-plan")
    page.get_by_role("button", name="저장하고 계속").click()  # unanswered: the GOV.UK error summary
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("이 항목을 완료했는지 선택해 주십시오.")
    assert page.title().startswith("오류: ")
    check_page(page, "app-08b-plan-errors")
    page.get_by_label("과제명").fill(factories.READY_PLAN["title"])
    expect(page.locator("#autosave-status")).to_contain_text(re.compile(r"자동 저장됨 \d\d:\d\d"))
    page.goto(live_server.url + f"/applications/{application.pk}/")
    expect(task(page, "사업 계획 작성").locator(".task-tag")).to_have_text("작성 중")
    page.get_by_role("link", name="사업 계획 작성").click()
    expect(page.get_by_label("과제명")).to_have_value(factories.READY_PLAN["title"])  # nothing lost
    for name, label in (
        ("summary", "과제 요약"),
        ("existing_systems", "보유 시스템"),
        ("integration_plan", "기존 시스템 연계 방안"),
        ("data_plan", "데이터 활용 계획"),
        ("expected_return", "기대 효과"),
    ):
        page.get_by_label(label, exact=True).fill(factories.READY_PLAN[name])
    page.get_by_label("사업 기간(개월)").fill("6")
    complete_and_continue(page)

    # --- budget: the sum check and live shares (htmx) ----------------------------------------------
    page.get_by_role("link", name="사업비와 분담금 입력").click()
    page.get_by_label("총 사업비(원)").fill("100,000,000")
    page.get_by_label("소프트웨어(원)").fill("60,000,000")
    shares = page.locator("#budget-shares")
    expect(shares.locator(".budget-mismatch")).to_contain_text("40,000,000원을 항목에 더해 주십시오")
    expect(shares.get_by_role("row", name=re.compile("^국비"))).to_contain_text("50,000,000원")
    expect(shares.get_by_role("row", name=re.compile("^기업 부담금"))).to_contain_text("50,000,000원")
    check_page(page, "app-09-budget-mismatch")
    page.get_by_label("하드웨어(원)").fill("30,000,000")
    page.get_by_label("시스템 연동·구축(원)").fill("10,000,000")
    expect(shares.locator(".budget-ok")).to_be_visible()
    check_page(page, "app-10-budget-ok")
    complete_and_continue(page)

    # --- KPIs ----------------------------------------------------------------------------------------
    page.get_by_role("link", name="성과 지표 입력").click()
    for kpi, (baseline, target) in zip(
        application.kpis.all(), [("4.5", "2.0"), ("70", "85"), ("10", "7")], strict=True
    ):
        page.locator(f"#id_kpi-{kpi.pk}-baseline").fill(baseline)
        page.locator(f"#id_kpi-{kpi.pk}-target").fill(target)
    check_page(page, "app-11-kpis")
    complete_and_continue(page)

    # --- documents: small valid PDFs ----------------------------------------------------------------
    page.get_by_role("link", name="제출 서류 올리기").click()
    check_page(page, "app-12-documents")
    for label, filename in (("사업계획서", "사업계획서.pdf"), ("재무제표", "재무제표.pdf")):
        page.get_by_role("group", name="서류 종류").get_by_label(label, exact=True).check()
        page.get_by_label("파일").set_input_files(
            {"name": filename, "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="서류 올리기").click()
        expect(page.get_by_text(f"'{filename}'을(를) {label}(으)로 올렸습니다.")).to_be_visible()
    check_page(page, "app-13-documents-uploaded")
    complete_and_continue(page)

    # --- declarations --------------------------------------------------------------------------------
    page.get_by_role("link", name="확인 사항 동의").click()
    for checkbox in page.locator("fieldset.form-group input[type=checkbox]").all():
        checkbox.check()
    page.get_by_label("아니요, 받은 적이 없습니다").check()
    check_page(page, "app-14-declarations")
    complete_and_continue(page)
    expect(page.get_by_text("6개 중 6개 완료")).to_be_visible()
    check_page(page, "app-15-task-list-done")

    # --- check answers and submit --------------------------------------------------------------------
    page.get_by_role("link", name="입력 내용 확인").click()
    expect(heading(page)).to_have_text("신청서 확인")
    expect(page.locator("#blockers")).to_have_count(0)
    check_page(page, "app-16-check")
    page.get_by_role("button", name="신청서 제출").click()
    expect(heading(page)).to_have_text("신청서가 접수되었습니다")
    submission = Submission.objects.get(application=application)
    expect(page.locator(".receipt-number")).to_have_text(submission.receipt_number)
    expect(page.get_by_text("신청 자격을 확인하고 있습니다")).to_be_visible()
    check_page(page, "app-17-receipt-pending")

    pdf_url = live_server.url + f"/applications/submissions/{submission.pk}/receipt.pdf"
    answer = page.request.get(pdf_url)
    assert answer.status == 200 and answer.body().startswith(b"%PDF-")

    # --- eligibility results appear without reloading ------------------------------------------------
    table = page.locator(".eligibility-table")
    expect(table).to_be_visible(timeout=30_000)  # the worker runs the check; the page polls
    run = EligibilityRun.objects.get(submission=submission)
    assert run.status == "done", fresh_celery_worker.log()
    results = list(run.results.order_by("order"))
    assert results
    expect(table.locator("tbody tr")).to_have_count(len(results))
    expect(table).to_contain_text(results[0].reason_ko)
    check_page(page, "app-18-receipt-eligibility")

    page.get_by_role("link", name="나의 신청 현황").click()
    expect(heading(page)).to_have_text("내 신청서")
    expect(page.get_by_role("row", name=re.compile(submission.receipt_number))).to_contain_text("제출 완료")
    check_page(page, "app-19-my-list")

    # The same pages in English (axe again): the receipt with its results, and the list.
    page.get_by_role("button", name="English").click()
    expect(heading(page)).to_have_text("My applications")
    check_page(page, "app-20-my-list-en")
    page.get_by_role("link", name=submission.receipt_number).click()
    expect(heading(page)).to_have_text("Your application has been received")
    expect(page.locator(".eligibility-table")).to_contain_text(results[0].reason_en)
    check_page(page, "app-21-receipt-en")
