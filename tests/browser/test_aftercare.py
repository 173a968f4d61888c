"""After the project in the browser: a project whose final inspection passed and whose tranches are
all paid (set up through the models: those are other steps' pages); the call's staff close it on
the aftercare page; the lead SME rates the supplier and starts the next-level application, which
opens pre-filled with the project's plan and the same supplier invited. axe runs on every page."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from suppliers.models import SupplierReview
from tests import factories
from tests.aftercare.conftest import make_ready
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    ns = make_ready(factories.make_project(lead_name="한빛정밀"))
    operator = factories.make_operator("다음단계운영기관")
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=20)
    ns.next_track = factories.make_track(call, "intermediate_1", name_ko="중간1형")
    ns.next_call = call
    return ns


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def open_aftercare(page, live_server, project, name):
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="사후관리").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("사후관리")
    check_page(page, name)


def test_staff_close_and_the_lead_rates_and_continues_to_the_next_level(world, page, browser, live_server):
    ns = world
    sign_in(page, live_server, ns.staff.email)
    open_aftercare(page, live_server, ns.project, "aftercare-staff")
    expect(page.get_by_text("과제를 종료할 수 있습니다")).to_be_visible()
    page.get_by_label("종료 메모").fill("최종 점검 통과, 잔금 지급 완료")
    page.get_by_role("button", name="과제 종료").click()
    expect(page.get_by_text("이 과제는 종료되었습니다.")).to_be_visible()
    check_page(page, "aftercare-closed")

    lead = browser.new_context(locale="ko-KR").new_page()
    sign_in(lead, live_server, ns.lead_user.email)
    open_aftercare(lead, live_server, ns.project, "aftercare-lead")
    search = lead.get_by_role("link", name=re.compile("고도화 솔루션 찾기"))
    expect(search).to_have_attribute("href", re.compile(r"level=intermediate_1"))
    lead.get_by_label("평점").select_option("4")
    lead.get_by_label("평가 의견").fill("일정을 잘 지켰습니다.")
    lead.get_by_role("button", name="공급기업 평가 등록").click()
    expect(lead.get_by_text("평점 4점 / 5점")).to_be_visible()
    lead.screenshot(path="/tmp/aftercare.png", full_page=True)
    check_page(lead, "aftercare-rated")
    assert SupplierReview.objects.get().project_reference == ns.project.submission.receipt_number

    lead.get_by_label("신청할 공고와 지원 유형").select_option(str(ns.next_track.pk))
    lead.get_by_role("button", name="다음 단계 신청서 만들기").click()
    expect(lead.get_by_text("다음 단계 신청서를 만들었습니다")).to_be_visible()
    check_page(lead, "next-level-task-list")
    application = Application.objects.get(track=ns.next_track)
    lead.goto(f"{live_server.url}/applications/{application.pk}/plan/")
    expect(lead.get_by_label("과제명")).to_have_value(f"{ns.project.title} 고도화")
    check_page(lead, "next-level-plan")
    lead.goto(f"{live_server.url}/applications/{application.pk}/consortium/")
    expect(lead.get_by_role("main")).to_contain_text(ns.supplier.company.name)
    check_page(lead, "next-level-consortium")
