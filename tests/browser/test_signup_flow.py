"""A manufacturer signs up, sees its home in Korean and English, signs out and back in.

Every page on the way is checked with axe (0 serious/critical violations) and must not break
the Content Security Policy (no inline scripts, nothing from another origin).
"""

import pytest
from playwright.sync_api import expect

from organizations.models import Company, Membership, Role, User
from organizations.rules import complete_business_number
from tests.browser.axe import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Hanbit-secure-2026"


@pytest.fixture
def csp_errors(page):
    errors = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(message.text)

    page.on("console", on_console)

    def on_failed(request):
        # A request the browser itself abandons because the page moved on (the favicon fetch when a
        # click navigates away at once, on a slow machine) is not a blocked one.
        if request.failure != "net::ERR_ABORTED":
            errors.append(f"failed: {request.url} ({request.failure})")

    page.on("requestfailed", on_failed)
    return errors


def heading(page):
    return page.get_by_role("heading", level=1)


def test_manufacturer_signs_up_switches_language_and_signs_in_again(page, live_server, csp_errors):
    number = complete_business_number("608861234")

    # Landing page (anonymous, Korean by default).
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(heading(page)).to_have_text("스마트공장 사업관리시스템")
    check_page(page, "01-landing-ko")

    # Sign-up: choose the company type.
    page.get_by_role("link", name="기업 회원가입").first.click()
    expect(heading(page)).to_have_text("어떤 기업으로 가입하십니까?")
    check_page(page, "02-signup-kind")
    page.get_by_label("제조기업(도입기업)").check()
    page.get_by_role("button", name="계속").click()

    # One form: account and company.
    expect(heading(page)).to_have_text("제조기업(도입기업) 회원가입")
    check_page(page, "03-signup-form")
    page.get_by_label("이메일", exact=True).fill("kim@hanbit.kr")
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_label("이름", exact=True).fill("김민준")
    page.get_by_label("사업자등록번호").fill("608-86-12345")  # wrong check digit
    page.get_by_label("대표자명").fill("김민준")
    page.get_by_label("주업종(KSIC 중분류)").select_option("C29")
    page.get_by_label("소재 지역").select_option(label="경상남도")
    page.get_by_label("상시 근로자 수").fill("48")
    page.get_by_label("연 매출액(원)").fill("12,400,000,000")
    page.get_by_label("생산시설을 보유하고 있습니다").check()
    page.get_by_role("button", name="가입하기").click()

    # Errors: summary focused, title prefixed, answers kept, nothing created.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title("오류: 제조기업(도입기업) 회원가입 | 스마트공장 사업관리시스템")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주십시오.",
            "기업명을 입력해 주십시오.",
        ]
    )
    expect(page.get_by_label("연 매출액(원)")).to_have_value("12,400,000,000")
    expect(page.get_by_label("사업자등록번호")).to_have_attribute("aria-invalid", "true")
    assert (User.objects.count(), Company.objects.count()) == (0, 0)
    check_page(page, "04-signup-form-errors")

    # The summary link takes the person to the field.
    summary.get_by_role("link", name="기업명을 입력해 주십시오.").click()
    expect(page.get_by_label("기업명")).to_be_focused()
    page.get_by_label("기업명").fill("한빛정밀")
    page.get_by_label("사업자등록번호").fill(f"{number[:3]}-{number[3:5]}-{number[5:]}")
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_role("button", name="가입하기").click()

    # Signed in, on the manufacturer's home, in Korean.
    expect(heading(page)).to_have_text("도입기업 홈")
    expect(page.get_by_role("status")).to_contain_text("한빛정밀의 가입이 완료되었습니다.")
    expect(page.get_by_text(f"{number[:3]}-{number[3:5]}-{number[5:]}")).to_be_visible()
    user = User.objects.get(email="kim@hanbit.kr")
    assert Membership.objects.get(user=user).role == Role.SME_MEMBER
    check_page(page, "05-home-ko")

    # Switch to English: the page and the account preference follow.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading(page)).to_have_text("Manufacturer home")
    user.refresh_from_db()
    assert user.preferred_language == "en"
    check_page(page, "06-home-en")

    # Sign out, then back in: the English preference comes back with the account.
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Smart Factory Management System")
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    expect(heading(page)).to_have_text("로그인")
    check_page(page, "07-login-ko")
    page.get_by_label("이메일").fill("kim@hanbit.kr")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(heading(page)).to_have_text("Manufacturer home")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # And back to Korean.
    page.get_by_role("button", name="한국어").click()
    expect(heading(page)).to_have_text("도입기업 홈")

    assert csp_errors == []
