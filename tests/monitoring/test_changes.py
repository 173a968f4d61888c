"""Change requests, the services: the lead files; the kind decides the path; approving or recording
applies the change to the project and issues a new agreement version naming the request (the old
version stays as accepted); refusals say why in Korean and change nothing; everything is audited
and the other side is notified."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from monitoring import changes, services
from monitoring.models import Agreement, AgreementParty, ChangeRequest, Project
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return factories.make_project()


def _state():
    return (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        list(ChangeRequest.objects.values_list("pk", "status")),
        list(Agreement.objects.values_list("pk", "status")),
        list(Project.objects.values_list("pk", "ends_on")),
    )


def _refused(exc_type, message, fn, *args, **kwargs):
    before = _state()
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert str(info.value.message) == message
    assert _state() == before
    return info.value


def _submit(p, kind, values, **kw):
    kw.setdefault("reason", "납품 지연")
    return changes.change_request_submit(p.lead_user, p.project, kind=kind, values=values, **kw)


def _versions(project):
    return list(
        Agreement.objects.filter(project=project).order_by("version").values_list("version", "status")
    )


def test_long_extension_waits_for_staff_then_new_version_for_everyone(p):
    end = p.project.ends_on
    new_end = services.add_months(end, 2)
    change = _submit(
        p, "extension", {"ends_on": new_end}, evidence=SimpleUploadedFile("공문.pdf", factories.PDF_BYTES)
    )
    assert (change.path, change.status, change.evidence_name) == ("approval", "submitted", "공문.pdf")
    assert change.previous == {"ends_on": end.isoformat()}
    p.project.refresh_from_db()
    assert p.project.ends_on == end  # nothing applied yet
    assert _versions(p.project) == [(1, "in_force")]
    assert Notification.objects.filter(recipient=p.staff, subject__contains="변경 승인 요청").count() == 1

    audits = AuditEvent.objects.count()
    changes.change_request_approve(p.staff, change, reason="공급 지연 확인")
    change.refresh_from_db()
    p.project.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_reason) == (
        "approved",
        p.staff,
        "공급 지연 확인",
    )
    assert p.project.ends_on == new_end
    assert _versions(p.project) == [(1, "in_force"), (2, "awaiting")]  # old stays until all accept
    v2 = change.agreement
    assert v2.version == 2 and f"변경 신청 #{change.pk}" in v2.reason and "수행 기간 연장" in v2.reason
    assert v2.terms["period"]["ends_on"] == new_end.isoformat()
    assert v2.terms["amendments"][0]["change_request"] == change.pk
    assert AuditEvent.objects.count() > audits
    assert Notification.objects.filter(recipient=p.lead_user, subject__contains="변경 승인").exists()
    assert Notification.objects.filter(recipient=p.supplier_user, subject__contains="협약 동의 요청").exists()
    users = {"operator": p.staff, "lead": p.lead_user, "supplier": p.supplier_user}
    for party in v2.parties.all():
        services.agreement_accept(users[party.role], party)
    assert _versions(p.project) == [(1, "superseded"), (2, "in_force")]


def test_extension_of_exactly_one_month_is_recorded_and_in_force_at_once(p):
    end = p.project.ends_on
    change = _submit(p, "extension", {"ends_on": services.add_months(end, 1)})
    assert (change.path, change.status, change.decided_by) == ("company", "recorded", p.lead_user)
    p.project.refresh_from_db()
    assert p.project.ends_on == services.add_months(end, 1)
    assert _versions(p.project) == [(1, "superseded"), (2, "in_force")]
    assert not AgreementParty.objects.filter(agreement=change.agreement, accepted_at__isnull=False).exists()
    assert Notification.objects.filter(recipient=p.staff, subject__contains="협약 변경 기록").count() == 1
    assert (
        Notification.objects.filter(recipient=p.supplier_user, subject__contains="협약 변경 반영").count()
        == 1
    )


def test_one_day_over_a_month_needs_approval(p):
    change = _submit(
        p, "extension", {"ends_on": services.add_months(p.project.ends_on, 1) + datetime.timedelta(days=1)}
    )
    assert (change.path, change.status) == ("approval", "submitted")


def test_ceo_and_bank_go_into_the_terms(p):
    _submit(p, "ceo", {"ceo_name": "박새대표"}, reason="대표이사 변경 등기")
    bank = _submit(
        p,
        "bank",
        {"bank_name": "국민은행", "account_number": "123-456-789012", "account_holder": "한빛정밀"},
        reason="주거래 은행 변경",
    )
    terms = bank.agreement.terms
    assert terms["lead_details"]["ceo_name"] == "박새대표"
    assert terms["lead_details"]["bank_account"]["account_number"] == "123-456-789012"
    assert [a["kind"] for a in terms["amendments"]] == ["ceo", "bank"]
    assert _versions(p.project) == [(1, "superseded"), (2, "superseded"), (3, "in_force")]


def test_supplier_change_replaces_the_party_and_the_new_supplier_accepts(p):
    new = factories.make_supplier("새공급기업")
    new_user = factories.make_member(factories.Role.SUPPLIER_MEMBER, company=new.company)
    change = _submit(p, "supplier", {"supplier": new.pk})
    assert change.values["replaces"] == p.supplier.company_id
    assert change.values["name"] == new.company.name
    changes.change_request_approve(p.staff, change)
    change.refresh_from_db()
    parties = {(x.role, x.company_id) for x in change.agreement.parties.all()}
    assert ("supplier", new.company_id) in parties
    assert ("supplier", p.supplier.company_id) not in parties
    assert Project.objects.visible_to(new_user).filter(pk=p.project.pk).exists()
    party = change.agreement.parties.get(role="supplier")
    services.agreement_accept(new_user, party)
    assert party.agreement.parties.filter(accepted_at__isnull=False).count() == 1
    # the replaced supplier no longer reports on the project; the new one does
    assert services.supplier_company_ids(p.project) == {new.company_id}
    assert services.reporter_roles_for(p.supplier_user, p.project) == []
    assert services.reporter_roles_for(new_user, p.project) == ["supplier"]


def test_supplier_must_be_registered_and_not_already_a_party(p):
    draft = factories.make_supplier("미등록공급", status="draft")
    _refused(
        DomainError,
        "새 공급기업은 SFMS에 등록(승인)된 공급기업이어야 합니다.",
        _submit,
        p,
        "supplier",
        {"supplier": draft.pk},
    )
    _refused(
        DomainError,
        f"{p.supplier.company.name}은(는) 이미 이 협약의 공급기업입니다.",
        _submit,
        p,
        "supplier",
        {"supplier": p.supplier.pk},
    )


def test_a_restricted_supplier_cannot_come_in(p):
    from sanctions.models import Restriction

    barred = factories.make_supplier("제한공급기업")
    Restriction.objects.create(
        company=barred.company,
        operator=p.operator,
        reason_kind=Restriction._meta.get_field("reason_kind").choices[0][0],
        reason="거짓 보고",
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
        ends_on=timezone.localdate() + datetime.timedelta(days=365),
        imposed_by=p.staff,
        imposed_at=timezone.now(),
    )
    _refused(
        DomainError,
        f"{barred.company.name}은(는) 사업 참여 제한 기간 중이어서 새 공급기업으로 정할 수 없습니다.",
        _submit,
        p,
        "supplier",
        {"supplier": barred.pk},
    )


def test_address_change_and_reject_with_reason(p):
    change = _submit(p, "address", {"postcode": "13487", "address": "경기도 성남시 분당구 판교로 1"})
    assert change.path == "approval"
    _refused(
        DomainError, "반려 사유를 적어 주십시오.", changes.change_request_reject, p.staff, change, reason=" "
    )
    changes.change_request_reject(p.staff, change, reason="등기부등본이 없습니다")
    change.refresh_from_db()
    assert (change.status, change.decision_reason, change.agreement) == (
        "rejected",
        "등기부등본이 없습니다",
        None,
    )
    assert _versions(p.project) == [(1, "in_force")]
    mail = Notification.objects.get(recipient=p.lead_user, subject__contains="변경 반려")
    assert "등기부등본이 없습니다" in mail.body
    _refused(
        Conflict,
        "승인을 기다리는 변경 신청만 승인할 수 있습니다. 지금 상태: 반려",
        changes.change_request_approve,
        p.staff,
        change,
    )


def test_address_approved_goes_into_terms(p):
    change = _submit(p, "address", {"address": "경기도 화성시 공단로 2"})
    changes.change_request_approve(p.staff, change)
    change.refresh_from_db()
    assert change.agreement.terms["lead_details"]["factory_address"]["address"] == "경기도 화성시 공단로 2"


def test_withdraw_by_lead_only_while_waiting(p):
    change = _submit(p, "other", {"description": "예산 항목 조정"})
    _refused(
        AccessDenied,
        "주관 도입기업 담당자만 할 수 있습니다.",
        changes.change_request_withdraw,
        p.staff,
        change,
    )
    changes.change_request_withdraw(p.lead_user, change)
    change.refresh_from_db()
    assert change.status == "withdrawn"
    assert Notification.objects.filter(recipient=p.staff, subject__contains="철회").count() == 1
    _refused(
        Conflict,
        "승인을 기다리는 변경 신청만 철회할 수 있습니다. 지금 상태: 철회",
        changes.change_request_withdraw,
        p.lead_user,
        change,
    )


def test_who_may_do_what(p):
    _refused(
        AccessDenied,
        "주관 도입기업 담당자만 할 수 있습니다.",
        changes.change_request_submit,
        p.supplier_user,
        p.project,
        kind="ceo",
        values={"ceo_name": "박"},
        reason="x",
    )
    change = _submit(p, "other", {"description": "예산 항목 조정"})
    _refused(
        AccessDenied,
        "이 공고를 운영하는 기관의 담당자만 할 수 있습니다.",
        changes.change_request_approve,
        p.lead_user,
        change,
    )
    other = factories.make_project()
    _refused(
        AccessDenied,
        "이 공고를 운영하는 기관의 담당자만 할 수 있습니다.",
        changes.change_request_reject,
        other.staff,
        change,
        reason="x",
    )


def test_bad_input_changes_nothing(p):
    _refused(
        DomainError, "변경이 필요한 사유를 적어 주십시오.", _submit, p, "ceo", {"ceo_name": "박"}, reason="  "
    )
    _refused(DomainError, "변경 유형을 고르십시오.", _submit, p, "bogus", {})
    _refused(
        DomainError,
        f"새 수행 종료일은 지금 종료일({p.project.ends_on.isoformat()})보다 뒤여야 합니다.",
        _submit,
        p,
        "extension",
        {"ends_on": p.project.ends_on},
    )
    exc = _refused(
        DomainError,
        "계좌번호는 숫자 10~16자리로, 숫자와 붙임표(-)만 써서 입력해 주십시오. 예: 123-456-789012",
        _submit,
        p,
        "bank",
        {"bank_name": "국민은행", "account_number": "12-34", "account_holder": "한빛"},
    )
    assert exc.field == "account_number"


def test_bad_evidence_is_refused(p):
    before = _state()
    with pytest.raises(DomainError) as info:
        _submit(p, "ceo", {"ceo_name": "박"}, evidence=SimpleUploadedFile("a.exe", b"MZ\x90\x00"))
    assert info.value.field == "evidence"
    assert _state() == before


def test_one_waiting_request_per_kind_and_only_in_progress(p):
    _submit(p, "other", {"description": "예산 항목 조정"})
    _refused(
        Conflict,
        "승인을 기다리는 같은 종류의 변경 신청(기타 협약 변경)이 있습니다. 그 신청이 처리되거나 철회한 뒤 다시 신청해 주십시오.",
        _submit,
        p,
        "other",
        {"description": "또"},
    )
    pending = factories.make_project(in_force=False)
    _refused(
        Conflict,
        "수행 중인 과제(협약이 효력을 가진 뒤, 최종 점검 전)만 변경할 수 있습니다.",
        changes.change_request_submit,
        pending.lead_user,
        pending.project,
        kind="ceo",
        values={"ceo_name": "박"},
        reason="x",
    )


def test_approval_rechecks_the_end_date(p):
    end = p.project.ends_on
    long = _submit(p, "extension", {"ends_on": services.add_months(end, 2)})
    Project.objects.filter(pk=p.project.pk).update(ends_on=services.add_months(end, 3))
    with pytest.raises(Conflict) as info:
        changes.change_request_approve(p.staff, long)
    assert "보다 뒤가 아닙니다" in str(info.value.message)
    long.refresh_from_db()
    assert long.status == "submitted"


def test_company_record_while_a_version_awaits_keeps_waiting_for_everyone(p):
    address = _submit(p, "address", {"address": "경기도 화성시 공단로 2"})
    changes.change_request_approve(p.staff, address)
    ceo = _submit(p, "ceo", {"ceo_name": "박새대표"})
    assert _versions(p.project) == [(1, "in_force"), (2, "superseded"), (3, "awaiting")]
    terms = ceo.agreement.terms
    assert terms["lead_details"]["ceo_name"] == "박새대표"
    assert terms["lead_details"]["factory_address"]["address"] == "경기도 화성시 공단로 2"


def test_audit_records_each_transition(p):
    change = _submit(p, "other", {"description": "예산 항목 조정"})
    changes.change_request_approve(p.staff, change, now=timezone.now())
    events = AuditEvent.objects.filter(object_id=str(change.pk), content_type__model="changerequest")
    assert events.count() == 2
