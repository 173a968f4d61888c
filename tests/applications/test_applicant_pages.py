"""The applicant's pages through Django's test client: start from a call, the task list, each section
saved (with and without htmx), the budget check and live shares, invite and accept, uploads checked
by content (nothing stored when refused), check answers, submit → receipt, a double POST making one
submission, a late submission refused with the deadline and arrival time, withdraw and resubmit,
"내 신청서" in a constant number of queries, and other firms' drafts answering 404."""

import datetime
import re
import uuid
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    ConsortiumMember,
    EligibilityRun,
    MemberStatus,
    Submission,
)
from organizations.models import AuditEvent, Role
from tests import factories
from tests.html import h1, summary, text, title

pytestmark = pytest.mark.django_db

PDF = factories.PDF_BYTES
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


@pytest.fixture
def sme(client, sme_user):
    client.force_login(sme_user)
    return client


@pytest.fixture
def draft(track, company, sme_user):
    return services.application_start(sme_user, track=track, company=company)


@pytest.fixture
def ready(track, company, sme_user):
    return factories.make_application(track, company, sme_user)


def url(name, *args):
    return reverse(f"applications:{name}", args=args)


def tasks(response):
    body = response.content.decode()
    found = []
    for row in re.findall(r'<li class="task-list-item">(.*?)</li>', body, re.S):
        name = re.search(r"<a [^>]*>(.*?)</a>", row, re.S).group(1).strip()
        status = re.search(r'<span class="task-tag[^"]*">(.*?)</span>', row, re.S).group(1).strip()
        found.append((name, status))
    return found


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- start and the task list -------------------------------------------------------------------


def test_call_page_offers_apply_and_start_opens_the_task_list(sme, call, track, company):
    page = sme.get(reverse("programs:call-detail", args=[call.pk]))
    assert "신청하기" in text(page)
    response = sme.post(url("start"), {"track": track.pk})
    application = Application.objects.get(lead=company, track=track)
    assert response.status_code == 302 and response["Location"] == url("task-list", application.pk)
    again = sme.post(url("start"), {"track": track.pk})  # reopens the same draft
    assert again["Location"] == url("task-list", application.pk)
    assert Application.objects.filter(lead=company).count() == 1
    page = sme.get(url("task-list", application.pk))
    assert h1(page) == "사업 신청서 작성"
    assert tasks(page) == [
        ("사업 계획 작성", "시작 전"),
        ("사업비와 분담금 입력", "시작 전"),
        ("성과 지표 입력", "시작 전"),
        ("컨소시엄 구성", "시작 전"),
        ("제출 서류 올리기", "시작 전"),
        ("확인 사항 동의", "시작 전"),
    ]
    assert "6개 중 0개 완료" in text(page)


def test_pages_render_in_korean_and_english(sme, draft):
    for name in ("task-list", "plan", "budget", "kpis", "consortium", "documents", "declarations", "check"):
        response = sme.get(url(name, draft.pk))
        assert response.status_code == 200, name
        assert 'lang="ko"' in response.content.decode()
    sme.post(reverse("set-language"), {"language": "en", "next": "/"})
    page = sme.get(url("task-list", draft.pk))
    assert h1(page) == "Write the application"
    assert ("Write the project plan", "Not started") in tasks(page)


def test_another_firms_draft_is_missing(client, draft, track):
    other = factories.make_member(Role.SME_MEMBER, company=factories.make_company("남의기업"))
    client.force_login(other)
    for name in ("task-list", "plan", "budget", "kpis", "consortium", "documents", "check", "withdraw"):
        assert client.get(url(name, draft.pk)).status_code == 404, name
    before = Application.objects.get(pk=draft.pk).title
    assert client.post(url("plan", draft.pk), {"title": "HACK", "completed": "no"}).status_code == 404
    assert client.post(url("autosave", draft.pk), {"section": "plan", "title": "HACK"}).status_code == 404
    assert Application.objects.get(pk=draft.pk).title == before


# --- sections -------------------------------------------------------------------------------------


def test_plan_saves_and_marks_complete_or_explains_what_is_missing(sme, draft):
    response = sme.post(url("plan", draft.pk), {"title": "용접 MES", "completed": "yes"})
    assert response.status_code == 200
    assert title(response).startswith("오류: ")
    assert summary(response) == ["과제 요약을(를) 입력해 주십시오."]
    draft.refresh_from_db()
    assert draft.title == "용접 MES"  # kept even though the section is not complete
    assert "plan" not in draft.completed_sections
    response = sme.post(url("plan", draft.pk), {**factories.READY_PLAN, "completed": "yes"})
    assert response.status_code == 302 and response["Location"] == url("task-list", draft.pk)
    draft.refresh_from_db()
    assert draft.completed_sections == ["plan"]
    assert ("사업 계획 작성", "완료") in tasks(sme.get(url("task-list", draft.pk)))


def test_plan_without_an_answer_to_completed_asks_for_one(sme, draft):
    response = sme.post(url("plan", draft.pk), {"title": "과제"})
    assert summary(response) == ["이 항목을 완료했는지 선택해 주십시오."]
    draft.refresh_from_db()
    assert draft.title == "과제"
    assert ("사업 계획 작성", "작성 중") in tasks(sme.get(url("task-list", draft.pk)))


def test_budget_mismatch_message_and_live_shares(sme, draft):
    posted = {
        "total_cost": "100,000,000",
        "budget_software": "60,000,000",
        "budget_hardware": "30,000,000",
        "budget_integration": "",
        "budget_consulting": "",
        "budget_other": "",
        "completed": "yes",
    }
    response = sme.post(url("budget", draft.pk), posted)
    assert summary(response) == [
        "항목별 사업비의 합계(90,000,000원)가 총 사업비(100,000,000원)와 다릅니다. "
        "10,000,000원을 항목에 더해 주십시오."
    ]
    page = text(response)
    assert "국비 50% 50,000,000원" in page
    assert "기업 부담금 — 50,000,000원" in page
    draft.refresh_from_db()
    assert (draft.total_cost, draft.budget_software, draft.budget_integration) == (100_000_000, 60_000_000, 0)
    response = sme.post(url("budget", draft.pk), {**posted, "budget_other": "10,000,000"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.completed_sections == ["budget"]


def test_autosave_keeps_typing_and_refreshes_shares(sme, draft):
    response = sme.post(
        url("autosave", draft.pk),
        {"section": "budget", "total_cost": "80,000,000", "budget_software": "abc"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = text(response)
    assert re.search(r"자동 저장됨 \d\d:\d\d", body)
    assert "금액은 원 단위 숫자로 입력해 주십시오" in body  # the bad field is reported, the good one kept
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert "40,000,000원" in body  # the live share for 80,000,000 won
    draft.refresh_from_db()
    assert (draft.total_cost, draft.budget_software) == (80_000_000, 0)
    sme.post(url("autosave", draft.pk), {"section": "plan", "summary": "쓰는 중"})
    draft.refresh_from_db()
    assert draft.summary == "쓰는 중"


def test_budget_recalculate_without_javascript_saves_and_stays(sme, draft):
    response = sme.post(
        url("budget", draft.pk),
        {"total_cost": "90,000,000", "budget_software": "90,000,000", "recalculate": "1"},
    )
    assert response.status_code == 302 and response["Location"] == url("budget", draft.pk)
    page = text(sme.get(url("budget", draft.pk)))
    assert "항목별 사업비의 합계가 총 사업비와 같습니다." in page
    assert "국비 50% 45,000,000원" in page
    draft.refresh_from_db()
    assert draft.completed_sections == []


def test_kpi_autosave_keeps_valid_values(sme, draft):
    kpi = draft.kpis.first()
    response = sme.post(
        url("autosave", draft.pk),
        {
            "section": "kpis",
            f"kpi-{kpi.pk}-unit": "%",
            f"kpi-{kpi.pk}-baseline": "5",
            f"kpi-{kpi.pk}-target": "x",
        },
    )
    assert "목표 값은 숫자로 입력해 주십시오" in text(response)
    kpi.refresh_from_db()
    assert (str(kpi.baseline), kpi.target) == ("5.00", None)


def test_kpis_saved_with_custom_added_and_deleted(sme, draft):
    kpis = list(draft.kpis.all())
    data = {"completed": "yes"}
    for kpi, (baseline, target) in zip(kpis, [("4.5", "2"), ("70", "85"), ("10", "7")], strict=True):
        data.update(
            {
                f"kpi-{kpi.pk}-unit": kpi.unit,
                f"kpi-{kpi.pk}-baseline": baseline,
                f"kpi-{kpi.pk}-target": target,
            }
        )
    response = sme.post(url("kpis", draft.pk), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.completed_sections == ["kpis"]
    assert [str(k.target) for k in draft.kpis.all()] == ["2.00", "85.00", "7.00"]
    response = sme.post(url("kpi-add", draft.pk), {"new-name": "", "new-unit": "개"})
    assert summary(response) == ["지표명을 입력해 주십시오."]
    sme.post(
        url("kpi-add", draft.pk),
        {"new-name": "재고 회전율", "new-unit": "회", "new-baseline": "4", "new-target": "6"},
    )
    custom = draft.kpis.get(code="custom")
    assert custom.name == "재고 회전율"
    required = kpis[0]
    assert sme.post(url("kpi-delete", required.pk)).status_code == 302
    assert draft.kpis.filter(pk=required.pk).exists()  # required KPIs stay
    sme.post(url("kpi-delete", custom.pk))
    assert not draft.kpis.filter(code="custom").exists()


def test_declarations_section(sme, draft):
    response = sme.post(url("declarations", draft.pk), {"no_tax_arrears": "on", "completed": "yes"})
    assert "다음 사항을 확인해 주십시오" in summary(response)[0]
    checked = {key: "on" for key, value in factories.ALL_DECLARATIONS.items() if value is True}
    response = sme.post(url("declarations", draft.pk), {**checked, "completed": "yes"})
    assert "정부 스마트공장 구축 지원을 받은 적이 있는지 답해 주십시오" in summary(response)[0]
    response = sme.post(
        url("declarations", draft.pk), {**checked, "prior_support": "received", "completed": "yes"}
    )
    assert "지원받은 연도를 입력해 주십시오." in text(
        response
    ) and "지원받은 수준을 선택해 주십시오." in text(response)
    response = sme.post(
        url("declarations", draft.pk), {**checked, "prior_support": "none", "completed": "yes"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.declarations == factories.ALL_DECLARATIONS
    assert draft.completed_sections == ["declarations"]


# --- consortium --------------------------------------------------------------------------------------


def test_invite_a_registered_supplier_who_accepts_in_its_own_account(sme, client, draft):
    supplier = factories.make_supplier("용접자동화")
    response = sme.post(
        url("consortium", draft.pk),
        {"action": "invite", "invite-business_number": "123-45-67890", "invite-role": "supplier"},
    )
    assert summary(response)  # an invalid or unknown number is an error on the field
    response = sme.post(
        url("consortium", draft.pk),
        {
            "action": "invite",
            "invite-business_number": supplier.company.business_number,
            "invite-role": "supplier",
            "invite-contract_amount": "30,000,000",
        },
    )
    assert response.status_code == 302
    member = ConsortiumMember.objects.get(application=draft)
    assert (member.status, member.contract_amount) == (MemberStatus.INVITED, 30_000_000)
    page = sme.get(url("consortium", draft.pk))
    assert "수락 대기" in text(page)
    assert ("컨소시엄 구성", "작성 중") in tasks(sme.get(url("task-list", draft.pk)))

    supplier_user = factories.make_member(Role.SUPPLIER_MEMBER, company=supplier.company)
    client.logout()
    client.force_login(supplier_user)
    page = client.get(url("invitations"))
    assert h1(page) == "컨소시엄 참여 요청"
    assert draft.lead.name in text(page)
    response = client.post(url("invitation-respond", member.pk), {f"m{member.pk}-accept": "yes"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED
    assert "참여 수락" in text(client.get(url("invitations")))
    # The supplier cannot open the lead's editing pages.
    assert client.get(url("consortium", draft.pk)).status_code == 404


def test_nominate_an_unregistered_supplier_waits_for_approval(sme, draft):
    from organizations.models import Region

    response = sme.post(
        url("consortium", draft.pk),
        {
            "action": "nominate",
            "nominate-business_number": factories.next_business_number(),
            "nominate-name": "새공급기업",
            "nominate-region": Region.objects.get(code="48").pk,
            "nominate-contact_name": "이담당",
            "nominate-contact_email": "lee@new.kr",
        },
    )
    assert response.status_code == 302
    member = ConsortiumMember.objects.get(application=draft)
    assert member.status == MemberStatus.AWAITING_APPROVAL
    assert "공급기업 등록 심사 대기" in text(sme.get(url("consortium", draft.pk)))


def test_remove_a_member(sme, draft):
    supplier = factories.make_supplier()
    member = services.member_invite(draft.created_by, draft, company=supplier.company, role="supplier")
    assert sme.post(url("member-remove", member.pk)).status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.REMOVED


# --- documents ------------------------------------------------------------------------------------------


def _stored_files():
    return ApplicationDocument.objects.count(), AuditEvent.objects.count()


def test_upload_a_pdf_then_remove_it(sme, draft):
    upload = SimpleUploadedFile("사업계획서.pdf", PDF, content_type="application/pdf")
    response = sme.post(
        url("documents", draft.pk), {"action": "upload", "kind": "business_plan", "file": upload}
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=draft)
    assert document.original_name == "사업계획서.pdf"
    assert not document.file.name.endswith("사업계획서.pdf")  # stored under a random name
    page = text(sme.get(url("documents", draft.pk)))
    assert "사업계획서.pdf [pdf, 1KB]" in page
    sme.post(url("document-remove", document.pk))
    document.refresh_from_db()
    assert document.removed_at is not None


def test_png_renamed_pdf_refused_and_nothing_stored(sme, draft):
    before = _stored_files()
    upload = SimpleUploadedFile("plan.pdf", PNG, content_type="application/pdf")
    response = sme.post(
        url("documents", draft.pk), {"action": "upload", "kind": "business_plan", "file": upload}
    )
    assert response.status_code == 400
    assert summary(response) == [
        "선택한 파일의 내용이 확장자(.pdf)와 맞지 않습니다. 파일 내용은 PNG 이미지입니다. 올바른 파일을 선택해 주십시오."
    ]
    assert _stored_files() == before


def test_too_large_upload_refused_and_nothing_stored(sme, draft):
    before = _stored_files()
    big = SimpleUploadedFile("plan.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    response = sme.post(
        url("documents", draft.pk), {"action": "upload", "kind": "business_plan", "file": big}
    )
    assert response.status_code == 400
    assert summary(response)[0].startswith("선택한 파일은 10MB 이하여야 합니다.")
    assert _stored_files() == before


# --- check, submit, receipt -------------------------------------------------------------------------------


def _key(response):
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', response.content.decode()).group(1)


def test_check_page_lists_every_blocker_linked_to_its_section(sme, draft):
    page = sme.get(url("check", draft.pk))
    assert h1(page) == "신청서 확인"
    body = page.content.decode()
    assert f'href="{url("plan", draft.pk)}?from=check">과제명을(를) 입력해 주십시오.' in body
    assert f'href="{url("consortium", draft.pk)}?from=check">공급기업을 한 곳 이상 초대해 주십시오.' in body
    assert "신청서 제출</button>" not in body
    assert body.count(">변경<") >= 15


def test_submit_gives_a_receipt_and_a_double_post_makes_one_submission(sme, ready):
    page = sme.get(url("check", ready.pk))
    key = _key(page)
    assert uuid.UUID(key)
    first = sme.post(url("check", ready.pk), {"idempotency_key": key})
    second = sme.post(url("check", ready.pk), {"idempotency_key": key})
    assert Submission.objects.filter(application=ready).count() == 1
    submission = Submission.objects.get(application=ready)
    assert first["Location"] == second["Location"] == url("receipt", submission.pk)
    receipt = sme.get(url("receipt", submission.pk))
    body = text(receipt)
    assert h1(receipt) == "신청서가 접수되었습니다"
    assert submission.receipt_number in body
    local = timezone.localtime(submission.submitted_at)
    assert f"{local.year}. {local.month}. {local.day}. {local:%H:%M}" in body
    assert reverse("applications:receipt-pdf", args=[submission.pk]) in receipt.content.decode()
    assert "신청 자격을 확인하고 있습니다" in body  # pending: the panel polls
    assert 'hx-trigger="every 3s"' in receipt.content.decode()
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.SUBMITTED


def test_eligibility_panel_stops_polling_with_results_in_the_users_language(sme, ready, sme_user, call):
    from programs import eligibility
    from programs.models import EligibilityRule

    for order, (kind, params) in enumerate(eligibility.DEFAULT_RULES):
        EligibilityRule.objects.create(call=call, kind=kind, params=params, order=order)
    submission, _created = services.application_submit(sme_user, ready, idempotency_key="k1")
    run = EligibilityRun.objects.get(submission=submission)
    assert 'hx-trigger="every 3s"' in sme.get(url("eligibility", submission.pk)).content.decode()
    services.eligibility_run(run.pk)
    panel = sme.get(url("eligibility", submission.pk))
    assert "hx-trigger" not in panel.content.decode()
    results = list(run.results.order_by("order"))
    assert len(results) == len(eligibility.DEFAULT_RULES)
    korean = text(panel)
    for result in results:
        assert result.reason_ko in korean
    sme.post(reverse("set-language"), {"language": "en", "next": "/"})
    english = text(sme.get(url("eligibility", submission.pk)))
    for result in results:
        assert result.reason_en in english


def test_late_submission_refused_with_deadline_and_arrival_and_nothing_changes(sme, ready, call):
    key = _key(sme.get(url("check", ready.pk)))
    late = call.closes_at + datetime.timedelta(seconds=1)
    with mock.patch("applications.views_applicant.timezone.now", return_value=late):
        response = sme.post(url("check", ready.pk), {"idempotency_key": key})
    assert response.status_code == 409
    closes = timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M:%S")
    arrived = timezone.localtime(late).strftime("%Y-%m-%d %H:%M:%S")
    message = f"접수가 마감되었습니다. 마감 시각은 {closes}이고 요청이 도착한 시각은 {arrived}(서버 시각, 한국 표준시)입니다."
    assert summary(response) == [message]
    assert "신청서는 바뀌지 않았고 접수되지 않았습니다" in text(response)
    assert not Submission.objects.filter(application=ready).exists()
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.DRAFT


def test_withdraw_and_resubmit_keeps_the_version_history(sme, ready, sme_user):
    services.application_submit(sme_user, ready, idempotency_key="first")
    response = sme.post(url("withdraw", ready.pk), {"reason": ""})
    assert summary(response) == ["철회 사유를 입력해 주십시오."]
    response = sme.post(url("withdraw", ready.pk), {"reason": "예산 수정"})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.WITHDRAWN
    key = _key(sme.get(url("check", ready.pk)))
    sme.post(url("check", ready.pk), {"idempotency_key": key})
    page = sme.get(url("task-list", ready.pk))
    body = text(page)
    assert [s.version for s in ready.submissions.order_by("version")] == [1, 2]
    assert "1차" in body and "2차" in body and "예산 수정" in body


# --- my applications ---------------------------------------------------------------------------------------


def test_my_list_shows_status_version_receipt_in_constant_queries(sme, operator, company, sme_user):
    def add_one():
        call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
        application = factories.make_application(factories.make_track(call), company, sme_user)
        services.application_submit(sme_user, application, idempotency_key=uuid.uuid4().hex)
        return application

    first = add_one()
    with CaptureQueriesContext(connection) as one:
        page = sme.get(url("my-list"))
    assert h1(page) == "내 신청서"
    number = first.submissions.get().receipt_number
    assert number in text(page) and "제출 완료" in text(page) and "1차" in text(page)
    add_one()
    add_one()
    with CaptureQueriesContext(connection) as three:
        page = sme.get(url("my-list"))
    assert text(page).count("제출 완료") == 3
    assert len(three) == len(one)


def test_invitations_need_a_supplier_or_large_firm_member(client, sme_user):
    client.force_login(sme_user)
    assert client.get(url("invitations")).status_code == 403
