"""The final inspection in the browser: the call's staff appoint an evaluator as the supervising
inspector; the inspector (an outside expert who sees the project only through "내 점검") works
through the checklist and records a conditional pass with one corrective action and the supplier
rating; the lead SME plans the action and reports its result; the inspector confirms it, so the
inspection passes; the lead requests the balance and staff approve it. axe runs on every page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import FinalInspection
from monitoring.models import Project, Tranche
from suppliers.models import SupplierReview
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    w = factories.make_project(starts_days_ago=150)
    w.evaluator = factories.make_evaluator(w.operator, "김감리", email="inspector@expert.kr")
    return w


def sign_in(browser, live_server, user):
    page = browser.new_context(locale="ko-KR").new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(user.email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()
    return page


def kdate(d):
    return f"{d.year}. {d.month}. {d.day}."


def test_conditional_pass_then_confirmed_action_releases_the_balance(world, browser, live_server):
    project = world.project
    url = f"{live_server.url}/projects/{project.pk}/inspection/"

    staff = sign_in(browser, live_server, world.staff)
    staff.goto(f"{live_server.url}/projects/{project.pk}/")
    staff.get_by_role("link", name="중간·최종 점검").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("중간 점검과 최종 점검")
    check_page(staff, "inspection-staff")
    staff.get_by_label("감리 점검자").select_option(str(world.evaluator.user.pk))
    staff.get_by_role("button", name="감리 점검자 지정").click()
    expect(staff.get_by_role("main")).to_contain_text("김감리 님을 감리 점검자로 지정했습니다")
    check_page(staff, "inspection-appointed")
    inspection = FinalInspection.objects.get()
    assert Project.objects.get(pk=project.pk).status == "inspection"

    inspector = sign_in(browser, live_server, world.evaluator.user)
    inspector.get_by_role("link", name="내 점검").first.click()
    check_page(inspector, "my-inspections")
    inspector.get_by_role("link", name=project.title).click()
    check_page(inspector, "inspection-inspector")
    for item in inspection.items.order_by("pk"):
        form = inspector.locator(f"form[action='/projects/checklist/{item.pk}/']")
        form.get_by_label("확인함").check()
        form.get_by_label("점검 의견").fill(f"{item.get_key_display()} 확인")
        form.get_by_role("button", name=re.compile("^항목 기록")).click()
        expect(inspector.get_by_role("main")).to_contain_text("기록했습니다")
    inspector.get_by_label("점검 결과", exact=True).select_option("conditional")
    inspector.get_by_label("결과 의견·불합격 사유").fill("데이터 수집 주기 보완 필요")
    inspector.get_by_label("시정 조치 1 (선택)", exact=True).fill("수집 주기를 1초로 조정")
    inspector.get_by_label("시정 조치 1 기한").fill(kdate(timezone.localdate() + datetime.timedelta(days=14)))
    inspector.get_by_label("공급기업 평점").select_option("4")
    inspector.get_by_role("button", name="점검 결과 기록").click()
    expect(inspector.get_by_role("main")).to_contain_text("조건부 통과")
    check_page(inspector, "inspection-conditional")
    assert SupplierReview.objects.get(profile=world.supplier).score == 4

    lead = sign_in(browser, live_server, world.lead_user)
    lead.goto(url)
    check_page(lead, "inspection-lead")
    lead.get_by_label("조치 계획").fill("PLC 수집 설정 변경")
    lead.get_by_role("button", name=re.compile("^조치 계획 제출")).click()
    expect(lead.get_by_role("main")).to_contain_text("조치 계획을 제출했습니다")
    lead.get_by_label("조치 결과").fill("1초 주기로 수집 중, 화면 캡처 첨부")
    lead.get_by_role("button", name=re.compile("^조치 결과 보고")).click()
    expect(lead.get_by_role("main")).to_contain_text("조치 결과를 보고했습니다")
    check_page(lead, "inspection-lead-reported")

    inspector.reload()
    inspector.get_by_role("button", name=re.compile("^조치 확인")).click()
    expect(inspector.get_by_role("main")).to_contain_text("최종 점검을 통과했습니다")
    check_page(inspector, "inspection-passed")
    inspector.screenshot(path="/tmp/inspections.png", full_page=True)
    assert Project.objects.get(pk=project.pk).inspection_passed_at is not None

    lead.goto(f"{live_server.url}/projects/{project.pk}/")
    lead.get_by_role("button", name="지급 요청 (잔금(최종 점검 통과 후))").click()
    staff.goto(f"{live_server.url}/projects/{project.pk}/")
    staff.get_by_role("button", name="지급 승인 (잔금(최종 점검 통과 후))").click()
    expect(staff.get_by_role("region", name="지급 차수")).to_contain_text("지급 승인")
    check_page(staff, "balance-approved")
    assert Tranche.objects.get(project=project, kind="balance").status == "approved"
