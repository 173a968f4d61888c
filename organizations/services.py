"""Business operations on organisations. Each is one transaction: check permission, change, audit."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit, edits, uploads
from .access import forget_principal, principal_for
from .errors import AccessDenied, Conflict, DomainError
from .models import (
    COMPANY_KIND_FOR_ROLE,
    Company,
    LevelAssessment,
    Membership,
    Operator,
    Role,
    User,
)
from .rules import compact_business_number
from .signals import company_updated

ROLE_FOR_COMPANY_KIND = {kind: role for role, kind in COMPANY_KIND_FOR_ROLE.items()}

# Fields a company's own members may change. The level follows official assessments
# (level_assessment_record / level_assessment_withdraw), never an edit.
COMPANY_EDITABLE_FIELDS = (
    "name",
    "name_en",
    "representative",
    "ksic_division",
    "region",
    "postcode",
    "address",
    "address_detail",
    "phone",
    "employees",
    "annual_revenue",
    "business_group",
    "has_production_facility",
    "has_mes",
    "has_erp",
    "has_data_collection",
)


@transaction.atomic
def company_sign_up(*, email, password, full_name, phone="", preferred_language="ko", company_fields):
    """A person registers their firm: creates the user, the company and the member role in one go.

    Refuses a business number already in the registry: joining an existing firm goes through
    an invitation from its members, not a second registration.
    """
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            _("이미 가입된 이메일입니다. 로그인하거나 비밀번호 찾기를 이용해 주십시오."),
            "email_taken",
            "email",
        )
    number = compact_business_number(company_fields.get("business_number", ""))
    if Company.objects.unrestricted().filter(business_number=number).exists():
        raise DomainError(
            _("이미 등록된 사업자등록번호입니다. 해당 기업의 담당자에게 초대를 요청해 주십시오."),
            "business_number_taken",
            "business_number",
        )
    user = User(email=email, full_name=full_name, phone=phone, preferred_language=preferred_language)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    company = Company(**{**company_fields, "business_number": number})
    company.full_clean()
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as exc:  # a concurrent sign-up with the same number won the race
        raise DomainError(
            _("이미 등록된 사업자등록번호입니다. 해당 기업의 담당자에게 초대를 요청해 주십시오."),
            "business_number_taken",
            "business_number",
        ) from exc
    membership = Membership.objects.create(
        user=user, role=ROLE_FOR_COMPANY_KIND[company.kind], company=company
    )
    audit.record_create(user, user, reason="sign-up")
    audit.record_create(user, company, reason="sign-up")
    audit.record_create(user, membership, reason="sign-up")
    _notify_welcome(user, company)
    return user, company


def _notify_welcome(user, company):
    """The welcome e-mail, in the user's language; sent by Celery after the sign-up commits."""
    from django.utils import translation

    from .notifications import notify

    with translation.override(user.preferred_language):
        subject = _("[SFMS] %(company)s 회원가입이 완료되었습니다") % {"company": company.name}
        body = _(
            "%(name)s 님, 스마트공장 사업관리시스템(SFMS)에 가입해 주셔서 감사합니다.\n"
            "기업: %(company)s (사업자등록번호 %(number)s)\n"
            "로그인 후 공고를 확인하고 신청하실 수 있습니다."
        ) % {"name": user.full_name, "company": company.name, "number": company.business_number_display}
        notify(user, str(subject), str(body))


@transaction.atomic
def company_update(actor, company, changes: dict, *, reason=""):
    """A member (or platform admin) updates the company's registry record."""
    if not Company.objects.editable_by(actor).filter(pk=company.pk).exists():
        raise AccessDenied(_("이 기업 정보를 수정할 권한이 없습니다."))
    locked = Company.objects.unrestricted().select_for_update().get(pk=company.pk)
    before = audit.snapshot(locked)
    unknown = set(changes) - set(COMPANY_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("수정할 수 없는 항목입니다: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    audit.record_update(actor, locked, before, reason=reason)
    changed = {name for name, value in audit.snapshot(locked).items() if before.get(name) != value}
    company_updated.send(sender=Company, actor=actor, company=locked, changed=frozenset(changed))
    return locked


def _may_manage_membership(actor, *, role, company=None, operator=None):
    p = principal_for(actor)
    if p.is_platform_admin:
        return True
    if operator is not None and role in {Role.OPERATOR_STAFF, Role.OPERATOR_ADMIN, Role.CENTRE_STAFF}:
        return operator.pk in p.operator_ids_with(Role.OPERATOR_ADMIN)
    if company is not None and role == ROLE_FOR_COMPANY_KIND.get(company.kind):
        return company.pk in p.company_ids
    return False


@transaction.atomic
def membership_grant(actor, user, role, *, company=None, operator=None, reason=""):
    """Give a user a role: operator admins within their operator, members within their company."""
    if not _may_manage_membership(actor, role=role, company=company, operator=operator):
        raise AccessDenied(_("이 역할을 부여할 권한이 없습니다."))
    if company is not None and ROLE_FOR_COMPANY_KIND.get(company.kind) != role:
        raise DomainError(_("기업 유형과 맞지 않는 역할입니다."), "role_mismatch", "role")
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, company=company, operator=operator, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        before = audit.snapshot(membership)
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        audit.record_update(actor, membership, before, reason=reason)
    elif created:
        audit.record_create(actor, membership, reason=reason)
    forget_principal(user)
    return membership


@transaction.atomic
def membership_revoke(actor, membership, *, reason=""):
    if not _may_manage_membership(
        actor, role=membership.role, company=membership.company, operator=membership.operator
    ):
        raise AccessDenied(_("이 역할을 회수할 권한이 없습니다."))
    locked = Membership.objects.unrestricted().select_for_update().get(pk=membership.pk)
    if not locked.is_active:
        return locked
    before = audit.snapshot(locked)
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    audit.record_update(actor, locked, before, reason=reason)
    forget_principal(locked.user)
    return locked


@transaction.atomic
def user_set_language(actor, language):
    if language not in {"ko", "en"}:
        raise DomainError(_("지원하지 않는 언어입니다."), "language", "language")
    before = audit.snapshot(actor, fields={"preferred_language"})
    User.objects.filter(pk=actor.pk).update(preferred_language=language)
    actor.preferred_language = language
    audit.record_update(actor, actor, before)
    return actor


@transaction.atomic
def operator_update(actor, operator, changes: dict, *, reason=""):
    p = principal_for(actor)
    if not (p.is_platform_admin or operator.pk in p.operator_ids_with(Role.OPERATOR_ADMIN)):
        raise AccessDenied(_("이 운영기관 정보를 수정할 권한이 없습니다."))
    locked = Operator.objects.unrestricted().select_for_update().get(pk=operator.pk)
    before = audit.snapshot(locked)
    for name in changes:
        if name not in {"name_ko", "name_en", "email", "phone"}:
            raise DomainError(_("수정할 수 없는 항목입니다: %(fields)s") % {"fields": name})
        setattr(locked, name, changes[name])
    locked.full_clean()
    locked.save()
    audit.record_update(actor, locked, before, reason=reason)
    return locked


# --- official level assessments ------------------------------------------------------------------

LEVEL_ASSESSMENT_FIELDS = (
    "assessing_body",
    "assessed_on",
    "level",
    "data_collection_score",
    "analysis_score",
    "control_score",
    "note",
)


def may_record_level(actor, company):
    """Platform admins, national-agency admins and staff, and centre staff of a regional centre that
    covers the company's region (organizations.querysets.LEVEL_ASSESSORS)."""
    if principal_for(actor).is_platform_admin:
        return True
    return Operator.objects.assessing_levels_for(actor, company).exists()


def level_withdraw_scope(actor, company):
    """(all, operator ids): whether the actor may withdraw any assessment of `company`, and else
    whose: a regional centre withdraws only what it recorded itself; the national agency and
    platform admins correct any."""
    if principal_for(actor).is_platform_admin:
        return True, frozenset()
    rows = list(Operator.objects.assessing_levels_for(actor, company).values_list("pk", "kind"))
    return (
        any(kind == Operator.Kind.NATIONAL_AGENCY for _pk, kind in rows),
        frozenset(pk for pk, _kind in rows),
    )


def may_withdraw_level(actor, assessment, *, scope=None):
    """`scope` (from level_withdraw_scope) saves the query when a page asks for many rows."""
    every, operator_ids = scope or level_withdraw_scope(actor, assessment.company)
    return every or assessment.recorded_by_operator_id in operator_ids


def _level_in_force(company):
    """The level of the latest assessment in force (by date, then id); with none left, the level the
    company had before its first assessment was recorded."""
    rows = LevelAssessment.objects.unrestricted().filter(company=company)
    latest = rows.in_force().latest_first().values_list("level", flat=True).first()
    if latest is not None:
        return latest
    first = rows.order_by("id").values_list("level_before", flat=True).first()
    return first if first is not None else company.smart_factory_level


def _apply_level(actor, company, *, reason):
    """Set the locked company's level from its assessments; audit and signal only when it changed."""
    level = _level_in_force(company)
    if level == company.smart_factory_level:
        return company
    before = audit.snapshot(company)
    company.smart_factory_level = level
    company.save(update_fields=["smart_factory_level", "updated_at"])
    audit.record_update(actor, company, before, reason=reason)
    company_updated.send(
        sender=Company, actor=actor, company=company, changed=frozenset({"smart_factory_level"})
    )
    return company


def _checked_report(report):
    """The report as a checked PDF. Pages and the API check it at the edge (uploads.check_upload marks
    the file with the kinds it passed); a file from anywhere else is checked here, the same way."""
    if not report:
        raise DomainError(_("수준확인 결과서(PDF)를 선택해 주십시오."), "report_required", "report")
    checked = getattr(report, "checked_kinds", None)
    if checked and checked <= uploads.PDF_ONLY:
        return report
    try:
        return uploads.check_upload(report, kinds=uploads.PDF_ONLY)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], exc.code or "invalid", "report") from exc


@transaction.atomic
def level_assessment_record(actor, company, data: dict, report, *, operator=None):
    """Record an official level assessment of `company` and bring its level up to date.

    `data` holds LEVEL_ASSESSMENT_FIELDS; `report` is the assessment's PDF. `operator` is the body
    recording it in the user's name (default: the first one they may record for). The company's
    level becomes the level of its latest assessment by date, so recording an older report after a
    newer one leaves the newer one in force."""
    p = principal_for(actor)
    allowed = Operator.objects.assessing_levels_for(actor, company)
    if operator is not None and not allowed.filter(pk=operator.pk).exists():
        raise AccessDenied(_("이 기관의 이름으로 이 기업의 수준확인 결과를 기록할 권한이 없습니다."))
    if operator is None:
        operator = allowed.first()
    if operator is None and not p.is_platform_admin:
        raise AccessDenied(
            _(
                "수준확인 결과는 전담기관의 관리자·담당자와 기업 소재 지역을 담당하는 "
                "지역센터 담당자만 기록할 수 있습니다."
            )
        )
    if company.kind != Company.Kind.MANUFACTURER:
        raise DomainError(
            _("수준확인 결과는 제조기업(도입기업)에만 기록할 수 있습니다."), "not_manufacturer", "company"
        )
    unknown = set(data) - set(LEVEL_ASSESSMENT_FIELDS)
    if unknown:
        raise DomainError(
            _("수정할 수 없는 항목입니다: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            "field_locked",
        )
    assessed_on = data.get("assessed_on")
    if assessed_on is not None and assessed_on > timezone.localdate():
        raise DomainError(_("평가일은 오늘 이후일 수 없습니다."), "future_date", "assessed_on")
    locked = Company.objects.unrestricted().select_for_update().get(pk=company.pk)
    report = _checked_report(report)
    assessment = LevelAssessment(
        company=locked,
        recorded_by=actor,
        recorded_by_operator=operator,
        level_before=locked.smart_factory_level,
        report_name=report.original_name,
        **{name: value for name, value in data.items()},
    )
    assessment.note = (assessment.note or "").strip()
    assessment.assessing_body = (assessment.assessing_body or "").strip()
    edits.full_clean(assessment, exclude=["company", "report", "recorded_by", "recorded_by_operator"])
    assessment.report.save(report.name, report, save=False)
    assessment.save()
    audit.record_create(actor, assessment)
    _apply_level(actor, locked, reason=f"수준확인 기록 #{assessment.pk}")
    company.smart_factory_level = locked.smart_factory_level
    return assessment


@transaction.atomic
def level_assessment_withdraw(actor, assessment, *, reason):
    """Withdraw a wrongly recorded assessment (it stays on file, marked) and work the company's
    level out again without it."""
    if not may_withdraw_level(actor, assessment):
        raise AccessDenied(_("이 수준확인 결과를 철회할 권한이 없습니다."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("철회 사유를 입력해 주십시오."), "reason_required", "reason")
    company = Company.objects.unrestricted().select_for_update().get(pk=assessment.company_id)
    locked = LevelAssessment.objects.unrestricted().select_for_update().get(pk=assessment.pk)
    if locked.withdrawn_at is not None:
        raise Conflict(_("이미 철회된 수준확인 결과입니다."), "already_withdrawn")
    before = audit.snapshot(locked)
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.withdrawal_reason = reason
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit.record_update(actor, locked, before, reason=reason)
    _apply_level(actor, company, reason=f"수준확인 철회 #{locked.pk}")
    return locked
