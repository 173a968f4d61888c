"""Business operations on applications. Each is one transaction: permission check, row lock where a
guard matters, change, audit, notifications queued on commit.

The clock is the server's (`timezone.now()`, shown in Asia/Seoul); a view passes the moment the
request arrived as `now`, so a request that reached us before the deadline is judged by that moment
even if it waited for a lock.
"""

import hashlib
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations import audit
from organizations.access import principal_for
from organizations.edits import apply_changes, full_clean
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Company, Membership
from organizations.models_roles import Role
from programs import eligibility
from programs.models import CallStatus, DeliveryModel
from programs.selectors import rules_for_track
from sfms.tasks import enqueue_on_commit

from . import rules
from .models import (
    BUDGET_FIELDS,
    REQUIRED_KPIS,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Clarification,
    ClarificationMessage,
    ClarificationStatus,
    ConsortiumMember,
    EligibilityResult,
    EligibilityRun,
    Kpi,
    KpiCode,
    MemberRole,
    MemberStatus,
    RunStatus,
    Submission,
    SubmissionStatus,
    SupportNote,
)
from .querysets import CALL_STAFF_ROLES, centre_region_ids
from .selectors import application_facts, build_snapshot

logger = logging.getLogger(__name__)

PLAN_FIELDS = (
    "title",
    "summary",
    "existing_systems",
    "integration_plan",
    "data_plan",
    "expected_return",
    "duration_months",
)
EDITABLE_FIELDS = (*PLAN_FIELDS, "total_cost", *BUDGET_FIELDS.values(), "declarations")
KPI_FIELDS = ("code", "name", "unit", "baseline", "target", "order")
ACCEPTING_STATES = (CallStatus.PUBLISHED, CallStatus.OPEN)


# --- guards --------------------------------------------------------------------------------------


def _require_lead(actor, application):
    p = principal_for(actor)
    if not (p.is_platform_admin or application.lead_id in p.company_ids_with(Role.SME_MEMBER)):
        raise AccessDenied(
            _("이 신청서를 수정할 권한이 없습니다. 주관 도입기업 담당자만 수정할 수 있습니다.")
        )


def _require_call_staff(actor, application):
    p = principal_for(actor)
    if not (p.is_platform_admin or application.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)):
        raise AccessDenied(_("이 공고를 운영하는 기관의 담당자만 할 수 있습니다."))


def _asking_operator(actor, application):
    """The operator a clarification comes from: the call's operator, or a centre covering the firm."""
    p = principal_for(actor)
    if p.is_platform_admin:
        return application.call.operator
    if application.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES):
        return application.call.operator
    if application.lead.region_id in centre_region_ids(p):
        from organizations.models import Operator

        return (
            Operator.objects.unrestricted()
            .filter(pk__in=p.operator_ids_with(Role.CENTRE_STAFF), regions_covered=application.lead.region_id)
            .order_by("pk")
            .first()
        )
    raise AccessDenied(_("이 신청서에 보완 요청을 보낼 권한이 없습니다."))


def _lock(application):
    return (
        Application.objects.unrestricted()
        .select_for_update(of=("self",))
        .select_related("call", "track", "lead")
        .get(pk=application.pk)
    )


def _require_editable(application):
    if application.status == ApplicationStatus.SUBMITTED:
        raise Conflict(
            _("제출한 신청서는 고칠 수 없습니다. 고치려면 마감 전에 제출을 철회한 뒤 다시 제출해 주십시오."),
            "application_submitted",
        )


def _call_closed_message(call, now):
    closes = timezone.localtime(call.closes_at)
    arrived = timezone.localtime(now)
    return _(
        "접수가 마감되었습니다. 마감 시각은 %(closes)s이고 요청이 도착한 시각은 %(now)s(서버 시각, 한국 표준시)입니다."
    ) % {"closes": closes.strftime("%Y-%m-%d %H:%M:%S"), "now": arrived.strftime("%Y-%m-%d %H:%M:%S")}


def call_window_problem(call, now):
    """None while the call accepts submissions at `now`, else the reason in the user's language."""
    if call.status == CallStatus.CANCELLED:
        return _("취소된 공고입니다. 신청할 수 없습니다.")
    if call.status not in (*ACCEPTING_STATES, CallStatus.CLOSED) or now >= call.closes_at:
        return _call_closed_message(call, now)
    if now < call.opens_at:
        opens = timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M")
        return _("아직 접수 기간이 아닙니다. 접수는 %(opens)s에 시작합니다.") % {"opens": opens}
    if call.status == CallStatus.CLOSED:
        return _call_closed_message(call, now)
    return None


# --- draft ---------------------------------------------------------------------------------------


@transaction.atomic
def application_start(actor, *, track, company, now=None):
    """The company's draft for this track, created the first time; the same draft afterwards."""
    now = now or timezone.now()
    p = principal_for(actor)
    if not (p.is_platform_admin or company.pk in p.company_ids_with(Role.SME_MEMBER)):
        raise AccessDenied(_("도입기업 담당자만 사업을 신청할 수 있습니다."))
    if company.kind != Company.Kind.MANUFACTURER:
        raise DomainError(_("제조 도입기업만 사업을 신청할 수 있습니다."), "not_manufacturer")
    existing = Application.objects.unrestricted().filter(lead=company, track=track).first()
    if existing:
        return existing
    call = track.call
    if call.status not in ACCEPTING_STATES or now >= call.closes_at:
        raise Conflict(
            _("이 공고는 지금 신청서를 받지 않습니다. 공고 상태: %(status)s")
            % {"status": call.get_status_display()},
            "call_not_accepting",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(call=call, track=track, lead=company, created_by=actor)
    except IntegrityError:  # a second tab started it at the same moment
        return Application.objects.unrestricted().get(lead=company, track=track)
    for order, (code, unit) in enumerate(REQUIRED_KPIS):
        Kpi.objects.create(application=application, code=code, unit=str(unit), order=order)
    audit.record_create(actor, application)
    return application


@transaction.atomic
def application_update(actor, application, changes, *, reason=""):
    """Save part of the draft (autosave and section pages). Incomplete is fine; submission checks."""
    _require_lead(actor, application)
    locked = _lock(application)
    _require_editable(locked)
    before = audit.snapshot(locked)
    if "declarations" in changes:
        changes = {**changes, "declarations": rules.clean_declarations(changes["declarations"])}
    apply_changes(locked, changes, EDITABLE_FIELDS)
    full_clean(locked, exclude=["call", "track", "lead", "created_by"])
    touched = {rules.section_of(name) for name in changes}
    locked.completed_sections = [s for s in locked.completed_sections if s not in touched]
    locked.save()
    audit.record_update(actor, locked, before, reason=reason)
    return locked


@transaction.atomic
def section_mark(actor, application, section, *, completed):
    """'Have you completed this section?' Yes is refused while the section still has problems."""
    _require_lead(actor, application)
    locked = _lock(application)
    _require_editable(locked)
    if section not in rules.SECTIONS:
        raise DomainError(_("알 수 없는 항목입니다."), "unknown_section", "section")
    if completed:
        problems = section_problems(locked).get(section, [])
        if problems:
            raise DomainError(problems[0], "section_incomplete", "completed")
    before = audit.snapshot(locked)
    done = [s for s in locked.completed_sections if s != section]
    locked.completed_sections = [*done, section] if completed else done
    locked.save(update_fields=["completed_sections", "updated_at"])
    audit.record_update(actor, locked, before)
    return locked


@transaction.atomic
def kpi_save(actor, application, changes, *, kpi=None):
    _require_lead(actor, application)
    locked = _lock(application)
    _require_editable(locked)
    if kpi is None:
        kpi = Kpi(application=locked, code=KpiCode.CUSTOM, order=locked.kpis.count())
        allowed = ("name", "unit", "baseline", "target")
    else:
        allowed = (
            ("name", "unit", "baseline", "target")
            if kpi.code == KpiCode.CUSTOM
            else ("unit", "baseline", "target")
        )
    before = audit.snapshot(kpi) if kpi.pk else None
    apply_changes(kpi, changes, allowed)
    if kpi.code == KpiCode.CUSTOM and not (kpi.name or "").strip():
        raise DomainError(_("지표명을 입력해 주십시오."), "required", "name")
    full_clean(kpi, exclude=["application"])
    kpi.save()
    audit.record_update(actor, kpi, before) if before else audit.record_create(actor, kpi)
    _reopen(locked, "kpis")
    return kpi


@transaction.atomic
def kpi_delete(actor, kpi):
    application = kpi.application
    _require_lead(actor, application)
    locked = _lock(application)
    _require_editable(locked)
    if kpi.code != KpiCode.CUSTOM:
        raise DomainError(
            _("불량률, 설비 가동률, 리드타임은 필수 지표라 삭제할 수 없습니다. 값을 고쳐 주십시오."),
            "kpi_required",
        )
    audit.record_delete(actor, kpi)
    kpi.delete()
    _reopen(locked, "kpis")


def _reopen(application, section):
    if section in application.completed_sections:
        application.completed_sections = [s for s in application.completed_sections if s != section]
        application.save(update_fields=["completed_sections", "updated_at"])


# --- consortium ----------------------------------------------------------------------------------


def _company_users(company_id, roles):
    return [
        m.user
        for m in Membership.objects.unrestricted()
        .filter(company_id=company_id, role__in=roles, is_active=True)
        .select_related("user")
    ]


def _notify(users, subject, body, params):
    from organizations.notifications import notify_each

    notify_each(users, subject, body, params)


MEMBER_ROLE_FOR = {MemberRole.SUPPLIER: Role.SUPPLIER_MEMBER, MemberRole.LARGE_FIRM: Role.LARGE_FIRM_MEMBER}


def _invite_params(application):
    return {"lead": application.lead.name, "title": application.title or application.track.name_ko}


def _notify_invited(member):
    _notify(
        _company_users(member.company_id, [MEMBER_ROLE_FOR[member.role]]),
        gettext_lazy("[SFMS] 컨소시엄 참여 요청: %(lead)s"),
        gettext_lazy(
            "%(lead)s이(가) '%(title)s' 신청의 컨소시엄 참여를 요청했습니다. SFMS에 로그인해 수락 또는 거절해 주십시오."
        ),
        _invite_params(member.application),
    )


@transaction.atomic
def member_invite(actor, application, *, company, role, contract_amount=None):
    """Invite a registered supplier (or, in a win-win call, a large firm) to the consortium."""
    from suppliers.models import SupplierProfile, SupplierStatus

    _require_lead(actor, application)
    locked = _lock(application)
    _require_editable(locked)
    if role == MemberRole.SUPPLIER:
        profile = SupplierProfile.objects.unrestricted().filter(company=company).first()
        if (
            company.kind != Company.Kind.SUPPLIER
            or profile is None
            or profile.status != SupplierStatus.REGISTERED
        ):
            raise DomainError(
                _(
                    "%(name)s은(는) 등록 승인된 공급기업이 아닙니다. 공급기업 찾기에서 등록된 공급기업을 고르거나, "
                    "등록되지 않은 공급기업이면 '미등록 공급기업 지정'으로 등록 심사를 요청해 주십시오."
                )
                % {"name": company.name},
                "supplier_not_registered",
                "company",
            )
    elif role == MemberRole.LARGE_FIRM:
        if locked.call.delivery_model != DeliveryModel.WIN_WIN:
            raise DomainError(
                _("대기업은 대·중소 상생형 공고에서만 참여할 수 있습니다."), "not_win_win", "role"
            )
        if company.kind != Company.Kind.LARGE_FIRM:
            raise DomainError(
                _("%(name)s은(는) 대기업(상생 협력)으로 등록된 기업이 아닙니다.") % {"name": company.name},
                "not_large_firm",
                "company",
            )
        if locked.members.filter(role=MemberRole.LARGE_FIRM).exclude(status__in=_GONE).exists():
            raise DomainError(_("대기업은 한 곳만 참여할 수 있습니다."), "large_firm_once", "company")
    else:
        raise DomainError(_("역할을 선택해 주십시오."), "required", "role")
    if company.pk == locked.lead_id:
        raise DomainError(_("주관 도입기업은 자신을 초대할 수 없습니다."), "self_invite", "company")
    if locked.members.filter(company=company).exclude(status__in=_GONE).exists():
        raise DomainError(
            _("%(name)s은(는) 이미 초대했습니다.") % {"name": company.name}, "already_invited", "company"
        )
    member = ConsortiumMember(
        application=locked,
        company=company,
        role=role,
        status=MemberStatus.INVITED,
        contract_amount=contract_amount,
        invited_by=actor,
    )
    full_clean(member, exclude=["application", "company", "invited_by"])
    member.save()
    audit.record_create(actor, member)
    _reopen(locked, "consortium")
    _notify_invited(member)
    return member


_GONE = (MemberStatus.REMOVED, MemberStatus.DECLINED)


@transaction.atomic
def member_nominate(
    actor, application, *, business_number, name, region, contact_name, contact_email, contact_phone=""
):
    """Name a supplier that is not registered: its registration goes to the operators' review queue
    and the member waits for the approval before it can accept."""
    from suppliers.models import SupplierStatus
    from suppliers.services import supplier_nominate

    _require_lead(actor, application)
    locked = _lock(application)
    _require_editable(locked)
    profile = supplier_nominate(
        actor,
        business_number=business_number,
        name=name,
        region=region,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        nominated_for=f"{locked.lead.name} — {locked.call.reference}",
    )
    if profile.status == SupplierStatus.REGISTERED:
        return member_invite(actor, locked, company=profile.company, role=MemberRole.SUPPLIER)
    if locked.members.filter(company=profile.company).exclude(status__in=_GONE).exists():
        raise DomainError(
            _("%(name)s은(는) 이미 초대했습니다.") % {"name": profile.company.name},
            "already_invited",
            "business_number",
        )
    member = ConsortiumMember.objects.create(
        application=locked,
        company=profile.company,
        role=MemberRole.SUPPLIER,
        status=MemberStatus.AWAITING_APPROVAL,
        invited_by=actor,
    )
    audit.record_create(actor, member, reason="unregistered supplier nominated")
    _reopen(locked, "consortium")
    return member


def nominated_supplier_approved(sender, *, company_id, **kwargs):
    """A supplier the lead nominated was approved: its invitation goes out now."""
    waiting = (
        ConsortiumMember.objects.unrestricted()
        .select_for_update()
        .filter(company_id=company_id, status=MemberStatus.AWAITING_APPROVAL)
    )
    for member in waiting.select_related("application__lead", "application__track"):
        member.status = MemberStatus.INVITED
        member.save(update_fields=["status"])
        audit.record_transition(
            None,
            member,
            "status",
            MemberStatus.AWAITING_APPROVAL,
            MemberStatus.INVITED,
            reason="supplier approved",
        )
        _notify_invited(member)


@transaction.atomic
def member_remove(actor, member, *, reason=""):
    application = member.application
    _require_lead(actor, application)
    locked = _lock(application)
    _require_editable(locked)
    member = ConsortiumMember.objects.unrestricted().select_for_update().get(pk=member.pk)
    if member.status == MemberStatus.REMOVED:
        return member
    from_status = member.status
    member.status = MemberStatus.REMOVED
    member.save(update_fields=["status"])
    audit.record_transition(actor, member, "status", from_status, MemberStatus.REMOVED, reason=reason)
    _reopen(locked, "consortium")
    return member


@transaction.atomic
def member_respond(actor, member, *, accept, note=""):
    """The invited company answers in its own account. Changing one's mind is allowed until the
    application is submitted."""
    p = principal_for(actor)
    if not (p.is_platform_admin or member.company_id in p.company_ids_with(MEMBER_ROLE_FOR[member.role])):
        raise AccessDenied(_("초대받은 기업의 담당자만 수락하거나 거절할 수 있습니다."))
    locked_app = _lock(member.application)
    member = ConsortiumMember.objects.unrestricted().select_for_update().get(pk=member.pk)
    if locked_app.status == ApplicationStatus.SUBMITTED:
        raise Conflict(_("이미 제출된 신청서입니다. 참여 여부를 바꿀 수 없습니다."), "application_submitted")
    allowed = {MemberStatus.INVITED, MemberStatus.ACCEPTED, MemberStatus.DECLINED}
    if member.status not in allowed:
        message = {
            MemberStatus.AWAITING_APPROVAL: _("공급기업 등록이 승인된 뒤에 수락할 수 있습니다."),
            MemberStatus.REMOVED: _("주관기업이 초대를 취소했습니다."),
        }[member.status]
        raise Conflict(message, "illegal_transition", "status")
    to_status = MemberStatus.ACCEPTED if accept else MemberStatus.DECLINED
    from_status = member.status
    member.status, member.responded_by, member.responded_at = to_status, actor, timezone.now()
    member.response_note = (note or "").strip()
    member.save(update_fields=["status", "responded_by", "responded_at", "response_note"])
    audit.record_transition(actor, member, "status", from_status, to_status, reason=member.response_note)
    _reopen(locked_app, "consortium")
    _notify(
        _company_users(locked_app.lead_id, [Role.SME_MEMBER]),
        gettext_lazy("[SFMS] 컨소시엄 참여 응답: %(company)s %(status)s"),
        gettext_lazy("%(company)s이(가) '%(title)s' 신청의 컨소시엄 참여를 %(status)s했습니다. %(note)s"),
        {
            "company": member.company.name,
            "status": _("수락") if accept else _("거절"),
            "title": locked_app.title or locked_app.track.name_ko,
            "note": member.response_note,
        },
    )
    return member


# --- documents -----------------------------------------------------------------------------------


def _sha256(file):
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def document_add(actor, application, *, kind, file, original_name, clarification=None, now=None):
    """Store a document already checked by the upload field (type by content, size, scanner).
    After submission only a clarification that asks for this kind of document accepts one."""
    now = now or timezone.now()
    _require_lead(actor, application)
    locked = _lock(application)
    if clarification is not None:
        if clarification.application_id != locked.pk or clarification.status == ClarificationStatus.CLOSED:
            raise Conflict(_("종료된 보완 요청에는 서류를 올릴 수 없습니다."), "clarification_closed")
        if clarification.requested_document and clarification.requested_document != kind:
            raise DomainError(
                _("이 보완 요청은 %(kind)s을(를) 요청했습니다.")
                % {"kind": clarification.get_requested_document_display()},
                "wrong_kind",
                "kind",
            )
    else:
        _require_editable(locked)
        problem = call_window_problem(locked.call, now)
        if problem:
            raise Conflict(problem, "call_closed")
    document = ApplicationDocument(
        application=locked,
        kind=kind,
        original_name=original_name[:200],
        size=file.size,
        sha256=_sha256(file),
        uploaded_by=actor,
        clarification=clarification,
    )
    document.file.save(file.name, file, save=False)
    document.save()
    audit.record_create(actor, document)
    _reopen(locked, "documents")
    return document


@transaction.atomic
def document_remove(actor, document):
    application = document.application
    _require_lead(actor, application)
    locked = _lock(application)
    _require_editable(locked)
    if document.removed_at:
        return document
    before = audit.snapshot(document)
    document.removed_at = timezone.now()
    document.save(update_fields=["removed_at"])
    audit.record_update(actor, document, before, reason="removed from draft")
    _reopen(locked, "documents")
    return document


# --- submission ----------------------------------------------------------------------------------


def section_problems(application):
    """Every problem that stops submission, by task-list section (see rules.SECTIONS)."""
    from .selectors import document_status

    members = list(application.members.exclude(status=MemberStatus.REMOVED).select_related("company"))
    kpis = list(application.kpis.all())
    documents = document_status(application)
    return rules.section_problems(
        application,
        members=members,
        kpis=kpis,
        missing_documents=[d.label for d in documents if d.required and not d.present],
        win_win=application.call.delivery_model == DeliveryModel.WIN_WIN,
        max_duration=application.track.max_duration_months,
    )


def submission_blockers(application, now=None):
    """All reasons the application cannot be submitted now, as (section, message) pairs."""
    now = now or timezone.now()
    blockers = []
    problem = call_window_problem(application.call, now)
    if problem:
        blockers.append(("call", problem))
    for section, problems in section_problems(application).items():
        blockers.extend((section, message) for message in problems)
    return blockers


def receipt_number(application, version):
    return f"{application.call.reference}-{application.pk:06d}-{version:02d}"


@transaction.atomic
def application_submit(actor, application, *, idempotency_key="", now=None):
    """Submit and freeze. Returns (submission, created). A repeat of the same request (same key) or a
    second click while already submitted returns the standing submission and creates nothing."""
    now = now or timezone.now()
    _require_lead(actor, application)
    locked = _lock(application)
    key = (idempotency_key or "").strip()[:64]
    if key:
        earlier = locked.submissions.filter(idempotency_key=key).first()
        if earlier:
            return earlier, False
    if locked.status == ApplicationStatus.SUBMITTED:
        return locked.submissions.get(status=SubmissionStatus.SUBMITTED), False
    blockers = submission_blockers(locked, now)
    if blockers:
        section, message = blockers[0]
        code = "call_closed" if section == "call" else "submission_blocked"
        error = (Conflict if section == "call" else DomainError)(message, code, section)
        error.blockers = blockers
        raise error
    version = locked.current_version + 1
    number = receipt_number(locked, version)
    submission = Submission.objects.create(
        application=locked,
        version=version,
        receipt_number=number,
        idempotency_key=key or f"v{version}",
        snapshot=build_snapshot(locked, version=version, receipt_number=number, submitted_at=now),
        submitted_by=actor,
        submitted_at=now,
    )
    from_status = locked.status
    locked.status, locked.current_version, locked.submitted_at = ApplicationStatus.SUBMITTED, version, now
    locked.save(update_fields=["status", "current_version", "submitted_at", "updated_at"])
    audit.record_transition(actor, locked, "status", from_status, ApplicationStatus.SUBMITTED, reason=number)
    _request_eligibility(submission, actor=None)
    _notify_submission(locked, submission)
    return submission, True


def _consortium_users(application):
    users = _company_users(application.lead_id, [Role.SME_MEMBER])
    for member in application.members.filter(status=MemberStatus.ACCEPTED):
        users += _company_users(member.company_id, [MEMBER_ROLE_FOR[member.role]])
    return users


def _notify_submission(application, submission):
    closes = timezone.localtime(application.call.closes_at).strftime("%Y-%m-%d %H:%M")
    _notify(
        _consortium_users(application),
        gettext_lazy("[SFMS] 신청서 제출 완료: 접수번호 %(number)s"),
        gettext_lazy(
            "%(lead)s의 '%(title)s' 신청서가 %(at)s에 제출되었습니다.\n접수번호: %(number)s\n"
            "마감(%(closes)s) 전까지 철회하고 다시 제출할 수 있습니다."
        ),
        {
            "lead": application.lead.name,
            "title": application.title,
            "at": timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            "number": submission.receipt_number,
            "closes": closes,
        },
    )


@transaction.atomic
def application_withdraw(actor, application, *, reason="", now=None):
    """Withdraw before the deadline; the frozen version stays on record and the draft opens again."""
    now = now or timezone.now()
    _require_lead(actor, application)
    locked = _lock(application)
    if locked.status != ApplicationStatus.SUBMITTED:
        raise Conflict(_("제출된 신청서만 철회할 수 있습니다."), "illegal_transition", "status")
    if now >= locked.call.closes_at:
        raise Conflict(_("마감이 지나 철회할 수 없습니다. 운영기관에 문의해 주십시오."), "call_closed")
    submission = locked.submissions.select_for_update().get(status=SubmissionStatus.SUBMITTED)
    submission.status, submission.withdrawn_at = SubmissionStatus.WITHDRAWN, now
    submission.withdraw_reason = (reason or "").strip()
    submission.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
    audit.record_transition(
        actor, submission, "status", SubmissionStatus.SUBMITTED, SubmissionStatus.WITHDRAWN, reason=reason
    )
    locked.status = ApplicationStatus.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    audit.record_transition(
        actor, locked, "status", ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN, reason=reason
    )
    return locked


# --- eligibility ---------------------------------------------------------------------------------


def _request_eligibility(submission, *, actor, reason=""):
    from .tasks import run_eligibility

    run = EligibilityRun.objects.create(submission=submission, requested_by=actor, reason=reason)
    enqueue_on_commit(run_eligibility, run_id=run.pk)
    return run


@transaction.atomic
def eligibility_rerun(actor, submission, *, reason):
    """Run the rules again after data changed (a supplier approved, a level assessment recorded)."""
    _require_call_staff(actor, submission.application)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("다시 확인하는 사유를 입력해 주십시오."), "reason_required", "reason")
    run = _request_eligibility(submission, actor=actor, reason=reason)
    audit.record_create(actor, run, reason=reason)
    return run


@transaction.atomic
def eligibility_run(run_id):
    """The task body. All results are written in this one transaction, so a worker that dies midway
    leaves nothing behind and the redelivered message runs it whole; a finished run is left alone."""
    run = EligibilityRun.objects.unrestricted().select_for_update().filter(pk=run_id).first()
    if run is None or run.status == RunStatus.DONE:
        return None
    run.attempts += 1
    submission = run.submission
    application = (
        Application.objects.unrestricted()
        .select_related("call", "track", "lead")
        .get(pk=submission.application_id)
    )
    call = (
        type(application.call)
        .objects.unrestricted()
        .prefetch_related("eligibility_rules")
        .get(pk=application.call_id)
    )
    facts = application_facts(application, submission)
    results = eligibility.evaluate_rules(rules_for_track(call, application.track), facts)
    EligibilityResult.objects.filter(run=run).delete()
    EligibilityResult.objects.bulk_create(
        EligibilityResult(
            run=run,
            order=i,
            kind=r.kind,
            outcome=r.outcome.value,
            reason_ko=r.reason_ko,
            reason_en=r.reason_en,
        )
        for i, r in enumerate(results)
    )
    run.outcome = eligibility.overall(results).value
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save()
    audit.record(
        None, run, "eligibility_checked", after={"outcome": run.outcome}, reason=submission.receipt_number
    )
    return run


STALE_RUN_AGE = timedelta(minutes=2)


def eligibility_requeue_stale(now=None):
    """Enqueue again runs still pending two minutes after they were requested (their message was lost
    or their worker died before Celery could redeliver). Safe twice: a finished run is skipped."""
    from .tasks import run_eligibility

    now = now or timezone.now()
    ids = list(
        EligibilityRun.objects.unrestricted()
        .filter(status=RunStatus.PENDING, created_at__lte=now - STALE_RUN_AGE)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        run_eligibility.apply_async(kwargs={"run_id": pk})
    if ids:
        logger.warning("Re-enqueued %d pending eligibility run(s)", len(ids))
    return len(ids)


OVERRIDE_OUTCOMES = tuple(o.value for o in eligibility.Outcome)


@transaction.atomic
def eligibility_override(actor, result, *, outcome, reason):
    _require_call_staff(actor, result.run.submission.application)
    reason = (reason or "").strip()
    if outcome not in OVERRIDE_OUTCOMES:
        raise DomainError(_("결과를 선택해 주십시오."), "required", "outcome")
    if not reason:
        raise DomainError(
            _("결과를 바꾸는 사유를 입력해 주십시오. 신청기업에도 보입니다."), "reason_required", "reason"
        )
    result = EligibilityResult.objects.unrestricted().select_for_update().get(pk=result.pk)
    before = result.effective_outcome
    result.override_outcome = "" if outcome == result.outcome else outcome
    result.override_reason, result.overridden_by, result.overridden_at = reason, actor, timezone.now()
    result.save()
    audit.record_transition(actor, result, "outcome", before, result.effective_outcome, reason=reason)
    run = EligibilityRun.objects.unrestricted().select_for_update().get(pk=result.run_id)
    run.outcome = eligibility.overall(r.effective_outcome for r in run.results.all()).value
    run.save(update_fields=["outcome"])
    return result


# --- clarifications and centre support -----------------------------------------------------------


@transaction.atomic
def clarification_ask(actor, application, *, subject, body, reply_by, requested_document="", now=None):
    now = now or timezone.now()
    if application.current_version == 0:
        raise Conflict(_("제출된 신청서에만 보완을 요청할 수 있습니다."), "not_submitted")
    operator = _asking_operator(actor, application)
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise DomainError(_("제목을 입력해 주십시오."), "required", "subject")
    if not body:
        raise DomainError(_("요청 내용을 입력해 주십시오."), "required", "body")
    if reply_by is None or reply_by <= now:
        raise DomainError(_("답변 기한은 지금보다 뒤여야 합니다."), "invalid", "reply_by")
    clarification = Clarification.objects.create(
        application=application,
        operator=operator,
        asked_by=actor,
        subject=subject,
        reply_by=reply_by,
        requested_document=requested_document or "",
    )
    ClarificationMessage.objects.create(clarification=clarification, author=actor, body=body)
    audit.record_create(actor, clarification)
    _notify(
        _company_users(application.lead_id, [Role.SME_MEMBER]),
        gettext_lazy("[SFMS] 보완 요청: %(subject)s"),
        gettext_lazy("%(operator)s에서 신청서에 보완을 요청했습니다. 답변 기한: %(reply_by)s\n\n%(body)s"),
        {
            "subject": subject,
            "operator": operator.name_ko,
            "reply_by": timezone.localtime(reply_by).strftime("%Y-%m-%d %H:%M"),
            "body": body,
        },
    )
    return clarification


@transaction.atomic
def clarification_reply(actor, clarification, *, body, document=None, now=None):
    """The applicant answers in the thread (with the requested document if one was asked for);
    staff may add to the thread too. A reply after the deadline is kept and marked late."""
    now = now or timezone.now()
    clarification = Clarification.objects.unrestricted().select_for_update().get(pk=clarification.pk)
    application = clarification.application
    p = principal_for(actor)
    applicant = p.is_platform_admin or application.lead_id in p.company_ids_with(Role.SME_MEMBER)
    staff = not applicant and _is_clarification_staff(p, application, clarification)
    if not (applicant or staff):
        raise AccessDenied(_("이 보완 요청에 답할 권한이 없습니다."))
    if clarification.status == ClarificationStatus.CLOSED:
        raise Conflict(_("종료된 보완 요청입니다."), "clarification_closed")
    body = (body or "").strip()
    if not body and document is None:
        raise DomainError(_("답변 내용을 입력해 주십시오."), "required", "body")
    message = ClarificationMessage.objects.create(
        clarification=clarification, author=actor, body=body, document=document
    )
    audit.record_create(actor, message)
    # An answer waits for staff; a staff follow-up on an answered thread waits for the applicant again.
    to_status = ClarificationStatus.ANSWERED if applicant else ClarificationStatus.OPEN
    if clarification.status != to_status:
        from_status = clarification.status
        clarification.status = to_status
        clarification.save(update_fields=["status"])
        audit.record_transition(actor, clarification, "status", from_status, to_status)
    return message


def _is_clarification_staff(p, application, clarification):
    return clarification.operator_id in p.operator_ids or application.call.operator_id in p.operator_ids_with(
        *CALL_STAFF_ROLES
    )


@transaction.atomic
def clarification_close(actor, clarification, *, reason=""):
    clarification = Clarification.objects.unrestricted().select_for_update().get(pk=clarification.pk)
    if not _is_clarification_staff(principal_for(actor), clarification.application, clarification) and not (
        principal_for(actor).is_platform_admin
    ):
        raise AccessDenied(_("보완 요청을 보낸 기관만 종료할 수 있습니다."))
    if clarification.status == ClarificationStatus.CLOSED:
        return clarification
    before = clarification.status
    clarification.status = ClarificationStatus.CLOSED
    clarification.save(update_fields=["status"])
    audit.record_transition(actor, clarification, "status", before, ClarificationStatus.CLOSED, reason=reason)
    return clarification


@transaction.atomic
def support_note_add(actor, application, *, given_on, body):
    p = principal_for(actor)
    if not (p.is_platform_admin or application.lead.region_id in centre_region_ids(p)):
        raise AccessDenied(_("신청기업 지역을 담당하는 지역센터만 지원 기록을 남길 수 있습니다."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("상담 내용을 입력해 주십시오."), "required", "body")
    if given_on is None or given_on > timezone.localdate():
        raise DomainError(_("상담일은 오늘이나 그 이전 날짜여야 합니다."), "invalid", "given_on")
    from organizations.models import Operator

    operator = (
        Operator.objects.unrestricted()
        .filter(regions_covered=application.lead.region_id)
        .filter(pk__in=p.operator_ids_with(Role.CENTRE_STAFF) or [])
        .order_by("pk")
        .first()
    ) or application.call.operator
    note = SupportNote.objects.create(
        application=application, operator=operator, author=actor, given_on=given_on, body=body
    )
    audit.record_create(actor, note)
    return note
