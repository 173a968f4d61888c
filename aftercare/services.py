"""Business operations after the project. Each is one transaction: permission check, row lock where
a guard matters, change, audit, notifications to the other side queued on commit.

Who acts:
- the lead SME requests defect repairs (warranty period only), records its satisfaction, records
  maintenance contracts and, once the project is closed, rates the supplier and starts a
  next-level application;
- a supplier party to the agreement answers defect-repair requests;
- any consortium party (lead, supplier, large firm) reports an unfair practice by another party;
- the call's staff handle those reports and close the project.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.models import AgreementParty, PartyRole, Project, ProjectStatus, Tranche, TrancheStatus
from monitoring.querysets import CALL_STAFF_ROLES
from monitoring.services import (
    _checked,
    _lead_users,
    _lock,
    _require_lead,
    _require_staff,
    _staff_users,
    supplier_company_ids,
)
from organizations import audit
from organizations.access import principal_for
from organizations.edits import full_clean
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Company, Membership
from organizations.models_roles import Role
from organizations.uploads import DOCUMENT_KINDS

from . import rules
from .models import (
    ConsortiumRole,
    DefectRepair,
    DefectStatus,
    MaintenanceContract,
    ReportStatus,
    UnfairPracticeReport,
)

ROLE_OF = {
    ConsortiumRole.LEAD: Role.SME_MEMBER,
    ConsortiumRole.SUPPLIER: Role.SUPPLIER_MEMBER,
    ConsortiumRole.LARGE_FIRM: Role.LARGE_FIRM_MEMBER,
}
ENDED = (ProjectStatus.CLOSED, ProjectStatus.ABANDONED)
REPORT_AUDIT_FIELDS = (
    "id",
    "project",
    "reporter_company",
    "reporter_role",
    "status",
    "reported_by",
    "reported_at",
)
MAX_TEXT = 4000


def _notify(users, subject, body, params):
    from organizations.notifications import notify_each

    notify_each(users, subject, body, params)


def _company_users(company_ids, role):
    rows = Membership.objects.unrestricted().filter(company_id__in=company_ids, role=role, is_active=True)
    return [m.user for m in rows.select_related("user")]


def _supplier_users(project):
    return _company_users(supplier_company_ids(project), Role.SUPPLIER_MEMBER)


def _text(value, field, required_message, label):
    value = (value or "").strip()
    if not value:
        raise DomainError(required_message, f"{field}_required", field)
    if len(value) > MAX_TEXT:
        raise DomainError(
            _("%(label)s은(는) 4,000자 이내로 적어 주십시오.") % {"label": label}, f"{field}_too_long", field
        )
    return value


def _score(score, field):
    if not rules.valid_score(score):
        raise DomainError(_("점수는 1부터 5까지의 정수로 골라 주십시오."), "bad_score", field)
    return score


def _today(now):
    return timezone.localtime(now).date()


# --- who is who in the consortium ------------------------------------------------------------------


def consortium_parties(project):
    """The companies that are parties to the project's agreement (any version), as
    {company_id: (role, name)}; the lead first."""
    parties = {project.lead_id: (ConsortiumRole.LEAD, project.lead.name)}
    rows = (
        AgreementParty.objects.unrestricted()
        .filter(agreement__project=project, company__isnull=False)
        .exclude(role=PartyRole.OPERATOR)
        .order_by("agreement__version", "pk")
        .values_list("company_id", "role", "name")
    )
    for company_id, role, name in rows:
        parties.setdefault(company_id, (role, name))
    return parties


def reporter_roles_for(actor, project, parties=None):
    """The (company_id, role) pairs in which this user may report an unfair practice."""
    p = principal_for(actor)
    parties = consortium_parties(project) if parties is None else parties
    return [
        (company_id, role)
        for company_id, (role, _name) in parties.items()
        if company_id in p.company_ids_with(ROLE_OF[role])
    ]


def is_supplier_member(actor, project):
    p = principal_for(actor)
    return bool(supplier_company_ids(project) & set(p.company_ids_with(Role.SUPPLIER_MEMBER)))


def is_call_staff(actor, project):
    p = principal_for(actor)
    return p.is_platform_admin or project.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)


# --- defect repairs --------------------------------------------------------------------------------


def warranty_problem(project, today):
    """None inside the warranty period, else why a defect repair cannot be requested now."""
    if project.status == ProjectStatus.ABANDONED:
        return _("중도 포기한 과제에는 하자보수를 요청할 수 없습니다.")
    ends = rules.warranty_ends_on(project.inspection_passed_at)
    if ends is None:
        return _("하자보수 기간은 최종 점검을 통과한 날부터 시작합니다. 아직 최종 점검 통과 기록이 없습니다.")
    if not rules.in_warranty(project.inspection_passed_at, today):
        return _(
            "하자보수 기간(최종 점검 통과 후 %(months)s개월)이 %(date)s에 끝났습니다. 유지보수 계약에 따라 요청해 주십시오."
        ) % {"months": rules.WARRANTY_MONTHS, "date": ends.isoformat()}
    return None


@transaction.atomic
def defect_request(actor, project, *, description, attachment=None, now=None):
    """The lead SME asks the supplier to repair a defect, within the warranty period."""
    project = _lock(Project, project, "call", "lead")
    _require_lead(actor, project)
    now = now or timezone.now()
    problem = warranty_problem(project, _today(now))
    if problem:
        raise Conflict(problem, "outside_warranty")
    description = _text(description, "description", _("하자 내용을 적어 주십시오."), _("하자 내용"))
    attachment = _checked(attachment, "attachment", DOCUMENT_KINDS)
    defect = DefectRepair(project=project, description=description, requested_by=actor, requested_at=now)
    if attachment is not None:
        defect.attachment_name = attachment.original_name[:200]
        defect.attachment.save(attachment.name, attachment, save=False)
    full_clean(defect)
    defect.save()
    audit.record_create(actor, defect)
    _notify(
        _supplier_users(project),
        gettext_lazy("[SFMS] 하자보수 요청: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 도입기업이 하자보수를 요청했습니다. SFMS에서 내용을 확인하고 조치 결과를 기록해 주십시오."
        ),
        {"title": project.title},
    )
    return defect


@transaction.atomic
def defect_respond(actor, defect, *, response, repaired_on, now=None):
    """A supplier party records what it repaired and when."""
    defect = _lock(DefectRepair, defect, "project__call")
    project = defect.project
    if not (principal_for(actor).is_platform_admin or is_supplier_member(actor, project)):
        raise AccessDenied(_("이 과제 협약의 공급기업 담당자만 하자보수 조치를 기록할 수 있습니다."))
    if defect.status != DefectStatus.REQUESTED:
        raise Conflict(_("이미 조치 결과를 기록한 요청입니다."), "already_responded")
    response = _text(response, "response", _("조치한 내용을 적어 주십시오."), _("조치 내용"))
    now = now or timezone.now()
    if repaired_on is None:
        raise DomainError(_("조치일을 입력해 주십시오."), "repaired_on_required", "repaired_on")
    if repaired_on > _today(now):
        raise DomainError(_("조치일은 오늘이나 그 이전이어야 합니다."), "repaired_on_future", "repaired_on")
    if repaired_on < timezone.localtime(defect.requested_at).date():
        raise DomainError(
            _("조치일은 요청일(%(date)s)과 같거나 그 뒤여야 합니다.")
            % {"date": timezone.localtime(defect.requested_at).date().isoformat()},
            "repaired_before_request",
            "repaired_on",
        )
    defect.response, defect.repaired_on = response, repaired_on
    defect.responded_by, defect.responded_at = actor, now
    defect.status = DefectStatus.RESPONDED
    full_clean(defect)
    defect.save()
    audit.record_transition(actor, defect, "status", DefectStatus.REQUESTED, defect.status)
    _notify(
        _lead_users(project),
        gettext_lazy("[SFMS] 하자보수 조치 완료: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 공급기업이 %(date)s에 하자를 조치했다고 기록했습니다. SFMS에서 확인하고 만족도를 남겨 주십시오."
        ),
        {"title": project.title, "date": repaired_on.isoformat()},
    )
    return defect


@transaction.atomic
def defect_satisfaction(actor, defect, *, score, comment="", now=None):
    """The lead SME closes an answered request with its satisfaction (1–5)."""
    defect = _lock(DefectRepair, defect, "project__call", "project__lead")
    project = defect.project
    _require_lead(actor, project)
    if defect.status == DefectStatus.REQUESTED:
        raise Conflict(_("공급기업이 조치 결과를 기록한 뒤에 만족도를 남길 수 있습니다."), "not_responded")
    if defect.status == DefectStatus.CLOSED:
        raise Conflict(_("이미 만족도를 남긴 요청입니다."), "already_closed")
    _score(score, "satisfaction")
    comment = (comment or "").strip()
    if len(comment) > MAX_TEXT:
        raise DomainError(
            _("의견은 4,000자 이내로 적어 주십시오."), "comment_too_long", "satisfaction_comment"
        )
    defect.satisfaction, defect.satisfaction_comment = score, comment
    defect.status, defect.closed_at = DefectStatus.CLOSED, now or timezone.now()
    full_clean(defect)
    defect.save()
    audit.record_transition(actor, defect, "status", DefectStatus.RESPONDED, defect.status)
    _notify(
        _supplier_users(project),
        gettext_lazy("[SFMS] 하자보수 만족도: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 도입기업이 하자보수 조치에 만족도 %(score)s점(5점 만점)을 남겼습니다."
        ),
        {"title": project.title, "score": score},
    )
    return defect


# --- maintenance contracts -------------------------------------------------------------------------


@transaction.atomic
def maintenance_record(
    actor,
    project,
    *,
    provider_name,
    starts_on,
    ends_on,
    annual_fee,
    scope,
    with_supplier=False,
    document=None,
    now=None,
):
    """The lead SME records a maintenance contract (with the supplier or another provider)."""
    project = _lock(Project, project, "call", "lead")
    _require_lead(actor, project)
    if project.status == ProjectStatus.ABANDONED:
        raise Conflict(_("중도 포기한 과제입니다."), "project_abandoned")
    provider_name = (provider_name or "").strip()
    if not provider_name:
        raise DomainError(_("유지보수 업체명을 적어 주십시오."), "provider_required", "provider_name")
    if len(provider_name) > 160:
        raise DomainError(_("업체명은 160자 이내로 적어 주십시오."), "provider_too_long", "provider_name")
    if starts_on is None:
        raise DomainError(_("계약 시작일을 입력해 주십시오."), "starts_on_required", "starts_on")
    if ends_on is None:
        raise DomainError(_("계약 종료일을 입력해 주십시오."), "ends_on_required", "ends_on")
    if ends_on <= starts_on:
        raise DomainError(_("계약 종료일은 시작일보다 뒤여야 합니다."), "ends_before_start", "ends_on")
    if isinstance(annual_fee, bool) or not isinstance(annual_fee, int) or annual_fee < 0:
        raise DomainError(
            _("연간 유지보수비는 0원 이상의 정수(원)로 입력해 주십시오."), "bad_fee", "annual_fee"
        )
    scope = _text(scope, "scope", _("유지보수 범위를 적어 주십시오."), _("유지보수 범위"))
    document = _checked(document, "document", DOCUMENT_KINDS)
    contract = MaintenanceContract(
        project=project,
        provider_name=provider_name,
        with_supplier=bool(with_supplier),
        starts_on=starts_on,
        ends_on=ends_on,
        annual_fee=annual_fee,
        scope=scope,
        recorded_by=actor,
        recorded_at=now or timezone.now(),
    )
    if document is not None:
        contract.document_name = document.original_name[:200]
        contract.document.save(document.name, document, save=False)
    full_clean(contract)
    contract.save()
    audit.record_create(actor, contract)
    _notify(
        _staff_users(project),
        gettext_lazy("[SFMS] 유지보수 계약 등록: %(title)s"),
        gettext_lazy("'%(title)s' 과제의 도입기업이 %(provider)s과(와)의 유지보수 계약을 등록했습니다."),
        {"title": project.title, "provider": provider_name},
    )
    return contract


# --- unfair-practice reports -----------------------------------------------------------------------


@transaction.atomic
def unfair_report(actor, project, *, reported_company, description, reporter_company=None, now=None):
    """A consortium party reports an unfair practice by another party to the call's operator. The
    reported company is not told; only the reporter's company and the call's staff read it."""
    project = _lock(Project, project, "call", "lead")
    parties = consortium_parties(project)
    mine = dict(reporter_roles_for(actor, project, parties))
    if not mine:
        raise AccessDenied(
            _(
                "이 과제 협약의 당사자(주관 도입기업, 공급기업, 대기업) 담당자만 불공정 행위를 신고할 수 있습니다."
            )
        )
    reporter_id = getattr(reporter_company, "pk", reporter_company)
    if reporter_id is None:
        if len(mine) > 1:
            raise DomainError(
                _("어느 기업의 이름으로 신고하는지 골라 주십시오."), "reporter_required", "reporter_company"
            )
        reporter_id = next(iter(mine))
    if reporter_id not in mine:
        raise AccessDenied(_("소속 기업의 이름으로만 신고할 수 있습니다."))
    reported_id = getattr(reported_company, "pk", reported_company)
    if reported_id is None or reported_id not in parties:
        raise DomainError(
            _("신고 대상은 이 과제 협약의 다른 당사자 중에서 골라 주십시오."),
            "not_a_party",
            "reported_company",
        )
    if reported_id == reporter_id:
        raise DomainError(_("자기 기업을 신고할 수는 없습니다."), "self_report", "reported_company")
    description = _text(description, "description", _("신고 내용을 적어 주십시오."), _("신고 내용"))
    report = UnfairPracticeReport(
        project=project,
        reporter_company=Company.objects.unrestricted().get(pk=reporter_id),
        reporter_role=mine[reporter_id],
        reported_company_id=reported_id,
        description=description,
        reported_by=actor,
        reported_at=now or timezone.now(),
    )
    full_clean(report)
    report.save()
    # The event keeps who reported and when, not what or about whom: audit trails travel further
    # (dossiers, exports) than the report's own confidential scope; the row holds the rest.
    audit.record(
        actor,
        report,
        audit.AuditEvent.Action.CREATE,
        after=audit.snapshot(report, fields=REPORT_AUDIT_FIELDS),
    )
    _notify(
        _staff_users(project),
        gettext_lazy("[SFMS] 불공정 행위 신고 접수: %(call)s"),
        gettext_lazy(
            "공고 %(call)s의 한 과제에서 불공정 행위 신고가 접수되었습니다. 신고 내용은 SFMS에서만 확인할 수 있습니다."
        ),
        {"call": project.call.reference},
    )
    return report


def _reporter_users(report):
    return _company_users([report.reporter_company_id], ROLE_OF[report.reporter_role])


@transaction.atomic
def unfair_review(actor, report, *, now=None):
    """The call's staff start reviewing a received report."""
    report = _lock(UnfairPracticeReport, report, "project__call")
    _require_staff(actor, report.project)
    if report.status != ReportStatus.RECEIVED:
        raise Conflict(_("접수 상태의 신고만 검토를 시작할 수 있습니다."), "not_received")
    report.status, report.review_started_at, report.handled_by = (
        ReportStatus.UNDER_REVIEW,
        now or timezone.now(),
        actor,
    )
    report.save(update_fields=["status", "review_started_at", "handled_by"])
    audit.record_transition(actor, report, "status", ReportStatus.RECEIVED, report.status)
    _notify(
        _reporter_users(report),
        gettext_lazy("[SFMS] 불공정 행위 신고 검토 시작"),
        gettext_lazy("%(date)s에 접수한 불공정 행위 신고를 운영기관이 검토하기 시작했습니다."),
        {"date": timezone.localtime(report.reported_at).date().isoformat()},
    )
    return report


@transaction.atomic
def unfair_conclude(actor, report, *, outcome, now=None):
    """The call's staff record how a report under review was handled."""
    report = _lock(UnfairPracticeReport, report, "project__call")
    _require_staff(actor, report.project)
    if report.status != ReportStatus.UNDER_REVIEW:
        raise Conflict(_("검토 중인 신고만 처리 결과를 기록할 수 있습니다."), "not_under_review")
    outcome = _text(outcome, "outcome", _("처리 결과를 적어 주십시오."), _("처리 결과"))
    report.status, report.outcome = ReportStatus.CONCLUDED, outcome
    report.concluded_at, report.handled_by = now or timezone.now(), actor
    report.save(update_fields=["status", "outcome", "concluded_at", "handled_by"])
    audit.record_transition(actor, report, "status", ReportStatus.UNDER_REVIEW, report.status)
    _notify(
        _reporter_users(report),
        gettext_lazy("[SFMS] 불공정 행위 신고 처리 결과"),
        gettext_lazy(
            "%(date)s에 접수한 불공정 행위 신고의 처리 결과가 등록되었습니다. SFMS에서 확인해 주십시오."
        ),
        {"date": timezone.localtime(report.reported_at).date().isoformat()},
    )
    return report


# --- closing the project ---------------------------------------------------------------------------


def closing_problems(project, tranches=None):
    """What still stands between the project and its closing, in words (empty when it may close)."""
    problems = []
    if project.inspection_passed_at is None:
        problems.append(_("최종 점검 통과 기록이 없습니다."))
    tranches = list(Tranche.objects.unrestricted().filter(project=project)) if tranches is None else tranches
    unpaid = [t for t in sorted(tranches, key=lambda t: t.order) if t.status != TrancheStatus.PAID]
    if unpaid:
        problems.append(
            _("지급 완료되지 않은 차수가 있습니다: %(list)s.")
            % {
                "list": ", ".join(
                    _("%(order)s차 %(kind)s — %(status)s")
                    % {"order": t.order, "kind": t.get_kind_display(), "status": t.get_status_display()}
                    for t in unpaid
                )
            }
        )
    return problems


@transaction.atomic
def project_close(actor, project, *, reason="", now=None):
    """The call's staff close a project whose final inspection passed and whose tranches are all paid."""
    project = _lock(Project, project, "call", "lead")
    _require_staff(actor, project)
    if project.status == ProjectStatus.CLOSED:
        raise Conflict(_("이미 종료된 과제입니다."), "already_closed")
    if project.status == ProjectStatus.ABANDONED:
        raise Conflict(_("중도 포기한 과제는 종료 처리할 수 없습니다."), "project_abandoned")
    problems = closing_problems(project)
    if problems:
        raise Conflict(
            _("과제를 종료할 수 없습니다. %(problems)s") % {"problems": " ".join(str(p) for p in problems)},
            "not_closable",
        )
    before = project.status
    project.status = ProjectStatus.CLOSED
    project.save(update_fields=["status"])
    audit.record_transition(actor, project, "status", before, project.status, reason=(reason or "").strip())
    _notify(
        [*_lead_users(project), *_supplier_users(project)],
        gettext_lazy("[SFMS] 과제 종료: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제가 종료되었습니다. 하자보수 기간은 %(date)s까지입니다. 도입기업은 SFMS에서 공급기업을 평가하고 다음 단계 신청을 이어갈 수 있습니다."
        ),
        {
            "title": project.title,
            "date": rules.warranty_ends_on(project.inspection_passed_at).isoformat(),
        },
    )
    return project


# --- after closing: rating and the next level -------------------------------------------------------


def _require_closed(project, what):
    if project.status != ProjectStatus.CLOSED:
        raise Conflict(
            _("%(what)s은(는) 과제가 종료된 뒤에 할 수 있습니다.") % {"what": what}, "project_not_closed"
        )


def rateable_suppliers(project):
    """The supplier profiles of the project's agreement, in a stable order."""
    from suppliers.models import SupplierProfile

    return list(
        SupplierProfile.objects.unrestricted()
        .filter(company_id__in=supplier_company_ids(project))
        .select_related("company")
        .order_by("pk")
    )


@transaction.atomic
def supplier_rate(actor, project, *, score, comment="", supplier=None):
    """The lead SME rates its supplier once per project (1–5), after the project is closed."""
    from suppliers.models import SupplierReview
    from suppliers.services import rerate

    project = _lock(Project, project, "call", "lead", "submission")
    _require_lead(actor, project)
    _require_closed(project, _("공급기업 평가"))
    suppliers = rateable_suppliers(project)
    if not suppliers:
        raise Conflict(_("이 과제 협약에 공급기업이 없습니다."), "no_supplier")
    supplier_id = getattr(supplier, "pk", supplier)
    if supplier_id is None:
        if len(suppliers) > 1:
            raise DomainError(_("평가할 공급기업을 골라 주십시오."), "supplier_required", "supplier")
        profile = suppliers[0]
    else:
        profile = next((s for s in suppliers if s.pk == supplier_id), None)
        if profile is None:
            raise DomainError(
                _("이 과제 협약의 공급기업 중에서 골라 주십시오."), "not_project_supplier", "supplier"
            )
    _score(score, "score")
    comment = (comment or "").strip()
    if len(comment) > MAX_TEXT:
        raise DomainError(_("의견은 4,000자 이내로 적어 주십시오."), "comment_too_long", "comment")
    reference = project.submission.receipt_number
    if (
        SupplierReview.objects.unrestricted()
        .filter(profile=profile, source=SupplierReview.Source.SME, project_reference=reference)
        .exists()
    ):
        raise Conflict(
            _("이 과제에서 %(name)s을(를) 이미 평가했습니다.") % {"name": profile.company.name},
            "already_rated",
        )
    review = SupplierReview(
        profile=profile,
        source=SupplierReview.Source.SME,
        reviewer_company=project.lead,
        project_reference=reference,
        score=score,
        comment=comment,
    )
    full_clean(review)
    review.save()
    audit.record_create(actor, review, reason=f"project {project.pk} closed")
    rerate(profile.pk)
    _notify(
        _company_users([profile.company_id], Role.SUPPLIER_MEMBER),
        gettext_lazy("[SFMS] 도입기업 평가 등록: %(title)s"),
        gettext_lazy("'%(title)s' 과제의 도입기업이 공급기업 평가 %(score)s점(5점 만점)을 등록했습니다."),
        {"title": project.title, "score": score},
    )
    return review


def project_level(project):
    """The smart-factory level the project's track targeted."""
    return project.submission.application.track.level


def next_level_tracks(project, now=None):
    """Tracks of calls accepting applications now whose level is above the project's."""
    from applications.services import ACCEPTING_STATES
    from programs.models import Track

    now = now or timezone.now()
    level = project_level(project)
    higher = [code for code in rules.LEVEL_ORDER if rules.is_higher(code, level)]
    return (
        Track.objects.unrestricted()
        .filter(
            level__in=higher,
            call__status__in=ACCEPTING_STATES,
            call__opens_at__lte=now,
            call__closes_at__gt=now,
        )
        .select_related("call")
        .order_by("call__closes_at", "call_id", "order", "pk")
    )


def _prefill(project):
    """What the next application takes over from the finished project (the frozen submission)."""
    plan = (project.submission.snapshot or {}).get("plan") or {}
    built = "\n".join(
        part
        for part in (
            _("이전 과제: %(title)s (접수번호 %(receipt)s, %(start)s~%(end)s)")
            % {
                "title": project.title,
                "receipt": project.submission.receipt_number,
                "start": project.starts_on.isoformat(),
                "end": project.ends_on.isoformat(),
            },
            plan.get("summary") or "",
            plan.get("existing_systems") or "",
        )
        if part
    )
    return {
        "title": (_("%(title)s 고도화") % {"title": project.title})[:200],
        "existing_systems": built,
        "integration_plan": plan.get("integration_plan") or "",
        "data_plan": plan.get("data_plan") or "",
    }


@transaction.atomic
def next_level_application(actor, project, *, track, now=None):
    """The lead SME continues with its supplier: a draft application for a higher-level track of an
    open call, pre-filled from the finished project and with the same supplier invited. An existing
    draft for that track is returned as it is."""
    from applications import services as applications
    from applications.models import Application, MemberRole

    project = _lock(Project, project, "call", "lead", "submission__application__track")
    _require_lead(actor, project)
    _require_closed(project, _("다음 단계 신청"))
    now = now or timezone.now()
    if track is None or not next_level_tracks(project, now).filter(pk=track.pk).exists():
        raise DomainError(
            _("접수 중인 공고 가운데 이 과제보다 높은 수준의 지원 유형을 골라 주십시오."),
            "not_next_level",
            "track",
        )
    existing = Application.objects.unrestricted().filter(lead=project.lead, track=track).first()
    if existing is not None:
        return existing
    application = applications.application_start(actor, track=track, company=project.lead, now=now)
    applications.application_update(
        actor, application, _prefill(project), reason=f"next level after project {project.pk}"
    )
    for profile in rateable_suppliers(project):
        applications.member_invite(actor, application, company=profile.company, role=MemberRole.SUPPLIER)
    audit.record(
        actor,
        project,
        audit.AuditEvent.Action.UPDATE,
        after={"next_level_application": application.pk, "track": track.pk},
        reason="next-level application started",
    )
    return Application.objects.unrestricted().get(pk=application.pk)
