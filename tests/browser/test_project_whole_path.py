"""Issue 7's whole path in the browser, every step through the pages of the person who takes it:

the operator, the lead SME and the supplier each accept the agreement → the advance is requested,
approved and paid → the lead submits two progress reports → the regional centre records a site visit
→ the lead records a change of CEO (a change the company records itself) → the call's staff appoint an
inspector, who passes the final inspection and rates the supplier → the balance is requested,
approved and paid → the lead enters the outcomes at completion → a year later (the clock moved with
time_machine; the live server runs in this process) the lead enters the one-year outcomes → the
staff close the project → the lead rates the supplier. axe runs on the pages on the way."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import FinalInspection
from monitoring.models import Agreement, ChangeRequest, ProgressReport, Project, SiteVisit, Tranche
from organizations.models import Operator, Role
from outcomes.models import OutcomeValue
from suppliers.models import SupplierReview
from tests import factories
from tests.browser.axe import check_page

# The longest path in the suite: about a minute on an idle machine, allowed more under load.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]


@pytest.fixture
def w(transactional_db):
    w = factories.make_project(in_force=False, starts_days_ago=150, lead_name="한빛정밀")
    centre = factories.make_operator(
        "경기스마트제조혁신센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41"
    )
    centre.regions_covered.set(["41"])
    w.centre_user = factories.make_member(Role.CENTRE_STAFF, operator=centre, full_name="오센터")
    w.inspector = factories.make_evaluator(w.operator, "김감리", email="inspector@expert.kr").user
    return w


def kdate(d):
    return f"{d.year}. {d.month}. {d.day}."


class Person:
    """One browser context per person; `open` signs in again when a session has lapsed (a year passes)."""

    def __init__(self, browser, live_server, user):
        self.live_server, self.user = live_server, user
        self.page = browser.new_context(locale="ko-KR").new_page()
        self.sign_in()

    def sign_in(self):
        page = self.page
        page.goto(self.live_server.url + "/accounts/login/")
        page.get_by_label("이메일").fill(self.user.email)
        page.get_by_label("비밀번호").fill(factories.PASSWORD)
        page.get_by_role("main").get_by_role("button", name="로그인").click()
        expect(page.get_by_role("button", name="로그아웃")).to_be_visible()

    def open(self, path):
        self.page.goto(self.live_server.url + path)
        if "/accounts/login/" in self.page.url:
            self.sign_in()
            self.page.goto(self.live_server.url + path)
        return self.page


def tranche_row(page, name):
    return page.get_by_role("region", name="지급 차수").get_by_role("row", name=re.compile(name))


def test_agreement_to_closing_and_rating(w, browser, live_server):
    project = w.project
    home = f"/projects/{project.pk}/"
    staff = Person(browser, live_server, w.staff)
    lead = Person(browser, live_server, w.lead_user)
    supplier = Person(browser, live_server, w.supplier_user)

    # 1. Every party accepts in its own account.
    for person in (staff, lead, supplier):
        page = person.open(home)
        page.get_by_role("button", name=re.compile("^협약에 동의합니다")).click()
        expect(page.get_by_role("region", name="협약 당사자")).to_contain_text("동의")
    check_page(supplier.page, "whole-path-accepted")
    assert Agreement.objects.get(project=project).status == "in_force"

    # 2. The advance: requested by the lead, approved and recorded paid by staff.
    lead.open(home).get_by_role("button", name=re.compile("^지급 요청")).first.click()
    page = staff.open(home)
    page.get_by_role("button", name=re.compile("^지급 승인")).click()
    page.get_by_role("region", name="지급 차수").get_by_label("지급일").fill(kdate(timezone.localdate()))
    page.get_by_role("button", name=re.compile("^지급 완료 기록")).click()
    expect(page.get_by_role("region", name="지급 차수")).to_contain_text("지급 완료")
    assert Tranche.objects.get(project=project, order=1).status == "paid"

    # 3. Two progress reports by the lead.
    page = lead.open(home)
    for days, percent, spent in ((30, 30, 20_000_000), (60, 70, 45_000_000)):
        page.get_by_label("보고 주체").select_option("lead")
        page.get_by_label("보고 기간 종료일").fill(kdate(project.starts_on + datetime.timedelta(days=days)))
        page.get_by_label("진척률(%)").fill(str(percent))
        page.get_by_label("누적 집행액(원)").fill(str(spent))
        page.get_by_label("수행 내용").fill(f"{percent}% 진행: MES 설치와 설비 연동")
        page.get_by_role("button", name="진척 보고 제출").click()
        expect(page.get_by_role("region", name="진척 보고")).to_contain_text(f"{percent}%")
    check_page(page, "whole-path-reports")
    assert ProgressReport.objects.filter(project=project).count() == 2

    # 4. The regional centre visits the factory.
    centre = Person(browser, live_server, w.centre_user)
    page = centre.open(home)
    page.get_by_label("방문일").fill(kdate(timezone.localdate() - datetime.timedelta(days=3)))
    page.get_by_label("확인 내용").fill("MES 서버와 현장 단말 설치를 확인했습니다.")
    page.get_by_role("button", name="현장 방문 기록").click()
    expect(page.get_by_role("region", name="현장 방문")).to_contain_text("현장 단말 설치를 확인")
    check_page(page, "whole-path-visit")
    assert SiteVisit.objects.filter(project=project).count() == 1

    # 5. A change request the company records itself: a new CEO.
    page = lead.open(home)
    page.get_by_role("link", name="변경 신청").click()
    page.get_by_label("변경 유형").select_option("ceo")
    page.get_by_label("새 대표자명").fill("이한빛")
    page.get_by_label("변경 사유").fill("대표이사 선임(이사회 의결)")
    page.get_by_role("button", name="변경 신청").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("대표자 변경")
    check_page(page, "whole-path-change")
    change = ChangeRequest.objects.get(project=project)
    assert change.path == "company" and change.agreement is not None

    # 6. Final inspection: staff appoint the inspector; the inspector passes it and rates the supplier.
    page = staff.open(f"/projects/{project.pk}/inspection/")
    page.get_by_label("감리 점검자").select_option(str(w.inspector.pk))
    page.get_by_role("button", name="감리 점검자 지정").click()
    expect(page.get_by_role("main")).to_contain_text("감리 점검자로 지정했습니다")
    inspection = FinalInspection.objects.get(project=project)
    inspector = Person(browser, live_server, w.inspector)
    page = inspector.open(f"/projects/{project.pk}/inspection/")
    for item in inspection.items.order_by("pk"):
        form = page.locator(f"form[action='/projects/checklist/{item.pk}/']")
        form.get_by_label("확인함").check()
        form.get_by_label("점검 의견").fill("설치·가동 확인")
        form.get_by_role("button", name=re.compile("^항목 기록")).click()
        expect(page.get_by_role("main")).to_contain_text("기록했습니다")
    page.get_by_label("점검 결과", exact=True).select_option("pass")
    page.get_by_label("결과 의견·불합격 사유").fill("모든 항목 확인")
    page.get_by_label("공급기업 평점").select_option("5")
    page.get_by_role("button", name="점검 결과 기록").click()
    expect(page.get_by_role("main")).to_contain_text("통과 — 잔금을 요청할 수 있습니다")
    check_page(page, "whole-path-inspection")
    passed_at = Project.objects.get(pk=project.pk).inspection_passed_at
    assert passed_at is not None

    # 7. The balance, released only now.
    lead.open(home).get_by_role("button", name=re.compile("^지급 요청")).first.click()
    page = staff.open(home)
    page.get_by_role("button", name=re.compile("^지급 승인")).click()
    page.get_by_role("region", name="지급 차수").get_by_label("지급일").fill(kdate(timezone.localdate()))
    page.get_by_role("button", name=re.compile("^지급 완료 기록")).click()
    expect(page.get_by_role("region", name="지급 차수")).not_to_contain_text("지급 승인")
    assert set(Tranche.objects.filter(project=project).values_list("status", flat=True)) == {"paid"}

    # 8. Outcomes at completion.
    page = lead.open(home)
    page.get_by_role("link", name="성과 관리").click()
    form = page.locator("form", has=page.get_by_role("button", name="완료 시점 값 저장"))
    for label, value in {"불량률 (%)": "1.5", "설비 가동률 (%)": "88", "리드타임 (일)": "3"}.items():
        form.get_by_label(label, exact=False).fill(value)
    form.get_by_role("button", name="완료 시점 값 저장").click()
    expect(page.locator(".alert-success")).to_contain_text("완료 시점 성과 값")
    check_page(page, "whole-path-outcomes")

    # 9. A year later: the one-year outcomes, closing, rating.
    with time_machine.travel(passed_at + datetime.timedelta(days=366), tick=True):
        page = lead.open(f"/projects/{project.pk}/outcomes/")
        form = page.locator("form", has=page.get_by_role("button", name="완료 1년 후 값 저장"))
        for label, value in {"불량률 (%)": "1.2", "설비 가동률 (%)": "90", "리드타임 (일)": "2.5"}.items():
            form.get_by_label(label, exact=False).fill(value)
        form.get_by_role("button", name="완료 1년 후 값 저장").click()
        expect(page.get_by_test_id("overall-one-year")).not_to_have_text("—")
        check_page(page, "whole-path-one-year")

        page = staff.open(f"/projects/{project.pk}/aftercare/")
        page.get_by_label("종료 메모").fill("최종 점검 통과, 잔금 지급, 1년 후 성과 제출 완료")
        page.get_by_role("button", name="과제 종료").click()
        expect(page.get_by_text("이 과제는 종료되었습니다.")).to_be_visible()

        page = lead.open(f"/projects/{project.pk}/aftercare/")
        page.get_by_label("평점").select_option("4")
        page.get_by_label("평가 의견").fill("일정을 잘 지켰고 교육이 충실했습니다.")
        page.get_by_role("button", name="공급기업 평가 등록").click()
        expect(page.get_by_text("평점 4점 / 5점")).to_be_visible()
        check_page(page, "whole-path-rated")
        page.screenshot(path="/tmp/whole_path.png", full_page=True)

    assert Project.objects.get(pk=project.pk).status == "closed"
    assert OutcomeValue.objects.filter(indicator__project=project, moment="one_year").count() == 3
    assert set(SupplierReview.objects.filter(profile=w.supplier).values_list("source", "score")) == {
        ("inspection", 5),
        ("sme", 4),
    }
