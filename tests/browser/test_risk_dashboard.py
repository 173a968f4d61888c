"""Risk flags in the browser (issue 7, points 3, 8 and 9): the daily check flags a late milestone;
the regional centre's staff open the project list, see the counts and the severity badge, filter
by the risk kind, open the project, read the flag and download the project dossier. axe runs on
every page."""

import datetime
import io
import zipfile

import pytest
from playwright.sync_api import expect

from monitoring import risk_check
from monitoring.models import Milestone
from organizations.models import AuditEvent, Operator, Role
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    centre = factories.make_operator("경기지역센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set(["41"])
    factories.make_member(Role.CENTRE_STAFF, operator=centre, email="centre@gg.kr")
    late = factories.make_project(region_code="41", lead_name="한빛정밀")
    calm = factories.make_project(region_code="41", lead_name="바른금속")
    factories.make_project(region_code="26", lead_name="부산정밀")  # another region: never shown
    p = late.project
    Milestone.objects.create(
        project=p, name="MES 서버 설치", planned_on=p.starts_on + datetime.timedelta(days=2)
    )
    for w in (late, calm):  # both visited, so only the late milestone is flagged
        w.project.site_visits.create(
            operator=centre, visited_on=w.project.starts_on, findings="착수 확인", recorded_by=w.staff
        )
    counts = risk_check.check_risks(project_ids=[late.project.pk, calm.project.pk])
    assert counts["opened"] >= 1
    return {"late": late, "calm": calm}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def test_centre_staff_find_the_risky_project_and_download_its_dossier(world, page, live_server):
    late, calm = world["late"].project, world["calm"].project
    sign_in(page, live_server, "centre@gg.kr")
    page.get_by_role("link", name="과제 관리").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("과제 관리")
    expect(page.get_by_role("status")).to_have_text("과제 2건")
    expect(page.get_by_text("부산정밀")).to_have_count(0)
    expect(page.locator("section", has=page.get_by_role("heading", name="미해소 위험 신호"))).to_contain_text(
        "마일스톤 지연 1건"
    )
    table = page.get_by_role("region", name="과제 목록")
    expect(table.locator(".badge-danger", has_text="심각 · 마일스톤 지연")).to_have_count(1)
    check_page(page, "risk-project-list")
    page.screenshot(path="/tmp/risks-list.png", full_page=True)

    page.get_by_label("위험 신호", exact=True).select_option(label="마일스톤 지연")
    page.get_by_role("button", name="검색").click()
    expect(page.get_by_role("status")).to_have_text("과제 1건")
    expect(table).to_contain_text(late.title)
    expect(table).to_contain_text("위험 신호 조치: 마일스톤 지연")
    expect(table.get_by_role("link")).to_have_count(1)
    assert calm.submission.receipt_number not in table.inner_text()
    check_page(page, "risk-project-list-filtered")

    table.get_by_role("link", name=late.title).click()
    section = page.get_by_role("region", name="미해소 위험 신호")
    expect(section).to_contain_text("'MES 서버 설치' 마일스톤이")
    expect(section).to_contain_text("심각")
    check_page(page, "risk-project-detail")
    page.screenshot(path="/tmp/risks-detail.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="과제 기록 묶음(감사용 zip) 내려받기").click()
    download = info.value
    assert download.suggested_filename.endswith("-과제기록.zip")
    archive = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    assert {"manifest.csv", "agreement/v1-협약서.pdf", "risk_flags.csv"} <= set(archive.namelist())
    assert "MES 서버 설치" in archive.read("risk_flags.csv").decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="dossier_download", object_id=str(late.pk)).count() == 1
