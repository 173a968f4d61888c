"""An SME finds an open call, works out its share with the live quote (htmx), downloads the
announcement, diagnoses its level and sees the call recommended. axe on every page."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from playwright.sync_api import expect

from organizations.models import Role
from programs import diagnosis, eligibility
from programs.models import CallStatus, DocumentKind, EligibilityRule, RequiredDocument
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")
M = 1_000_000


@pytest.fixture
def world(transactional_db):
    operator = factories.make_operator("스마트제조혁신추진단")
    company = factories.make_company("한빛정밀", region_code="41")  # official level: none
    factories.make_member(Role.SME_MEMBER, company=company, email="sme@hanbit.kr", full_name="김민준")
    today = datetime.datetime.now(SEOUL).date()
    call = factories.make_call(
        operator,
        status=CallStatus.OPEN,
        title_ko="2026년 스마트공장 구축·고도화 지원 공고",
        body_ko="제조 중소기업의 스마트공장 구축과 고도화를 지원합니다.",
        opens_at=datetime.datetime.combine(today - datetime.timedelta(days=3), datetime.time(9), SEOUL),
        closes_at=datetime.datetime.combine(today + datetime.timedelta(days=20), datetime.time(18), SEOUL),
        total_budget=43_660_000_000,
        contact_name="스마트공장 사업 안내",
        contact_phone="1357",
    )
    factories.make_track(call, "basic", name_ko="기초형")
    factories.make_track(
        call,
        "intermediate_1",
        name_ko="고도화1형",
        minimum_current_level="basic",
        allows_fast_track=True,
        funders=(("central_government", "0.5", 100 * M),),
        order=1,
    )
    for order, kind in enumerate((DocumentKind.BUSINESS_PLAN, DocumentKind.SUPPLIER_QUOTATION)):
        RequiredDocument.objects.create(call=call, kind=kind, order=order)
    for order, (kind, params) in enumerate(eligibility.DEFAULT_RULES):
        EligibilityRule.objects.create(call=call, kind=kind, params=params, order=order)
    upcoming = factories.make_call(
        operator, status=CallStatus.PUBLISHED, title_ko="경기도 지역특화 스마트공장 공고", opens_in_days=5
    )
    upcoming.eligible_regions.set(["41"])
    factories.make_track(
        upcoming, "basic", funders=(("province", "0.3", 30 * M), ("municipality", "0.3", 30 * M))
    )
    factories.make_call(operator, status=CallStatus.DRAFT, title_ko="비공개 초안 공고")
    return {"call": call, "upcoming": upcoming}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()


def test_sme_finds_a_call_quotes_downloads_and_gets_a_recommendation(page, live_server, world, tmp_path):
    call = world["call"]
    sign_in(page, live_server, "sme@hanbit.kr")

    # The list: open and upcoming calls, never drafts.
    page.goto(live_server.url + "/programs/calls/")
    expect(page.get_by_role("heading", level=1)).to_have_text("사업 공고")
    expect(page.get_by_text("검색 결과 2건")).to_be_visible()
    expect(page.get_by_text("비공개 초안 공고")).to_have_count(0)
    check_page(page, "30-call-list")

    page.get_by_label("접수 상태").select_option(label="접수 중")
    page.get_by_role("search").get_by_role("button", name="검색").click()
    expect(page.get_by_text("검색 결과 1건")).to_be_visible()
    card = page.locator(".call-card")
    expect(card.locator(".call-status")).to_have_text("접수 중")
    expect(card).to_contain_text("D-20")

    page.get_by_role("link", name=call.title_ko).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(call.title_ko)
    expect(page.get_by_text("신청 가능 지역")).to_be_visible()
    check_page(page, "31-call-detail")

    # The live quote: typing is enough, htmx swaps the result in without a page load.
    detail_url = page.url
    page.get_by_label("지원 유형").select_option(label="고도화1형")
    page.get_by_label("총 사업비(원)").fill("345,678,901")
    result = page.locator("#quote-result")
    expect(result.get_by_role("table")).to_be_visible()
    expect(result).to_contain_text("고도화1형 분담금 계산 결과(총 사업비 345,678,901원)")
    expect(result.get_by_role("row", name=re.compile("^국비"))).to_contain_text("100,000,000원")
    expect(result.get_by_role("row", name=re.compile("^국비"))).to_contain_text("한도 적용")
    expect(result.get_by_role("row", name=re.compile("^기업 부담금"))).to_contain_text("245,678,901원")
    assert page.url.startswith(detail_url.split("?")[0])
    expect(page.get_by_label("지역")).to_have_value("41")  # the member's company region
    check_page(page, "32-call-quote")

    page.get_by_label("총 사업비(원)").fill("0")
    expect(result).to_contain_text("총 사업비가 0원입니다. 1원 이상으로 입력해 주십시오.")
    check_page(page, "33-call-quote-error")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="공고문 PDF 내려받기").click()
    download = download_info.value
    assert download.suggested_filename == f"call-{call.reference}.pdf"
    saved = tmp_path / "call.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    page.get_by_role("button", name="관심 공고 등록").click()
    expect(page.get_by_text("관심 공고로 등록되어 있습니다.")).to_be_visible()

    # The self-diagnosis: unanswered first (error summary), then every question answered.
    page.goto(live_server.url + "/programs/diagnosis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("스마트공장 수준 자가진단")
    check_page(page, "34-diagnosis")
    page.get_by_role("button", name="진단 결과 보기").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(len(diagnosis.QUESTIONS))
    assert page.title().startswith("오류: ")
    check_page(page, "35-diagnosis-errors")
    with translation.override("ko"):  # the page is Korean whatever an earlier test activated
        labels = [(str(q.text), str(q.choices[1].label)) for q in diagnosis.QUESTIONS]
    for question, answer in labels:
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="진단 결과 보기").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("자가진단 결과")
    expect(page.locator(".diag-unofficial")).to_have_text("비공식 추정")
    expect(page.get_by_text("33점").first).to_be_visible()
    check_page(page, "36-diagnosis-result")

    page.get_by_role("link", name="추천 공고 모두 보기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("추천 공고")
    recommended = page.locator(".rec-card")
    expect(recommended.first.get_by_role("link", name=call.title_ko)).to_be_visible()
    expect(recommended.first).to_contain_text("다음 단계(중간1) 과제입니다")
    expect(page.get_by_text("비공식 추정 수준(기초)")).to_be_visible()
    check_page(page, "37-recommendations")

    # Saved searches and the watched call.
    page.goto(live_server.url + "/programs/calls/?level=intermediate_1")
    page.get_by_label("검색 이름").fill("중간1 공고")
    page.get_by_role("button", name="이 검색 저장").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("저장한 검색")
    expect(page.get_by_role("row", name=re.compile("중간1 공고"))).to_contain_text("목표 수준: 중간1")
    expect(page.get_by_role("link", name=call.title_ko)).to_be_visible()
    check_page(page, "38-saved-searches")


def test_anonymous_visitor_quotes_without_javascript(browser, page, live_server, world):
    """No JS: the quote is a plain GET form that re-renders the page with the result. axe needs
    JavaScript, so the page it leads to is then checked in an ordinary browser at 360 px."""
    call = world["call"]
    context = browser.new_context(java_script_enabled=False, locale="ko-KR")
    plain = context.new_page()
    plain.goto(f"{live_server.url}/programs/calls/{call.pk}/")
    expect(plain.get_by_role("heading", level=1)).to_have_text(call.title_ko)
    plain.get_by_label("총 사업비(원)").fill("80,000,000")
    plain.get_by_role("button", name="계산하기").click()
    expect(plain).to_have_url(re.compile(r"cost=80%2C000%2C000.*#quote$"))
    expect(plain.locator("#quote-result")).to_contain_text("40,000,000원")
    expect(plain.get_by_role("link", name="로그인하고 관심 공고 등록")).to_be_visible()
    url = plain.url
    context.close()

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(url)
    expect(page.locator("#quote-result")).to_contain_text("40,000,000원")
    check_page(page, "39-call-detail-quote-360")
    page.goto(f"{live_server.url}/programs/calls/")
    expect(page.get_by_text("로그인하면 이 검색을 저장하고")).to_be_visible()
    check_page(page, "40-call-list-anonymous-360")
