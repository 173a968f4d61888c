"""Supplier services: the approval workflow, who may do what, review of material changes,
certification expiry notices, rating and search-document upkeep."""

import datetime

import pytest
from django.db import connection

from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Notification, Operator, Role
from suppliers import services
from suppliers.models import Certification, SupplierProfile, SupplierStatus
from tests import factories

pytestmark = pytest.mark.django_db

S = SupplierStatus
SOLUTION = [("스마트 MES", "mes", "cloud", ["basic"])]


@pytest.fixture
def reviewer(operator):  # the conftest operator is a national agency
    return factories.make_member(Role.OPERATOR_ADMIN, operator=operator)


@pytest.fixture
def draft():
    return factories.make_supplier("한빛솔루션", status="draft", solutions=SOLUTION)


@pytest.fixture
def member(draft):
    return factories.make_member(Role.SUPPLIER_MEMBER, company=draft.company)


def _matches(term):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM suppliers_supplierprofile WHERE search_document @@ %s::tsquery ORDER BY id",
            [f"'{term}'"],
        )
        return [row[0] for row in cursor.fetchall()]


def test_full_workflow_is_audited_and_mailed(draft, member, reviewer):
    services.supplier_set_status(member, draft, S.SUBMITTED)
    services.supplier_set_status(reviewer, draft, S.UNDER_REVIEW)
    services.supplier_set_status(reviewer, draft, S.RETURNED, reason="인증서 사본을 첨부해 주십시오.")
    services.supplier_set_status(member, draft, S.SUBMITTED)
    services.supplier_set_status(reviewer, draft, S.UNDER_REVIEW)
    profile = services.supplier_set_status(reviewer, draft, S.REGISTERED)
    assert profile.status == S.REGISTERED and profile.registered_at is not None
    assert profile.reviewed_by.kind == Operator.Kind.NATIONAL_AGENCY
    moves = AuditEvent.objects.filter(action="transition", object_id=str(draft.pk)).order_by("pk")
    assert [(e.before["status"], e.after["status"]) for e in moves] == [
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "returned"),
        ("returned", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "registered"),
    ]
    mails = Notification.objects.filter(recipient=member).order_by("pk")
    assert mails.count() == 6
    assert "인증서 사본" in mails[2].body


@pytest.mark.parametrize("to", [S.RETURNED, S.REJECTED])
def test_return_and_reject_need_a_reason(draft, reviewer, to):
    SupplierProfile.objects.filter(pk=draft.pk).update(status=S.UNDER_REVIEW)
    draft.refresh_from_db()
    with pytest.raises(DomainError) as err:
        services.supplier_set_status(reviewer, draft, to, reason="  ")
    assert err.value.field == "reason"
    draft.refresh_from_db()
    assert draft.status == S.UNDER_REVIEW


def test_suspend_and_reinstate_with_reasons(reviewer):
    profile = factories.make_supplier(solutions=SOLUTION)
    with pytest.raises(DomainError):
        services.supplier_set_status(reviewer, profile, S.SUSPENDED)
    services.supplier_set_status(reviewer, profile, S.SUSPENDED, reason="허위 실적 조사")
    with pytest.raises(DomainError):
        services.supplier_set_status(reviewer, profile, S.REGISTERED)
    services.supplier_set_status(reviewer, profile, S.REGISTERED, reason="조사 종결")
    profile.refresh_from_db()
    assert profile.status == S.REGISTERED


def test_supplier_cannot_approve_itself_and_others_cannot_submit(draft, member, reviewer):
    services.supplier_set_status(member, draft, S.SUBMITTED)
    with pytest.raises(AccessDenied):
        services.supplier_set_status(member, draft, S.UNDER_REVIEW)
    other = factories.make_supplier("다른공급사", status="draft", solutions=SOLUTION)
    with pytest.raises(Conflict):
        services.supplier_set_status(member, other, S.SUBMITTED)
    other.refresh_from_db()
    assert other.status == S.DRAFT


@pytest.mark.parametrize("role", [Role.CENTRE_STAFF, Role.EVALUATOR])
def test_only_national_agency_admins_and_staff_review(draft, role):
    centre = factories.make_operator("센터", kind=Operator.Kind.REGIONAL_CENTRE)
    user = factories.make_member(role, operator=centre)
    SupplierProfile.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    draft.refresh_from_db()
    with pytest.raises(AccessDenied):
        services.supplier_set_status(user, draft, S.UNDER_REVIEW)


def test_regional_operator_admin_is_not_a_reviewer(draft):
    province = factories.make_operator("도청", kind=Operator.Kind.PROVINCE)
    admin = factories.make_member(Role.OPERATOR_ADMIN, operator=province)
    SupplierProfile.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    draft.refresh_from_db()
    with pytest.raises(AccessDenied):
        services.supplier_set_status(admin, draft, S.UNDER_REVIEW)


def test_submit_lists_what_is_missing():
    bare = factories.make_supplier("빈공급사", status="draft", domains=(), introduction="")
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=bare.company)
    allowed, why = services.transition_allowed(member, bare, S.SUBMITTED)
    assert not allowed
    assert "기술 분야" in why and "솔루션" in why and "기업 소개" in why
    with pytest.raises(Conflict):
        services.supplier_set_status(member, bare, S.SUBMITTED)


def test_illegal_moves_are_refused(reviewer, draft):
    with pytest.raises(Conflict):
        services.supplier_set_status(reviewer, draft, S.REGISTERED)
    registered = factories.make_supplier("등록사", solutions=SOLUTION)
    with pytest.raises(Conflict):
        services.supplier_set_status(reviewer, registered, S.REJECTED, reason="x")


def test_material_changes_send_a_registered_supplier_back_to_review():
    profile = factories.make_supplier("대성테크", solutions=SOLUTION)
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=profile.company)
    services.supplier_profile_update(member, profile, {"contact_phone": "055-123-4567"})
    profile.refresh_from_db()
    assert profile.status == S.REGISTERED  # contact details are not vouched for
    services.certification_save(
        member,
        profile,
        {"kind": "iso9001", "issuer": "KSA", "number": "Q-1", "valid_until": datetime.date(2028, 1, 1)},
    )
    profile.refresh_from_db()
    assert profile.status == S.SUBMITTED
    assert "인증" in profile.status_reason
    SupplierProfile.objects.filter(pk=profile.pk).update(status=S.REGISTERED)
    services.supplier_company_update(member, profile, {"name": "대성오토메이션"})
    profile.refresh_from_db()
    assert (profile.status, profile.company.name) == (S.SUBMITTED, "대성오토메이션")


def test_a_supplier_edits_only_its_own_profile(draft, member):
    other = factories.make_supplier("남의공급사", solutions=SOLUTION)
    with pytest.raises(AccessDenied):
        services.supplier_profile_update(member, other, {"contact_name": "HACK"})
    with pytest.raises(AccessDenied):
        services.solution_save(member, other, {"name": "x", "domain_id": "mes", "deployment": "cloud"})
    other.refresh_from_db()
    assert other.contact_name == "김담당" and other.solutions.count() == 1


def test_search_document_follows_every_change(draft, member):
    assert draft.pk not in _matches("용접")
    solution = services.solution_save(
        member,
        draft,
        {"name": "용접 로봇 셀", "domain_id": "robot", "deployment": "on_premise", "levels": ["basic"]},
    )
    assert draft.pk in _matches("용접") and draft.pk in _matches("용")
    services.solution_delete(member, draft, solution)
    assert draft.pk not in _matches("용접")
    services.case_save(
        member,
        draft,
        {"title": "Vision inspection line", "year": 2025, "amount": 150_000_000, "client_sector_id": "C29"},
    )
    draft.refresh_from_db()
    assert draft.case_count == 1
    assert draft.pk in _matches("vi")


def test_price_range_and_amounts_are_validated(draft, member):
    with pytest.raises(DomainError):
        services.solution_save(
            member,
            draft,
            {"name": "x", "domain_id": "mes", "deployment": "cloud", "price_min": 10, "price_max": 5},
        )
    with pytest.raises(DomainError) as err:
        services.case_save(member, draft, {"title": "x", "year": 2025, "amount": -1})
    assert err.value.field == "amount"


def test_assessment_sets_rating_and_rejects_future_dates(reviewer, operator):
    profile = factories.make_supplier(solutions=SOLUTION)
    services.capability_assessment_record(
        reviewer,
        profile,
        operator=operator,
        assessor="김평가",
        assessed_on=datetime.date(2026, 6, 1),
        management=80,
        technology=90,
        project_management=70,
    )
    profile.refresh_from_db()
    assert str(profile.rating) == "4.00"
    assert profile.rating_basis["components"]["assessment"]["value"] == "4.00"
    with pytest.raises(DomainError) as err:
        services.capability_assessment_record(
            reviewer,
            profile,
            operator=operator,
            assessor="김평가",
            assessed_on=datetime.date(2099, 1, 1),
            management=80,
            technology=90,
            project_management=70,
        )
    assert err.value.field == "assessed_on"
    services.supplier_review_record(reviewer, profile, project_reference="P-1", score=5)
    profile.refresh_from_db()
    # (0.5 × 4.00 + 0.35 × (3×3 + 5)/4) / 0.85 = (2.0 + 1.225) / 0.85 = 3.794…
    assert str(profile.rating) == "3.79"
    with pytest.raises(Conflict):
        services.supplier_review_record(reviewer, profile, project_reference="P-1", score=1)


def test_firms_cannot_record_reviews_before_projects_exist(company):
    profile = factories.make_supplier(solutions=SOLUTION)
    sme = factories.make_member(Role.SME_MEMBER, company=company)
    with pytest.raises(AccessDenied):
        services.supplier_review_record(sme, profile, project_reference="P-9", score=5)


def test_expiring_certifications_are_flagged_once():
    today = datetime.date(2026, 11, 22)
    profile = factories.make_supplier(
        solutions=SOLUTION,
        certifications=[
            ("iso9001", datetime.date(2026, 12, 10)),  # within 30 days
            ("innobiz", datetime.date(2027, 6, 1)),  # later
            ("venture", None),  # no expiry
        ],
    )
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=profile.company)
    draft = factories.make_supplier(
        "초안공급사", status="draft", certifications=[("gs", datetime.date(2026, 12, 1))]
    )
    assert services.flag_expiring_certifications(today=today) == 1
    assert services.flag_expiring_certifications(today=today) == 0
    mail = Notification.objects.get(recipient=member)
    assert "ISO 9001" in mail.subject and "2026-12-10" in mail.body
    assert Certification.objects.filter(profile=draft, expiry_flagged_at__isnull=False).count() == 0


def test_non_supplier_company_cannot_start_a_profile(company):
    sme = factories.make_member(Role.SME_MEMBER, company=company)
    with pytest.raises(DomainError):
        services.supplier_profile_start(sme, company)
