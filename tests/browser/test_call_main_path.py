"""The main path of the programs issue, end to end in one browser session per person: an
operator creates, publishes and (through the clock task beat runs) opens a call; an SME finds
it in the list and in its recommendations, gets a live share quote and downloads the PDF."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from organizations.models import Role
from programs import tasks
from programs.models import Call, CallStatus
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KST = ZoneInfo("Asia/Seoul")
TITLE = "2027년 스마트공장 기초 구축 지원 공고"


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()


def kdate(day):
    return f"{day.year}. {day.month}. {day.day}."


def test_operator_opens_a_call_and_an_sme_finds_quotes_and_downloads_it(page, live_server, tmp_path):
    operator = factories.make_operator("스마트제조혁신추진단")
    factories.make_member(Role.OPERATOR_ADMIN, operator=operator, email="admin@kosmo.kr")
    company = factories.make_company("한빛정밀", region_code="48")
    factories.make_member(Role.SME_MEMBER, company=company, email="sme@hanbit.kr")
    today = datetime.datetime.now(KST).date()

    # The operator: programme → call → track → publish.
    sign_in(page, live_server, "admin@kosmo.kr")
    page.get_by_role("link", name="사업·공고 관리").first.click()
    page.goto(live_server.url + "/programs/manage/programmes/new/")
    page.get_by_label("사업명(한국어)").fill("2027년 스마트공장 구축 지원사업")
    page.get_by_label("사업 유형").select_option(label="구축·고도화")
    page.get_by_label("예산(원)").fill("10,000,000,000")
    page.get_by_role("button", name="지원사업 등록").click()
    page.get_by_role("link", name="공고 만들기").click()
    page.get_by_label("공고명(한국어)").fill(TITLE)
    page.get_by_label("공고 내용(한국어)").fill("제조 중소기업의 스마트공장 기초 구축을 지원합니다.")
    page.locator("#id_opens_date").fill(kdate(today))
    page.locator("#id_opens_time").fill("00:00")
    page.locator("#id_closes_date").fill(kdate(today + datetime.timedelta(days=30)))
    page.locator("#id_closes_time").fill("18:00")
    page.get_by_label("총 지원 예산(원)").fill("1,500,000,000")
    page.get_by_role("button", name="공고 만들기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("link", name="지원 유형 추가").click()
    page.get_by_label("목표 수준").select_option(label="기초")
    page.get_by_label("1번째 줄 한도(원)").fill("50,000,000")
    page.get_by_role("button", name="지원 유형 추가").click()
    page.get_by_role("link", name="공고하기").click()
    page.get_by_role("button", name="공고 게시").click()
    expect(page.locator(".call-state")).to_contain_text("공고(접수 예정)")
    check_page(page, "main-01-operator-published")

    # Beat's clock task opens it: its opening time (today 00:00 KST) has passed.
    call = Call.objects.get(title_ko=TITLE)
    assert tasks.advance_calls_by_clock.apply().get() == {"opened": [call.pk], "closed": []}
    page.reload()
    expect(page.locator(".call-state")).to_contain_text("접수 중")

    # The SME: list → call → live quote → PDF → recommendations.
    sign_in(page, live_server, "sme@hanbit.kr")
    page.get_by_role("link", name="사업 공고").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("사업 공고")
    page.get_by_label("목표 수준").select_option(label="기초")
    page.get_by_role("search").get_by_role("button", name="검색").click()
    card = page.locator(".call-card", has_text=TITLE)
    expect(card.locator(".call-status")).to_have_text("접수 중")
    check_page(page, "main-02-sme-list")
    card.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    page.get_by_label("총 사업비(원)").fill("123,456,789")
    result = page.locator("#quote-result")
    expect(result.get_by_role("row", name=re.compile("^국비"))).to_contain_text("50,000,000원")
    expect(result.get_by_role("row", name=re.compile("^기업 부담금"))).to_contain_text("73,456,789원")
    check_page(page, "main-03-sme-quote")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="공고문 PDF 내려받기").click()
    saved = tmp_path / "call.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    page.get_by_role("link", name="맞춤 공고 추천").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("추천 공고")
    first = page.locator(".rec-card").first
    expect(first.get_by_role("link", name=TITLE)).to_be_visible()
    check_page(page, "main-04-sme-recommendations")
    assert Call.objects.get(pk=call.pk).status == CallStatus.OPEN
