"""Services: interim check (centre or call staff, inside the mid-term window), appointing the
inspector (call staff, from the pool or staff, nobody tied to the lead or the supplier; the project
moves to 'inspection'), the checklist and result (the inspector only), corrective actions (lead
plans and reports, inspector confirms or returns; all confirmed → passed), the supplier rating, and
the balance tranche released only after the pass. Every refusal says why and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services
from inspections.models import ChecklistItem, CorrectiveAction, FinalInspection, InterimCheck
from monitoring import services as monitoring_services
from monitoring.models import Project, Tranche
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Membership, Notification, Role
from suppliers.models import SupplierReview
from tests import factories

from .conftest import appoint, check_all, conditional, days

pytestmark = pytest.mark.django_db


def _state():
    return (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        list(InterimCheck.objects.values_list("pk", flat=True)),
        list(FinalInspection.objects.values_list("pk", "status", "result", "passed_at")),
        list(ChecklistItem.objects.values_list("pk", "checked", "note")),
        list(CorrectiveAction.objects.values_list("pk", "status", "plan", "result")),
        list(Project.objects.values_list("pk", "status", "inspection_passed_at")),
        list(SupplierReview.objects.values_list("pk", "score")),
    )


def _refused(exc_type, message, fn, *args, **kwargs):
    before = _state()
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    if message is not None:
        assert message in str(info.value.message)
    assert _state() == before
    return info.value


# --- interim check -------------------------------------------------------------------------------


def _interim(user, w, **kw):
    args = {"checked_on": days(0), "findings": "MES 설치 60%", "progress": "on_track"}
    args.update(kw)
    return services.interim_check_record(user, w.project, **args)


def test_centre_records_interim_check_audited_and_notified(w, centre_user):
    audits = AuditEvent.objects.count()
    check = _interim(centre_user, w, progress="delayed", actions=[("센서 납품 독촉", days(14))])
    assert check.operator.name_ko.startswith("경기센터")
    assert check.actions == [{"text": "센서 납품 독촉", "due_on": days(14).isoformat()}]
    assert AuditEvent.objects.count() == audits + 1
    assert Notification.objects.filter(recipient=w.lead_user, subject__contains="중간 점검").exists()
    assert Notification.objects.filter(recipient=w.staff, subject__contains="중간 점검").exists()


def test_call_staff_may_record_interim_check(w):
    assert _interim(w.staff, w).operator == w.operator


def test_interim_refusals(w, centre_user):
    _refused(AccessDenied, "지역센터 담당자", _interim, w.lead_user, w)
    busan = factories.make_operator("부산센터", kind="regional_centre", region_code="26")
    busan.regions_covered.set(["26"])
    _refused(AccessDenied, "지역센터", _interim, factories.make_member(Role.CENTRE_STAFF, operator=busan), w)
    _refused(DomainError, "30~70%", _interim, centre_user, w, checked_on=days(-60))
    _refused(DomainError, "오늘이나 그 이전", _interim, centre_user, w, checked_on=days(1))
    _refused(DomainError, "수행 기간", _interim, centre_user, w, checked_on=days(-200))
    _refused(DomainError, "점검에서 확인한 내용", _interim, centre_user, w, findings=" ")
    _refused(DomainError, "후속 조치와 기한", _interim, centre_user, w, progress="at_risk")
    _refused(DomainError, "기한을 입력", _interim, centre_user, w, actions=[("조치", None)])
    _refused(DomainError, "조치 기한은", _interim, centre_user, w, actions=[("조치", days(-1))])
    _refused(DomainError, "진행 판단", _interim, centre_user, w, progress="fine")


def test_interim_only_while_in_progress():
    w = factories.make_project(starts_days_ago=90, in_force=False)
    _refused(Conflict, "수행 중인 과제", _interim, w.staff, w)


# --- appointing ----------------------------------------------------------------------------------


def test_staff_appoint_evaluator_project_moves_to_inspection(w):
    inspection = appoint(w)
    w.project.refresh_from_db()
    assert w.project.status == "inspection"
    assert (inspection.inspector, inspection.inspector_kind, inspection.inspector_name) == (
        w.evaluator.user,
        "evaluator",
        "김감리",
    )
    assert sorted(inspection.items.values_list("key", flat=True)) == ["data", "evidence", "installed", "kpis"]
    assert AuditEvent.objects.filter(
        content_type__model="project", object_id=str(w.project.pk), after={"status": "inspection"}
    ).exists()
    assert Notification.objects.filter(recipient=w.evaluator.user, subject__contains="최종 점검자").exists()
    assert Notification.objects.filter(recipient=w.lead_user, subject__contains="최종 점검자").exists()


def test_staff_member_may_be_appointed(w):
    other = factories.make_member(Role.OPERATOR_STAFF, operator=w.operator, full_name="박담당")
    inspection = appoint(w, other)
    assert (inspection.inspector_kind, inspection.inspector_name) == ("staff", "박담당")


def test_appoint_refusals(w):
    _refused(
        AccessDenied,
        "운영하는 기관의 담당자",
        services.inspection_appoint,
        w.lead_user,
        w.project,
        inspector=w.evaluator.user,
    )
    stranger = factories.make_user(full_name="외부인")
    _refused(DomainError, "평가위원 풀", services.inspection_appoint, w.staff, w.project, inspector=stranger)
    tied = factories.make_evaluator(w.operator, "이해충돌", company=w.lead)
    exc = _refused(
        DomainError, "주관 도입기업", services.inspection_appoint, w.staff, w.project, inspector=tied.user
    )
    assert exc.field == "inspector" and w.lead.name in str(exc.message)
    # a staff member who also belongs to the supplier
    both = factories.make_member(Role.OPERATOR_STAFF, operator=w.operator)
    Membership.objects.create(user=both, role=Role.SUPPLIER_MEMBER, company=w.supplier.company)
    _refused(DomainError, "공급기업", services.inspection_appoint, w.staff, w.project, inspector=both)
    appoint(w)
    other = factories.make_evaluator(w.operator, "두번째")
    _refused(Conflict, None, services.inspection_appoint, w.staff, w.project, inspector=other.user)


def test_appoint_only_from_in_progress():
    w = factories.make_project(starts_days_ago=90, in_force=False)
    ev = factories.make_evaluator(w.operator)
    _refused(
        Conflict, "수행 중인 과제에만", services.inspection_appoint, w.staff, w.project, inspector=ev.user
    )


# --- checklist and result ------------------------------------------------------------------------


def test_checklist_by_inspector_only_with_evidence(w):
    inspection = appoint(w)
    item = inspection.items.get(key="evidence")
    _refused(AccessDenied, "감리 점검자만", services.checklist_item_save, w.staff, item, checked=True)
    _refused(DomainError, "이유를", services.checklist_item_save, w.evaluator.user, item, checked=False)
    bad = SimpleUploadedFile("증빙.pdf", b"not a pdf")
    _refused(
        DomainError, None, services.checklist_item_save, w.evaluator.user, item, checked=True, evidence=bad
    )
    good = SimpleUploadedFile("증빙.pdf", factories.PDF_BYTES)
    item = services.checklist_item_save(w.evaluator.user, item, checked=True, note="제출 확인", evidence=good)
    assert (item.checked, item.evidence_name, item.checked_by) == (True, "증빙.pdf", w.evaluator.user)
    assert item.evidence.name.startswith(f"projects/{w.project.pk}/inspection/")


def test_pass_sets_passed_at_and_records_supplier_rating(w):
    inspection = appoint(w)
    record = services.inspection_result_record
    _refused(DomainError, "모든 항목", record, w.evaluator.user, inspection, result="pass", supplier_score=5)
    check_all(inspection)
    _refused(AccessDenied, None, record, w.staff, inspection, result="pass", supplier_score=5)
    _refused(DomainError, "평점", record, w.evaluator.user, inspection, result="pass")
    _refused(
        DomainError,
        "조건부 통과",
        record,
        w.evaluator.user,
        inspection,
        result="pass",
        supplier_score=5,
        actions=[("x", days(5))],
    )
    record(w.evaluator.user, inspection, result="pass", supplier_score=5, supplier_comment="우수")
    w.project.refresh_from_db()
    inspection.refresh_from_db()
    assert inspection.status == "passed" and w.project.inspection_passed_at == inspection.passed_at
    review = SupplierReview.objects.get(profile=w.supplier)
    assert (review.source, review.score, review.project_reference) == (
        "inspection",
        5,
        w.project.submission.receipt_number,
    )
    assert AuditEvent.objects.filter(
        object_id=str(w.project.pk), before={"inspection_passed_at": None}
    ).exists()
    assert AuditEvent.objects.filter(content_type__model="supplierreview", object_id=str(review.pk)).exists()
    _refused(
        Conflict, "이미 기록", record, w.evaluator.user, inspection, result="fail", note="x", supplier_score=1
    )
    _refused(
        Conflict,
        "점검표는 바꿀 수 없습니다",
        services.checklist_item_save,
        w.evaluator.user,
        inspection.items.first(),
        checked=True,
    )


def test_fail_returns_project_to_in_progress_for_a_reinspection(w):
    inspection = appoint(w)
    record = services.inspection_result_record
    _refused(
        DomainError, "불합격 사유", record, w.evaluator.user, inspection, result="fail", supplier_score=2
    )
    record(w.evaluator.user, inspection, result="fail", note="설비 미설치", supplier_score=2)
    w.project.refresh_from_db()
    assert (w.project.status, w.project.inspection_passed_at) == ("in_progress", None)
    second = appoint(w, factories.make_evaluator(w.operator, "재점검").user)
    check_all(second)
    record(second.inspector, second, result="pass", supplier_score=4)
    assert SupplierReview.objects.get(profile=w.supplier).score == 4  # the rating was updated, not doubled


# --- corrective actions --------------------------------------------------------------------------


def test_conditional_pass_actions_plan_report_return_confirm_then_passed(w):
    inspection = conditional(w, appoint(w), n=2)
    assert inspection.status == "conditional"
    a1, a2 = CorrectiveAction.objects.filter(inspection=inspection).order_by("pk")
    lead, inspector = w.lead_user, w.evaluator.user
    _refused(Conflict, "계획을 먼저", services.action_report, lead, a1, result="완료")
    _refused(AccessDenied, "주관 도입기업", services.action_plan, inspector, a1, plan="계획")
    _refused(DomainError, "조치 계획을 적어", services.action_plan, lead, a1, plan=" ")
    services.action_plan(lead, a1, plan="센서 교체")
    for user in (inspector, w.staff):
        assert Notification.objects.filter(recipient=user, subject__contains="시정 조치 계획").count() == 1
    _refused(Conflict, None, services.action_review, inspector, a1, confirm=True)
    services.action_report(lead, a1, result="교체 완료")
    _refused(AccessDenied, "감리 점검자만", services.action_review, lead, a1, confirm=True)
    _refused(DomainError, "보완할 내용", services.action_review, inspector, a1, confirm=False)
    services.action_review(inspector, a1, confirm=False, note="사진 첨부 바랍니다")
    a1.refresh_from_db()
    assert a1.status == "returned"
    services.action_report(lead, a1, result="교체 완료, 사진 첨부")
    services.action_review(inspector, a1, confirm=True)
    w.project.refresh_from_db()
    assert w.project.inspection_passed_at is None  # a2 still open
    services.action_plan(lead, a2, plan="교육")
    services.action_report(lead, a2, result="교육 완료")
    services.action_review(inspector, a2, confirm=True)
    inspection.refresh_from_db()
    w.project.refresh_from_db()
    assert inspection.status == "passed" and w.project.inspection_passed_at is not None
    _refused(Conflict, None, services.action_plan, lead, a2, plan="다시")


# --- balance tranche ----------------------------------------------------------------------------


def test_balance_tranche_is_approved_only_after_the_pass(w):
    balance = Tranche.objects.get(project=w.project, kind="balance")
    with pytest.raises(Conflict):
        monitoring_services.tranche_request(w.lead_user, balance)
    inspection = conditional(w, appoint(w))
    with pytest.raises(Conflict):
        monitoring_services.tranche_request(w.lead_user, balance)
    action = inspection.actions.get()
    services.action_plan(w.lead_user, action, plan="보완")
    services.action_report(w.lead_user, action, result="보완 완료")
    services.action_review(w.evaluator.user, action, confirm=True)
    monitoring_services.tranche_request(w.lead_user, balance)
    approved = monitoring_services.tranche_approve(w.staff, balance)
    assert approved.status == "approved"


# --- dossier ------------------------------------------------------------------------------------


def test_dossier_entries_hold_the_inspection_and_its_evidence(w, centre_user):
    import json

    from inspections import dossier

    services.interim_check_record(
        centre_user, w.project, checked_on=days(0), findings="정상", progress="on_track"
    )
    inspection = appoint(w)
    item = inspection.items.get(key="evidence")
    services.checklist_item_save(
        w.evaluator.user, item, checked=True, evidence=SimpleUploadedFile("확인서.pdf", factories.PDF_BYTES)
    )
    conditional(w, inspection)
    files = dict(dossier.entries(w.project))
    data = json.loads(files["inspections/inspections.json"])
    assert data["interim_checks"][0]["findings"] == "정상"
    final = data["final_inspections"][0]
    assert (final["inspector"], final["status"], final["supplier_score"]) == ("김감리", "conditional", 4)
    assert [c["key"] for c in final["checklist"]] == ["installed", "data", "kpis", "evidence"]
    assert final["corrective_actions"][0]["description"] == "보완 1"
    evidence = final["checklist"][3]["evidence"]
    assert files[evidence].startswith(b"%PDF")


def test_dossier_survives_an_evidence_file_missing_from_storage(w):
    from inspections import dossier

    inspection = appoint(w)
    ChecklistItem.objects.filter(inspection=inspection, key="data").update(
        evidence="projects/gone/inspection/none.pdf", evidence_name="사라진파일.pdf"
    )
    paths = [path for path, _content in dossier.entries(w.project)]
    assert paths == ["inspections/inspections.json"]
