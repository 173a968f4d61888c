"""Business operations on organisations. Each is one transaction: check permission, change, audit."""

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from . import audit
from .access import forget_principal, principal_for
from .errors import AccessDenied, DomainError
from .models import COMPANY_KIND_FOR_ROLE, Company, Membership, Operator, Role, User
from .rules import compact_business_number
from .signals import company_updated

ROLE_FOR_COMPANY_KIND = {kind: role for role, kind in COMPANY_KIND_FOR_ROLE.items()}

# Fields a company's own members may change. Level is changed by official assessments (later issue).
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
