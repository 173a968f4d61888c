"""An operator admin creates a programme, a call, a track with its cost-share template, an
eligibility rule and a document, previews the call and publishes it. Errors are shown GOV.UK
style on the way; axe (0 serious/critical violations) runs on every page visited."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from organizations.models import Role
from programs.models import Call, CallStatus, Programme
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KST = ZoneInfo("Asia/Seoul")


@pytest.fixture
def world(transactional_db):
    operator = factories.make_operator("스마트제조혁신추진단")
    admin = factories.make_member(
        Role.OPERATOR_ADMIN, operator=operator, email="admin@kosmo.kr", full_name="박지훈"
    )
    return {"operator": operator, "admin": admin}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()


def heading(page):
    return page.get_by_role("heading", level=1)


def test_operator_admin_creates_and_publishes_a_call(page, live_server, world):
    sign_in(page, live_server, "admin@kosmo.kr")
    page.goto(live_server.url + "/programs/manage/")
    expect(heading(page)).to_have_text("공고 관리")
    check_page(page, "op-01-call-list")

    # A programme: first an empty form (errors), then a good one.
    page.get_by_role("navigation", name="사업·공고 관리 메뉴").get_by_role(
        "link", name="지원사업 관리"
    ).click()
    expect(heading(page)).to_have_text("지원사업 관리")
    check_page(page, "op-02-programme-list")
    page.get_by_role("link", name="지원사업 등록").click()
    expect(heading(page)).to_have_text("지원사업 등록")
    check_page(page, "op-03-programme-form")
    page.get_by_label("예산(원)").fill("-1")
    page.get_by_role("button", name="지원사업 등록").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page).to_have_title("오류: 지원사업 등록 | 스마트공장 사업관리시스템")
    check_page(page, "op-04-programme-form-errors")
    page.get_by_role("link", name="사업명(한국어)을 입력해 주십시오.").click()
    expect(page.get_by_label("사업명(한국어)")).to_be_focused()
    page.get_by_label("사업명(한국어)").fill("2027년 스마트공장 구축 지원사업")
    page.get_by_label("사업 유형").select_option(label="구축·고도화")
    expect(page.get_by_label("회계연도")).to_have_value("2027")
    page.get_by_label("예산(원)").fill("10,000,000,000")
    page.get_by_role("button", name="지원사업 등록").click()
    expect(heading(page)).to_have_text("2027년 스마트공장 구축 지원사업")
    expect(page.get_by_role("status")).to_contain_text("지원사업을 등록했습니다.")
    check_page(page, "op-05-programme-detail")
    programme = Programme.objects.get()
    assert (programme.operator, programme.budget) == (world["operator"], 10_000_000_000)

    # A call in that programme: the deadline before the opening is refused, then corrected.
    page.get_by_role("link", name="공고 만들기").click()
    expect(heading(page)).to_have_text("공고 만들기")
    expect(page.get_by_text("모든 날짜와 시각은 한국 시간(KST) 기준입니다.")).to_be_visible()
    check_page(page, "op-06-call-form")
    page.get_by_label("공고명(한국어)").fill("2027년 스마트공장 구축 지원사업 공고")
    page.get_by_label("공고 내용(한국어)").fill("제조 중소기업의 스마트공장 구축을 지원합니다.")
    page.locator("#id_opens_date").fill("2027. 3. 15.")
    page.locator("#id_opens_time").fill("09:00")
    page.locator("#id_closes_date").fill("2027. 3. 1.")
    page.locator("#id_closes_time").fill("18:00")
    page.get_by_label("총 지원 예산(원)").fill("1,500,000,000")
    page.get_by_label("경상북도").check()
    page.get_by_label("문의 이메일").fill("call@kosmo.example.kr")
    page.get_by_role("button", name="공고 만들기").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("접수 마감은 접수 시작보다 뒤여야 합니다.")
    expect(page.get_by_label("경상북도")).to_be_checked()  # every answer is kept
    check_page(page, "op-07-call-form-errors")
    page.locator("#id_closes_date").fill("2027. 4. 15.")
    page.get_by_role("button", name="공고 만들기").click()
    expect(heading(page)).to_have_text("2027년 스마트공장 구축 지원사업 공고")
    expect(page.get_by_text("아직 공고할 수 없습니다.")).to_be_visible()
    check_page(page, "op-08-call-detail-draft")
    call = Call.objects.get()
    assert call.opens_at == datetime.datetime(2027, 3, 15, 9, 0, tzinfo=KST)

    # A track with a template: over 100% first, then a valid one.
    page.get_by_role("link", name="지원 유형 추가").click()
    expect(heading(page)).to_have_text("지원 유형 추가")
    check_page(page, "op-09-track-form")
    page.get_by_label("목표 수준").select_option(label="기초")
    page.get_by_label("유형명(한국어)").fill("기초형")
    expect(page.get_by_label("1번째 줄 분담 비율(%)")).to_have_value("50")
    page.get_by_label("1번째 줄 한도(원)").fill("50,000,000")
    page.get_by_label("2번째 줄 출자 주체").select_option(label="광역 지자체(도비·시비)")
    page.get_by_label("2번째 줄 분담 비율(%)").fill("60")
    page.get_by_role("button", name="지원 유형 추가").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("분담 비율의 합이 100%를 넘습니다(110%)")
    expect(page).to_have_title(
        "오류: 2027년 스마트공장 구축 지원사업 공고 - 지원 유형 추가 | 스마트공장 사업관리시스템"
    )
    check_page(page, "op-10-track-form-errors")
    page.get_by_label("2번째 줄 분담 비율(%)").fill("15.5")
    page.get_by_role("button", name="지원 유형 추가").click()
    expect(page.get_by_role("status")).to_contain_text("지원 유형을 추가했습니다.")
    expect(page.get_by_role("cell", name="15.5%")).to_be_visible()
    expect(page.get_by_text("공고할 준비가 되었습니다.")).to_be_visible()
    check_page(page, "op-11-call-detail-ready")
    funders = [(f.role, f.rate, f.cap) for f in call.tracks.get().funders.all()]
    assert funders == [
        ("central_government", Decimal("0.5"), 50_000_000),
        ("province", Decimal("0.155"), None),
    ]

    # An eligibility rule (region, checkboxes) and a required document.
    page.get_by_role("link", name="신청 자격 규칙 추가").click()
    expect(heading(page)).to_have_text("어떤 신청 자격 규칙을 추가하시겠습니까?")
    check_page(page, "op-12-rule-choose")
    page.get_by_label("지역").check()
    page.get_by_role("button", name="계속").click()
    expect(heading(page)).to_have_text("신청 자격 규칙: 지역")
    check_page(page, "op-13-rule-form")
    page.get_by_label("경상남도").check()
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("status")).to_contain_text("신청 자격 규칙 '지역'을(를) 추가했습니다.")
    page.get_by_role("link", name="제출 서류 추가").click()
    check_page(page, "op-14-document-form")
    page.get_by_label("서류 종류").select_option(label="공장등록증")
    page.get_by_role("button", name="서류 추가").click()
    expect(page.get_by_role("rowheader", name="공장등록증")).to_be_visible()

    # Preview, then publish.
    page.get_by_role("link", name="미리보기").click()
    expect(page.get_by_text("이 공고는 아직 공개되지 않았습니다.")).to_be_visible()
    check_page(page, "op-15-call-preview")
    page.get_by_role("link", name="공고 관리로 돌아가기").click()
    page.get_by_role("link", name="공고하기").click()
    expect(heading(page)).to_have_text("공고하기")
    expect(page.get_by_text("2027. 4. 15.(목) 18:00 (한국 시간)")).to_be_visible()
    check_page(page, "op-16-publish")
    page.get_by_role("button", name="공고 게시").click()
    expect(page.get_by_role("status")).to_contain_text("공고를 게시했습니다.")
    expect(page.locator(".call-state")).to_contain_text("공고(접수 예정)")
    check_page(page, "op-17-call-detail-published")
    assert Call.objects.get().status == CallStatus.PUBLISHED

    # The cancel page (not submitted) and the same detail at 360 px and in English.
    page.get_by_role("link", name="공고 취소").click()
    expect(heading(page)).to_have_text("공고 취소")
    page.get_by_role("button", name="공고 취소").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("공고를 취소하는 사유를 입력해 주십시오.")
    check_page(page, "op-18-cancel-errors")
    assert Call.objects.get().status == CallStatus.PUBLISHED
    page.get_by_role("link", name="공고 관리로 돌아가기").click()
    page.set_viewport_size({"width": 360, "height": 800})
    check_page(page, "op-19-call-detail-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, "op-20-call-detail-en")
