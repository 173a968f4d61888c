"""The applications API: tenant scoping (SME, invited supplier, other firm, operator staff), autosave,
KPIs, invitation and answer, the unregistered-supplier path, uploads checked by content, submission
with an Idempotency-Key (201 then 200 with the same receipt), late submission (409), withdrawal and
version 2, eligibility results and overrides, clarifications, centre notes, constant query counts."""

import datetime
import os

import pytest
from django.conf import settings
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
    Clarification,
    ConsortiumMember,
    EligibilityResult,
    Kpi,
    Submission,
    SupportNote,
)
from organizations.models import AuditEvent, Company, Operator, Role
from programs.models import EligibilityRule
from suppliers.models import SupplierProfile
from tests import factories

pytestmark = pytest.mark.django_db

JSON = "application/json"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(name, *args):
    return reverse(name, args=args)


def act_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def outsiders(other_company, other_operator):
    return {
        "other_sme": factories.make_member(Role.SME_MEMBER, company=other_company),
        "other_supplier": factories.make_member(
            Role.SUPPLIER_MEMBER, company=factories.make_supplier("다른공급").company
        ),
        "other_staff": factories.make_member(Role.OPERATOR_STAFF, operator=other_operator),
    }


@pytest.fixture
def ready(track, company, sme_user, supplier):
    return factories.make_application(track, company, sme_user, supplier=supplier)


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- scoping -----------------------------------------------------------------------------------------


def test_who_sees_an_application_through_the_api(client, ready, sme_user, supplier_user, staff, outsiders):
    detail = url("application-detail", ready.pk)
    for user in (sme_user, supplier_user):
        act_as(client, user)
        assert _ids(client.get(url("application-list"))) == [ready.pk]
        assert client.get(detail).json()["title"] == ready.title
    for user in (*outsiders.values(), staff):  # staff: a draft is the applicant's own
        act_as(client, user)
        assert _ids(client.get(url("application-list"))) == []
        assert client.get(detail).status_code == 404
        assert client.get(url("application-blockers", ready.pk)).status_code == 404
    act_as(client, None)
    assert client.get(detail).status_code in (401, 403)

    services.application_submit(sme_user, ready)
    act_as(client, staff)
    assert _ids(client.get(url("application-list"))) == [ready.pk]
    submission = ready.submissions.get()
    assert _ids(client.get(url("submission-list"))) == [submission.pk]
    assert client.get(url("submission-detail", submission.pk)).json()["snapshot"] == submission.snapshot
    act_as(client, outsiders["other_staff"])
    assert client.get(url("submission-detail", submission.pk)).status_code == 404
    assert _ids(client.get(url("submission-list"))) == []


def test_only_the_lead_changes_the_draft_and_outsiders_learn_nothing(client, ready, supplier_user, outsiders):
    detail = url("application-detail", ready.pk)
    act_as(client, supplier_user)
    response = client.patch(detail, {"title": "공급기업이 바꿈"}, content_type=JSON)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    act_as(client, outsiders["other_sme"])
    assert client.patch(detail, {"title": "남이 바꿈"}, content_type=JSON).status_code == 404
    ready.refresh_from_db()
    assert ready.title == factories.READY_PLAN["title"]


def test_filters_on_the_list(client, call, company, sme_user, supplier):
    first = factories.make_application(
        factories.make_track(call, "basic"), company, sme_user, supplier=supplier
    )
    second_track = factories.make_track(call, "intermediate_1")
    second = factories.make_application(second_track, company, sme_user, supplier=supplier)
    services.application_submit(sme_user, second)
    act_as(client, sme_user)
    base = url("application-list")
    assert sorted(_ids(client.get(base))) == sorted([first.pk, second.pk])
    assert _ids(client.get(base, {"status": "submitted"})) == [second.pk]
    assert _ids(client.get(base, {"track": second_track.pk})) == [second.pk]
    assert sorted(_ids(client.get(base, {"call": call.pk}))) == sorted([first.pk, second.pk])
    assert _ids(client.get(base, {"call": call.pk + 1000})) == []


def test_call_staff_filter_by_region_eligibility_and_supplier(client, call, track, staff, supplier):
    """The operator list's filters, on the API: region code, latest eligibility outcome, supplier."""
    from applications.models import EligibilityRun

    rows = {}
    for name, region in (("경남기업", "48"), ("부산기업", "26")):
        firm = factories.make_company(name, region_code=region)
        user = factories.make_member(Role.SME_MEMBER, company=firm)
        other = factories.make_supplier("다른공급") if region == "26" else supplier
        application = factories.make_application(track, firm, user, supplier=other)
        submission, _ = services.application_submit(user, application)
        rows[region] = (application, submission)
    services.eligibility_run(EligibilityRun.objects.get(submission=rows["48"][1]).pk)
    act_as(client, staff)
    base = url("application-list")
    gyeongnam, busan = rows["48"][0].pk, rows["26"][0].pk
    assert _ids(client.get(base, {"region": "48"})) == [gyeongnam]
    assert _ids(client.get(base, {"eligibility": "pass"})) == [gyeongnam]
    assert _ids(client.get(base, {"eligibility": "pending"})) == [busan]
    assert _ids(client.get(base, {"supplier": supplier.company.name})) == [gyeongnam]
    number = supplier.company.business_number
    assert _ids(client.get(base, {"supplier": f"{number[:3]}-{number[3:5]}-{number[5:]}"})) == [gyeongnam]
    assert client.get(base, {"eligibility": "maybe"}).status_code == 400


# --- drafts --------------------------------------------------------------------------------------------


def test_start_then_autosave(client, track, company, sme_user, supplier_user):
    act_as(client, supplier_user)
    assert client.post(url("application-list"), {"track": track.pk}, content_type=JSON).status_code == 403
    act_as(client, sme_user)
    response = client.post(url("application-list"), {"track": track.pk}, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["lead"] == company.pk
    assert [k["code"] for k in body["kpis"]] == ["defect_rate", "utilisation", "lead_time"]
    again = client.post(
        url("application-list"), {"track": track.pk, "company": company.pk}, content_type=JSON
    )
    assert again.json()["id"] == body["id"]

    detail = url("application-detail", body["id"])
    response = client.patch(
        detail,
        {"title": "용접 MES", "budget_software": 10_000_000, "declarations": {"no_tax_arrears": True}},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    saved = response.json()
    assert (saved["title"], saved["budget_software"]) == ("용접 MES", 10_000_000)
    assert saved["declarations"] == {"no_tax_arrears": True}

    response = client.patch(detail, {"budget_hardware": -5, "title": "바뀌면 안 됨"}, content_type=JSON)
    assert response.status_code == 400 and "budget_hardware" in response.json()["errors"]
    application = Application.objects.get(pk=body["id"])
    assert (application.title, application.budget_hardware) == ("용접 MES", 0)

    blockers = client.get(url("application-blockers", body["id"])).json()
    assert blockers["can_submit"] is False
    assert {s["section"] for s in blockers["sections"]} >= {"plan", "budget", "consortium", "documents"}


def test_kpis_add_edit_and_the_required_ones_stay(client, ready, sme_user, supplier_user):
    act_as(client, sme_user)
    response = client.post(
        url("application-kpi-list"),
        {"application": ready.pk, "name": "에너지 사용량", "unit": "kWh", "baseline": "120", "target": "90"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    custom = response.json()
    assert custom["code"] == "custom" and custom["label"] == "에너지 사용량"
    response = client.patch(url("application-kpi-detail", custom["id"]), {"target": "80"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["target"] == "80.00"
    required = ready.kpis.get(code="defect_rate")
    response = client.delete(url("application-kpi-detail", required.pk))
    assert response.status_code == 400 and response.json()["code"] == "kpi_required"
    act_as(client, supplier_user)
    assert client.delete(url("application-kpi-detail", custom["id"])).status_code == 403
    act_as(client, sme_user)
    assert client.delete(url("application-kpi-detail", custom["id"])).status_code == 204
    assert not Kpi.objects.filter(pk=custom["id"]).exists() and Kpi.objects.filter(pk=required.pk).exists()


# --- consortium ------------------------------------------------------------------------------------------


def test_invite_then_the_supplier_accepts_in_its_own_account(
    client, track, company, sme_user, supplier, supplier_user, outsiders
):
    application = services.application_start(sme_user, track=track, company=company)
    act_as(client, sme_user)
    response = client.post(
        url("consortium-member-list"),
        {"application": application.pk, "company": supplier.company.pk, "role": "supplier"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    member = response.json()
    assert member["status"] == "invited" and member["company_name"] == supplier.company.name
    respond = url("consortium-member-respond", member["id"])

    assert client.post(respond, {"accept": True}, content_type=JSON).status_code == 403, "the lead cannot"
    act_as(client, outsiders["other_supplier"])
    assert client.post(respond, {"accept": True}, content_type=JSON).status_code == 404
    act_as(client, supplier_user)
    assert _ids(client.get(url("application-list"))) == [application.pk]
    response = client.post(respond, {"accept": True, "note": "참여합니다"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "accepted"

    act_as(client, sme_user)
    assert client.delete(url("consortium-member-detail", member["id"])).status_code == 204
    assert ConsortiumMember.objects.get(pk=member["id"]).status == "removed"


def test_inviting_an_unregistered_supplier_by_id_is_refused(client, track, company, sme_user):
    application = services.application_start(sme_user, track=track, company=company)
    pending = factories.make_supplier("심사중기업", status="submitted")
    act_as(client, sme_user)
    response = client.post(
        url("consortium-member-list"),
        {"application": application.pk, "company": pending.company.pk, "role": "supplier"},
        content_type=JSON,
    )
    assert response.status_code == 400 and "company" in response.json()["errors"]
    assert not ConsortiumMember.objects.exists()


def test_nominate_with_a_wrong_business_number_stores_nothing(client, track, company, sme_user):
    application = services.application_start(sme_user, track=track, company=company)
    before = (Company.objects.count(), SupplierProfile.objects.count(), ConsortiumMember.objects.count())
    act_as(client, sme_user)
    response = client.post(
        url("consortium-member-nominate"),
        {
            "application": application.pk,
            "business_number": "123-45-67890",
            "name": "틀린번호",
            "region": "48",
            "contact_name": "박담당",
            "contact_email": "park@x.kr",
        },
        content_type=JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주십시오."
    assert body["errors"] == {"business_number": [body["message"]]}
    after = (Company.objects.count(), SupplierProfile.objects.count(), ConsortiumMember.objects.count())
    assert after == before


def test_nominate_an_unregistered_supplier_waits_for_approval(client, track, company, sme_user):
    application = services.application_start(sme_user, track=track, company=company)
    number = factories.next_business_number()
    act_as(client, sme_user)
    response = client.post(
        url("consortium-member-nominate"),
        {
            "application": application.pk,
            "business_number": number,
            "name": "새로운솔루션",
            "region": "48",
            "contact_name": "박담당",
            "contact_email": "park@new.example.kr",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "awaiting_approval"
    assert SupplierProfile.objects.get(company__business_number=number).status == "submitted"


# --- documents --------------------------------------------------------------------------------------------


def _media_files():
    root = settings.MEDIA_ROOT
    return (
        {os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files}
        if os.path.isdir(root)
        else set()
    )


def _upload(client, application, name, content, kind="business_plan"):
    return client.post(
        url("application-document-list"),
        {"application": application.pk, "kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def test_upload_checked_by_content_and_download_under_the_original_name(client, ready, sme_user, outsiders):
    act_as(client, sme_user)
    response = _upload(client, ready, "사업 계획서.pdf", factories.PDF_BYTES)
    assert response.status_code == 201, response.content
    document = response.json()
    stored = ApplicationDocument.objects.get(pk=document["id"])
    assert document["original_name"] == "사업 계획서.pdf" and document["size"] == len(factories.PDF_BYTES)
    assert stored.file.name.endswith(".pdf") and "사업" not in stored.file.name

    for download in (url("application-document-download", stored.pk), document["download_url"]):
        response = client.get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == factories.PDF_BYTES
        assert (
            "filename*=utf-8''%EC%82%AC%EC%97%85%20%EA%B3%84%ED%9A%8D%EC%84%9C.pdf"
            in (response["Content-Disposition"])
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
    act_as(client, outsiders["other_sme"])
    assert client.get(url("application-document-download", stored.pk)).status_code == 404
    assert client.get(document["download_url"]).status_code == 404

    act_as(client, sme_user)
    assert client.delete(url("application-document-detail", stored.pk)).status_code == 204
    stored.refresh_from_db()
    assert stored.removed_at is not None


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("그림.pdf", PNG, "파일 내용은 PNG 이미지입니다"),
        ("큰파일.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "10MB 이하여야 합니다"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_stored(
    client, ready, sme_user, name, content, words
):
    before_rows, before_files = ApplicationDocument.objects.count(), _media_files()
    act_as(client, sme_user)
    response = _upload(client, ready, name, content)
    assert response.status_code == 400
    assert words in response.json()["errors"]["file"][0]
    assert ApplicationDocument.objects.count() == before_rows and _media_files() == before_files


# --- submission -------------------------------------------------------------------------------------------


def test_submit_is_idempotent_with_the_same_key(client, ready, sme_user):
    act_as(client, sme_user)
    submit = url("application-submit", ready.pk)
    first = client.post(submit, content_type=JSON, headers={"Idempotency-Key": "click-1"})
    assert first.status_code == 201, first.content
    receipt = first.json()
    assert (
        receipt["receipt_number"] == f"{ready.call.reference}-{ready.pk:06d}-01" and receipt["version"] == 1
    )
    again = client.post(submit, content_type=JSON, headers={"Idempotency-Key": "click-1"})
    assert again.status_code == 200 and again.json() == receipt
    assert Submission.objects.count() == 1
    assert client.get(receipt["receipt_pdf_url"]).status_code == 200


def test_late_submission_is_refused_with_the_times_and_nothing_is_stored(client, ready, sme_user):
    closes = timezone.now().replace(microsecond=0) - datetime.timedelta(seconds=1)
    type(ready.call).objects.filter(pk=ready.call_id).update(closes_at=closes)
    act_as(client, sme_user)
    response = client.post(
        url("application-submit", ready.pk), content_type=JSON, headers={"Idempotency-Key": "x"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "call_closed" and body["message"].startswith("접수가 마감되었습니다.")
    assert timezone.localtime(closes).strftime("%Y-%m-%d %H:%M:%S") in body["message"]
    assert not Submission.objects.exists()
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.DRAFT


def test_incomplete_submission_lists_every_blocker_by_section(client, track, company, sme_user):
    application = services.application_start(sme_user, track=track, company=company)
    act_as(client, sme_user)
    response = client.post(url("application-submit", application.pk), content_type=JSON)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"plan", "budget", "kpis", "consortium", "documents", "declarations"}
    assert not Submission.objects.exists()


def test_withdraw_then_resubmit_is_version_two(client, ready, sme_user, supplier_user):
    act_as(client, sme_user)
    client.post(url("application-submit", ready.pk), content_type=JSON, headers={"Idempotency-Key": "v1"})
    act_as(client, supplier_user)
    assert client.post(url("application-withdraw", ready.pk), {}, content_type=JSON).status_code == 403
    act_as(client, sme_user)
    response = client.post(url("application-withdraw", ready.pk), {"reason": "예산 수정"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    client.patch(url("application-detail", ready.pk), {"title": "고친 과제명"}, content_type=JSON)
    response = client.post(
        url("application-submit", ready.pk), content_type=JSON, headers={"Idempotency-Key": "v2"}
    )
    assert response.status_code == 201 and response.json()["version"] == 2
    versions = client.get(url("submission-list"), {"application": ready.pk}).json()["results"]
    assert [(s["version"], s["status"]) for s in versions] == [(2, "submitted"), (1, "withdrawn")]
    second = client.get(url("submission-detail", versions[0]["id"])).json()
    assert second["snapshot"]["plan"]["title"] == "고친 과제명"


# --- eligibility ------------------------------------------------------------------------------------------


def _checked(ready, sme_user):
    EligibilityRule.objects.create(
        call=ready.call, kind="sme_size", params={"max_employees": 10, "max_revenue": None, "combine": "all"}
    )
    submission, _created = services.application_submit(sme_user, ready)
    return submission, services.eligibility_run(submission.eligibility_runs.get().pk)


def test_applicant_reads_results_and_only_call_staff_override_with_a_reason(
    client, ready, sme_user, staff, outsiders
):
    submission, run = _checked(ready, sme_user)
    act_as(client, sme_user)
    runs = client.get(url("eligibility-run-list"), {"application": ready.pk}).json()["results"]
    assert [r["id"] for r in runs] == [run.pk] and runs[0]["outcome"] == "fail"
    result = runs[0]["results"][0]
    assert result["outcome"] == "fail" and "42" in result["reason_ko"]
    override = url("eligibility-result-override", result["id"])
    assert (
        client.post(override, {"outcome": "pass", "reason": "제가 맞습니다"}, content_type=JSON).status_code
        == 403
    )

    act_as(client, outsiders["other_staff"])
    assert client.post(override, {"outcome": "pass", "reason": "x"}, content_type=JSON).status_code == 404
    act_as(client, staff)
    response = client.post(override, {"outcome": "pass", "reason": ""}, content_type=JSON)
    assert response.status_code == 400 and response.json()["errors"] == {
        "reason": ["결과를 바꾸는 사유를 입력해 주십시오. 신청기업에도 보입니다."]
    }
    assert EligibilityResult.objects.get(pk=result["id"]).override_outcome == ""
    response = client.post(
        override, {"outcome": "pass", "reason": "3년 평균 근로자 수 확인"}, content_type=JSON
    )
    assert response.status_code == 200 and response.json()["effective_outcome"] == "pass"
    assert AuditEvent.objects.filter(action="transition", object_id=str(result["id"])).exists()

    rerun = url("submission-rerun-eligibility", submission.pk)
    assert client.post(rerun, {"reason": ""}, content_type=JSON).status_code == 400
    response = client.post(rerun, {"reason": "근로자 수 정정"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["status"] == "pending"
    act_as(client, sme_user)
    assert client.post(rerun, {"reason": "다시"}, content_type=JSON).status_code == 403


# --- clarifications and centre notes --------------------------------------------------------------------


def test_clarification_ask_reply_close(client, ready, sme_user, staff, outsiders):
    services.application_submit(sme_user, ready)
    act_as(client, staff)
    response = client.post(
        url("clarification-list"),
        {
            "application": ready.pk,
            "subject": "견적서 누락",
            "body": "공급기업 견적서를 올려 주십시오.",
            "reply_by": (timezone.now() + datetime.timedelta(days=3)).isoformat(),
            "requested_document": "supplier_quotation",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    query = response.json()
    act_as(client, outsiders["other_sme"])
    assert client.get(url("clarification-detail", query["id"])).status_code == 404
    act_as(client, sme_user)
    uploaded = client.post(
        url("application-document-list"),
        {
            "application": ready.pk,
            "kind": "supplier_quotation",
            "clarification": query["id"],
            "file": SimpleUploadedFile("견적서.pdf", factories.PDF_BYTES),
        },
    )
    assert uploaded.status_code == 201, uploaded.content
    response = client.post(
        url("clarification-reply", query["id"]),
        {"body": "올렸습니다.", "document": uploaded.json()["id"]},
        content_type=JSON,
    )
    assert response.status_code == 200 and response.json()["status"] == "answered"
    assert [m["body"] for m in response.json()["messages"]] == [
        "공급기업 견적서를 올려 주십시오.",
        "올렸습니다.",
    ]
    assert client.post(url("clarification-close", query["id"]), {}, content_type=JSON).status_code == 403
    act_as(client, staff)
    assert (
        client.post(url("clarification-close", query["id"]), {}, content_type=JSON).json()["status"]
        == "closed"
    )
    assert Clarification.objects.get(pk=query["id"]).status == "closed"


def test_centre_support_notes_are_for_the_public_side_only(client, ready, sme_user, company):
    services.application_submit(sme_user, ready)
    centre = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set([company.region])
    centre_user = factories.make_member(Role.CENTRE_STAFF, operator=centre)
    act_as(client, centre_user)
    response = client.post(
        url("support-note-list"),
        {
            "application": ready.pk,
            "given_on": timezone.localdate().isoformat(),
            "body": "사업계획서 작성 상담",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert response.json()["operator"] == centre.pk
    act_as(client, sme_user)
    assert _ids(client.get(url("support-note-list"))) == []
    assert SupportNote.objects.count() == 1


# --- query counts -----------------------------------------------------------------------------------------


LISTS = [
    ("sme", "application-list"),
    ("sme", "application-kpi-list"),
    ("sme", "consortium-member-list"),
    ("sme", "application-document-list"),
    ("sme", "submission-list"),
    ("sme", "eligibility-run-list"),
    ("sme", "clarification-list"),
    ("staff", "application-list"),
    ("staff", "submission-list"),
    ("staff", "eligibility-run-list"),
    ("staff", "clarification-list"),
    ("centre", "application-list"),
    ("centre", "support-note-list"),
]


def _add_submitted(call, company, sme_user, supplier, staff, centre_user, count):
    for _n in range(count):
        application = factories.make_application(
            factories.make_track(call, "basic"), company, sme_user, supplier=supplier
        )
        submission, _created = services.application_submit(sme_user, application)
        services.eligibility_run(submission.eligibility_runs.get().pk)
        application.refresh_from_db()
        services.clarification_ask(
            staff,
            application,
            subject="보완",
            body="확인해 주십시오.",
            reply_by=timezone.now() + datetime.timedelta(days=2),
        )
        services.support_note_add(centre_user, application, given_on=timezone.localdate(), body="상담")


def _counts(client, users):
    counts = {}
    for who, name in LISTS:
        act_as(client, users[who])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(name), {"page_size": 100})
        assert response.status_code == 200, (who, name)
        counts[who, name] = (response.json()["count"], len(queries), queries)
    return counts


def test_lists_keep_a_constant_number_of_queries(client, call, company, sme_user, supplier, staff):
    """2 rows then 12 rows: the same number of queries on every list, as the SME, call staff and the centre."""
    centre = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set([company.region])
    users = {
        "sme": sme_user,
        "staff": staff,
        "centre": factories.make_member(Role.CENTRE_STAFF, operator=centre),
    }
    _add_submitted(call, company, sme_user, supplier, staff, users["centre"], 2)
    two = _counts(client, users)
    _add_submitted(call, company, sme_user, supplier, staff, users["centre"], 10)
    twelve = _counts(client, users)
    for key in two:
        assert two[key][0] >= 2 and twelve[key][0] >= 12, key
        assert twelve[key][1] == two[key][1], (key, [q["sql"] for q in twelve[key][2].captured_queries])


def test_anonymous_is_refused_everywhere(client, ready):
    for name in [name for _who, name in LISTS]:
        assert client.get(url(name)).status_code in (401, 403), name
    for name, method in [
        ("application-detail", "patch"),
        ("application-submit", "post"),
        ("application-withdraw", "post"),
        ("application-blockers", "get"),
    ]:
        response = getattr(client, method)(url(name, ready.pk), {}, content_type=JSON)
        assert response.status_code in (401, 403), name
    assert not Submission.objects.exists()
