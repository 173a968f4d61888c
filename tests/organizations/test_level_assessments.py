"""Official smart-factory level assessments: the shared upload check (PDF by content, size, virus
scan hook), who may record and withdraw (national agency anywhere, a regional centre in the regions
it covers), the company's level following the latest assessment by date, who sees them, the API
(create, list with a constant query count, report download, withdraw) and the pages (operator form
with its error summary, company detail, and the SME's page beside its unofficial self-diagnosis)."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations import services, uploads
from organizations.access import principal_for
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Company, LevelAssessment, Operator, Region, Role
from organizations.navigation import navigation_for
from tests import factories
from tests.html import h1, summary, summary_anchors, text, title

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
MISMATCH = (
    "선택한 파일의 내용이 확장자(.pdf)와 맞지 않습니다. 파일 내용은 PNG 이미지입니다. "
    "올바른 파일을 선택해 주십시오."
)
SCANNED = []


def pdf(name="수준확인결과서.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def fields(**extra):
    data = {
        "assessing_body": "스마트제조혁신추진단",
        "assessed_on": datetime.date(2026, 3, 10),
        "level": "intermediate_1",
        "data_collection_score": 72,
        "analysis_score": 65,
        "control_score": 41,
        "note": "",
    }
    data.update(extra)
    return data


def stored_reports(media):
    folder = Path(media) / "organizations" / "level-reports"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def state():
    return (LevelAssessment.objects.count(), AuditEvent.objects.count(), Company.objects.count())


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Reports go to a folder of the test's own, so "nothing stored" can be checked on disk."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def agency(db):
    return factories.make_operator("스마트제조혁신추진단")


@pytest.fixture
def centre(db):
    """The Gyeonggi centre: it covers Gyeonggi (41), where the company is."""
    operator = factories.make_operator(
        "경기스마트제조혁신센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41"
    )
    operator.regions_covered.set([Region.objects.get(code="41")])
    return operator


@pytest.fixture
def far_centre(db):
    operator = factories.make_operator(
        "부산스마트제조혁신센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="26"
    )
    operator.regions_covered.set([Region.objects.get(code="26")])
    return operator


@pytest.fixture
def company(db):
    return factories.make_company("한빛정밀", region_code="41")


@pytest.fixture
def users(agency, centre, far_centre, company):
    other = factories.make_company("다른기업", region_code="26")
    supplier = factories.make_company("스마트솔루션", kind=Company.Kind.SUPPLIER, ksic=None)
    province = factories.make_operator("경기도", kind=Operator.Kind.PROVINCE, region_code="41")
    admin = factories.make_member(Role.PLATFORM_ADMIN, email="root@sfms.kr")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    return {
        "agency_staff": factories.make_member(
            Role.OPERATOR_STAFF, operator=agency, email="staff@kosmo.kr", full_name="박지훈"
        ),
        "agency_admin": factories.make_member(Role.OPERATOR_ADMIN, operator=agency, email="admin@kosmo.kr"),
        "centre_staff": factories.make_member(Role.CENTRE_STAFF, operator=centre, email="staff@gg-centre.kr"),
        "centre_admin": factories.make_member(
            Role.OPERATOR_ADMIN, operator=centre, email="admin@gg-centre.kr"
        ),
        "far_centre_staff": factories.make_member(
            Role.CENTRE_STAFF, operator=far_centre, email="staff@bs-centre.kr"
        ),
        "province_staff": factories.make_member(
            Role.OPERATOR_STAFF, operator=province, email="staff@gg.go.kr"
        ),
        "member": factories.make_member(Role.SME_MEMBER, company=company, email="kim@hanbit.kr"),
        "other_member": factories.make_member(Role.SME_MEMBER, company=other, email="lee@other.kr"),
        "supplier_member": factories.make_member(Role.SUPPLIER_MEMBER, company=supplier, email="s@sol.kr"),
        "evaluator": factories.make_member(Role.EVALUATOR, email="eval@sfms.kr"),
        "platform_admin": admin,
    }


def record(actor, company, report=None, **extra):
    return services.level_assessment_record(actor, company, fields(**extra), report or pdf())


# --- the shared upload check ----------------------------------------------------------------------


def test_suppliers_use_the_one_upload_implementation():
    from suppliers import forms_profile, serializers

    assert forms_profile.CheckedFileField is uploads.CheckedFileField
    assert forms_profile.sniff is uploads.sniff
    assert serializers.CheckedFileField is uploads.CheckedFileField


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("결과서.pdf", PNG, MISMATCH),
        ("결과서.png", PNG, "선택한 파일은 PDF 형식이어야 합니다."),
        (
            "결과서.hwp",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "선택한 파일은 PDF 형식이어야 합니다.",
        ),
        (
            "결과서.pdf",
            b"hello, not a pdf",
            "선택한 파일의 내용이 PDF 형식이 아닙니다. 파일을 확인해 주십시오.",
        ),
        ("결과서", PDF, "선택한 파일은 PDF 형식이어야 합니다."),
    ],
)
def test_pdf_field_refuses_anything_but_a_pdf(name, data, message):
    with pytest.raises(ValidationError) as caught:
        uploads.PdfFileField().clean(SimpleUploadedFile(name, data))
    assert caught.value.messages == [message]


def test_pdf_field_accepts_a_pdf_under_a_random_name_and_keeps_the_given_one():
    cleaned = uploads.PdfFileField().clean(pdf("../../2026 수준확인.pdf"))
    assert cleaned.original_name == "2026 수준확인.pdf"
    assert cleaned.name.endswith(".pdf") and len(cleaned.name) == 36
    assert cleaned.checked_kinds == uploads.PDF_ONLY
    assert uploads.PdfFileField().help_text == "PDF 파일, 10MB 이하"


def test_size_limit_is_ten_megabytes():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        uploads.PdfFileField().clean(big)
    assert caught.value.messages == ["선택한 파일은 10MB 이하여야 합니다. (선택한 파일: 10.0MB)"]


def recording_scanner(path_or_file):
    SCANNED.append(
        path_or_file.read(5) if hasattr(path_or_file, "read") else Path(path_or_file).read_bytes()[:5]
    )


def infected_scanner(path_or_file):
    raise uploads.InfectedFile("Eicar-Test-Signature")


def broken_scanner(path_or_file):
    raise ConnectionError("clamd is down")


def test_the_scanner_hook_sees_the_file_before_it_is_accepted(settings):
    settings.SFMS_UPLOAD_SCANNER = "tests.organizations.test_level_assessments.recording_scanner"
    SCANNED.clear()
    cleaned = uploads.PdfFileField().clean(pdf())
    assert SCANNED == [b"%PDF-"]
    assert cleaned.read(5) == b"%PDF-"  # rewound for storage after the scan


@pytest.mark.parametrize(
    ("scanner", "message"),
    [
        ("infected_scanner", "선택한 파일에서 악성코드가 발견되었습니다."),
        ("broken_scanner", "선택한 파일을 검사하지 못했습니다. 잠시 후 다시 올려 주십시오."),
    ],
)
def test_a_scanner_that_refuses_or_fails_keeps_the_file_out(settings, scanner, message):
    settings.SFMS_UPLOAD_SCANNER = f"tests.organizations.test_level_assessments.{scanner}"
    with pytest.raises(ValidationError) as caught:
        uploads.PdfFileField().clean(pdf())
    assert caught.value.messages == [message]


def test_the_scanner_hook_guards_supplier_uploads_too(settings):
    settings.SFMS_UPLOAD_SCANNER = "tests.organizations.test_level_assessments.infected_scanner"
    with pytest.raises(ValidationError):
        uploads.CheckedFileField().clean(SimpleUploadedFile("조직도.png", PNG))


# --- the model ------------------------------------------------------------------------------------


def test_the_database_refuses_level_none_and_scores_over_100(company):
    base = dict(
        company=company,
        assessing_body="스마트제조혁신추진단",
        assessed_on=datetime.date(2026, 1, 5),
        level="basic",
        data_collection_score=10,
        analysis_score=10,
        control_score=10,
        report="x.pdf",
        report_name="x.pdf",
    )
    for bad in ({"level": "none"}, {"control_score": 101}):
        with pytest.raises(IntegrityError), transaction.atomic():
            LevelAssessment.objects.create(**{**base, **bad})
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelAssessment.objects.create(**base, withdrawn_at=datetime.datetime.now(datetime.UTC))


# --- who may record -------------------------------------------------------------------------------


def test_national_agency_staff_record_and_the_level_follows(users, company, agency, media):
    staff = users["agency_staff"]
    assessment = record(staff, company, report=pdf("한빛정밀 수준확인.pdf"), note=" 현장 확인 ")
    company.refresh_from_db()
    assert company.smart_factory_level == "intermediate_1"
    assert (assessment.recorded_by, assessment.recorded_by_operator) == (staff, agency)
    assert (assessment.level_before, assessment.note) == ("none", "현장 확인")
    assert assessment.report_name == "한빛정밀 수준확인.pdf"
    assert assessment.report.name.startswith(f"organizations/level-reports/{timezone.now().year}/")
    assert "한빛" not in assessment.report.name
    with LevelAssessment.objects.get(pk=assessment.pk).report.open("rb") as stored:
        assert stored.read() == PDF
    assert len(stored_reports(media)) == 1
    events = AuditEvent.objects.filter(company=company).order_by("id")
    assert [(e.content_type.model, e.action) for e in events] == [
        ("levelassessment", "create"),
        ("company", "update"),
    ]
    assert (events[1].before, events[1].after) == (
        {"smart_factory_level": "none"},
        {"smart_factory_level": "intermediate_1"},
    )
    assert events[1].reason == f"수준확인 기록 #{assessment.pk}"
    assert events[0].operator_id is None  # a registry fact: the company's members read it too


def test_a_centre_records_for_the_regions_it_covers_only(users, company, centre, media):
    assessment = record(users["centre_staff"], company)
    assert assessment.recorded_by_operator == centre
    elsewhere = factories.make_company("부산기업", region_code="26")
    with pytest.raises(AccessDenied):
        record(users["centre_staff"], elsewhere)
    assert not LevelAssessment.objects.filter(company=elsewhere).exists()


@pytest.mark.parametrize(
    "who", ["far_centre_staff", "centre_admin", "province_staff", "member", "other_member", "evaluator"]
)
def test_everyone_else_is_refused_and_nothing_is_stored(users, company, media, who):
    before = state()
    with pytest.raises(AccessDenied):
        record(users[who], company)
    assert state() == before
    assert stored_reports(media) == []
    company.refresh_from_db()
    assert company.smart_factory_level == "none"


def test_platform_admin_records_in_no_operators_name(users, company):
    assessment = record(users["platform_admin"], company)
    assert assessment.recorded_by_operator is None


def test_an_operator_the_user_does_not_belong_to_is_refused(users, company, far_centre):
    with pytest.raises(AccessDenied):
        services.level_assessment_record(users["agency_staff"], company, fields(), pdf(), operator=far_centre)


def test_only_manufacturers_get_level_assessments(users):
    supplier = factories.make_company("스마트솔루션2", kind=Company.Kind.SUPPLIER, ksic=None)
    with pytest.raises(DomainError) as caught:
        record(users["agency_staff"], supplier)
    assert caught.value.code == "not_manufacturer"


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"assessed_on": datetime.date(2099, 1, 1)}, "assessed_on", "future_date"),
        ({"level": "none"}, "level", "invalid"),
        ({"analysis_score": 101}, "analysis_score", "invalid"),
        ({"assessing_body": "  "}, "assessing_body", "invalid"),
        ({"level_before": "advanced"}, None, "field_locked"),
    ],
)
def test_service_refuses_bad_data_and_stores_nothing(users, company, media, extra, field, code):
    before = state()
    with pytest.raises(DomainError) as caught:
        record(users["agency_staff"], company, **extra)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert state() == before
    assert stored_reports(media) == []


def test_service_checks_a_file_that_did_not_come_through_a_page(users, company, media):
    """A task or command handing over a raw upload gets the same check as the pages."""
    before = state()
    with pytest.raises(DomainError) as caught:
        services.level_assessment_record(
            users["agency_staff"], company, fields(), SimpleUploadedFile("결과서.pdf", PNG)
        )
    assert (caught.value.field, caught.value.message) == ("report", MISMATCH)
    with pytest.raises(DomainError) as missing:
        services.level_assessment_record(users["agency_staff"], company, fields(), None)
    assert missing.value.code == "report_required"
    assert state() == before
    assert stored_reports(media) == []


def test_a_file_checked_for_other_kinds_is_checked_again_as_a_pdf(users, company):
    png = uploads.CheckedFileField().clean(SimpleUploadedFile("결과서.png", PNG))
    with pytest.raises(DomainError):
        services.level_assessment_record(users["agency_staff"], company, fields(), png)


# --- the latest by date wins --------------------------------------------------------------------------


def test_the_latest_assessment_by_date_sets_the_level_whatever_the_order_recorded(users, company):
    staff = users["agency_staff"]
    record(staff, company, assessed_on=datetime.date(2026, 3, 1), level="intermediate_1")
    record(staff, company, assessed_on=datetime.date(2025, 6, 1), level="basic")  # an older report
    company.refresh_from_db()
    assert company.smart_factory_level == "intermediate_1"
    record(staff, company, assessed_on=datetime.date(2026, 3, 1), level="intermediate_2")  # same day
    company.refresh_from_db()
    assert company.smart_factory_level == "intermediate_2"  # then the later record
    record(staff, company, assessed_on=datetime.date(2026, 4, 1), level="basic")  # a newer, lower one
    company.refresh_from_db()
    assert company.smart_factory_level == "basic"


def test_an_older_report_leaves_the_level_and_writes_no_company_change(users, company):
    staff = users["agency_staff"]
    record(staff, company, assessed_on=datetime.date(2026, 3, 1), level="advanced")
    before = AuditEvent.objects.filter(content_type__model="company").count()
    record(staff, company, assessed_on=datetime.date(2024, 1, 1), level="basic")
    assert AuditEvent.objects.filter(content_type__model="company").count() == before


# --- withdrawal ------------------------------------------------------------------------------------------


def test_withdrawing_works_the_level_out_again(users, company):
    Company.objects.filter(pk=company.pk).update(smart_factory_level="basic")  # before any assessment
    company.refresh_from_db()
    staff = users["agency_staff"]
    older = record(staff, company, assessed_on=datetime.date(2025, 5, 1), level="intermediate_1")
    newer = record(staff, company, assessed_on=datetime.date(2026, 5, 1), level="intermediate_2")
    services.level_assessment_withdraw(staff, newer, reason="다른 기업의 결과서를 잘못 올림")
    company.refresh_from_db()
    assert company.smart_factory_level == "intermediate_1"
    newer.refresh_from_db()
    assert (newer.withdrawn_by, newer.withdrawal_reason) == (staff, "다른 기업의 결과서를 잘못 올림")
    services.level_assessment_withdraw(staff, older, reason="재평가 예정")
    company.refresh_from_db()
    assert company.smart_factory_level == "basic"  # the level it had before its first assessment
    assert LevelAssessment.objects.filter(company=company).count() == 2  # kept on file
    with pytest.raises(Conflict):
        services.level_assessment_withdraw(staff, older, reason="다시")


def test_a_centre_withdraws_its_own_records_and_the_agency_any(users, company):
    by_agency = record(users["agency_staff"], company)
    by_centre = record(users["centre_staff"], company, assessed_on=datetime.date(2026, 2, 1))
    with pytest.raises(AccessDenied):
        services.level_assessment_withdraw(users["centre_staff"], by_agency, reason="틀림")
    with pytest.raises(AccessDenied):
        services.level_assessment_withdraw(users["member"], by_centre, reason="틀림")
    services.level_assessment_withdraw(users["centre_staff"], by_centre, reason="틀림")
    by_agency2 = record(users["centre_staff"], company, assessed_on=datetime.date(2026, 1, 1))
    services.level_assessment_withdraw(users["agency_admin"], by_agency2, reason="확인 결과 오기")


def test_withdrawal_needs_a_reason(users, company):
    assessment = record(users["agency_staff"], company)
    with pytest.raises(DomainError) as caught:
        services.level_assessment_withdraw(users["agency_staff"], assessment, reason="  ")
    assert caught.value.code == "reason_required"


def test_members_cannot_set_their_level_by_editing_the_company(users, company):
    with pytest.raises(DomainError):
        services.company_update(users["member"], company, {"smart_factory_level": "advanced"})


# --- who sees them --------------------------------------------------------------------------------------


def test_visibility(users, company):
    assessment = record(users["agency_staff"], company)
    seen = {
        who: LevelAssessment.objects.visible_to(user).filter(pk=assessment.pk).exists()
        for who, user in users.items()
    }
    assert seen == {
        "agency_staff": True,
        "agency_admin": True,
        "centre_staff": True,
        "centre_admin": True,
        "far_centre_staff": True,  # operator-side staff read the national registry
        "province_staff": True,
        "member": True,
        "other_member": False,
        "supplier_member": False,
        "evaluator": False,
        "platform_admin": True,
    }
    assert not LevelAssessment.objects.visible_to(None).exists()


def test_assessing_operators_by_kind_and_region(users, company, agency, centre):
    def ids(who):
        return list(Operator.objects.assessing_levels_for(users[who], company).values_list("pk", flat=True))

    assert ids("agency_staff") == [agency.pk]
    assert ids("centre_staff") == [centre.pk]
    assert ids("far_centre_staff") == []
    assert ids("centre_admin") == []
    assert ids("province_staff") == []
    assert ids("member") == []


# --- API ----------------------------------------------------------------------------------------------------


def api_create(client, target, **overrides):
    data = {**fields(), "company": target.pk, "report": pdf()}
    data.pop("note")
    data.update(overrides)
    return client.post(reverse("level-assessment-list"), data)


def test_api_create_by_the_agency(client, users, company, agency):
    client.force_login(users["agency_staff"])
    response = api_create(client, company)
    assert response.status_code == 201, response.json()
    body = response.json()
    assessment = LevelAssessment.objects.get()
    assert body["id"] == assessment.pk
    assert (body["company"], body["level"], body["level_label"]) == (company.pk, "intermediate_1", "중간1")
    assert body["recorded_by_operator"] == agency.pk  # its own staff see which of theirs recorded it
    assert body["in_force"] is True
    assert body["report_name"] == "수준확인결과서.pdf"
    assert body["report_url"].endswith(reverse("level-assessment-report", args=[assessment.pk]))
    assert "report" not in body
    company.refresh_from_db()
    assert company.smart_factory_level == "intermediate_1"


def test_api_refuses_a_non_pdf_with_a_clear_message_and_stores_nothing(client, users, company, media):
    client.force_login(users["agency_staff"])
    before = state()
    response = api_create(client, company, report=SimpleUploadedFile("결과서.pdf", PNG))
    assert response.status_code == 400
    assert response.json() == {
        "message": "입력 내용에 문제가 있습니다.",
        "code": "invalid",
        "errors": {"report": [MISMATCH]},
    }
    assert state() == before
    assert stored_reports(media) == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 403), ("supplier_member", 403), ("evaluator", 403), ("far_centre_staff", 403)],
)
def test_api_create_refused(client, users, company, media, who, status):
    client.force_login(users[who])
    before = state()
    response = api_create(client, company)
    assert response.status_code == status, response.json()
    assert state() == before
    assert stored_reports(media) == []


def test_api_create_anonymous_is_refused(client, company):
    assert api_create(client, company).status_code in (401, 403)
    assert not LevelAssessment.objects.exists()


def test_api_field_errors(client, users, company):
    client.force_login(users["agency_staff"])
    response = api_create(
        client, company, company=999_999, level="none", control_score=120, assessed_on="2099-01-01"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"company", "level", "control_score", "assessed_on"}
    assert errors["company"] == ["없는 기업입니다. 기업 번호를 확인해 주십시오."]
    assert errors["assessed_on"] == ["평가일은 오늘 이후일 수 없습니다."]


def test_api_list_shows_each_user_their_own_and_filters_by_company(client, users, company):
    staff = users["agency_staff"]
    old = record(staff, company, assessed_on=datetime.date(2025, 1, 1), level="basic")
    new = record(staff, company, assessed_on=datetime.date(2026, 1, 1))
    other = factories.make_company("다른제조", region_code="26")
    foreign = record(staff, other)
    client.force_login(users["member"])
    rows = client.get(reverse("level-assessment-list")).json()["results"]
    assert [(r["id"], r["in_force"]) for r in rows] == [(new.pk, True), (old.pk, False)]
    assert client.get(reverse("level-assessment-list"), {"company": other.pk}).json()["count"] == 0
    assert client.get(reverse("level-assessment-detail", args=[foreign.pk])).status_code == 404
    client.force_login(users["far_centre_staff"])
    listed = client.get(reverse("level-assessment-list"), {"company": other.pk}).json()
    assert [r["id"] for r in listed["results"]] == [foreign.pk]


def test_api_list_query_count_does_not_grow_with_rows(client, users):
    staff = users["agency_staff"]

    def add(i):
        record(
            staff,
            factories.make_company(f"제조{i}", region_code="41"),
            assessed_on=datetime.date(2026, 1, i + 1),
        )

    client.force_login(users["province_staff"])
    add(0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("level-assessment-list")).status_code == 200
    add(1)
    add(2)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("level-assessment-list"))
    assert response.json()["count"] == 3
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


def test_api_report_download_is_access_checked(client, users, company):
    assessment = record(users["agency_staff"], company, report=pdf("한빛 결과서.pdf"))
    url = reverse("level-assessment-report", args=[assessment.pk])
    client.force_login(users["member"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    client.force_login(users["other_member"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (401, 403)


def test_api_withdraw(client, users, company):
    staff = users["agency_staff"]
    old = record(staff, company, assessed_on=datetime.date(2025, 1, 1), level="basic")
    new = record(staff, company, assessed_on=datetime.date(2026, 1, 1))
    url = reverse("level-assessment-withdraw", args=[new.pk])
    client.force_login(users["member"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(users["far_centre_staff"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(staff)
    assert client.post(url, {}).json()["errors"] == {"reason": ["철회 사유를 입력해 주십시오."]}
    response = client.post(url, {"reason": "오기"}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["withdrawal_reason"], response.json()["in_force"]) == ("오기", False)
    company.refresh_from_db()
    assert company.smart_factory_level == "basic"
    assert LevelAssessment.objects.get(pk=old.pk).withdrawn_at is None
    assert client.post(url, {"reason": "다시"}, content_type="application/json").status_code == 409


# --- operator pages ---------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "assessing_body": "스마트제조혁신추진단",
        "assessed_on_0": "2026",
        "assessed_on_1": "3",
        "assessed_on_2": "10",
        "level": "intermediate_1",
        "data_collection_score": "72",
        "analysis_score": "65",
        "control_score": "41",
        "report": pdf(),
        "note": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def add_url(company):
    return reverse("organizations:level-assessment-add", args=[company.pk])


def test_company_detail_lists_assessments_and_offers_recording_to_assessors(client, users, company):
    record(users["agency_staff"], company, assessed_on=datetime.date(2025, 1, 1), level="basic")
    record(users["agency_staff"], company, assessed_on=datetime.date(2026, 1, 1))
    detail = reverse("organizations:company-detail", args=[company.pk])
    client.force_login(users["agency_staff"])
    page = text(client.get(detail))
    assert "현재 스마트공장 수준은 중간1 입니다." in page
    assert page.index("2026. 1. 1.") < page.index("2025. 1. 1.")
    assert "수준확인 결과 기록" in page
    assert "철회" in page
    client.force_login(users["member"])
    response = client.get(detail)
    page = text(response)
    assert "중간1 현재 수준" in page
    assert "수준확인 결과 기록" not in page
    assert ">관리</th>" not in response.content.decode()
    client.force_login(users["far_centre_staff"])
    assert "수준확인 결과 기록" not in text(client.get(detail))


def test_operator_records_through_the_page(client, users, company):
    client.force_login(users["agency_staff"])
    response = client.get(add_url(company))
    assert h1(response) == "수준확인 결과 기록"
    assert "스마트제조혁신추진단" in text(response)
    response = client.post(add_url(company), form_data(), follow=True)
    assert response.redirect_chain[-1][0].endswith("#levels")
    assert "수준확인 결과를 기록했습니다. 현재 스마트공장 수준: 중간1" in text(response)
    assessment = LevelAssessment.objects.get()
    assert (assessment.assessed_on, assessment.control_score) == (datetime.date(2026, 3, 10), 41)


def test_empty_form_shows_every_error_in_page_order(client, users, company):
    client.force_login(users["agency_staff"])
    response = client.post(add_url(company), {})
    assert title(response).startswith("오류: ")
    assert summary(response) == [
        "평가 기관을 입력해 주십시오.",
        "평가일을 입력해 주십시오.",
        "확인된 수준을 선택해 주십시오.",
        "데이터 수집 점수를 입력해 주십시오.",
        "분석 점수를 입력해 주십시오.",
        "자율 제어 점수를 입력해 주십시오.",
        "수준확인 결과서(PDF)를 선택해 주십시오.",
    ]
    assert summary_anchors(response) == [
        "id_assessing_body",
        "id_assessed_on_0",
        "id_level_0",
        "id_data_collection_score",
        "id_analysis_score",
        "id_control_score",
        "id_report",
    ]
    body = response.content.decode()
    for anchor in summary_anchors(response):
        assert f'id="{anchor}"' in body
    assert not LevelAssessment.objects.exists()


def test_page_refuses_a_non_pdf_with_a_clear_message_keeps_the_answers_and_stores_nothing(
    client, users, company, media
):
    client.force_login(users["agency_staff"])
    before = state()
    response = client.post(add_url(company), form_data(report=SimpleUploadedFile("결과서.pdf", PNG)))
    assert response.status_code == 200
    assert summary(response) == [MISMATCH]
    assert summary_anchors(response) == ["id_report"]
    assert 'value="스마트제조혁신추진단"' in response.content.decode()
    assert state() == before
    assert stored_reports(media) == []


@pytest.mark.parametrize(
    ("overrides", "message", "anchor"),
    [
        ({"assessed_on_1": "13"}, "평가일은(는) 실제 있는 날짜여야 합니다.", "id_assessed_on_1"),
        ({"assessed_on_0": "2099"}, "평가일은 오늘 이후일 수 없습니다.", "id_assessed_on_0"),
        ({"control_score": "120"}, "자율 제어 점수는 100 이하여야 합니다.", "id_control_score"),
        (
            {"analysis_score": "많음"},
            "분석 점수는 0에서 100 사이의 숫자로 입력해 주십시오.",
            "id_analysis_score",
        ),
    ],
)
def test_field_errors_point_at_their_field(client, users, company, overrides, message, anchor):
    client.force_login(users["agency_staff"])
    response = client.post(add_url(company), form_data(**overrides))
    assert summary(response) == [message]
    assert summary_anchors(response) == [anchor]
    assert not LevelAssessment.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 403),
        ("other_member", 404),
        ("supplier_member", 404),
        ("far_centre_staff", 403),
        ("centre_admin", 403),
        ("province_staff", 403),
        ("evaluator", 404),
    ],
)
def test_record_page_refusals(client, users, company, media, who, status):
    client.force_login(users[who])
    assert client.get(add_url(company)).status_code == status
    before = state()
    assert client.post(add_url(company), form_data()).status_code == status
    assert state() == before
    assert stored_reports(media) == []


def test_record_page_needs_sign_in(client, company):
    response = client.get(add_url(company))
    assert response.status_code == 302 and "login" in response["Location"]


def test_record_page_refuses_suppliers(client, users):
    supplier = factories.make_company("스마트솔루션3", kind=Company.Kind.SUPPLIER, ksic=None)
    client.force_login(users["agency_staff"])
    assert client.get(add_url(supplier)).status_code == 403


def test_report_download_page(client, users, company):
    assessment = record(users["agency_staff"], company, report=pdf("한빛 결과서.pdf"))
    url = reverse("organizations:level-assessment-report", args=[assessment.pk])
    client.force_login(users["member"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    for who in ("other_member", "supplier_member", "evaluator"):
        client.force_login(users[who])
        assert client.get(url).status_code == 404
    client.force_login(users["far_centre_staff"])
    assert client.get(url).status_code == 200


def test_withdraw_page(client, users, company):
    assessment = record(users["agency_staff"], company)
    url = reverse("organizations:level-assessment-withdraw", args=[assessment.pk])
    client.force_login(users["member"])
    assert client.get(url).status_code == 403
    client.force_login(users["other_member"])
    assert client.get(url).status_code == 404
    client.force_login(users["agency_admin"])
    response = client.post(url, {"reason": ""})
    assert summary(response) == ["철회 사유를 입력해 주십시오."]
    response = client.post(url, {"reason": "다른 기업의 결과서"}, follow=True)
    assert "수준확인 결과를 철회했습니다. 현재 스마트공장 수준: 미구축" in text(response)
    assert "철회: 다른 기업의 결과서" in text(response)


# --- the SME's page -----------------------------------------------------------------------------------------


def my_level(client):
    return client.get(reverse("programs:my-level"))


def test_sme_sees_official_assessments_beside_its_unofficial_self_diagnosis(client, users, company):
    from programs.models import SelfDiagnosis

    SelfDiagnosis.objects.create(
        company=company, submitted_by=users["member"], answers={}, score=58, estimated_level="intermediate_2"
    )
    staff = users["agency_staff"]
    record(staff, company, assessed_on=datetime.date(2025, 6, 1), level="basic")
    current = record(staff, company, assessed_on=datetime.date(2026, 3, 10), report=pdf("2026 결과서.pdf"))
    client.force_login(users["member"])
    response = my_level(client)
    assert h1(response) == "우리 회사 스마트공장 수준"
    page = text(response)
    official = page.index("공식 수준 수준확인")
    unofficial = page.index("비공식 자가진단")
    assert official < unofficial
    assert "현재 스마트공장 수준 중간1" in page
    assert "추정 수준 중간2" in page
    assert "58점 / 100" in page
    assert page.index("2026. 3. 10.") < page.index("2025. 6. 1.")
    body = response.content.decode()
    assert body.count('class="level-in-force"') == 1
    report_url = reverse("organizations:level-assessment-report", args=[current.pk])
    assert f'href="{report_url}"' in body
    assert "2026 결과서.pdf [pdf, 1KB]" in page


def test_sme_page_without_records(client, users):
    client.force_login(users["member"])
    page = text(my_level(client))
    assert "아직 기록된 공식 수준확인 결과가 없습니다." in page
    assert "아직 자가진단을 하지 않았습니다." in page


@pytest.mark.parametrize("who", ["supplier_member", "agency_staff", "evaluator"])
def test_sme_page_is_for_sme_members(client, users, who):
    client.force_login(users[who])
    assert my_level(client).status_code == 403


def test_sme_page_in_english(client, users, company):
    record(users["agency_staff"], company)
    client.force_login(users["member"])
    client.cookies["sfms_language"] = "en"
    response = my_level(client)
    assert h1(response) == "Our smart factory level"
    page = text(response)
    assert "Unofficial self-diagnosis" in page
    assert "Intermediate 1" in page


def test_menu_and_home_lead_the_sme_to_its_level(client, users):
    menu = {str(label): url for label, url in navigation_for(principal_for(users["member"]), users["member"])}
    assert menu["우리 회사 수준"] == reverse("programs:my-level")
    operator_menu = navigation_for(principal_for(users["agency_staff"]), users["agency_staff"])
    assert reverse("programs:my-level") not in [url for _label, url in operator_menu]
    client.force_login(users["member"])
    assert f'href="{reverse("programs:my-level")}"' in client.get(reverse("home")).content.decode()


def test_bytes_io_upload_is_sniffed_like_a_file():
    assert uploads.sniff(io.BytesIO(PDF)) == "pdf"
