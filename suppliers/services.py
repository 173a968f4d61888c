"""Business operations on the supplier registry. Each is one transaction: permission check, row
lock, change, audit, e-mail after commit. `supplier_set_status` is the only writer of the status."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations import audit, edits
from organizations import services as org_services
from organizations.access import principal_for
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Company, Membership, Operator, Role
from organizations.signals import company_updated

from . import rating, search_terms
from .models import (
    CapabilityAssessment,
    Certification,
    ImplementationCase,
    Solution,
    SupplierDocument,
    SupplierProfile,
    SupplierReview,
    SupplierStatus,
)
from .querysets import reviewer_operator_ids
from .signals import supplier_registered

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "introduction_ko",
    "introduction_en",
    "contact_name",
    "contact_phone",
    "contact_email",
    "homepage",
)
SOLUTION_FIELDS = (
    "name",
    "domain",
    "domain_id",
    "description",
    "levels",
    "deployment",
    "price_min",
    "price_max",
)
CERTIFICATION_FIELDS = ("kind", "name", "issuer", "number", "valid_until", "document")
CASE_FIELDS = (
    "title",
    "client_sector",
    "client_sector_id",
    "client_region",
    "client_region_id",
    "year",
    "amount",
    "level",
    "outcome",
)
# Registry data that a reviewer vouched for: changing it sends a registered supplier back to review.
MATERIAL_COMPANY_FIELDS = ("name", "business_number")

S = SupplierStatus
# (from, to): who may make the move. "supplier" = the supplier's own members; "reviewer" = the
# national agency's admins and staff (and platform admins).
TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): "supplier",
    (S.RETURNED, S.SUBMITTED): "supplier",
    (S.SUBMITTED, S.UNDER_REVIEW): "reviewer",
    (S.UNDER_REVIEW, S.REGISTERED): "reviewer",
    (S.UNDER_REVIEW, S.RETURNED): "reviewer",
    (S.UNDER_REVIEW, S.REJECTED): "reviewer",
    (S.REGISTERED, S.SUSPENDED): "reviewer",
    (S.SUSPENDED, S.REGISTERED): "reviewer",
    (S.REGISTERED, S.SUBMITTED): "system",  # a material change goes back through review
}
REASON_REQUIRED = {S.RETURNED, S.REJECTED, S.SUSPENDED}
REINSTATE_NEEDS_REASON = True
EXPIRY_NOTICE_DAYS = 30


# --- helpers -------------------------------------------------------------------------------------


def _is_reviewer(actor):
    p = principal_for(actor)
    return p.is_platform_admin or bool(reviewer_operator_ids(actor))


def _require_own(actor, profile):
    if not SupplierProfile.objects.editable_by(actor).filter(pk=profile.pk).exists():
        raise AccessDenied(_("이 공급기업 정보를 수정할 권한이 없습니다."))


def _require_reviewer(actor):
    if not _is_reviewer(actor):
        raise AccessDenied(_("공급기업 심사는 전담기관의 관리자와 담당자만 할 수 있습니다."))


def _lock(profile):
    return (
        SupplierProfile.objects.unrestricted()
        .select_for_update()
        .select_related("company")
        .get(pk=profile.pk)
    )


def _notify_members(profile, subject, body, params):
    from organizations.notifications import notify_each

    members = (
        Membership.objects.unrestricted()
        .filter(company_id=profile.company_id, role=Role.SUPPLIER_MEMBER, is_active=True)
        .select_related("user")
    )
    notify_each([m.user for m in members], subject, body, params)


# --- profile -------------------------------------------------------------------------------------


@transaction.atomic
def supplier_profile_start(actor, company):
    """The supplier's own profile, created as a draft the first time its member opens it."""
    p = principal_for(actor)
    if company.kind != Company.Kind.SUPPLIER:
        raise DomainError(_("공급기업으로 가입한 기업만 공급기업 정보를 등록할 수 있습니다."), "not_supplier")
    if not (p.is_platform_admin or company.pk in p.company_ids_with(Role.SUPPLIER_MEMBER)):
        raise AccessDenied(_("이 공급기업 정보를 수정할 권한이 없습니다."))
    profile, created = SupplierProfile.objects.get_or_create(company=company)
    if created:
        audit.record_create(actor, profile)
        reindex(profile.pk)
    return profile


@transaction.atomic
def supplier_profile_update(actor, profile, changes, *, domains=None, reason=""):
    _require_own(actor, profile)
    locked = _lock(profile)
    before = audit.snapshot(locked)
    edits.apply_changes(locked, changes, PROFILE_FIELDS)
    edits.full_clean(locked)
    locked.save()
    if domains is not None:
        before["domains"] = sorted(locked.domains.values_list("code", flat=True))
        locked.domains.set(domains)
    audit.record_update(actor, locked, before, reason=reason)
    reindex(locked.pk)
    return locked


@transaction.atomic
def supplier_company_update(actor, profile, changes, *, reason=""):
    """Registry data (name, region, address, size) through the organizations service, which tells
    `company_changed` below, wherever the change comes from (these pages or the companies API)."""
    _require_own(actor, profile)
    _lock(profile)
    try:
        org_services.company_update(actor, profile.company, changes, reason=reason)
    except ValidationError as exc:
        raise edits.as_domain_error(exc) from exc
    return _lock(profile)


# Company fields the search document is built from.
SEARCHED_COMPANY_FIELDS = frozenset({"name", "name_en", "region_id"})


@receiver(company_updated)
def company_changed(sender, *, actor, company, changed, **kwargs):
    """A registered supplier whose name changes goes back through review; the search document
    follows the name and region."""
    profile = SupplierProfile.objects.unrestricted().filter(company=company).first()
    if profile is None:
        return
    locked = _lock(profile)
    material = [f for f in MATERIAL_COMPANY_FIELDS if f in changed]
    if material and locked.status == S.REGISTERED:
        _set_status(
            None,
            locked,
            S.SUBMITTED,
            reason=_("등록 정보 변경 심사: %(fields)s")
            % {"fields": ", ".join(str(Company._meta.get_field(f).verbose_name) for f in material)},
        )
    if changed & SEARCHED_COMPANY_FIELDS:
        reindex(locked.pk)


def _material_change(actor, profile, what):
    """Certifications are vouched for at approval: a registered supplier changing them is re-reviewed."""
    if profile.status == S.REGISTERED:
        _set_status(None, profile, S.SUBMITTED, reason=_("등록 정보 변경 심사: %(what)s") % {"what": what})


def _save_child(actor, profile, model, fields, obj=None, changes=None, *, material=False):
    _require_own(actor, profile)
    locked = _lock(profile)
    if obj is None:
        obj = model(profile=locked)
        before = None
    else:
        obj = model.objects.unrestricted().select_for_update().get(pk=obj.pk, profile=locked)
        before = audit.snapshot(obj)
    edits.apply_changes(obj, changes or {}, fields)
    edits.full_clean(obj, exclude=["profile"])
    obj.save()
    if before is None:
        audit.record_create(actor, obj)
    else:
        audit.record_update(actor, obj, before)
    if material:
        _material_change(actor, locked, str(model._meta.verbose_name))
    reindex(locked.pk)
    return obj


def _delete_child(actor, profile, model, obj, *, material=False):
    _require_own(actor, profile)
    locked = _lock(profile)
    obj = model.objects.unrestricted().get(pk=obj.pk, profile=locked)
    audit.record_delete(actor, obj)
    obj.delete()
    if material:
        _material_change(actor, locked, str(model._meta.verbose_name))
    reindex(locked.pk)


@transaction.atomic
def solution_save(actor, profile, changes, *, solution=None):
    return _save_child(actor, profile, Solution, SOLUTION_FIELDS, solution, changes)


@transaction.atomic
def solution_delete(actor, profile, solution):
    _delete_child(actor, profile, Solution, solution)


@transaction.atomic
def certification_save(actor, profile, changes, *, certification=None):
    return _save_child(
        actor, profile, Certification, CERTIFICATION_FIELDS, certification, changes, material=True
    )


@transaction.atomic
def certification_delete(actor, profile, certification):
    _delete_child(actor, profile, Certification, certification, material=True)


@transaction.atomic
def case_save(actor, profile, changes, *, case=None):
    return _save_child(actor, profile, ImplementationCase, CASE_FIELDS, case, changes)


@transaction.atomic
def case_delete(actor, profile, case):
    _delete_child(actor, profile, ImplementationCase, case)


@transaction.atomic
def document_add(actor, profile, *, kind, file, original_name):
    """`file` has passed the edge's type and size checks (the form's job)."""
    _require_own(actor, profile)
    doc = SupplierDocument(profile=_lock(profile), kind=kind, file=file, original_name=original_name[:200])
    edits.full_clean(doc, exclude=["profile"])
    doc.save()
    audit.record_create(actor, doc)
    return doc


@transaction.atomic
def document_delete(actor, profile, document):
    _delete_child(actor, profile, SupplierDocument, document)


# --- workflow ------------------------------------------------------------------------------------


def submit_blockers(profile):
    """What a supplier must add before it can ask for review (empty = ready)."""
    problems = []
    if not profile.company.address.strip():
        problems.append(_("기업 정보에 사업장 주소를 입력해 주십시오."))
    if not profile.company.employees:
        problems.append(_("기업 정보에 상시 근로자 수를 입력해 주십시오."))
    if not profile.contact_name.strip():
        problems.append(_("담당자 이름을 입력해 주십시오."))
    if not profile.domains.exists():
        problems.append(_("기술 분야를 하나 이상 선택해 주십시오."))
    if not profile.solutions.exists():
        problems.append(_("솔루션을 하나 이상 등록해 주십시오."))
    if not profile.contact_email:
        problems.append(_("담당자 이메일을 입력해 주십시오."))
    if not profile.introduction_ko.strip():
        problems.append(_("기업 소개(한국어)를 입력해 주십시오."))
    return problems


def transition_allowed(actor, profile, to_status):
    """(allowed, reason) so pages can explain a refusal before anyone tries."""
    who = TRANSITIONS.get((profile.status, to_status))
    if who is None or who == "system":
        return False, _("%(from)s 상태에서 %(to)s(으)로 바꿀 수 없습니다.") % {
            "from": profile.get_status_display(),
            "to": SupplierStatus(to_status).label,
        }
    if who == "supplier" and not SupplierProfile.objects.editable_by(actor).filter(pk=profile.pk).exists():
        return False, _("공급기업 담당자만 심사를 요청할 수 있습니다.")
    if who == "reviewer" and not _is_reviewer(actor):
        return False, _("공급기업 심사는 전담기관의 관리자와 담당자만 할 수 있습니다.")
    if to_status == S.SUBMITTED:
        problems = submit_blockers(profile)
        if problems:
            return False, " ".join(str(p) for p in problems)
    return True, ""


def _set_status(actor, profile, to_status, *, reason=""):
    from_status = profile.status
    profile.status = to_status
    profile.status_reason = reason
    fields = ["status", "status_reason", "updated_at"]
    now = timezone.now()
    if to_status == S.SUBMITTED:
        profile.submitted_at = now
        fields.append("submitted_at")
    if to_status == S.REGISTERED and from_status == S.UNDER_REVIEW:
        profile.registered_at = now
        fields.append("registered_at")
    if actor is not None and to_status in (S.UNDER_REVIEW, S.REGISTERED, S.RETURNED, S.REJECTED, S.SUSPENDED):
        operator_ids = reviewer_operator_ids(actor)
        if operator_ids:
            profile.reviewed_by_id = min(operator_ids)
            fields.append("reviewed_by")
    profile.save(update_fields=fields)
    audit.record_transition(actor, profile, "status", from_status, to_status, reason=reason)
    if to_status == S.REGISTERED:
        supplier_registered.send(sender=SupplierProfile, actor=actor, company_id=profile.company_id)
    _notify_members(
        profile,
        _("[SFMS] 공급기업 등록 상태: %(status)s"),
        _(
            "%(company)s의 공급기업 등록 상태가 '%(from)s'에서 '%(status)s'(으)로 바뀌었습니다.\n사유: %(reason)s"
        ),
        {
            "company": profile.company.name,
            "from": SupplierStatus(from_status).label,
            "status": SupplierStatus(to_status).label,
            "reason": reason or "-",
        },
    )


@transaction.atomic
def supplier_set_status(actor, profile, to_status, *, reason=""):
    """The one path for a supplier's status (submit, review, approve, return, reject, suspend, reinstate)."""
    locked = _lock(profile)
    allowed, why = transition_allowed(actor, locked, to_status)
    if not allowed:
        if TRANSITIONS.get((locked.status, to_status)) == "reviewer" and not _is_reviewer(actor):
            raise AccessDenied(why)
        raise Conflict(why, "illegal_transition", "status")
    reason = (reason or "").strip()
    reinstating = (locked.status, to_status) == (S.SUSPENDED, S.REGISTERED)
    if (to_status in REASON_REQUIRED or reinstating) and not reason:
        raise DomainError(
            _("사유를 입력해 주십시오. 공급기업에 그대로 안내됩니다."), "reason_required", "reason"
        )
    _set_status(actor, locked, to_status, reason=reason)
    return locked


@transaction.atomic
def supplier_nominate(
    actor, *, business_number, name, region, contact_name, contact_email, contact_phone="", nominated_for=""
):
    """An SME names a supplier that is not registered: the firm enters the registry (if new) and its
    registration goes straight to the reviewers' queue. A registered supplier is returned as it is."""
    from organizations.rules import business_number_problem, compact_business_number
    from organizations.validators import BUSINESS_NUMBER_MESSAGES

    p = principal_for(actor)
    if not (p.is_platform_admin or p.company_ids_with(Role.SME_MEMBER)):
        raise AccessDenied(_("도입기업 담당자만 미등록 공급기업을 지정할 수 있습니다."))
    number = compact_business_number(business_number or "")
    problem = business_number_problem(business_number or "")
    if problem:
        raise DomainError(BUSINESS_NUMBER_MESSAGES[problem], "invalid_business_number", "business_number")
    name, contact_name = (name or "").strip(), (contact_name or "").strip()
    for field, value, message in (
        ("name", name, _("공급기업 이름을 입력해 주십시오.")),
        ("region", region, _("공급기업 소재 지역을 선택해 주십시오.")),
        ("contact_name", contact_name, _("공급기업 담당자 이름을 입력해 주십시오.")),
        ("contact_email", (contact_email or "").strip(), _("공급기업 담당자 이메일을 입력해 주십시오.")),
    ):
        if not value:
            raise DomainError(message, "required", field)
    try:
        EmailValidator()(contact_email)
    except ValidationError as exc:
        raise DomainError(
            _("이메일 주소 형식이 올바르지 않습니다. 예: name@example.kr"), "invalid", "contact_email"
        ) from exc
    company = Company.objects.unrestricted().select_for_update().filter(business_number=number).first()
    if company is not None and company.kind != Company.Kind.SUPPLIER:
        raise DomainError(
            _(
                "사업자등록번호 %(number)s은(는) 공급기업이 아닌 %(kind)s(으)로 등록되어 있습니다. 번호를 확인해 주십시오."
            )
            % {"number": number, "kind": company.get_kind_display()},
            "not_supplier",
            "business_number",
        )
    if company is None:
        company = Company.objects.create(
            kind=Company.Kind.SUPPLIER, business_number=number, name=name, representative="", region=region
        )
        audit.record_create(actor, company, reason="nominated in an application")
    profile, created = SupplierProfile.objects.unrestricted().get_or_create(
        company=company,
        defaults={
            "contact_name": contact_name,
            "contact_email": contact_email,
            "contact_phone": contact_phone or "",
        },
    )
    if created:
        audit.record_create(actor, profile, reason="nominated in an application")
        reindex(profile.pk)
    if profile.status in (S.DRAFT, S.RETURNED):
        locked = _lock(profile)
        from_status = locked.status
        locked.status = S.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.status_reason = str(_("도입기업 신청서에서 지정: %(what)s") % {"what": nominated_for})
        locked.save(update_fields=["status", "submitted_at", "status_reason", "updated_at"])
        audit.record_transition(
            actor, locked, "status", from_status, S.SUBMITTED, reason=locked.status_reason
        )
        return locked
    return profile


# --- assessments, reviews, rating ------------------------------------------------------------------


@transaction.atomic
def capability_assessment_record(
    actor, profile, *, operator, assessor, assessed_on, management, technology, project_management, notes=""
):
    p = principal_for(actor)
    if not (
        p.is_platform_admin or operator.pk in p.operator_ids_with(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF)
    ):
        raise AccessDenied(_("역량 평가는 운영기관의 관리자와 담당자만 기록할 수 있습니다."))
    locked = _lock(profile)
    assessment = CapabilityAssessment(
        profile=locked,
        operator=operator,
        assessor=assessor,
        assessed_on=assessed_on,
        management=management,
        technology=technology,
        project_management=project_management,
        notes=notes,
        recorded_by=actor,
    )
    edits.full_clean(assessment, exclude=["profile", "operator", "recorded_by"])
    if assessed_on > timezone.localdate():
        raise DomainError(_("평가일은 오늘 이후일 수 없습니다."), "future_date", "assessed_on")
    assessment.save()
    audit.record_create(actor, assessment)
    rerate(locked.pk)
    return assessment


@transaction.atomic
def supplier_review_record(
    actor, profile, *, project_reference, score, comment="", source="sme", reviewer_company=None
):
    """An SME's rating after its completed project, or an inspection result. The projects stage
    calls this; until it exists, operators (and the platform) record them."""
    p = principal_for(actor)
    if not (
        p.is_platform_admin
        or p.operator_ids_with(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF, Role.CENTRE_STAFF)
    ):
        raise AccessDenied(_("평가는 완료된 과제에 대해서만 기록할 수 있습니다."))
    locked = _lock(profile)
    if (
        SupplierReview.objects.unrestricted()
        .filter(profile=locked, source=source, project_reference=project_reference)
        .exists()
    ):
        raise Conflict(_("이 과제에 대한 평가가 이미 있습니다."), "duplicate_review", "project_reference")
    review = SupplierReview(
        profile=locked,
        source=source,
        project_reference=project_reference,
        score=score,
        comment=comment,
        reviewer_company=reviewer_company,
    )
    edits.full_clean(review, exclude=["profile", "reviewer_company"])
    review.save()
    audit.record_create(actor, review)
    rerate(locked.pk)
    return review


def rerate(profile_id):
    """Recompute the cached rating and its basis (see rating.py for the formula)."""
    latest = (
        CapabilityAssessment.objects.unrestricted()
        .filter(profile_id=profile_id)
        .order_by("-assessed_on", "-pk")
        .values_list("management", "technology", "project_management")
        .first()
    )
    reviews = SupplierReview.objects.unrestricted().filter(profile_id=profile_id)
    basis = rating.compute_rating(
        latest_assessment=latest,
        sme_scores=list(reviews.filter(source="sme").values_list("score", flat=True)),
        inspection_scores=list(reviews.filter(source="inspection").values_list("score", flat=True)),
    )
    SupplierProfile.objects.unrestricted().filter(pk=profile_id).update(
        rating=basis.rating, rating_basis=basis.as_json()
    )
    return basis


# --- search document ---------------------------------------------------------------------------


def profile_texts(profile):
    company = profile.company
    texts = [company.name, company.name_en, profile.introduction_ko, profile.introduction_en]
    texts += [f"{d.name_ko} {d.name_en} {d.code}" for d in profile.domains.all()]
    for s in profile.solutions.all():
        texts += [s.name, s.description, s.domain.name_ko, s.domain.name_en]
    for c in profile.cases.all():
        texts += [c.title, c.outcome]
    return texts


def reindex(profile_id):
    """Rebuild one profile's search document and case count (called on every change)."""
    profile = (
        SupplierProfile.objects.unrestricted()
        .select_related("company")
        .prefetch_related("domains", "solutions__domain", "cases")
        .get(pk=profile_id)
    )
    terms = search_terms.document_terms(*profile_texts(profile))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE suppliers_supplierprofile SET search_document = array_to_tsvector(%s::text[]), case_count = %s"
            " WHERE id = %s",
            [terms, len(profile.cases.all()), profile_id],
        )


# --- scheduled -----------------------------------------------------------------------------------


def flag_expiring_certifications(today=None, days=EXPIRY_NOTICE_DAYS):
    """Daily: tell registered suppliers (once per certificate) which certifications expire within
    `days`. Returns how many were flagged."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days)
    due = Certification.objects.unrestricted().filter(
        profile__status=S.REGISTERED,
        valid_until__isnull=False,
        valid_until__lte=horizon,
        expiry_flagged_at__isnull=True,
    )
    flagged = 0
    for pk in due.values_list("pk", flat=True):
        flagged += _flag_one(pk, today)
    return flagged


@transaction.atomic
def _flag_one(pk, today):
    cert = (
        Certification.objects.unrestricted().select_for_update().select_related("profile__company").get(pk=pk)
    )
    if cert.expiry_flagged_at is not None:
        return 0
    cert.expiry_flagged_at = timezone.now()
    cert.save(update_fields=["expiry_flagged_at"])
    expired = cert.valid_until < today
    _notify_members(
        cert.profile,
        _("[SFMS] 인증 만료 안내: %(cert)s"),
        _(
            "%(company)s의 인증 '%(cert)s'(번호 %(number)s)이(가) %(date)s에 만료%(state)s.\n"
            "갱신한 인증서를 공급기업 정보에 등록해 주십시오."
        ),
        {
            "company": cert.profile.company.name,
            "cert": str(cert),
            "number": cert.number,
            "date": cert.valid_until.isoformat(),
            "state": _("되었습니다") if expired else _("됩니다"),
        },
    )
    audit.record(
        None,
        cert,
        "update",
        before={"expiry_flagged_at": None},
        after={"expiry_flagged_at": cert.expiry_flagged_at.isoformat()},
        reason="certification expiry notice",
    )
    return 1


def reviewer_operator(actor):
    """The operator a reviewer acts for (their national agency)."""
    ids = reviewer_operator_ids(actor)
    return Operator.objects.unrestricted().filter(pk__in=ids).order_by("pk").first()
