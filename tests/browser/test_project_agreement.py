"""The first step of issue 7 in the browser: the call's staff register a confirmed, released
selection as a project; the operator, the lead SME and the supplier each accept the agreement in
their own browser; the agreement comes into force; the lead requests the advance, staff approve it,
and the balance waits for the final inspection. axe runs on every page.

(The issue's whole-path browser test, through reports, inspection and outcomes, waits for those
parts to be built.)"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluations.models import Decision, EvaluationPlan
from monitoring.models import Agreement, Project, Tranche
from organizations.models import Role
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    operator = factories.make_operator("스마트제조혁신추진단")
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=operator, email="staff@kosmo.kr")
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    factories.make_required_documents(call)
    track = factories.make_track(call, "basic", name_ko="기초형")
    lead = factories.make_company("한빛정밀", region_code="41")
    lead_user = factories.make_member(Role.SME_MEMBER, company=lead, email="sme@hanbit.kr")
    supplier = factories.make_supplier("용접자동화솔루션")
    factories.make_member(Role.SUPPLIER_MEMBER, company=supplier.company, email="sales@weld.kr")
    submission = factories.make_submitted(track, lead, user=lead_user, supplier=supplier)
    now = timezone.now()
    Decision.objects.create(
        plan=EvaluationPlan.objects.create(call=call),
        submission=submission,
        track=track,
        status="selected",
        government_share=50_000_000,
        decided_by=staff,
        decided_at=now,
        final=True,
        finalised_at=now,
        released_at=now,
    )
    return {"submission": submission}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def accept_as(browser, live_server, email, menu):
    page = browser.new_context(locale="ko-KR").new_page()
    sign_in(page, live_server, email)
    page.get_by_role("link", name=menu).first.click()
    check_page(page, f"project-list-{email}")
    page.get_by_role("link", name="MES 기반 용접 공정 품질 데이터 수집").click()
    check_page(page, f"project-detail-{email}")
    page.get_by_role("button", name=re.compile("^협약에 동의합니다")).click()
    expect(page.get_by_role("region", name="협약 당사자")).to_contain_text("동의")
    return page


def test_parties_accept_the_agreement_and_the_advance_is_paid_while_the_balance_waits(
    world, page, browser, live_server
):
    receipt = world["submission"].receipt_number
    sign_in(page, live_server, "staff@kosmo.kr")
    page.get_by_role("link", name="과제 관리").first.click()
    page.goto(live_server.url + "/projects/new/")
    check_page(page, "project-candidates")
    page.get_by_role("button", name=f"과제 등록 {receipt}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MES 기반 용접 공정 품질 데이터 수집")
    check_page(page, "project-detail-staff")
    project = Project.objects.get()
    assert [t.amount for t in project.tranches.order_by("order")] == [35_000_000, 15_000_000]

    page.get_by_role("button", name=re.compile("^협약에 동의합니다")).click()  # the operator's own party
    lead_page = accept_as(browser, live_server, "sme@hanbit.kr", "내 과제")
    accept_as(browser, live_server, "sales@weld.kr", "내 과제")
    agreement = Agreement.objects.get(project=project)
    assert agreement.status == "in_force"
    assert agreement.parties.filter(accepted_at__isnull=True).count() == 0
    project.refresh_from_db()
    assert project.status == "in_progress"

    lead_page.reload()
    lead_page.get_by_role("button", name=re.compile("^지급 요청")).first.click()
    page.reload()
    page.get_by_role("button", name=re.compile("^지급 승인")).click()
    expect(page.get_by_role("region", name="지급 차수")).to_contain_text("지급 승인")
    check_page(page, "project-tranches-staff")
    advance, balance = Tranche.objects.filter(project=project).order_by("order")
    assert advance.status == "approved" and balance.status == "scheduled"
    expect(page.get_by_role("region", name="지급 차수")).to_contain_text("최종 점검")
