"""Change requests in the browser: the lead asks for an extension of more than one month from the
project's change-request page, the call's staff approve it, and the project page shows the new
agreement version (awaiting every party, the old one still in force). axe runs on every page."""

import re

import pytest
from playwright.sync_api import expect

from monitoring import services
from monitoring.models import ChangeRequest, Project
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def test_lead_asks_for_a_long_extension_and_staff_approve(transactional_db, page, browser, live_server):
    p = factories.make_project()
    new_end = services.add_months(p.project.ends_on, 2)
    sign_in(page, live_server, p.lead_user.email)
    page.goto(live_server.url + f"/projects/{p.project.pk}/")
    page.get_by_role("link", name="변경 신청").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("변경 신청")
    check_page(page, "change-list-lead")

    page.get_by_role("button", name="변경 신청").click()  # nothing chosen: the error summary
    expect(page.get_by_role("alert")).to_contain_text("변경 유형을 고르십시오.")
    check_page(page, "change-list-errors")

    page.get_by_label("변경 유형").select_option("extension")
    page.get_by_label("새 수행 종료일").fill(new_end.isoformat())
    page.get_by_label("변경 사유").fill("장비 납기가 두 달 늦어졌습니다.")
    page.get_by_role("button", name="변경 신청").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("수행 기간 연장")
    expect(page.locator(".summary")).to_contain_text("승인 대기")
    check_page(page, "change-detail-lead")
    change = ChangeRequest.objects.get()
    assert (change.path, change.status) == ("approval", "submitted")

    staff = browser.new_context(locale="ko-KR").new_page()
    sign_in(staff, live_server, p.staff.email)
    staff.goto(live_server.url + f"/projects/{p.project.pk}/changes/")
    staff.get_by_role("link", name=re.compile(f"#{change.pk}")).click()
    check_page(staff, "change-detail-staff")
    staff.get_by_label("처리 의견").fill("납기 지연 공문 확인")
    staff.get_by_role("button", name="승인", exact=True).click()
    expect(staff.locator(".summary")).to_contain_text("2차 협약서")
    staff.get_by_role("link", name="2차 협약서").click()
    expect(staff.get_by_role("heading", name="협약", exact=True)).to_be_visible()
    expect(staff.get_by_role("main")).to_contain_text("2차 협약서")
    expect(staff.get_by_role("main")).to_contain_text(
        "모든 당사자가 새 차수에 동의할 때까지 1차 협약이 유효합니다."
    )
    check_page(staff, "project-detail-after-change")
    staff.screenshot(path="/tmp/monitoring_changes.png", full_page=True)
    project = Project.objects.get(pk=p.project.pk)
    assert project.ends_on == new_end
    assert list(project.agreements.order_by("version").values_list("version", "status")) == [
        (1, "in_force"),
        (2, "awaiting"),
    ]
