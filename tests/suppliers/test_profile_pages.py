"""The supplier's own profile pages through Django's test client: the draft made on the first visit,
the task list, each section's happy path and its GOV.UK-style errors (nothing changes on an error),
uploads checked by content, check answers and submit, and who may open what (another supplier: 404;
firms of other kinds and operator staff: 403 with the reason)."""

import datetime
import io
import re
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.models import AuditEvent, Company, Operator, Role
from suppliers import services
from suppliers.forms_profile import CertificationForm, DatePartsField, sniff
from suppliers.models import (
    Certification,
    ImplementationCase,
    Solution,
    SupplierDocument,
    SupplierProfile,
    SupplierStatus,
)
from tests import factories
from tests.html import h1, summary, summary_anchors, text, title

pytestmark = pytest.mark.django_db

S = SupplierStatus
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
HWPX = zip_bytes({"mimetype": "application/hwp+zip", "Contents/section0.xml": "<hs:sec/>"})


# --- helpers ----------------------------------------------------------------------------------------


def tasks(response):
    """(task name, status word) pairs of the task list, in order."""
    body = response.content.decode()
    rows = re.findall(r'<li class="task-list-item">(.*?)</li>', body, re.S)
    found = []
    for row in rows:
        name = re.search(r"<a [^>]*>(.*?)</a>", row, re.S).group(1).strip()
        status = re.search(r'<span class="task-tag[^"]*">(.*?)</span>', row, re.S).group(1).strip()
        found.append((unescape(name), unescape(status)))
    return found


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def url(name, *args):
    return reverse(f"suppliers:profile-{name}", args=args)


def state():
    """Row counts of everything the profile pages write, plus the audit trail."""
    return tuple(
        m.objects.count()
        for m in (SupplierProfile, Solution, Certification, ImplementationCase, SupplierDocument, AuditEvent)
    )


def snapshot(profile):
    profile = SupplierProfile.objects.select_related("company").get(pk=profile.pk)
    return (
        profile.status,
        profile.introduction_ko,
        profile.contact_email,
        profile.company.name,
        profile.company.employees,
        sorted(profile.domains.values_list("code", flat=True)),
        sorted(Solution.objects.filter(profile=profile).values_list("name", flat=True)),
    )


ABOUT_POST = {
    "domains": ["mes", "iot"],
    "introduction_ko": "자동차 부품 공장에 MES와 설비 데이터 수집을 구축합니다.",
    "introduction_en": "We build MES and machine data collection.",
    "contact_name": "김영업",
    "contact_phone": "02-123-4567",
    "contact_email": "sales@hanbit.example.kr",
    "homepage": "www.hanbit.example.kr",
}

SOLUTION_POST = {
    "name": "한빛 MES 클라우드",
    "domain": "mes",
    "description": "중소 제조기업용 클라우드 MES",
    "levels": ["basic", "intermediate_1"],
    "deployment": "cloud",
    "price_min": "30,000,000",
    "price_max": "150,000,000원",
}


def company_post(company, **overrides):
    data = {
        "name": company.name,
        "name_en": company.name_en,
        "representative": company.representative,
        "region": company.region_id,
        "postcode": company.postcode,
        "address": company.address,
        "address_detail": company.address_detail,
        "phone": company.phone,
        "employees": str(company.employees),
        "annual_revenue": f"{company.annual_revenue:,}",
        "reason": "",
    }
    data.update(overrides)
    return data


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def supplier_company(db):
    return factories.make_company("한빛솔루션", kind=Company.Kind.SUPPLIER, ksic=None, region_code="48")


@pytest.fixture
def member(supplier_company):
    return factories.make_member(Role.SUPPLIER_MEMBER, company=supplier_company, full_name="김공급")


@pytest.fixture
def profile(member, supplier_company):
    return services.supplier_profile_start(member, supplier_company)


@pytest.fixture
def ready(profile, member):
    """A draft with everything the submit needs."""
    services.supplier_profile_update(
        member,
        profile,
        {
            "introduction_ko": "MES 구축 전문기업입니다.",
            "contact_name": "김영업",
            "contact_phone": "02-123-4567",
            "contact_email": "a@b.kr",
        },
        domains=["mes"],
    )
    services.solution_save(
        member, profile, {"name": "한빛 MES", "domain_id": "mes", "deployment": "cloud", "levels": ["basic"]}
    )
    profile.refresh_from_db()
    return profile


@pytest.fixture
def children(ready, member):
    """One of each child record, for the object pages."""
    cert = services.certification_save(
        member,
        ready,
        {
            "kind": "iso9001",
            "issuer": "한국표준협회",
            "number": "KSA-1",
            "valid_until": datetime.date(2027, 3, 15),
        },
    )
    case = services.case_save(
        member,
        ready,
        {"title": "자동차 부품 MES 구축", "year": 2024, "amount": 120_000_000, "client_region_id": "48"},
    )
    doc = services.document_add(
        member,
        ready,
        kind="brochure",
        file=SimpleUploadedFile("brochure.pdf", PDF),
        original_name="회사소개서.pdf",
    )
    return {"solution": ready.solutions.get(), "certification": cert, "case": case, "document": doc}


@pytest.fixture
def other_member(db):
    other = factories.make_supplier(
        "다른공급사", status="draft", solutions=[("다른 MES", "mes", "cloud", ["basic"])]
    )
    return factories.make_member(Role.SUPPLIER_MEMBER, company=other.company)


@pytest.fixture
def sme(company):
    return factories.make_member(Role.SME_MEMBER, company=company)


@pytest.fixture
def centre_staff(db):
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    return factories.make_member(Role.CENTRE_STAFF, operator=centre)


@pytest.fixture
def reviewer(operator):
    return factories.make_member(Role.OPERATOR_ADMIN, operator=operator)


def page_urls(c):
    """Every profile page with the h1 its supplier member sees."""
    return [
        (url("home"), "공급기업 정보"),
        (url("company"), "기업 기본 정보"),
        (url("about"), "기술 분야·소개·연락처"),
        (url("solutions"), "솔루션"),
        (url("solution-add"), "솔루션 추가"),
        (url("solution-edit", c["solution"].pk), "솔루션 수정"),
        (url("solution-delete", c["solution"].pk), "솔루션 삭제"),
        (url("certifications"), "인증"),
        (url("certification-add"), "인증 추가"),
        (url("certification-edit", c["certification"].pk), "인증 수정"),
        (url("certification-delete", c["certification"].pk), "인증 삭제"),
        (url("cases"), "구축 사례"),
        (url("case-add"), "구축 사례 추가"),
        (url("case-edit", c["case"].pk), "구축 사례 수정"),
        (url("case-delete", c["case"].pk), "구축 사례 삭제"),
        (url("documents"), "서류"),
        (url("document-add"), "서류 추가"),
        (url("document-delete", c["document"].pk), "서류 삭제"),
        (url("check"), "입력 내용 확인"),
    ]


def object_urls(c):
    return [
        url("solution-edit", c["solution"].pk),
        url("solution-delete", c["solution"].pk),
        url("certification-edit", c["certification"].pk),
        url("certification-delete", c["certification"].pk),
        url("certification-file", c["certification"].pk),
        url("case-edit", c["case"].pk),
        url("case-delete", c["case"].pk),
        url("document-delete", c["document"].pk),
        url("document-file", c["document"].pk),
    ]


# --- first visit and task list ------------------------------------------------------------------------


def test_first_visit_creates_the_draft_and_shows_the_task_list(client, member, supplier_company):
    client.force_login(member)
    response = client.get(url("home"))
    assert response.status_code == 200
    assert h1(response) == "공급기업 정보"
    profile = SupplierProfile.objects.get(company=supplier_company)
    assert profile.status == S.DRAFT
    assert AuditEvent.objects.filter(action="create", object_id=str(profile.pk)).count() == 1
    assert tasks(response) == [
        ("기업 기본 정보 확인", "완료"),
        ("기술 분야·소개·연락처 입력", "시작 전"),
        ("솔루션 등록", "시작 전"),
        ("인증 등록", "시작 전"),
        ("구축 사례 등록", "시작 전"),
        ("서류 등록", "시작 전"),
    ]
    page = text(response)
    assert "6개 중 1개 완료" in page
    assert "등록 상태: 작성 중" in page
    assert "기술 분야를 하나 이상 선택해 주십시오." in page
    assert url("check") not in response.content.decode()
    # A second visit finds the same draft.
    client.get(url("home"))
    assert SupplierProfile.objects.filter(company=supplier_company).count() == 1


def test_task_list_when_everything_is_there(client, member, children):
    Certification.objects.create(
        profile=children["solution"].profile,
        kind="venture",
        issuer="기보",
        number="V-1",
        valid_until=datetime.date(2026, 1, 31),
    )
    client.force_login(member)
    response = client.get(url("home"))
    assert tasks(response) == [
        ("기업 기본 정보 확인", "완료"),
        ("기술 분야·소개·연락처 입력", "완료"),
        ("솔루션 등록", "완료"),
        ("인증 등록", "확인 필요"),
        ("구축 사례 등록", "완료"),
        ("서류 등록", "완료"),
    ]
    page = text(response)
    assert "유효기간이 지난 인증이 1건 있습니다." in page
    assert f'href="{url("check")}"' in response.content.decode()


def test_a_half_filled_about_section_needs_attention(client, member, profile):
    services.supplier_profile_update(member, profile, {"contact_name": "김영업"})
    client.force_login(member)
    assert tasks(client.get(url("home")))[1] == ("기술 분야·소개·연락처 입력", "확인 필요")


# --- access ---------------------------------------------------------------------------------------------


def test_every_page_opens_for_the_supplier_member(client, member, children):
    client.force_login(member)
    for address, heading in page_urls(children):
        response = client.get(address)
        assert response.status_code == 200, address
        assert h1(response) == heading, address
        assert not title(response).startswith("오류"), address


def test_anonymous_visitors_are_sent_to_sign_in(client, children):
    for address, _heading in page_urls(children):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address


@pytest.mark.parametrize("who", ["sme", "centre_staff", "reviewer"])
def test_people_who_are_not_suppliers_get_403_with_the_reason(client, request, children, who):
    client.force_login(request.getfixturevalue(who))
    before = state()
    for address in [a for a, _h in page_urls(children)] + object_urls(children):
        response = client.get(address)
        assert response.status_code == 403, address
        assert "공급기업으로 가입한 기업의 담당자만" in text(response), address
        assert client.post(address, {"name": "HACKED", "reason": "x"}).status_code in {403, 405}, address
    assert state() == before


def test_another_supplier_gets_404_and_nothing_changes(client, other_member, children):
    profile = children["solution"].profile
    client.force_login(other_member)
    before, mine = state(), snapshot(profile)
    posts = {
        url("solution-edit", children["solution"].pk): SOLUTION_POST | {"name": "HACKED"},
        url("certification-edit", children["certification"].pk): {
            "kind": "other",
            "name": "HACKED",
            "issuer": "x",
            "number": "1",
        },
        url("case-edit", children["case"].pk): {"title": "HACKED", "year": "2024", "amount": "1"},
    }
    for address in object_urls(children):
        assert client.get(address).status_code == 404, address
        assert client.post(address, posts.get(address, {})).status_code in {404, 405}, address
    assert state() == before
    assert snapshot(profile) == mine
    assert Solution.objects.get(pk=children["solution"].pk).name == "한빛 MES"
    # Their own pages show their own supplier, never ours.
    home = text(client.get(url("home")))
    assert "다른공급사" in home and profile.company.name not in home
    check = text(client.get(url("check")))
    assert "한빛 MES" not in check and "회사소개서" not in check


# --- company registry fields ------------------------------------------------------------------------------


def test_company_edit_through_the_service(client, member, profile, supplier_company):
    client.force_login(member)
    response = client.post(
        url("company"),
        company_post(
            supplier_company,
            employees="58",
            annual_revenue="3,400,000,000",
            address="경상남도 창원시 의창구 1",
        ),
    )
    assert response.status_code == 302 and response["Location"] == url("home")
    company = Company.objects.get(pk=supplier_company.pk)
    assert (company.employees, company.annual_revenue, company.address) == (
        58,
        3_400_000_000,
        "경상남도 창원시 의창구 1",
    )
    event = AuditEvent.objects.filter(object_id=str(company.pk), action="update").latest("pk")
    assert event.after == {
        "employees": 58,
        "annual_revenue": 3_400_000_000,
        "address": "경상남도 창원시 의창구 1",
    }
    # Nothing changed: said so, no new audit row.
    count = AuditEvent.objects.count()
    response = client.post(url("company"), company_post(company), follow=True)
    assert "변경된 내용이 없습니다." in messages_of(response)
    assert AuditEvent.objects.count() == count


def test_registered_supplier_changing_its_name_goes_back_to_review(client, member, ready, supplier_company):
    SupplierProfile.objects.filter(pk=ready.pk).update(status=S.REGISTERED)
    client.force_login(member)
    page = text(client.get(url("company")))
    assert "등록된 공급기업이 기업명을 바꾸면 다시 심사를 받습니다." in page
    client.post(url("company"), company_post(supplier_company, employees="60"))
    assert SupplierProfile.objects.get(pk=ready.pk).status == S.REGISTERED
    response = client.post(
        url("company"), company_post(supplier_company, name="한빛스마트솔루션"), follow=True
    )
    profile = SupplierProfile.objects.get(pk=ready.pk)
    assert profile.status == S.SUBMITTED
    assert profile.status_reason == "등록 정보 변경 심사: 기업명"
    assert any("다시 심사를 받습니다" in m for m in messages_of(response))


def test_company_edit_errors_keep_input_and_change_nothing(client, member, profile, supplier_company):
    client.force_login(member)
    before = snapshot(profile)
    response = client.post(
        url("company"),
        company_post(supplier_company, name="", employees="마흔", annual_revenue="-5", postcode="12"),
    )
    assert response.status_code == 200
    assert title(response).startswith("오류: 기업 기본 정보")
    assert summary(response) == [
        "기업명을 입력해 주십시오.",
        "우편번호는 숫자 5자리로 입력해 주십시오.",
        "상시 근로자 수는 숫자로 입력해 주십시오. 예: 42",
        "연 매출액은 0원 이상이어야 합니다.",
    ]
    assert summary_anchors(response) == ["id_name", "id_postcode", "id_employees", "id_annual_revenue"]
    assert 'value="마흔"' in response.content.decode()
    assert snapshot(profile) == before


# --- domains, introduction, contact -----------------------------------------------------------------------


def test_about_edit_with_domain_checkboxes(client, member, profile):
    client.force_login(member)
    response = client.post(url("about"), ABOUT_POST)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert sorted(profile.domains.values_list("code", flat=True)) == ["iot", "mes"]
    assert (profile.contact_email, profile.homepage) == (
        "sales@hanbit.example.kr",
        "https://www.hanbit.example.kr",
    )
    page = client.get(url("about")).content.decode()
    assert re.search(r'<input type="checkbox" name="domains" value="mes"[^>]*checked', page)
    assert tasks(client.get(url("home")))[1] == ("기술 분야·소개·연락처 입력", "완료")


def test_about_edit_errors(client, member, profile):
    client.force_login(member)
    before = snapshot(profile)
    response = client.post(
        url("about"), {**ABOUT_POST, "domains": [], "contact_email": "sales@", "introduction_ko": " "}
    )
    assert summary(response) == [
        "기술 분야를 하나 이상 선택해 주십시오.",
        "기업 소개(한국어)를 입력해 주십시오.",
        "이메일 주소를 name@example.kr 형식으로 입력해 주십시오.",
    ]
    assert summary_anchors(response)[0] == "id_domains_0"
    assert 'value="김영업"' in response.content.decode()
    assert snapshot(profile) == before


# --- solutions --------------------------------------------------------------------------------------------


def test_solution_add_edit_and_delete(client, member, profile):
    client.force_login(member)
    response = client.post(url("solution-add"), SOLUTION_POST, follow=True)
    assert "솔루션 '한빛 MES 클라우드'을(를) 저장했습니다." in messages_of(response)
    solution = Solution.objects.get(profile=profile)
    assert (solution.levels, solution.price_min, solution.price_max) == (
        ["basic", "intermediate_1"],
        30_000_000,
        150_000_000,
    )
    page = text(client.get(url("solutions")))
    assert "30,000,000원 ~ 150,000,000원" in page and "기초, 중간1" in page
    edit = client.get(url("solution-edit", solution.pk)).content.decode()
    assert 'value="30,000,000"' in edit
    client.post(url("solution-edit", solution.pk), {**SOLUTION_POST, "levels": ["advanced"], "price_max": ""})
    solution.refresh_from_db()
    assert (solution.levels, solution.price_max) == (["advanced"], None)
    assert "30,000,000원부터" in text(client.get(url("solutions")))
    confirm = client.get(url("solution-delete", solution.pk))
    assert "'한빛 MES 클라우드'을(를) 삭제하시겠습니까?" in text(confirm)
    response = client.post(url("solution-delete", solution.pk), follow=True)
    assert "솔루션 '한빛 MES 클라우드'을(를) 삭제했습니다." in messages_of(response)
    assert not Solution.objects.filter(profile=profile).exists()


def test_solution_errors_change_nothing(client, member, profile):
    client.force_login(member)
    before = state()
    response = client.post(
        url("solution-add"), {**SOLUTION_POST, "name": "", "deployment": "", "price_max": "10,000,000"}
    )
    assert summary(response) == [
        "솔루션명을 입력해 주십시오.",
        "구축 방식을 선택해 주십시오.",
        "최고 가격은 최저 가격보다 작을 수 없습니다.",
    ]
    assert summary_anchors(response) == ["id_name", "id_deployment_0", "id_price_max"]
    assert state() == before


# --- certifications: dates in three parts, files by content, material change -----------------------------


def test_certification_with_a_date_in_three_parts_and_a_pdf(client, member, profile):
    client.force_login(member)
    response = client.post(
        url("certification-add"),
        {
            "kind": "innobiz",
            "issuer": "중소벤처기업부",
            "number": "INNO-2026-001",
            "valid_until_0": "2027",
            "valid_until_1": "3",
            "valid_until_2": "15",
            "document": SimpleUploadedFile("이노비즈 확인서.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    cert = Certification.objects.get(profile=profile)
    assert cert.valid_until == datetime.date(2027, 3, 15)
    assert cert.document.name.endswith(".pdf") and "이노비즈" not in cert.document.name
    listing = client.get(url("certifications"))
    assert "2027. 3. 15." in text(listing)
    download = client.get(url("certification-file", cert.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    # The edit page shows the three parts filled in and keeps the file unless a new one comes.
    edit = client.get(url("certification-edit", cert.pk)).content.decode()
    assert 'id="id_valid_until_0" name="valid_until_0" value="2027"' in edit
    assert "현재 인증서 사본" in edit
    client.post(
        url("certification-edit", cert.pk),
        {
            "kind": "innobiz",
            "issuer": "중소벤처기업부",
            "number": "INNO-2026-002",
            "valid_until_0": "",
            "valid_until_1": "",
            "valid_until_2": "",
        },
    )
    cert.refresh_from_db()
    assert (cert.number, cert.valid_until) == ("INNO-2026-002", None)
    assert cert.document.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("parts", "message", "anchor"),
    [
        (("2027", "", "15"), "유효기간 만료일의 월을 입력해 주십시오.", "id_valid_until_1"),
        (("", "3", "15"), "유효기간 만료일의 연도를 입력해 주십시오.", "id_valid_until_0"),
        (("2027", "2", "30"), "유효기간 만료일은(는) 실제 있는 날짜여야 합니다.", "id_valid_until_2"),
        (("2027", "13", "1"), "유효기간 만료일은(는) 실제 있는 날짜여야 합니다.", "id_valid_until_1"),
        (
            ("27", "3", "15"),
            "유효기간 만료일의 연도는 4자리 숫자로 입력해 주십시오. 예: 2027",
            "id_valid_until_0",
        ),
        (
            ("2027", "삼", "15"),
            "유효기간 만료일은(는) 숫자로 입력해 주십시오. 예: 2027 3 15",
            "id_valid_until_1",
        ),
    ],
)
def test_certification_date_errors_point_at_the_wrong_part(client, member, profile, parts, message, anchor):
    client.force_login(member)
    data = {"kind": "iso9001", "issuer": "KSA", "number": "1"}
    data.update({f"valid_until_{i}": v for i, v in enumerate(parts)})
    response = client.post(url("certification-add"), data)
    assert summary(response) == [message]
    assert summary_anchors(response) == [anchor]
    assert f'id="{anchor}"' in response.content.decode()
    assert not Certification.objects.exists()


def test_date_parts_field_reads_korean_order():
    field = DatePartsField(label="평가일")
    assert field.clean(["2026", "09", "15."]) == datetime.date(2026, 9, 15)
    assert DatePartsField(label="x", required=False).clean(["", "", ""]) is None


def test_registered_supplier_changing_certifications_goes_back_to_review(client, member, children):
    profile = children["solution"].profile
    SupplierProfile.objects.filter(pk=profile.pk).update(status=S.REGISTERED)
    client.force_login(member)
    assert "다시 심사를 받습니다" in text(client.get(url("certification-add")))
    response = client.post(
        url("certification-add"), {"kind": "venture", "issuer": "기술보증기금", "number": "V-77"}, follow=True
    )
    profile.refresh_from_db()
    assert profile.status == S.SUBMITTED
    assert profile.status_reason == "등록 정보 변경 심사: 인증"
    assert any("다시 심사를 받습니다" in m for m in messages_of(response))


def test_other_certification_needs_its_name(client, member, profile):
    client.force_login(member)
    response = client.post(url("certification-add"), {"kind": "other", "issuer": "KSA", "number": "1"})
    assert summary(response) == ["인증 종류가 '기타'이면 인증명을 입력해 주십시오."]


# --- cases ------------------------------------------------------------------------------------------------


def test_case_add_with_won_and_year(client, member, profile):
    client.force_login(member)
    response = client.post(
        url("case-add"),
        {
            "title": "자동차 부품 공장 MES 구축",
            "client_sector": "C30",
            "client_region": "48",
            "year": "2025",
            "amount": "120,000,000",
            "level": "intermediate_1",
            "outcome": "불량률 30% 감소",
        },
    )
    assert response.status_code == 302
    case = ImplementationCase.objects.get(profile=profile)
    assert (case.amount, case.year, case.client_region_id) == (120_000_000, 2025, "48")
    assert "120,000,000원" in text(client.get(url("cases")))
    profile.refresh_from_db()
    assert profile.case_count == 1


def test_case_errors(client, member, profile):
    client.force_login(member)
    response = client.post(url("case-add"), {"title": "", "year": "2027", "amount": "일억"})
    assert summary(response) == [
        "사례명을 입력해 주십시오.",
        "구축 연도는 올해 이전이어야 합니다.",
        "사업 규모는 원 단위 숫자로 입력해 주십시오. 예: 120,000,000",
    ]
    assert not ImplementationCase.objects.exists()


# --- documents: the type is what the bytes say -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.pdf", PDF, "pdf"),
        ("a.png", PNG, "png"),
        ("a.jpg", JPEG, "jpeg"),
        ("a.hwp", OLE, "ole"),
        ("a.docx", DOCX, "docx"),
        ("a.xlsx", XLSX, "xlsx"),
        ("a.hwpx", HWPX, "hwpx"),
        ("a.zip", zip_bytes({"x.txt": "x"}), "zip"),
        ("a.txt", b"hello", None),
    ],
)
def test_sniff_reads_the_magic_bytes(name, data, kind):
    assert sniff(io.BytesIO(data)) == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("사업자등록증.pdf", PDF),
        ("조직도.png", PNG),
        ("재무제표.xlsx", XLSX),
        ("소개서.hwpx", HWPX),
        ("소개서.hwp", OLE),
    ],
)
def test_document_upload_of_each_accepted_type(client, member, profile, name, data):
    client.force_login(member)
    response = client.post(
        url("document-add"), {"kind": "other", "file": SimpleUploadedFile(name, data)}, follow=True
    )
    assert f"서류 '{name}'을(를) 등록했습니다." in messages_of(response)
    doc = SupplierDocument.objects.get(profile=profile)
    assert doc.original_name == name
    assert doc.file.name.rsplit(".", 1)[1] == name.rsplit(".", 1)[1]
    assert f"{name} [{name.rsplit('.', 1)[1]}, 1KB]" in text(response)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "사업자등록증.pdf",
            PNG,
            "선택한 파일의 내용이 확장자(.pdf)와 맞지 않습니다. 파일 내용은 PNG 이미지입니다. 올바른 파일을 선택해 주십시오.",
        ),
        (
            "재무제표.docx",
            XLSX,
            "선택한 파일의 내용이 확장자(.docx)와 맞지 않습니다. 파일 내용은 엑셀(XLSX) 문서입니다. 올바른 파일을 선택해 주십시오.",
        ),
        (
            "setup.exe",
            b"MZ\x90\x00",
            "선택한 파일은 PDF, 한글(HWP·HWPX), 워드·엑셀·파워포인트, JPG·PNG 형식이어야 합니다.",
        ),
        (
            "메모.pdf",
            b"just text, not a pdf",
            "선택한 파일의 내용이 PDF, 한글(HWP·HWPX), 워드·엑셀·파워포인트, JPG·PNG 형식이 아닙니다. 파일을 확인해 주십시오.",
        ),
        ("빈파일.pdf", b"", "선택한 파일이 비어 있습니다. 내용이 있는 파일을 선택해 주십시오."),
    ],
)
def test_document_upload_refuses_by_content(client, member, profile, name, data, message):
    client.force_login(member)
    before = state()
    response = client.post(url("document-add"), {"kind": "brochure", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert summary(response) == [message]
    assert summary_anchors(response) == ["id_file"]
    assert title(response).startswith("오류: ")
    assert 'id="id_kind_1" checked' in response.content.decode() or re.search(
        r'value="brochure"[^>]*checked', response.content.decode()
    )
    assert state() == before


def test_document_upload_over_10_mb_and_without_a_file(client, member, profile):
    client.force_login(member)
    big = SimpleUploadedFile("큰파일.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(url("document-add"), {"kind": "brochure", "file": big})
    assert summary(response) == ["선택한 파일은 10MB 이하여야 합니다. (선택한 파일: 10.0MB)"]
    response = client.post(url("document-add"), {})
    assert summary(response) == ["서류 종류를 선택해 주십시오.", "올릴 파일을 선택해 주십시오."]
    assert summary_anchors(response) == ["id_kind_0", "id_file"]
    assert not SupplierDocument.objects.exists()


def test_document_download_and_delete(client, member, children):
    doc = children["document"]
    client.force_login(member)
    listing = text(client.get(url("documents")))
    assert "회사소개서.pdf [pdf, 1KB]" in listing
    download = client.get(url("document-file", doc.pk))
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    response = client.post(url("document-delete", doc.pk), follow=True)
    assert "서류 '회사소개서.pdf'을(를) 삭제했습니다." in messages_of(response)
    assert not SupplierDocument.objects.filter(pk=doc.pk).exists()


def test_a_missing_stored_file_is_404(client, member, children):
    SupplierDocument.objects.filter(pk=children["document"].pk).update(file="suppliers/documents/gone.pdf")
    client.force_login(member)
    assert client.get(url("document-file", children["document"].pk)).status_code == 404
    assert client.get(url("certification-file", children["certification"].pk)).status_code == 404


# --- check answers and submit ---------------------------------------------------------------------------


def test_check_answers_then_submit(client, member, children):
    profile = children["solution"].profile
    client.force_login(member)
    check = client.get(url("check"))
    body, page = check.content.decode(), text(check)
    assert "'심사 요청' 버튼을 누르기 전에는 아무것도 전송되지 않습니다." in page
    assert f'href="{url("about")}?from=check">변경<span class="sr-only"> 기술 분야</span>' in body
    assert f'href="{url("solution-edit", children["solution"].pk)}?from=check"' in body
    assert "120,000,000원" in page and "회사소개서.pdf [pdf, 1KB]" in page
    assert "입력하지 않음" in page  # homepage and English introduction were skipped
    response = client.post(url("check"))
    assert response.status_code == 302 and response["Location"] == url("submitted")
    profile.refresh_from_db()
    assert profile.status == S.SUBMITTED and profile.submitted_at is not None
    move = AuditEvent.objects.filter(action="transition", object_id=str(profile.pk)).get()
    assert (move.before, move.after, move.actor) == ({"status": "draft"}, {"status": "submitted"}, member)
    done = client.get(url("submitted"))
    assert h1(done) == "심사를 요청했습니다"
    home = text(client.get(url("home")))
    assert "등록 상태: 심사 요청" in home and "작성 중 → 심사 요청" in home
    # Submitting twice is refused with the reason and changes nothing.
    again = client.post(url("check"))
    assert summary(again) == ["심사 요청 상태에서 심사 요청(으)로 바꿀 수 없습니다."]
    assert AuditEvent.objects.filter(action="transition").count() == 1


def test_submit_is_blocked_until_the_profile_is_ready(client, member, profile):
    client.force_login(member)
    page = text(client.get(url("check")))
    assert "심사를 요청하려면 다음을 먼저 해 주십시오." in page
    assert "솔루션을 하나 이상 등록해 주십시오." in page
    response = client.post(url("check"))
    assert summary(response)[0].startswith("담당자 이름을 입력해 주십시오. 기술 분야를")
    assert summary_anchors(response) == ["submit-problems"]
    assert SupplierProfile.objects.get(pk=profile.pk).status == S.DRAFT
    assert client.get(url("submitted"))["Location"] == url("home")


def test_change_links_return_to_the_check_page(client, member, ready):
    client.force_login(member)
    response = client.post(url("about") + "?from=check", ABOUT_POST)
    assert response["Location"] == url("check")
    response = client.post(url("solution-add") + "?from=check", SOLUTION_POST)
    assert response["Location"] == url("check")


def test_returned_supplier_sees_the_reason_and_submits_again(client, member, ready, reviewer):
    services.supplier_set_status(member, ready, S.SUBMITTED)
    services.supplier_set_status(reviewer, ready, S.UNDER_REVIEW)
    services.supplier_set_status(reviewer, ready, S.RETURNED, reason="인증서 사본을 첨부해 주십시오.")
    client.force_login(member)
    home = text(client.get(url("home")))
    assert "보완 요청 사유 인증서 사본을 첨부해 주십시오." in home
    assert "등록 상태: 보완 요청" in home
    assert client.post(url("check")).status_code == 302
    assert SupplierProfile.objects.get(pk=ready.pk).status == S.SUBMITTED


def test_rejected_supplier_cannot_submit(client, member, ready):
    SupplierProfile.objects.filter(pk=ready.pk).update(status=S.REJECTED, status_reason="자격 미달")
    client.force_login(member)
    home = text(client.get(url("home")))
    assert "반려 사유 자격 미달" in home
    assert "현재 상태(반려)에서는 심사를 요청할 수 없습니다." in home
    assert client.post(url("check")).status_code == 200
    assert SupplierProfile.objects.get(pk=ready.pk).status == S.REJECTED


def test_rating_and_formula_on_the_home_page(client, member, ready, reviewer, operator):
    services.capability_assessment_record(
        reviewer,
        ready,
        operator=operator,
        assessor="평가위원회",
        assessed_on=datetime.date(2026, 10, 1),
        management=70,
        technology=80,
        project_management=75,
    )
    client.force_login(member)
    page = text(client.get(url("home")))
    assert "3.75 / 5.00" in page
    assert "(0.5 × 3.75) ÷ (0.5) = 3.75" in page
    assert "평점은 이렇게 계산합니다" in page and "가상 평가 3건" in page


def test_every_page_in_english(client, member, children):
    client.force_login(member)
    client.cookies["sfms_language"] = "en"
    for address, _heading in page_urls(children):
        response = client.get(address)
        assert response.status_code == 200, address
        assert '<html lang="en">' in response.content.decode()


def test_certification_form_fields_in_page_order():
    assert list(CertificationForm.base_fields) == [
        "kind",
        "name",
        "issuer",
        "number",
        "valid_until",
        "document",
    ]
