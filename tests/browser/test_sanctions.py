"""Sanctions in the browser: the call's staff mark a project abandoned, impose a participation
restriction on its lead, order part of the paid grant back and record a repayment; the lead sees
the restriction and the order on its own page. axe runs on every page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanctions.models import RepaymentOrder, Restriction
from tests import factories
from tests.browser.axe import check_page
from tests.browser.test_project_agreement import sign_in
from tests.sanctions.conftest import pay_advance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_abandon_restrict_order_and_record_a_repayment(page, browser, live_server):
    world = factories.make_project()
    paid = pay_advance(world).amount
    sign_in(page, live_server, world.staff.email)
    page.get_by_role("link", name="제재·환수 관리").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("제재·환수 관리")
    check_page(page, "sanctions-home")

    # The project is abandoned.
    page.locator("#id_abandon-project").select_option(str(world.project.pk))
    page.locator("#id_abandon-reason").fill("주관기업의 사업 포기 의사 확인")
    page.get_by_role("button", name="중도 포기로 처리").click()
    expect(page.get_by_role("region", name="중도 포기 처리한 과제")).to_contain_text("사업 포기 의사")
    world.project.refresh_from_db()
    assert world.project.status == "abandoned"

    # A restriction on the lead for the abandoned project: three years by default.
    page.get_by_label("제한 대상 기업의 사업자등록번호").fill(world.lead.business_number_display)
    page.locator("#id_restriction-project").select_option(str(world.project.pk))
    page.get_by_label("제한 사유 구분").select_option("abandoned")
    page.get_by_label("제한 사유", exact=True).fill("정당한 사유 없는 중도 포기")
    page.get_by_role("button", name="참여 제한 처분").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.lead.name)
    expect(page.locator("dl.summary")).to_contain_text("제한 중")
    check_page(page, "sanctions-restriction")
    assert Restriction.objects.get().company == world.lead

    # A repayment order for the paid advance, then a part repaid.
    page.get_by_role("link", name="제재·환수 목록으로 돌아가기").click()
    page.locator("#id_order-project").select_option(str(world.project.pk))
    page.get_by_label("환수 금액(원)").fill(f"{paid:,}")
    due = timezone.localdate() + timezone.timedelta(days=30)
    page.get_by_label("납부 기한").fill(due.isoformat())
    page.get_by_label("환수 사유").fill("중도 포기에 따른 선급금 환수")
    page.get_by_role("button", name="환수 명령 등록").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("환수 명령")
    page.get_by_label("납부액(원)").fill("5,000,000")
    page.get_by_label("납부일").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="납부 기록").click()
    expect(page.get_by_role("region", name="납부 기록")).to_contain_text("5,000,000")
    check_page(page, "sanctions-order")
    order = RepaymentOrder.objects.get()
    assert order.repayments.count() == 1 and order.status == "open"
    page.screenshot(path="/tmp/sanctions.png", full_page=True)

    # The lead sees both on its own page.
    lead_page = browser.new_context(locale="ko-KR").new_page()
    sign_in(lead_page, live_server, world.lead_user.email)
    lead_page.goto(live_server.url + "/sanctions/")
    expect(lead_page.get_by_role("heading", level=1)).to_have_text("제재·환수 내역")
    expect(lead_page.get_by_role("region", name="참여 제한")).to_contain_text(world.lead.name)
    expect(lead_page.get_by_role("region", name="환수 명령")).to_contain_text(world.project.title)
    check_page(lead_page, "sanctions-mine")
