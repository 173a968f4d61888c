"""Outcomes in the browser: the lead opens the project's outcome page from the project page, enters
the completion values with one wrong (the error summary names it, nothing saved), fixes it and sees
the rates and the overall score; then, with the clock moved a year past the inspection pass
(time_machine in this process, which the live server shares), enters the one-year values. axe runs
on every page."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import OutcomeValue
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def w(transactional_db):
    w = factories.make_project(lead_name="한빛정밀")
    w.project.status = "inspection"
    w.project.save(update_fields=["status"])
    return w


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def fill(form, values):
    for label, value in values.items():
        form.get_by_label(label, exact=False).fill(value)


def test_the_lead_enters_completion_and_one_year_values(w, page, live_server):
    project = w.project
    sign_in(page, live_server, w.lead_user.email)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="성과 관리").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("성과 관리")
    check_page(page, "outcomes")

    form = page.locator("form", has=page.get_by_role("button", name="완료 시점 값 저장"))
    fill(form, {"불량률 (%)": "1.5", "설비 가동률 (%)": "88", "리드타임 (일)": "3", "납기 준수율 (%)": "120"})
    form.get_by_role("button", name="완료 시점 값 저장").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("납기 준수율은 0%에서 100% 사이로 입력해 주십시오. 입력한 값: 120")
    check_page(page, "outcomes-error")
    assert not OutcomeValue.objects.filter(moment="completion").exists()

    form = page.locator("form", has=page.get_by_role("button", name="완료 시점 값 저장"))
    expect(form.get_by_label("불량률 (%)")).to_have_value("1.5")  # what was typed stays
    form.get_by_label("납기 준수율 (%)").fill("96.5")
    form.get_by_role("button", name="완료 시점 값 저장").click()
    expect(page.locator(".alert-success")).to_contain_text("완료 시점 성과 값 4건을 저장했습니다.")
    table = page.get_by_role("region", name="성과 지표와 달성률")
    expect(table.get_by_role("row", name=re.compile("^불량률"))).to_contain_text("120.0%")
    expect(page.get_by_test_id("overall-completion")).to_have_text("53.3%")
    check_page(page, "outcomes-completion")

    passed_at = timezone.now()
    project.inspection_passed_at = passed_at
    project.save(update_fields=["inspection_passed_at"])
    page.reload()
    expect(page.get_by_role("main")).to_contain_text("1년 후 성과는")

    with time_machine.travel(passed_at + datetime.timedelta(days=366), tick=True):
        assert timezone.now() > passed_at + datetime.timedelta(days=365)
        page.goto(f"{live_server.url}/projects/{project.pk}/outcomes/")
        if "/accounts/login/" in page.url:  # the session expired in the year that passed
            sign_in(page, live_server, w.lead_user.email)
            page.goto(f"{live_server.url}/projects/{project.pk}/outcomes/")
        form = page.locator("form", has=page.get_by_role("button", name="완료 1년 후 값 저장"))
        fill(form, {"불량률 (%)": "1.2", "설비 가동률 (%)": "90", "리드타임 (일)": "2.5", "고용 (명)": "15"})
        form.get_by_label("증빙 메모").fill("2026년 3월 MES 월간 보고서")
        form.get_by_role("button", name="완료 1년 후 값 저장").click()
        expect(page.get_by_test_id("overall-one-year")).to_have_text("60.0%")
        page.screenshot(path="/tmp/outcomes.png", full_page=True)
        check_page(page, "outcomes-one-year")
    row = OutcomeValue.objects.get(indicator__code="defect_rate", moment="one_year")
    assert row.note == "2026년 3월 MES 월간 보고서" and row.entered_by == w.lead_user
