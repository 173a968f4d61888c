"""The main path of the evaluation issue, end to end in the browser.

An operator sets up the call's evaluation plan, forms the technical-evaluation committee from its
pool, starts the stage; two reviewers (each in their own browser context) accept and sign the pledge;
the operator runs the automatic draw; both reviewers score both applications on the scoring screen;
the operator closes the stage, the ranking appears, and selecting the second project is refused
because it would pass the call budget, so it goes on the waitlist; the operator confirms and
releases the results; the applicant sees the decision, without any reviewer's name. axe runs on
every page.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from evaluations.models import Assignment, Decision, DecisionStatus, StageResult
from organizations.models import Role
from programs.models import CallStatus
from tests import factories
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")
M = 1_000_000
CALL_TITLE = "2026년 스마트공장 기초 구축 지원 공고"


@pytest.fixture
def world(transactional_db):
    operator = factories.make_operator("스마트제조혁신추진단")
    factories.make_member(Role.OPERATOR_STAFF, operator=operator, email="staff@kosmo.kr", full_name="정운영")
    today = datetime.datetime.now(SEOUL).date()
    call = factories.make_call(
        operator,
        status=CallStatus.OPEN,
        title_ko=CALL_TITLE,
        total_budget=60 * M,  # one 50M government share fits, two do not
        opens_at=datetime.datetime.combine(today - datetime.timedelta(days=3), datetime.time(9), SEOUL),
        closes_at=datetime.datetime.combine(today + datetime.timedelta(days=20), datetime.time(18), SEOUL),
    )
    factories.make_required_documents(call)
    track = factories.make_track(call, "basic", name_ko="기초형", projects_planned=2)
    lead = factories.make_company("한빛정밀", region_code="41")
    lead_user = factories.make_member(
        Role.SME_MEMBER, company=lead, email="sme@hanbit.kr", full_name="김민준"
    )
    first = factories.make_submitted(track, lead, user=lead_user)
    second = factories.make_submitted(track, factories.make_company("대성금속", region_code="41"))
    reviewers = [
        factories.make_evaluator(operator, "최평가", email="choi@review.kr"),
        factories.make_evaluator(operator, "한심사", email="han@review.kr"),
    ]
    return {"call": call, "first": first, "second": second, "reviewers": reviewers}


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def heading(page):
    return page.get_by_role("heading", level=1)


def reviewer_page(browser, live_server, email):
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    sign_in(page, live_server, email)
    return page


def accept_and_pledge(page, live_server):
    page.goto(live_server.url + "/evaluations/review/")
    check_page(page, "ev-01")
    page.get_by_role("button", name=re.compile("^위촉 수락")).click()
    expect(heading(page)).to_contain_text("서약")
    check_page(page, "ev-02")
    page.get_by_label("동의합니다").check()
    page.get_by_role("button", name="서약하고 평가 시작").click()


def score_all(page, live_server, points):
    """Score every sheet in the queue: each criterion `points` share of its maximum, with comments."""
    page.goto(live_server.url + "/evaluations/review/")
    sheets = page.get_by_role("region", name="배정된 평가표").get_by_role("link")
    hrefs = [sheets.nth(i).get_attribute("href") for i in range(sheets.count())]
    assert len(hrefs) == 2
    for href in hrefs:
        page.goto(live_server.url + href)
        expect(page.get_by_text("공급기업").first).to_be_visible()
        check_page(page, "ev-03")
        for name, maximum in (
            ("스마트공장 구축 필요성", 20),
            ("계획의 타당성·기존 시스템 연계", 25),
            ("데이터 활용 계획", 20),
            ("공급기업 역량", 15),
            ("기대 효과", 20),
        ):
            page.get_by_label(name, exact=True).fill(str(round(maximum * points[href], 2)))
            page.get_by_label(f"{name} 의견").fill("계획이 구체적입니다.")
        page.get_by_role("button", name="평가 제출").click()
        expect(page.get_by_text("제출", exact=False).first).to_be_visible()


def test_operator_forms_committee_assigns_reviewers_score_and_selection_stays_within_budget(
    world, page, browser, live_server
):
    call, first, second = world["call"], world["first"], world["second"]
    sign_in(page, live_server, "staff@kosmo.kr")

    # Plan: requirement review, technical evaluation and the deliberation committee.
    page.get_by_role("link", name="평가·선정 관리").first.click()
    expect(heading(page)).to_have_text("평가·선정 관리")
    check_page(page, "ev-04")
    page.get_by_role("link", name=f"평가 계획 세우기 {call.reference}").click()
    check_page(page, "ev-05")
    page.get_by_role("button", name="평가 계획 만들기").click()
    expect(page.get_by_role("region", name="평가 단계")).to_contain_text("기술성 평가")
    check_page(page, "ev-06")
    plan_url = page.url

    # Two reviewers per application for this call, then the committee.
    page.get_by_role("link", name="설정 기술성 평가(평가위원회)").click()
    check_page(page, "ev-07")
    page.get_by_label("신청서당 평가위원 수").fill("2")
    page.get_by_role("button", name="단계 설정 저장").click()
    page.goto(plan_url)
    page.get_by_role("button", name="단계 시작 기술성 평가(평가위원회)").click()
    page.get_by_role("link", name="평가위원회 기술성 평가(평가위원회)").click()
    check_page(page, "ev-08")
    for reviewer in world["reviewers"]:
        page.get_by_label(re.compile(reviewer.name)).check()
    page.get_by_role("button", name="위촉 요청 보내기").click()
    expect(page.get_by_role("region", name="위원 현황")).to_contain_text("한심사")

    # Both reviewers accept and sign the pledge, each in their own browser.
    reviewer_pages = [reviewer_page(browser, live_server, r.user.email) for r in world["reviewers"]]
    for rp in reviewer_pages:
        accept_and_pledge(rp, live_server)

    # The draw: two submissions, two reviewers each, recorded with its seed.
    page.get_by_role("link", name="배정 현황").click()
    page.get_by_role("button", name="자동 배정 실행").click()
    expect(page.get_by_role("region", name="신청서별 배정")).to_contain_text("최평가")
    check_page(page, "ev-09")
    assert Assignment.objects.filter(stage__plan__call=call).count() == 4

    # Both reviewers score both applications; the first is scored higher by both.
    for reviewer, rp in zip(world["reviewers"], reviewer_pages, strict=True):
        sheets = {
            f"/evaluations/review/sheets/{a.pk}/": (0.9 if a.submission_id == first.pk else 0.7)
            for a in Assignment.objects.filter(evaluator=reviewer)
        }
        score_all(rp, live_server, sheets)
    assert Assignment.objects.filter(stage__plan__call=call, status="submitted").count() == 4

    # Close the stage: the ranking appears.
    page.goto(plan_url)
    page.get_by_role("button", name="단계 마감 기술성 평가(평가위원회)").click()
    page.get_by_role("link", name="평가 결과·선정").click()
    expect(page.locator(f"#row-{first.pk}")).to_contain_text("90")
    expect(page.locator(f"#row-{second.pk}")).to_contain_text("70")
    check_page(page, "ev-10")
    assert StageResult.objects.get(submission=first).rank == 1

    # Select the first; the second would pass the 60M budget, so it is refused and waitlisted.
    page.locator(f"#row-{first.pk}").get_by_role("button", name=re.compile("^선정")).click()
    expect(page.locator(f"#row-{first.pk}")).to_contain_text("선정")
    page.locator(f"#row-{second.pk}").get_by_role("button", name=re.compile("^선정")).click()
    expect(page.get_by_role("alert")).to_contain_text("공고 예산을 넘습니다")
    check_page(page, "ev-11")
    page.locator(f"#row-{second.pk}").get_by_role("button", name=re.compile("^예비")).click()
    assert Decision.objects.get(submission=first).status == DecisionStatus.SELECTED
    assert Decision.objects.get(submission=second).status == DecisionStatus.WAITLISTED
    assert (
        sum(Decision.objects.filter(status="selected").values_list("government_share", flat=True)) <= 60 * M
    )

    # Confirm (deliberation committee) and release to the applicants.
    page.get_by_role("button", name="선정 확정(심의위원회)").click()
    page.get_by_role("button", name=re.compile("^신청기업에 결과 통보")).click()
    assert Decision.objects.get(submission=first).released_at is not None

    # The applicant sees the decision and the scores, never a reviewer's name.
    applicant = browser.new_context(locale="ko-KR").new_page()
    sign_in(applicant, live_server, "sme@hanbit.kr")
    applicant.get_by_role("link", name="평가 결과").first.click()
    expect(heading(applicant)).to_have_text("평가 결과")
    expect(applicant.get_by_role("main")).to_contain_text("선정")
    check_page(applicant, "ev-12")
    applicant.get_by_role("link", name=re.compile(first.receipt_number)).click()
    expect(applicant.get_by_role("main")).to_contain_text("90")
    check_page(applicant, "ev-13")
    body = applicant.get_by_role("main").inner_text()
    assert "최평가" not in body and "한심사" not in body
