"""Browser pages for organisations, through Django's test client: every role's page, sign-up,
company edit with audit, escaping and Korean formats, list queries and filters."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations import services
from organizations.models import AuditEvent, Company, Membership, Operator, Region, Role, User
from organizations.rules import complete_business_number
from organizations.templatetags.sfms_format import bizno, kdate, kdatetime, krw, krw_short, lname
from tests import factories
from tests.html import h1, title

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")


def counts():
    return (
        User.objects.count(),
        Company.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ko", "en"),
    [
        (1_234_000, "1,234,000원", "KRW 1,234,000"),
        (0, "0원", "KRW 0"),
        (-5_000, "-5,000원", "-KRW 5,000"),
        ("12300", "12,300원", "KRW 12,300"),
        (None, "", ""),
        ("abc", "", ""),
    ],
)
def test_krw(value, ko, en):
    with translation.override("ko"):
        assert krw(value) == ko
    with translation.override("en"):
        assert krw(value) == en


@pytest.mark.parametrize(
    ("value", "ko", "en"),
    [
        (235_000_000, "2억 3,500만 원", "KRW 235 million"),
        (100_000_000, "1억 원", "KRW 100 million"),
        (12_300_000_000, "123억 원", "KRW 12.3 billion"),
        (1_234_567_890, "12억 3,456만 7,890원", "KRW 1.2 billion"),
        (50_000, "5만 원", "KRW 50,000"),
        (9_999, "9,999원", "KRW 9,999"),
        (0, "0원", "KRW 0"),
        (1_500_000_000_000, "1조 5,000억 원", "KRW 1.5 trillion"),
        (-35_000_000, "-3,500만 원", "-KRW 35 million"),
    ],
)
def test_krw_short(value, ko, en):
    with translation.override("ko"):
        assert krw_short(value) == ko
    with translation.override("en"):
        assert krw_short(value) == en


def test_bizno():
    assert bizno("1234567890") == "123-45-67890"
    assert bizno("123-45-67890") == "123-45-67890"
    assert bizno("12345") == "12345"
    assert bizno(None) == ""


def test_kdate_and_kdatetime_follow_the_official_korean_style():
    moment = datetime.datetime(2026, 3, 7, 6, 20, tzinfo=datetime.UTC)  # 15:20 in Seoul
    with translation.override("ko"):
        assert kdate(datetime.date(2026, 3, 7)) == "2026. 3. 7."
        assert kdatetime(moment) == "2026. 3. 7. 15:20"
    with translation.override("en"):
        assert kdate(datetime.date(2026, 3, 7)) == "7 Mar 2026"
        assert kdatetime(moment) == "7 Mar 2026, 15:20"
    assert kdate(None) == ""


# --- roles' home pages ------------------------------------------------------------------------


@pytest.fixture
def people(operator, company):
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    supplier = factories.make_company("공급사", kind=Company.Kind.SUPPLIER)
    large = factories.make_company("대기업사", kind=Company.Kind.LARGE_FIRM)
    admin = factories.make_member(Role.PLATFORM_ADMIN)
    return {
        Role.SME_MEMBER: factories.make_member(Role.SME_MEMBER, company=company),
        Role.SUPPLIER_MEMBER: factories.make_member(Role.SUPPLIER_MEMBER, company=supplier),
        Role.LARGE_FIRM_MEMBER: factories.make_member(Role.LARGE_FIRM_MEMBER, company=large),
        Role.OPERATOR_STAFF: factories.make_member(Role.OPERATOR_STAFF, operator=operator),
        Role.OPERATOR_ADMIN: factories.make_member(Role.OPERATOR_ADMIN, operator=operator),
        Role.CENTRE_STAFF: factories.make_member(Role.CENTRE_STAFF, operator=centre),
        Role.EVALUATOR: factories.make_member(Role.EVALUATOR),
        Role.PLATFORM_ADMIN: admin,
    }


def test_anonymous_landing(client):
    response = client.get("/")
    assert response.status_code == 200
    assert h1(response) == "스마트공장 사업관리시스템"
    body = response.content.decode()
    assert f'href="{reverse("signup")}"' in body
    assert f'href="{reverse("login")}"' in body
    assert '<html lang="ko">' in body
    assert "본문 바로가기" in body


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.SME_MEMBER, "도입기업 홈"),
        (Role.SUPPLIER_MEMBER, "공급기업 홈"),
        (Role.LARGE_FIRM_MEMBER, "대기업 홈"),
        (Role.OPERATOR_STAFF, "운영기관 홈"),
        (Role.OPERATOR_ADMIN, "운영기관 홈"),
        (Role.CENTRE_STAFF, "지역센터 홈"),
        (Role.EVALUATOR, "평가위원 홈"),
        (Role.PLATFORM_ADMIN, "플랫폼 관리자 홈"),
    ],
)
def test_home_per_role(client, people, role, heading):
    client.force_login(people[role])
    response = client.get("/")
    assert response.status_code == 200
    assert h1(response) == heading
    assert title(response) == f"{heading} | 스마트공장 사업관리시스템"


def test_company_home_shows_the_company_summary(client, people, company):
    client.force_login(people[Role.SME_MEMBER])
    body = client.get("/").content.decode()
    assert company.name in body
    assert bizno(company.business_number) in body
    assert "123억 원" in body  # 12,300,000,000 won, headline style


def test_operator_home_shows_operator_and_member_count(client, people, operator):
    client.force_login(people[Role.OPERATOR_STAFF])
    body = client.get("/").content.decode()
    assert operator.name_ko in body
    assert "<strong>2명</strong>" in body  # staff + admin


def test_navigation_marks_the_current_page(client, people):
    client.force_login(people[Role.OPERATOR_STAFF])
    body = client.get(reverse("organizations:company-list")).content.decode()
    assert f'<a href="{reverse("organizations:company-list")}" aria-current="page">기업 목록</a>' in body
    assert f'<a href="{reverse("home")}">나의 홈</a>' in body


def test_english_home_and_html_lang(client, people):
    client.force_login(people[Role.SME_MEMBER])
    client.cookies["sfms_language"] = "en"
    response = client.get("/")
    assert h1(response) == "Manufacturer home"
    assert '<html lang="en">' in response.content.decode()


# --- pages each role may open -----------------------------------------------------------------


def test_company_pages(client, people, company, other_company):
    client.force_login(people[Role.SME_MEMBER])
    response = client.get(reverse("organizations:my-company"))
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:company-detail", args=[company.pk])
    assert h1(client.get(response["Location"])) == company.name
    edit = client.get(reverse("organizations:company-edit", args=[company.pk]))
    assert h1(edit) == "기업 정보 수정"
    assert 'value="12,300,000,000"' in edit.content.decode()
    # Another firm's record: missing and forbidden look the same.
    assert client.get(reverse("organizations:company-detail", args=[other_company.pk])).status_code == 404
    assert client.get(reverse("organizations:company-edit", args=[other_company.pk])).status_code == 404
    assert client.get(reverse("organizations:company-detail", args=[999_999])).status_code == 404
    # Operator-side pages.
    response = client.get(reverse("organizations:company-list"))
    assert response.status_code == 403
    assert h1(response) == "권한 없음"
    assert (
        "기업 목록은 운영기관·지역센터 담당자와 플랫폼 관리자만 볼 수 있습니다." in response.content.decode()
    )
    assert client.get(reverse("organizations:company-audit", args=[company.pk])).status_code == 403


def test_operator_pages(client, people, operator, other_operator, company):
    client.force_login(people[Role.OPERATOR_STAFF])
    assert h1(client.get(reverse("organizations:company-list"))) == "기업 목록"
    assert h1(client.get(reverse("organizations:company-detail", args=[company.pk]))) == company.name
    assert h1(client.get(reverse("organizations:company-audit", args=[company.pk]))) == "기업 감사 기록"
    assert h1(client.get(reverse("organizations:audit-list"))) == "감사 기록"
    response = client.get(reverse("organizations:my-operator"))
    assert response["Location"] == reverse("organizations:operator-detail", args=[operator.pk])
    response = client.get(response["Location"])
    assert h1(response) == operator.name_ko
    assert people[Role.OPERATOR_ADMIN].email in response.content.decode()
    assert client.get(reverse("organizations:operator-detail", args=[other_operator.pk])).status_code == 404
    # Visible but not editable: 403 with the reason.
    response = client.get(reverse("organizations:company-edit", args=[company.pk]))
    assert response.status_code == 403
    assert "이 기업 정보를 수정할 권한이 없습니다." in response.content.decode()


def test_anonymous_is_sent_to_login(client, company):
    response = client.get(reverse("organizations:company-detail", args=[company.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert h1(response) == "페이지를 찾을 수 없습니다"


# --- accounts ---------------------------------------------------------------------------------


def signup_data(**extra):
    data = {
        "email": "kim@hanbit.kr",
        "password1": "Hanbit-secure-2026",
        "password2": "Hanbit-secure-2026",
        "full_name": "김민준",
        "phone": "010-1234-5678",
        "business_number": complete_business_number("608861234"),
        "name": "한빛정밀",
        "representative": "김민준",
        "ksic_division": "C29",
        "region": "48",
        "postcode": "",
        "address": "",
        "address_detail": "",
        "employees": "48",
        "annual_revenue": "12,400,000,000",
        "has_production_facility": "on",
    }
    data.update(extra)
    return data


def test_signup_kind_chooser(client):
    response = client.get(reverse("signup"))
    assert h1(response) == "어떤 기업으로 가입하십니까?"
    response = client.post(reverse("signup"), {})
    assert response.status_code == 200
    assert title(response).startswith("오류: ")
    assert "기업 유형을 선택해 주십시오." in response.content.decode()
    response = client.post(reverse("signup"), {"kind": "supplier"})
    assert response["Location"] == reverse("signup-form", kwargs={"kind": "supplier"})


def test_signup_creates_company_logs_in_and_greets(client):
    number = complete_business_number("608861234")
    response = client.post(
        reverse("signup-form", kwargs={"kind": "manufacturer"}),
        signup_data(business_number=f"{number[:3]} {number[3:5]}-{number[5:]}"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    company = Company.objects.get()
    assert company.business_number == number
    assert company.annual_revenue == 12_400_000_000
    assert company.kind == Company.Kind.MANUFACTURER
    assert company.has_production_facility is True
    user = User.objects.get(email="kim@hanbit.kr")
    assert Membership.objects.get(user=user).role == Role.SME_MEMBER
    home = client.get(reverse("home"))
    assert h1(home) == "도입기업 홈"
    assert "한빛정밀의 가입이 완료되었습니다. 환영합니다." in home.content.decode()


def test_signup_rejects_a_bad_business_number_and_creates_nothing(client):
    before = counts()
    response = client.post(
        reverse("signup-form", kwargs={"kind": "manufacturer"}),
        signup_data(business_number="608-86-12345"),
    )
    assert response.status_code == 200
    assert counts() == before
    body = response.content.decode()
    message = "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주십시오."
    assert f'<li><a href="#id_business_number">{message}</a></li>' in body
    assert f'<span class="sr-only">오류:</span> {message}</p>' in body
    assert 'aria-describedby="id_business_number-hint id_business_number-error"' in body
    assert 'aria-invalid="true"' in body
    assert title(response) == "오류: 제조기업(도입기업) 회원가입 | 스마트공장 사업관리시스템"
    assert "입력 내용에 문제가 있습니다" in body
    # Every answer is kept, the passwords are not echoed.
    assert 'value="kim@hanbit.kr"' in body
    assert 'value="12,400,000,000"' in body
    assert 'value="608-86-12345"' in body
    assert "Hanbit-secure-2026" not in body


def test_signup_format_message(client):
    response = client.post(
        reverse("signup-form", kwargs={"kind": "manufacturer"}), signup_data(business_number="12345")
    )
    assert "사업자등록번호는 숫자 10자리로 입력해 주십시오. 예: 123-45-67890" in response.content.decode()


def test_signup_refuses_a_registered_business_number(client, company):
    before = counts()
    response = client.post(
        reverse("signup-form", kwargs={"kind": "manufacturer"}),
        signup_data(business_number=company.business_number),
    )
    assert response.status_code == 200
    assert counts() == before
    assert (
        '<a href="#id_business_number">이미 등록된 사업자등록번호입니다. 해당 기업의 담당자에게 초대를 요청해 주십시오.</a>'
        in response.content.decode()
    )


def test_signup_manufacturer_needs_a_sector_but_a_supplier_does_not(client):
    response = client.post(
        reverse("signup-form", kwargs={"kind": "manufacturer"}), signup_data(ksic_division="")
    )
    assert '<a href="#id_ksic_division">주업종을 선택해 주십시오.</a>' in response.content.decode()
    response = client.post(reverse("signup-form", kwargs={"kind": "supplier"}), signup_data(ksic_division=""))
    assert response.status_code == 302
    assert Company.objects.get().kind == Company.Kind.SUPPLIER


def test_signup_passwords_must_match(client):
    response = client.post(
        reverse("signup-form", kwargs={"kind": "manufacturer"}), signup_data(password2="Other-secure-2026")
    )
    assert "비밀번호가 일치하지 않습니다. 같은 비밀번호를 입력해 주십시오." in response.content.decode()
    assert User.objects.count() == 0


def test_signup_optional_labels_and_novalidate(client):
    body = client.get(reverse("signup-form", kwargs={"kind": "manufacturer"})).content.decode()
    assert "novalidate" in body
    assert '연락처 <span class="optional">(선택)</span>' in body
    assert '기업명 <span class="optional">(선택)</span>' not in body
    assert " required" not in body


def test_login_activates_the_preferred_language(client):
    factories.make_user(email="en@example.kr", preferred_language="en")
    response = client.post(reverse("login"), {"username": "en@example.kr", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sfms_language"].value == "en"


def test_login_error(client):
    response = client.post(reverse("login"), {"username": "nobody@example.kr", "password": "x"})
    assert title(response) == "오류: 로그인 | 스마트공장 사업관리시스템"
    assert "이메일 또는 비밀번호가 올바르지 않습니다. 다시 확인해 주십시오." in response.content.decode()


def test_language_switch_persists_for_a_signed_in_user(client, people):
    user = people[Role.SME_MEMBER]
    client.force_login(user)
    response = client.post(reverse("set-language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert h1(client.get("/")) == "Manufacturer home"


def test_logout_is_post_only(client, people):
    client.force_login(people[Role.SME_MEMBER])
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("organizations:my-company")).status_code == 302


def test_password_reset_sends_mail(client, people, mailoutbox):
    user = people[Role.SME_MEMBER]
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[SFMS] 비밀번호 재설정 안내"
    assert "/accounts/reset/" in mailoutbox[0].body
    assert h1(client.get(reverse("password_reset_done"))) == "재설정 링크를 보냈습니다"


# --- company edit -----------------------------------------------------------------------------


def edit_data(company, **extra):
    data = {
        "name": company.name,
        "name_en": company.name_en,
        "representative": company.representative,
        "ksic_division": company.ksic_division_id or "",
        "region": company.region_id,
        "postcode": company.postcode,
        "address": company.address,
        "address_detail": company.address_detail,
        "phone": company.phone,
        "employees": str(company.employees),
        "annual_revenue": f"{company.annual_revenue:,}",
        "reason": "",
    }
    for name in ("has_production_facility", "has_mes", "has_erp", "has_data_collection"):
        if getattr(company, name):
            data[name] = "on"
    data.update(extra)
    return data


def test_company_edit_writes_an_audit_event(client, people, company):
    client.force_login(people[Role.SME_MEMBER])
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("organizations:company-edit", args=[company.pk]),
        edit_data(company, employees="55", annual_revenue="13,000,000,000", reason="연말 갱신"),
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.employees, company.annual_revenue) == (55, 13_000_000_000)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.actor == people[Role.SME_MEMBER]
    assert event.before == {"employees": 42, "annual_revenue": 12_300_000_000}
    assert event.after == {"employees": 55, "annual_revenue": 13_000_000_000}
    assert event.reason == "연말 갱신"


def test_company_edit_with_errors_keeps_input_and_changes_nothing(client, people, company):
    client.force_login(people[Role.SME_MEMBER])
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("organizations:company-edit", args=[company.pk]),
        edit_data(company, employees="많음", annual_revenue="-5"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert '<a href="#id_employees">상시 근로자 수는 숫자로 입력해 주십시오. 예: 42</a>' in body
    assert '<a href="#id_annual_revenue">연 매출액은 0원 이상이어야 합니다.</a>' in body
    assert 'value="많음"' in body
    assert AuditEvent.objects.count() == before
    company.refresh_from_db()
    assert company.employees == 42


def test_operator_cannot_post_a_company_edit(client, people, company):
    client.force_login(people[Role.OPERATOR_ADMIN])
    response = client.post(
        reverse("organizations:company-edit", args=[company.pk]), edit_data(company, employees="1")
    )
    assert response.status_code == 403
    company.refresh_from_db()
    assert company.employees == 42


# --- escaping and formats ---------------------------------------------------------------------


def test_pages_escape_and_format(client, people):
    firm = factories.make_company(
        "<script>alert(1)</script>", annual_revenue=1_234_000, representative="<b>홍</b>"
    )
    Company.objects.filter(pk=firm.pk).update(created_at=datetime.datetime(2026, 3, 7, 15, 20, tzinfo=KST))
    Company.objects.filter(pk=firm.pk).update(updated_at=datetime.datetime(2026, 3, 7, 15, 20, tzinfo=KST))
    client.force_login(people[Role.OPERATOR_STAFF])
    body = client.get(reverse("organizations:company-detail", args=[firm.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;홍&lt;/b&gt;" in body
    assert "<dd>1,234,000원</dd>" in body
    assert "<dd>2026. 3. 7.</dd>" in body
    assert "<dd>2026. 3. 7. 15:20</dd>" in body
    assert f"<dd>{bizno(firm.business_number)}</dd>" in body
    body = client.get(reverse("organizations:company-list")).content.decode()
    assert '<td class="num">1,234,000원</td>' in body
    assert "<script>alert(1)</script>" not in body


def test_audit_list_shows_before_and_after(client, people, company):
    from organizations import services

    services.company_update(people[Role.SME_MEMBER], company, {"employees": 50}, reason="인원 변동")
    client.force_login(people[Role.OPERATOR_STAFF])
    body = client.get(reverse("organizations:audit-list"), {"action": "update"}).content.decode()
    assert '<strong>상시 근로자 수</strong>: <span class="change-from">42</span> → 50' in body
    assert "<td>인원 변동</td>" in body
    assert people[Role.SME_MEMBER].email in body
    # Read-only: no form posts anywhere but the page shell's language and logout forms.
    assert body.count('method="post"') == 2


# --- list: queries, filters, pagination -------------------------------------------------------


def test_company_list_keeps_a_constant_number_of_queries(client, people):
    client.force_login(people[Role.OPERATOR_STAFF])
    Company.objects.all().delete()
    url = reverse("organizations:company-list")

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    factories.make_company("가")
    one = measure()
    factories.make_company("나", kind=Company.Kind.SUPPLIER, ksic=None)
    factories.make_company("다", region_code="26")
    assert measure() == one


@pytest.mark.parametrize("page", ["audit-list", "company-audit", "operator-detail"])
def test_audit_and_member_lists_keep_a_constant_number_of_queries(client, people, company, operator, page):
    """One more audit event or member must not cost one more query."""
    client.force_login(people[Role.OPERATOR_ADMIN])
    kwargs = {"company-audit": {"pk": company.pk}, "operator-detail": {"pk": operator.pk}}.get(page, {})
    url = reverse(f"organizations:{page}", kwargs=kwargs)
    member = people[Role.SME_MEMBER]

    def add():
        if page == "operator-detail":
            factories.make_member(Role.OPERATOR_STAFF, operator=operator)
        else:
            services.company_update(
                member, company, {"employees": Company.objects.get(pk=company.pk).employees + 1}
            )

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add()
    one = measure()
    add()
    add()
    assert measure() == one


def test_company_list_filters(client, people):
    client.force_login(people[Role.OPERATOR_STAFF])
    url = reverse("organizations:company-list")
    busan = factories.make_company("부산정밀", region_code="26")
    supplier = factories.make_company("솔루션랩", kind=Company.Kind.SUPPLIER, ksic=None)

    def names(**params):
        body = client.get(url, params).content.decode()
        return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', body)

    assert names(q="부산정밀") == [busan.name]
    assert names(q=busan.business_number[:5]) == [busan.name]
    assert names(region="26") == [busan.name]
    suppliers = Company.objects.filter(kind=Company.Kind.SUPPLIER).order_by("name")
    assert names(kind="supplier") == [c.name for c in suppliers]
    assert supplier.name in names(kind="supplier")
    assert set(names()) == set(Company.objects.values_list("name", flat=True))
    assert "검색 결과 1건" in client.get(url, {"region": "26"}).content.decode()


def test_company_list_paginates_by_20(client, people):
    client.force_login(people[Role.OPERATOR_STAFF])
    for i in range(22):
        factories.make_company(f"기업{i:02d}", region_code="11")
    total = Company.objects.count()
    body = client.get(reverse("organizations:company-list"), {"page": 2}).content.decode()
    assert f"검색 결과 {total}건" in body
    assert body.count('<th scope="row">') == total - 20
    assert '<nav class="pagination" aria-label="페이지 탐색">' in body
    assert 'aria-current="page"><span class="sr-only">현재 페이지 </span>2</a>' in body


def test_region_data_is_loaded():
    assert Region.objects.filter(code="48").exists()


def test_lname_follows_the_language():
    region = Region.objects.get(code="48")
    with translation.override("ko"):
        assert lname(region) == "경상남도"
    with translation.override("en"):
        assert lname(region) == "Gyeongsangnam-do"
    assert lname(None) == ""


def test_signup_form_names_regions_in_english(client):
    client.cookies["sfms_language"] = "en"
    response = client.get(reverse("signup-form", kwargs={"kind": "manufacturer"}))
    body = response.content.decode()
    assert h1(response) == "Register: Manufacturer (adopting SME)"
    assert '<option value="48">Gyeongsangnam-do</option>' in body
    assert "(optional)" in body


def test_read_only_pages_refuse_writes(client, people, company):
    client.force_login(people[Role.OPERATOR_ADMIN])
    for url in [
        reverse("organizations:company-detail", args=[company.pk]),
        reverse("organizations:company-audit", args=[company.pk]),
        reverse("organizations:audit-list"),
        reverse("organizations:company-list"),
    ]:
        before = (counts(), Company.objects.get(pk=company.pk).employees)
        assert client.post(url, {"employees": 1}).status_code == 405
        assert client.delete(url).status_code == 405
        assert (counts(), Company.objects.get(pk=company.pk).employees) == before


def test_filter_selects_say_all_and_use_the_active_language(client, people):
    client.force_login(people[Role.OPERATOR_STAFF])
    body = client.get(reverse("organizations:company-list")).content.decode()
    assert '<option value="" selected>전체</option>' in body
    assert "---------" not in body
    client.cookies["sfms_language"] = "en"
    body = client.get(reverse("organizations:company-list")).content.decode()
    assert '<option value="26">Busan</option>' in body
    assert '<option value="" selected>All</option>' in body
