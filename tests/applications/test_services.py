"""Application services on real Postgres: drafts, consortium, documents, submission, eligibility,
clarifications. Celery tasks are not run here (tests/applications/test_worker.py runs a real worker);
`eligibility_run` is the task's body and is called directly."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.models import (
    Application,
    ApplicationStatus,
    ClarificationStatus,
    ConsortiumMember,
    EligibilityResult,
    EligibilityRun,
    MemberStatus,
    Submission,
    SubmissionStatus,
)
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Company, Notification, Operator, Region, Role
from programs.models import EligibilityRule
from suppliers import services as supplier_services
from suppliers.models import SupplierStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(track, company, sme_user, supplier):
    return factories.make_application(track, company, sme_user, supplier=supplier)


# --- drafts ------------------------------------------------------------------------------------


def test_start_makes_one_draft_with_the_three_required_kpis(track, company, sme_user):
    first = services.application_start(sme_user, track=track, company=company)
    again = services.application_start(sme_user, track=track, company=company)
    assert first.pk == again.pk
    assert [k.code for k in first.kpis.all()] == ["defect_rate", "utilisation", "lead_time"]
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="create").count() == 1


def test_start_refused_for_other_firms_and_closed_calls(operator, track, company, supplier_user):
    with pytest.raises(AccessDenied):
        services.application_start(supplier_user, track=track, company=company)
    closed = factories.make_call(operator, status="closed", opens_in_days=-10, closes_in_days=-1)
    sme = factories.make_member(Role.SME_MEMBER, company=company)
    with pytest.raises(Conflict) as error:
        services.application_start(sme, track=factories.make_track(closed), company=company)
    assert error.value.code == "call_not_accepting"
    assert not Application.objects.filter(lead=company).exists()


def test_autosave_keeps_partial_work_and_refuses_bad_values_without_change(track, company, sme_user):
    draft = services.application_start(sme_user, track=track, company=company)
    services.application_update(sme_user, draft, {"title": "용접 MES", "budget_software": 10_000_000})
    draft.refresh_from_db()
    assert (draft.title, draft.budget_software) == ("용접 MES", 10_000_000)
    with pytest.raises(DomainError) as error:
        services.application_update(sme_user, draft, {"budget_hardware": -5, "title": "바뀌면 안 됨"})
    assert error.value.field == "budget_hardware"
    draft.refresh_from_db()
    assert (draft.title, draft.budget_hardware) == ("용접 MES", 0)
    with pytest.raises(DomainError) as error:
        services.application_update(sme_user, draft, {"lead_id": 1})
    assert error.value.code == "field_locked"


def test_budget_lines_must_add_up_before_the_section_can_be_completed(track, company, sme_user):
    draft = services.application_start(sme_user, track=track, company=company)
    services.application_update(
        sme_user,
        draft,
        {"total_cost": 100_000_000, "budget_software": 60_000_000, "budget_hardware": 30_000_000},
    )
    with pytest.raises(DomainError) as error:
        services.section_mark(sme_user, draft, "budget", completed=True)
    assert "합계(90,000,000원)가 총 사업비(100,000,000원)와 다릅니다. 10,000,000원을 항목에 더해" in str(
        error.value
    )
    services.application_update(sme_user, draft, {"budget_other": 10_000_000})
    draft = services.section_mark(sme_user, draft, "budget", completed=True)
    assert draft.completed_sections == ["budget"]
    draft = services.application_update(sme_user, draft, {"budget_other": 9_000_000})
    assert draft.completed_sections == [], "changing a finished section opens it again"


# --- consortium --------------------------------------------------------------------------------


def test_invite_accept_and_the_lead_is_told(track, company, sme_user, supplier, supplier_user):
    draft = services.application_start(sme_user, track=track, company=company)
    member = services.member_invite(sme_user, draft, company=supplier.company, role="supplier")
    assert member.status == MemberStatus.INVITED
    assert Notification.objects.filter(
        recipient=supplier_user, subject__contains="컨소시엄 참여 요청"
    ).exists()
    outsider = factories.make_member(Role.SUPPLIER_MEMBER, company=factories.make_supplier().company)
    with pytest.raises(AccessDenied):
        services.member_respond(outsider, member, accept=True)
    member = services.member_respond(supplier_user, member, accept=True)
    assert member.status == MemberStatus.ACCEPTED and member.responded_by == supplier_user
    assert Notification.objects.filter(recipient=sme_user, subject__contains="수락").exists()


def test_invite_refuses_unregistered_suppliers_and_large_firms_outside_win_win(track, company, sme_user):
    draft = services.application_start(sme_user, track=track, company=company)
    pending = factories.make_supplier("심사중기업", status="submitted")
    with pytest.raises(DomainError) as error:
        services.member_invite(sme_user, draft, company=pending.company, role="supplier")
    assert "등록 승인된 공급기업이 아닙니다" in str(error.value)
    large = factories.make_company("대기업", kind=Company.Kind.LARGE_FIRM)
    with pytest.raises(DomainError) as error:
        services.member_invite(sme_user, draft, company=large, role="large_firm")
    assert error.value.code == "not_win_win"
    assert not ConsortiumMember.objects.exists()


def test_unregistered_supplier_waits_for_approval_then_accepts_and_the_application_submits(
    track, company, sme_user, staff
):
    application = factories.make_application(track, company, sme_user)
    ConsortiumMember.objects.filter(application=application).delete()
    number = factories.next_business_number()
    member = services.member_nominate(
        sme_user,
        application,
        business_number=f"{number[:3]}-{number[3:5]}-{number[5:]}",
        name="새로운솔루션",
        region=Region.objects.get(code="48"),
        contact_name="박담당",
        contact_email="park@new.example.kr",
    )
    assert member.status == MemberStatus.AWAITING_APPROVAL
    profile = member.company.supplier_profile
    assert profile.status == SupplierStatus.SUBMITTED and "도입기업 신청서에서 지정" in profile.status_reason
    blockers = services.submission_blockers(application)
    assert (
        "consortium",
        "새로운솔루션의 공급기업 등록을 운영기관이 심사하고 있습니다. 승인 후 참여를 수락하면 제출할 수 있습니다.",
    ) in blockers
    with pytest.raises(DomainError):
        services.application_submit(sme_user, application)

    reviewer = factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator("전담기관"))
    supplier_services.supplier_set_status(reviewer, profile, SupplierStatus.UNDER_REVIEW)
    supplier_services.supplier_set_status(reviewer, profile, SupplierStatus.REGISTERED)
    member.refresh_from_db()
    assert member.status == MemberStatus.INVITED
    supplier_user = factories.make_member(Role.SUPPLIER_MEMBER, company=member.company)
    services.member_respond(supplier_user, member, accept=True)
    submission, created = services.application_submit(sme_user, application)
    assert created and submission.snapshot["members"][0]["company"]["name"] == "새로운솔루션"


def test_nominating_with_a_wrong_business_number_changes_nothing(track, company, sme_user):
    draft = services.application_start(sme_user, track=track, company=company)
    before = Company.objects.count()
    with pytest.raises(DomainError) as error:
        services.member_nominate(
            sme_user,
            draft,
            business_number="123-45-67890",
            name="틀린번호",
            region=Region.objects.get(code="48"),
            contact_name="박",
            contact_email="p@x.kr",
        )
    assert error.value.field == "business_number"
    assert str(error.value) == "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주십시오."
    assert Company.objects.count() == before and not ConsortiumMember.objects.exists()


# --- submission --------------------------------------------------------------------------------


def test_submit_freezes_a_snapshot_gives_a_receipt_and_mails_every_member(ready, sme_user, supplier_user):
    submission, created = services.application_submit(sme_user, ready, idempotency_key="k1")
    assert created
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.SUBMITTED and ready.current_version == 1
    assert submission.receipt_number == f"{ready.call.reference}-{ready.pk:06d}-01"
    snap = submission.snapshot
    assert snap["budget"]["total_cost"] == 100_000_000
    assert sum(snap["budget"]["lines"].values()) == 100_000_000
    assert snap["shares"]["lines"][0]["amount"] == 50_000_000 and snap["shares"]["sme_share"] == 50_000_000
    assert {d["kind"] for d in snap["documents"]} == {"business_plan", "financial_statements"}
    for user in (sme_user, supplier_user):
        assert Notification.objects.filter(
            recipient=user, subject__contains=submission.receipt_number
        ).exists()
    assert EligibilityRun.objects.filter(submission=submission, status="pending").count() == 1
    # frozen: the draft changes nothing in the snapshot, and a submitted draft cannot change
    with pytest.raises(Conflict):
        services.application_update(sme_user, ready, {"title": "바꾸기"})
    submission.refresh_from_db()
    assert submission.snapshot == snap


def test_one_second_late_is_refused_with_the_times_and_nothing_is_stored(ready, sme_user):
    closes = ready.call.closes_at
    with pytest.raises(Conflict) as error:
        services.application_submit(sme_user, ready, now=closes + datetime.timedelta(seconds=1))
    message = str(error.value)
    assert error.value.code == "call_closed"
    assert "접수가 마감되었습니다" in message
    assert timezone.localtime(closes).strftime("%Y-%m-%d %H:%M:%S") in message
    assert not Submission.objects.exists()
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.DRAFT
    with pytest.raises(Conflict):
        services.application_submit(sme_user, ready, now=closes)  # the deadline itself is late
    _submission, created = services.application_submit(
        sme_user, ready, now=closes - datetime.timedelta(seconds=1)
    )
    assert created


def test_double_submission_makes_one(ready, sme_user):
    first, created_first = services.application_submit(sme_user, ready, idempotency_key="click")
    again, created_again = services.application_submit(sme_user, ready, idempotency_key="click")
    other, created_other = services.application_submit(sme_user, ready, idempotency_key="retry")
    assert created_first and not created_again and not created_other
    assert first.pk == again.pk == other.pk
    assert Submission.objects.count() == 1 and EligibilityRun.objects.count() == 1


def test_withdraw_then_resubmit_makes_version_two_and_keeps_history(ready, sme_user):
    first, _ = services.application_submit(sme_user, ready, idempotency_key="v1")
    services.application_withdraw(sme_user, ready, reason="예산 수정")
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.WITHDRAWN
    services.application_update(sme_user, ready, {"title": "고친 과제명"})
    # the old request replayed after withdrawal is still the old submission, not a new one
    replay, created = services.application_submit(sme_user, ready, idempotency_key="v1")
    assert replay.pk == first.pk and not created
    second, created = services.application_submit(sme_user, ready, idempotency_key="v2")
    assert created and second.version == 2 and second.snapshot["plan"]["title"] == "고친 과제명"
    first.refresh_from_db()
    assert first.status == SubmissionStatus.WITHDRAWN and first.snapshot["plan"]["title"] != "고친 과제명"
    assert list(ready.submissions.values_list("version", flat=True)) == [2, 1]


def test_withdraw_after_the_deadline_is_refused(ready, sme_user):
    services.application_submit(sme_user, ready)
    with pytest.raises(Conflict):
        services.application_withdraw(sme_user, ready, now=ready.call.closes_at)
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.SUBMITTED


def test_submission_lists_every_blocker(track, company, sme_user):
    draft = services.application_start(sme_user, track=track, company=company)
    sections = {section for section, _ in services.submission_blockers(draft)}
    assert sections == {"plan", "budget", "kpis", "consortium", "documents", "declarations"}
    with pytest.raises(DomainError) as error:
        services.application_submit(sme_user, draft)
    assert len(error.value.blockers) >= 6 and not Submission.objects.exists()


# --- documents ---------------------------------------------------------------------------------


def _pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, factories.PDF_BYTES, content_type="application/pdf")


def test_document_after_close_only_for_a_clarification_asking_for_it(ready, sme_user, staff):
    services.application_submit(sme_user, ready)
    ready.refresh_from_db()
    after = ready.call.closes_at + datetime.timedelta(hours=1)
    with pytest.raises(Conflict):
        services.document_add(
            sme_user, ready, kind="tax_clearance", file=_pdf(), original_name="납세.pdf", now=after
        )
    query = services.clarification_ask(
        staff,
        ready,
        subject="납세증명서 누락",
        body="납세증명서를 올려 주십시오.",
        reply_by=timezone.now() + datetime.timedelta(days=3),
        requested_document="tax_clearance",
    )
    with pytest.raises(DomainError):
        services.document_add(
            sme_user, ready, kind="other", file=_pdf(), original_name="x.pdf", clarification=query, now=after
        )
    document = services.document_add(
        sme_user,
        ready,
        kind="tax_clearance",
        file=_pdf(),
        original_name="납세.pdf",
        clarification=query,
        now=after,
    )
    message = services.clarification_reply(sme_user, query, body="올렸습니다.", document=document)
    query.refresh_from_db()
    assert query.status == ClarificationStatus.ANSWERED and message.document == document
    assert document.sha256 != "0" * 64 and document.size == len(factories.PDF_BYTES)
    services.clarification_close(staff, query)
    with pytest.raises(Conflict):
        services.clarification_reply(sme_user, query, body="추가")


# --- eligibility -------------------------------------------------------------------------------


def _rules(call, *kinds_params):
    for order, (kind, params) in enumerate(kinds_params):
        EligibilityRule.objects.create(call=call, kind=kind, params=params, order=order)


def test_eligibility_run_stores_each_rule_with_reasons_and_is_safe_twice(ready, sme_user, company):
    _rules(
        ready.call,
        ("sme_size", {"max_employees": 300, "max_revenue": 150_000_000_000, "combine": "any"}),
        ("production_facility", {}),
        ("required_documents", {"kinds": ["business_plan", "financial_statements"]}),
        ("supplier_approved", {}),
        ("declarations", {"required": ["no_tax_arrears", "no_sanctions"]}),
    )
    submission, _ = services.application_submit(sme_user, ready)
    run = submission.eligibility_runs.get()
    services.eligibility_run(run.pk)
    services.eligibility_run(run.pk)  # a redelivered message: nothing doubles
    run.refresh_from_db()
    results = list(run.results.all())
    assert [r.kind for r in results] == [
        "sme_size",
        "production_facility",
        "required_documents",
        "supplier_approved",
        "declarations",
    ]
    assert {r.outcome for r in results} == {"pass"} and run.outcome == "pass" and run.attempts == 1
    assert all(r.reason_ko and r.reason_en for r in results)
    assert EligibilityResult.objects.count() == 5


def test_failing_rule_gives_its_reason_override_is_audited_and_a_rerun_sees_new_data(
    ready, sme_user, company, staff
):
    _rules(ready.call, ("sme_size", {"max_employees": 300, "max_revenue": None, "combine": "all"}))
    Company.objects.filter(pk=company.pk).update(employees=450)
    submission, _ = services.application_submit(sme_user, ready)
    run = services.eligibility_run(submission.eligibility_runs.get().pk)
    result = run.results.get()
    assert result.outcome == "fail" and "450" in result.reason_ko and run.outcome == "fail"
    with pytest.raises(DomainError):
        services.eligibility_override(staff, result, outcome="pass", reason="")
    with pytest.raises(AccessDenied):
        services.eligibility_override(sme_user, result, outcome="pass", reason="제가 맞습니다")
    services.eligibility_override(staff, result, outcome="pass", reason="3년 평균 근로자 수 확인(280명)")
    result.refresh_from_db()
    run.refresh_from_db()
    assert result.effective_outcome == "pass" and run.outcome == "pass"
    event = AuditEvent.objects.get(action="transition", object_id=str(result.pk))
    assert event.reason == "3년 평균 근로자 수 확인(280명)" and event.before == {"outcome": "fail"}

    Company.objects.filter(pk=company.pk).update(employees=280)
    rerun = services.eligibility_rerun(staff, submission, reason="근로자 수 정정")
    rerun = services.eligibility_run(rerun.pk)
    assert rerun.results.get().outcome == "pass"


# --- visibility --------------------------------------------------------------------------------


def test_who_sees_an_application(ready, sme_user, supplier_user, staff, operator, company):
    other_sme = factories.make_member(Role.SME_MEMBER, company=factories.make_company())
    other_staff = factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator())
    centre = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set([company.region])
    centre_user = factories.make_member(Role.CENTRE_STAFF, operator=centre)

    def sees(user):
        return Application.objects.visible_to(user).filter(pk=ready.pk).exists()

    assert sees(sme_user) and sees(supplier_user)
    assert not sees(staff) and not sees(centre_user), "a draft is the applicant's own"
    services.application_submit(sme_user, ready)
    ready.refresh_from_db()
    assert sees(staff) and sees(centre_user)
    assert not sees(other_sme) and not sees(other_staff)
    note = services.support_note_add(
        centre_user, ready, given_on=timezone.localdate(), body="사업계획서 작성 상담"
    )
    assert note.operator == centre
    with pytest.raises(AccessDenied):
        services.support_note_add(other_staff, ready, given_on=timezone.localdate(), body="x")


def test_fast_track_and_the_level_report_on_an_advancement_track(call, company, sme_user, supplier):
    """Intermediate 1 needs Basic; a firm still at 'none' passes through the fast track when it runs
    its own MES, ERP and data collection, and the level-assessment report is a required document."""
    track = factories.make_track(
        call, "intermediate_1", minimum_current_level="basic", allows_fast_track=True
    )
    _rules(call, ("minimum_level", {"minimum": "none", "allow_fast_track": True}))
    application = factories.make_application(track, company, sme_user, supplier=supplier)
    application.documents.filter(kind="level_assessment").delete()
    blockers = services.submission_blockers(application)
    assert any(section == "documents" and "수준확인 결과서" in message for section, message in blockers)
    factories.make_document(application, "level_assessment", sme_user)

    Company.objects.filter(pk=company.pk).update(
        smart_factory_level="none", has_mes=True, has_erp=True, has_data_collection=False
    )
    submission, _ = services.application_submit(sme_user, application)
    result = services.eligibility_run(submission.eligibility_runs.get().pk).results.get()
    assert result.outcome == "fail" and "패스트트랙" in result.reason_ko

    Company.objects.filter(pk=company.pk).update(has_data_collection=True)
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=call.operator)
    rerun = services.eligibility_run(
        services.eligibility_rerun(staff, submission, reason="데이터 수집 체계 확인").pk
    )
    result = rerun.results.get()
    assert result.outcome == "pass" and result.reason_ko.startswith("패스트트랙 적용")


def test_audit_events_belong_to_the_call_operator_and_the_lead(ready, sme_user, staff, operator, company):
    submission, _ = services.application_submit(sme_user, ready)
    event = AuditEvent.objects.get(
        action="transition", object_id=str(ready.pk), after={"status": "submitted"}
    )
    assert (event.operator, event.company) == (operator, company)
    run = services.eligibility_run(submission.eligibility_runs.get().pk)
    event = AuditEvent.objects.get(action="eligibility_checked", object_id=str(run.pk))
    assert (event.operator, event.company) == (operator, company)
    assert AuditEvent.objects.visible_to(staff).filter(pk=event.pk).exists()


def test_a_thread_goes_back_and_forth_and_the_document_may_follow_an_answer(ready, sme_user, staff):
    services.application_submit(sme_user, ready)
    ready.refresh_from_db()
    query = services.clarification_ask(
        staff,
        ready,
        subject="견적서",
        body="공급기업 견적서를 올려 주십시오.",
        reply_by=timezone.now() + datetime.timedelta(days=2),
        requested_document="supplier_quotation",
    )
    services.clarification_reply(sme_user, query, body="곧 올리겠습니다.")
    query.refresh_from_db()
    assert query.status == ClarificationStatus.ANSWERED
    document = services.document_add(
        sme_user, ready, kind="supplier_quotation", file=_pdf(), original_name="견적.pdf", clarification=query
    )
    services.clarification_reply(staff, query, body="금액이 다릅니다. 다시 확인해 주십시오.")
    query.refresh_from_db()
    assert query.status == ClarificationStatus.OPEN, "a staff follow-up waits for the applicant again"
    assert document.clarification == query


@pytest.mark.parametrize(
    ("declared", "outcome", "words"),
    [
        ([], "pass", "지원을 받은 이력이 없습니다"),
        (
            [{"year": timezone.localdate().year - 1, "level": "basic"}],
            "fail",
            "지원을 받은 기업은 신청할 수 없습니다",
        ),
        ([{"year": timezone.localdate().year - 1, "level": "intermediate_1"}], "pass", "이력이 없습니다"),
    ],
)
def test_duplicate_support_rule_runs_on_what_the_applicant_declared(
    ready, sme_user, declared, outcome, words
):
    _rules(ready.call, ("no_duplicate_support", {"years": 3, "same_level": True}))
    services.application_update(
        sme_user, ready, {"declarations": {**factories.ALL_DECLARATIONS, "prior_supports": declared}}
    )
    submission, _ = services.application_submit(sme_user, ready)
    assert submission.snapshot["declarations"]["prior_supports"][: len(declared)] == [
        {**d, "programme": ""} for d in declared
    ]
    result = services.eligibility_run(submission.eligibility_runs.get().pk).results.get()
    assert result.outcome == outcome and words in result.reason_ko


def test_the_prior_support_question_must_be_answered(ready, sme_user):
    without = {k: v for k, v in factories.ALL_DECLARATIONS.items() if k != "prior_supports"}
    services.application_update(sme_user, ready, {"declarations": {**without, "prior_supports": "garbage"}})
    ready.refresh_from_db()
    assert "prior_supports" not in ready.declarations
    blockers = services.submission_blockers(ready)
    assert (
        "declarations",
        "최근 3년 안에 정부 스마트공장 구축 지원을 받은 적이 있는지 답해 주십시오.",
    ) in blockers
