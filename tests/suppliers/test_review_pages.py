"""The national agency's review pages through Django's test client: the queue with status tabs,
filters and pagination (constant queries), one supplier's review page with everything it holds and
its history, each decision the workflow allows (reasons where the service demands them), capability
assessments with the rating and its formula, and who may open what."""

import datetime
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import AuditEvent, Notification, Operator, Role
from suppliers import services
from suppliers.models import CapabilityAssessment, SupplierProfile, SupplierStatus
from tests import factories
from tests.html import h1, summary, summary_anchors, text, title

pytestmark = pytest.mark.django_db

S = SupplierStatus
PDF = b"%PDF-1.7\n%%EOF\n"
SOLUTION = [("스마트 MES", "mes", "cloud", ["basic"])]


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def url(name, *args):
    return reverse(f"suppliers:review-{name}", args=args)


def decide(pk, to):
    return url("transition", pk) + f"?to={to}"


def tabs(response):
    """(label, count) of the status tabs."""
    nav = re.search(r'<nav class="status-tabs".*?</nav>', response.content.decode(), re.S).group(0)
    return [
        (unescape(label.strip()), int(count))
        for label, count in re.findall(r'>([^<>]+?) <span class="tab-count">(\d+)</span>', nav)
    ]


def state():
    return (
        tuple(SupplierProfile.objects.order_by("pk").values_list("status", flat=True)),
        CapabilityAssessment.objects.count(),
        AuditEvent.objects.count(),
    )


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def admin(operator):  # the conftest operator is a national agency
    return factories.make_member(Role.OPERATOR_ADMIN, operator=operator, full_name="박심사")


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator, full_name="이담당")


@pytest.fixture
def province_admin(db):
    province = factories.make_operator("경상남도", kind=Operator.Kind.PROVINCE, region_code="48")
    return factories.make_member(Role.OPERATOR_ADMIN, operator=province)


@pytest.fixture
def centre_staff(db):
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    return factories.make_member(Role.CENTRE_STAFF, operator=centre)


@pytest.fixture
def sme(company):
    return factories.make_member(Role.SME_MEMBER, company=company)


@pytest.fixture
def submitted(db):
    profile = factories.make_supplier(
        "한빛솔루션",
        status="draft",
        solutions=SOLUTION,
        cases=[("자동차 부품 MES 구축", "C30", "48", 2024, 120_000_000, "basic")],
        certifications=[("iso9001", datetime.date(2027, 3, 15))],
    )
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=profile.company)
    services.document_add(
        member,
        profile,
        kind="brochure",
        file=SimpleUploadedFile("b.pdf", PDF),
        original_name="회사소개서.pdf",
    )
    services.supplier_set_status(member, profile, S.SUBMITTED)
    profile.refresh_from_db()
    profile.member = member
    return profile


@pytest.fixture
def supplier_member(submitted):
    return submitted.member


def page_urls(profile):
    return [
        (url("queue"), "공급기업 심사"),
        (url("detail", profile.pk), profile.company.name),
        (url("history", profile.pk), "심사 이력"),
        (decide(profile.pk, "under_review"), "심사 시작"),
        (url("assessment", profile.pk), "역량 평가 기록"),
    ]


# --- access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_every_page_opens_for_the_national_agencys_admin_and_staff(client, request, submitted, who):
    client.force_login(request.getfixturevalue(who))
    for address, heading in page_urls(submitted):
        response = client.get(address)
        assert response.status_code == 200, address
        assert h1(response) == heading, address
        assert not title(response).startswith("오류"), address


def test_anonymous_visitors_are_sent_to_sign_in(client, submitted):
    for address, _heading in page_urls(submitted):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address


@pytest.mark.parametrize("who", ["sme", "supplier_member", "centre_staff", "province_admin"])
def test_everyone_else_gets_403_with_the_reason_and_nothing_changes(client, request, submitted, who):
    client.force_login(request.getfixturevalue(who))
    before = state()
    doc, cert = submitted.documents.get(), submitted.certifications.get()
    addresses = [a for a, _h in page_urls(submitted)] + [
        url("document-file", doc.pk),
        url("certification-file", cert.pk),
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 403, address
        assert "전담기관(국가 전담기관)의 관리자와 담당자만" in text(response), address
    for to in ("under_review", "registered", "rejected"):
        assert client.post(decide(submitted.pk, to), {"to": to, "reason": "x"}).status_code == 403
    posted = client.post(
        url("assessment", submitted.pk),
        {
            "management": "90",
            "technology": "90",
            "project_management": "90",
            "assessor": "x",
            "assessed_on_0": "2026",
            "assessed_on_1": "9",
            "assessed_on_2": "15",
        },
    )
    assert posted.status_code == 403
    assert state() == before


def test_missing_suppliers_are_404(client, admin):
    client.force_login(admin)
    for name in ("detail", "history", "assessment"):
        assert client.get(url(name, 999_999)).status_code == 404
    assert client.get(url("document-file", 999_999)).status_code == 404


# --- queue -------------------------------------------------------------------------------------------------


def test_queue_tabs_counts_and_filters(client, admin, submitted):
    factories.make_supplier(
        "대한로봇", status="registered", region_code="11", domains=("robot",), solutions=SOLUTION
    )
    factories.make_supplier("세종비전", status="under_review", region_code="36", domains=("vision",))
    factories.make_supplier("작성중기업", status="draft")
    client.force_login(admin)
    response = client.get(url("queue"))
    assert tabs(response) == [
        ("전체", 4),
        ("심사 요청", 1),
        ("심사 중", 1),
        ("보완 요청", 0),
        ("등록", 1),
        ("활동 정지", 0),
        ("반려", 0),
        ("작성 중", 1),
    ]
    page = text(response)
    assert "공급기업 4곳" in page
    assert submitted.company.name in page and "MES(생산관리)" in page
    only_submitted = client.get(url("queue"), {"status": "submitted"})
    assert "공급기업 1곳" in text(only_submitted)
    assert 'href="?status=submitted" aria-current="page"' in only_submitted.content.decode()
    by_domain = client.get(url("queue"), {"domain": "robot"})
    assert "공급기업 1곳" in text(by_domain) and "대한로봇" in text(by_domain)
    assert tabs(by_domain)[0] == ("전체", 1)
    by_region = client.get(url("queue"), {"region": "36"})
    assert "세종비전" in text(by_region) and "공급기업 1곳" in text(by_region)
    by_number = client.get(
        url("queue"),
        {"q": submitted.company.business_number[:3] + "-" + submitted.company.business_number[3:5]},
    )
    assert submitted.company.name in text(by_number)
    by_name = client.get(url("queue"), {"q": "한빛"})
    assert "공급기업 1곳" in text(by_name)


def test_queue_pages_through_many_suppliers(client, admin):
    for n in range(21):
        factories.make_supplier(f"공급사{n:02d}", status="submitted")
    client.force_login(admin)
    first = client.get(url("queue"))
    assert "공급기업 21곳" in text(first)
    assert 'aria-label="페이지 탐색"' in first.content.decode()
    second = client.get(url("queue"), {"page": 2})
    assert title(second).startswith("공급기업 심사 (2쪽)")


def test_queue_keeps_a_constant_number_of_queries(client, admin):
    client.force_login(admin)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("queue")).status_code == 200
        return len(ctx.captured_queries)

    factories.make_supplier("하나", status="submitted", domains=("mes", "erp"), solutions=SOLUTION)
    one = measure()
    factories.make_supplier("둘", status="registered", domains=("robot",), solutions=SOLUTION)
    factories.make_supplier("셋", status="under_review", domains=("ai", "iot", "mes"))
    assert measure() == one


# --- the review page and decisions ----------------------------------------------------------------------


def test_review_page_shows_everything_and_the_history(client, admin, submitted):
    client.force_login(admin)
    response = client.get(url("detail", submitted.pk))
    page, body = text(response), response.content.decode()
    assert "등록 상태: 심사 요청" in page
    assert "스마트 MES" in page and "자동차 부품 MES 구축" in page and "120,000,000원" in page
    assert "ISO 9001" in page and "2027. 3. 15." in page
    doc = submitted.documents.get()
    assert f'href="{url("document-file", doc.pk)}">회사소개서.pdf [pdf, 1KB]</a>' in body
    assert f'href="{decide(submitted.pk, "under_review")}"' in body
    assert "아직 평점이 없습니다." in page
    # History: the supplier's own changes and the submission, statuses in words.
    assert "상태 : 작성 중 → 심사 요청" in page
    history = client.get(url("history", submitted.pk))
    assert "공급기업 서류" in text(history) and "상태" in text(history)
    download = client.get(url("document-file", doc.pk))
    assert b"".join(download.streaming_content) == PDF


def test_full_workflow_start_return_resubmit_approve(client, admin, submitted, supplier_member):
    client.force_login(admin)
    response = client.post(decide(submitted.pk, "under_review"), {"to": "under_review"}, follow=True)
    assert "'한빛솔루션" in messages_of(response)[0] and "심사를 시작했습니다" in messages_of(response)[0]
    assert SupplierProfile.objects.get(pk=submitted.pk).status == S.UNDER_REVIEW
    detail = client.get(url("detail", submitted.pk)).content.decode()
    for to in ("registered", "returned", "rejected"):
        assert f'href="{decide(submitted.pk, to)}"' in detail

    # Returning needs a reason: the page says so and nothing changes.
    before = state()
    response = client.post(decide(submitted.pk, "returned"), {"to": "returned", "reason": "  "})
    assert summary(response) == ["사유를 입력해 주십시오. 공급기업에 그대로 안내됩니다."]
    assert summary_anchors(response) == ["id_reason"]
    assert title(response).startswith("오류: ")
    assert state() == before
    client.post(
        decide(submitted.pk, "returned"), {"to": "returned", "reason": "인증서 사본을 첨부해 주십시오."}
    )
    profile = SupplierProfile.objects.get(pk=submitted.pk)
    assert (profile.status, profile.status_reason) == (S.RETURNED, "인증서 사본을 첨부해 주십시오.")
    assert (
        "인증서 사본을 첨부해 주십시오."
        in Notification.objects.filter(recipient=supplier_member).latest("pk").body
    )

    services.supplier_set_status(supplier_member, profile, S.SUBMITTED)
    client.post(decide(submitted.pk, "under_review"), {"to": "under_review"})
    response = client.post(
        decide(submitted.pk, "registered"), {"to": "registered", "reason": ""}, follow=True
    )
    assert any("공급기업으로 등록했습니다" in m for m in messages_of(response))
    profile = SupplierProfile.objects.get(pk=submitted.pk)
    assert profile.status == S.REGISTERED and profile.registered_at is not None
    assert profile.reviewed_by.kind == Operator.Kind.NATIONAL_AGENCY
    moves = AuditEvent.objects.filter(action="transition", object_id=str(profile.pk)).order_by("pk")
    assert [(e.before["status"], e.after["status"], e.actor_id) for e in moves] == [
        ("draft", "submitted", supplier_member.pk),
        ("submitted", "under_review", admin.pk),
        ("under_review", "returned", admin.pk),
        ("returned", "submitted", supplier_member.pk),
        ("submitted", "under_review", admin.pk),
        ("under_review", "registered", admin.pk),
    ]
    assert "등록 상태: 등록" in text(client.get(url("detail", submitted.pk)))


def test_reject_needs_a_reason(client, staff, submitted):
    SupplierProfile.objects.filter(pk=submitted.pk).update(status=S.UNDER_REVIEW)
    client.force_login(staff)
    page = client.get(decide(submitted.pk, "rejected"))
    assert "반려하면 공급기업은 다시 심사를 요청할 수 없습니다." in text(page)
    assert 'class="btn btn-danger"' in page.content.decode()
    response = client.post(decide(submitted.pk, "rejected"), {"to": "rejected"})
    assert summary(response) == ["사유를 입력해 주십시오. 공급기업에 그대로 안내됩니다."]
    assert SupplierProfile.objects.get(pk=submitted.pk).status == S.UNDER_REVIEW
    client.post(
        decide(submitted.pk, "rejected"), {"to": "rejected", "reason": "공급 실적이 확인되지 않습니다."}
    )
    assert SupplierProfile.objects.get(pk=submitted.pk).status == S.REJECTED


def test_suspend_and_reinstate_with_reasons(client, admin):
    profile = factories.make_supplier("대한로봇", status="registered", solutions=SOLUTION)
    client.force_login(admin)
    detail = client.get(url("detail", profile.pk)).content.decode()
    assert f'href="{decide(profile.pk, "suspended")}"' in detail
    assert summary(client.post(decide(profile.pk, "suspended"), {"to": "suspended"})) == [
        "사유를 입력해 주십시오. 공급기업에 그대로 안내됩니다."
    ]
    client.post(decide(profile.pk, "suspended"), {"to": "suspended", "reason": "계약 불이행 조사"})
    assert SupplierProfile.objects.get(pk=profile.pk).status == S.SUSPENDED
    reinstate = client.get(decide(profile.pk, "registered"))
    assert h1(reinstate) == "활동 재개"
    assert summary(client.post(decide(profile.pk, "registered"), {"to": "registered"})) == [
        "사유를 입력해 주십시오. 공급기업에 그대로 안내됩니다."
    ]
    response = client.post(
        decide(profile.pk, "registered"), {"to": "registered", "reason": "조사 종료"}, follow=True
    )
    assert "활동을 재개했습니다" in messages_of(response)[0]
    assert SupplierProfile.objects.get(pk=profile.pk).status == S.REGISTERED


def test_illegal_moves_are_explained_and_change_nothing(client, admin, submitted):
    client.force_login(admin)
    before = state()
    response = client.get(decide(submitted.pk, "registered"), follow=True)
    assert "지금 상태에서는 할 수 없는 작업입니다." in messages_of(response) or any(
        "바꿀 수 없습니다" in m for m in messages_of(response)
    )
    assert client.post(decide(submitted.pk, "registered"), {"to": "registered"}).status_code == 302
    assert client.get(decide(submitted.pk, "bogus")).status_code == 404
    assert client.get(decide(submitted.pk, "submitted")).status_code == 404
    assert state() == before
    draft = factories.make_supplier("작성중기업", status="draft")
    page = text(client.get(url("detail", draft.pk)))
    assert "공급기업이 아직 심사를 요청하지 않았습니다." in page


# --- capability assessment and rating --------------------------------------------------------------------


ASSESSMENT = {
    "management": "70",
    "technology": "80",
    "project_management": "75",
    "assessor": "평가위원회",
    "assessed_on_0": "2026",
    "assessed_on_1": "11",
    "assessed_on_2": "20",
    "notes": "현장 실사 결과 양호",
}


def test_assessment_records_and_rates(client, admin, submitted, operator):
    client.force_login(admin)
    form = client.get(url("assessment", submitted.pk)).content.decode()
    today = datetime.date.today()
    assert f'name="assessed_on_0" value="{today.year}"' in form
    assert 'value="박심사"' in form
    response = client.post(url("assessment", submitted.pk), ASSESSMENT, follow=True)
    assert "역량 평가를 기록했습니다. 평점: 3.75" in messages_of(response)
    assessment = CapabilityAssessment.objects.get()
    assert (assessment.operator, assessment.assessed_on, assessment.recorded_by) == (
        operator,
        datetime.date(2026, 11, 20),
        admin,
    )
    page = text(response)
    assert "3.75 / 5.00" in page
    assert "(0.5 × 3.75) ÷ (0.5) = 3.75" in page
    assert (
        "역량 평가(가중치 50%)" in page
        and "도입기업 평가(가중치 35%)" in page
        and "최종점검 결과(가중치 15%)" in page
    )
    assert "2026. 11. 20." in page and "평가위원회" in page and "75.0" in page
    # An SME review after a project joins the formula.
    services.supplier_review_record(admin, submitted, project_reference="P-2026-1", score=5)
    page = text(client.get(url("detail", submitted.pk)))
    assert "(0.5 × 3.75 + 0.35 × 3.50) ÷ (0.5 + 0.35) = 3.65" in page


@pytest.mark.parametrize(
    ("changes", "messages", "anchors"),
    [
        (
            {"assessed_on_0": "2026", "assessed_on_1": "12", "assessed_on_2": "25"},
            ["평가일은 오늘 이후일 수 없습니다."],
            ["id_assessed_on_0"],
        ),
        (
            {"management": "101", "technology": "", "assessor": ""},
            [
                "경영 역량 점수는 100 이하여야 합니다.",
                "기술 역량 점수를 입력해 주십시오.",
                "평가자를 입력해 주십시오.",
            ],
            ["id_management", "id_technology", "id_assessor"],
        ),
        (
            {"assessed_on_0": "", "assessed_on_1": "", "assessed_on_2": ""},
            ["평가일을 입력해 주십시오."],
            ["id_assessed_on_0"],
        ),
        (
            {"assessed_on_2": ""},
            ["평가일의 일을 입력해 주십시오."],
            ["id_assessed_on_2"],
        ),
    ],
)
def test_assessment_errors_change_nothing(client, admin, submitted, changes, messages, anchors):
    client.force_login(admin)
    before = state()
    response = client.post(url("assessment", submitted.pk), {**ASSESSMENT, **changes})
    assert response.status_code == 200
    assert summary(response) == messages
    assert summary_anchors(response) == anchors
    assert 'value="현장 실사 결과 양호"' in response.content.decode() or "현장 실사 결과 양호" in text(
        response
    )
    assert state() == before


def test_every_page_in_english(client, admin, submitted):
    client.force_login(admin)
    client.cookies["sfms_language"] = "en"
    for address, _heading in page_urls(submitted):
        response = client.get(address)
        assert response.status_code == 200, address
        assert '<html lang="en">' in response.content.decode()


def test_another_operators_name_stays_hidden_on_its_assessment(client, admin, submitted):
    other = factories.make_operator("다른전담기관", region_code="26")
    CapabilityAssessment.objects.create(
        profile=submitted,
        operator=other,
        assessor="외부 위원",
        assessed_on=datetime.date(2026, 10, 1),
        management=60,
        technology=60,
        project_management=60,
    )
    client.force_login(admin)
    page = text(client.get(url("detail", submitted.pk)))
    assert "다른 운영기관" in page and "외부 위원" in page
    assert other.name_ko not in page
