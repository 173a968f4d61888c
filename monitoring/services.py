"""Business operations on projects. Each is one transaction: permission check, row lock where a
guard matters, change, audit, notifications queued on commit."""

import calendar
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.models import Decision, DecisionStatus
from organizations import audit
from organizations.access import principal_for
from organizations.edits import apply_changes, full_clean
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Membership
from organizations.models_roles import Role
from organizations.uploads import DOCUMENT_KINDS

from . import rules
from .models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Milestone,
    PartyRole,
    ProgressReport,
    Project,
    ProjectStatus,
    ReporterRole,
    SiteVisit,
    Tranche,
    TrancheKind,
    TrancheStatus,
)
from .querysets import CALL_STAFF_ROLES

PARTY_ROLES = {
    PartyRole.LEAD: Role.SME_MEMBER,
    PartyRole.SUPPLIER: Role.SUPPLIER_MEMBER,
    PartyRole.LARGE_FIRM: Role.LARGE_FIRM_MEMBER,
}


def _require_staff(actor, project_or_call):
    operator_id = getattr(project_or_call, "operator_id", None) or project_or_call.call.operator_id
    p = principal_for(actor)
    if not (p.is_platform_admin or operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)):
        raise AccessDenied(_("이 공고를 운영하는 기관의 담당자만 할 수 있습니다."))


def _require_lead(actor, project):
    p = principal_for(actor)
    if not (p.is_platform_admin or project.lead_id in p.company_ids_with(Role.SME_MEMBER)):
        raise AccessDenied(_("주관 도입기업 담당자만 할 수 있습니다."))


def _lock(model, obj, *related):
    qs = model.objects.unrestricted().select_for_update(of=("self",))
    return (qs.select_related(*related) if related else qs).get(pk=obj.pk)


def _notify(users, subject, body, params):
    from organizations.notifications import notify_each

    notify_each(users, subject, body, params)


def _party_users(party):
    if party.role == PartyRole.OPERATOR:
        rows = Membership.objects.unrestricted().filter(
            operator_id=party.operator_id, role__in=CALL_STAFF_ROLES, is_active=True
        )
    else:
        rows = Membership.objects.unrestricted().filter(
            company_id=party.company_id, role=PARTY_ROLES[party.role], is_active=True
        )
    return [m.user for m in rows.select_related("user")]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- project and agreement -----------------------------------------------------------------------


@transaction.atomic
def project_create(actor, decision, *, starts_on=None, advance_rate=rules.DEFAULT_ADVANCE_RATE, now=None):
    """A final, released selection becomes a project, with its first agreement and tranches."""
    decision = _lock(Decision, decision, "plan__call", "submission__application", "track")
    call = decision.plan.call
    _require_staff(actor, call)
    if decision.status != DecisionStatus.SELECTED or not decision.final:
        raise Conflict(_("심의위원회에서 선정이 확정된 신청서만 과제로 만들 수 있습니다."), "not_selected")
    if decision.released_at is None:
        raise Conflict(_("선정 결과를 신청기업에 통보한 뒤 과제를 만들 수 있습니다."), "not_released")
    submission = decision.submission
    if Project.objects.unrestricted().filter(submission=submission).exists():
        raise Conflict(_("이 신청서는 이미 과제로 등록되어 있습니다."), "project_exists")
    now = now or timezone.now()
    starts_on = starts_on or timezone.localtime(now).date()
    snapshot = submission.snapshot
    months = int(snapshot["plan"].get("duration_months") or 6)
    review = getattr(submission, "cost_review", None)  # None when no cost review
    project = Project(
        submission=submission,
        call=call,
        lead_id=snapshot["lead"]["id"],
        region_id=snapshot["lead"]["region"],
        title=snapshot["plan"].get("title") or submission.receipt_number,
        starts_on=starts_on,
        ends_on=add_months(starts_on, months),
        total_cost=review.approved_total if review else snapshot["budget"]["total_cost"],
        government_share=decision.government_share,
        created_by=actor,
    )
    full_clean(project)
    project.save()
    audit.record_create(actor, project)
    for order, (kind, amount) in enumerate(
        rules.split_tranches(project.government_share, advance_rate=advance_rate), start=1
    ):
        tranche = Tranche.objects.create(project=project, order=order, kind=kind, amount=amount)
        audit.record_create(actor, tranche)
    agreement_issue(actor, project, now=now)
    return project


def agreement_terms(project):
    """What the agreement says, built from the frozen submission and the cost review."""
    submission = project.submission
    snapshot = submission.snapshot
    review = getattr(submission, "cost_review", None)  # None when no cost review
    members = [m for m in snapshot.get("members", []) if m.get("status") == "accepted"]
    terms = {
        "receipt_number": submission.receipt_number,
        "call": {"reference": project.call.reference, "title_ko": project.call.title_ko},
        "parties": [
            {"role": PartyRole.OPERATOR, "name": project.call.operator.name_ko},
            {"role": PartyRole.LEAD, "name": snapshot["lead"]["name"], "company_id": snapshot["lead"]["id"]},
            *(
                {"role": m["role"], "name": m["company"]["name"], "company_id": m["company"]["id"]}
                for m in members
            ),
        ],
        "scope": {
            k: snapshot["plan"].get(k, "") for k in ("title", "summary", "integration_plan", "data_plan")
        },
        "period": {"starts_on": project.starts_on.isoformat(), "ends_on": project.ends_on.isoformat()},
        "budget": {
            "total_cost": project.total_cost,
            "lines": review.approved_lines if review else snapshot["budget"]["lines"],
        },
        "shares": review.shares if review else snapshot.get("shares", {}),
        "government_share": project.government_share,
        "tranches": [
            {"order": t.order, "kind": t.kind, "amount": t.amount} for t in project.tranches.order_by("order")
        ],
        "obligations": [str(o) for o in rules.OBLIGATIONS],
        "kpis": snapshot.get("kpis", []),
    }
    from .changes import amend_terms  # changes imports this module

    return amend_terms(project, terms)  # approved and recorded change requests


@transaction.atomic
def agreement_issue(actor, project, *, reason="", now=None, change=None):
    """A new version for every party to accept; an unsigned earlier version is withdrawn.

    `change`: the approved or recorded change request this version carries (monitoring/changes.py
    has checked who may act). A company's own record (rules.needs_reacceptance is false) comes into
    force at once, replacing the version in force, unless another version is awaiting acceptance:
    then the new one carries both changes and awaits every party."""
    project = _lock(Project, project, "call__operator", "submission")
    if change is None:
        _require_staff(actor, project)
    if project.status in (ProjectStatus.CLOSED, ProjectStatus.ABANDONED):
        raise Conflict(_("종료된 과제의 협약은 바꿀 수 없습니다."), "project_closed")
    latest = Agreement.objects.unrestricted().filter(project=project).order_by("-version").first()
    if latest is not None and not (reason or "").strip():
        raise DomainError(_("협약을 변경하는 사유를 적어 주십시오."), "reason_required", "reason")
    now = now or timezone.now()
    awaiting = Agreement.objects.unrestricted().filter(project=project, status=AgreementStatus.AWAITING)
    at_once = change is not None and not rules.needs_reacceptance(change.path) and not awaiting.exists()
    if at_once:
        for old in Agreement.objects.unrestricted().filter(project=project, status=AgreementStatus.IN_FORCE):
            old.status = AgreementStatus.SUPERSEDED
            old.save(update_fields=["status"])
            audit.record_transition(actor, old, "status", AgreementStatus.IN_FORCE, old.status, reason=reason)
    for pending in awaiting:
        pending.status = AgreementStatus.SUPERSEDED
        pending.save(update_fields=["status"])
        audit.record_transition(
            actor, pending, "status", AgreementStatus.AWAITING, pending.status, reason=reason
        )
    terms = agreement_terms(project)
    agreement = Agreement.objects.create(
        project=project,
        version=(latest.version + 1) if latest else 1,
        terms=terms,
        reason=reason,
        issued_by=actor,
        issued_at=now,
        status=AgreementStatus.IN_FORCE if at_once else AgreementStatus.AWAITING,
        in_force_at=now if at_once else None,
    )
    audit.record_create(actor, agreement, reason=reason)
    for party in terms["parties"]:
        row = AgreementParty.objects.create(
            agreement=agreement,
            role=party["role"],
            company_id=party.get("company_id"),
            operator=project.call.operator if party["role"] == PartyRole.OPERATOR else None,
            name=party["name"],
        )
        if at_once:
            _notify(
                _party_users(row),
                gettext_lazy("[SFMS] 협약 변경 반영: %(title)s"),
                gettext_lazy(
                    "'%(title)s' 과제의 협약이 변경되어 %(version)s차 협약이 바로 효력을 가집니다(다시 동의할 필요 없음). 변경 사유: %(reason)s"
                ),
                {"title": project.title, "version": agreement.version, "reason": reason},
            )
            continue
        _notify(
            _party_users(row),
            gettext_lazy("[SFMS] 협약 동의 요청: %(title)s"),
            gettext_lazy(
                "'%(title)s' 과제의 협약(%(version)s차)이 발급되었습니다. SFMS에 로그인해 내용을 확인하고 동의해 주십시오."
            ),
            {"title": project.title, "version": agreement.version},
        )
    return agreement


def _may_accept_for(actor, party):
    p = principal_for(actor)
    if party.role == PartyRole.OPERATOR:
        return party.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)
    return party.company_id in p.company_ids_with(PARTY_ROLES[party.role])


@transaction.atomic
def agreement_accept(actor, party, *, ip=None, now=None):
    """A party accepts in its own account; when the last one does, the version comes into force."""
    party = _lock(AgreementParty, party, "agreement__project")
    agreement = _lock(Agreement, party.agreement, "project__call")
    if not _may_accept_for(actor, party):
        raise AccessDenied(
            _(
                "이 당사자(%(name)s)를 대신해 동의할 수 없습니다. 해당 기관·기업의 담당자 계정으로 동의해 주십시오."
            )
            % {"name": party.name}
        )
    if agreement.status != AgreementStatus.AWAITING:
        raise Conflict(
            _("동의를 받는 협약이 아닙니다. 최신 차수의 협약을 확인해 주십시오."), "agreement_not_awaiting"
        )
    if party.accepted_at:
        raise Conflict(_("이미 동의했습니다."), "already_accepted")
    now = now or timezone.now()
    before = audit.snapshot(party)
    party.accepted_by, party.accepted_at, party.accepted_ip = actor, now, ip
    party.save(update_fields=["accepted_by", "accepted_at", "accepted_ip"])
    audit.record_update(actor, party, before, reason="agreement accepted")
    if AgreementParty.objects.unrestricted().filter(agreement=agreement, accepted_at__isnull=True).exists():
        return party
    for old in Agreement.objects.unrestricted().filter(
        project=agreement.project, status=AgreementStatus.IN_FORCE
    ):
        old.status = AgreementStatus.SUPERSEDED
        old.save(update_fields=["status"])
        audit.record_transition(None, old, "status", AgreementStatus.IN_FORCE, old.status)
    agreement.status, agreement.in_force_at = AgreementStatus.IN_FORCE, now
    agreement.save(update_fields=["status", "in_force_at"])
    audit.record_transition(None, agreement, "status", AgreementStatus.AWAITING, agreement.status)
    project = _lock(Project, agreement.project)
    if project.status == ProjectStatus.AGREEMENT:
        project.status = ProjectStatus.IN_PROGRESS
        project.save(update_fields=["status"])
        audit.record_transition(None, project, "status", ProjectStatus.AGREEMENT, project.status)
    return party


# --- tranches ------------------------------------------------------------------------------------


@transaction.atomic
def tranche_request(actor, tranche, *, now=None):
    tranche = _lock(Tranche, tranche, "project__call")
    project = tranche.project
    _require_lead(actor, project)
    if tranche.status != TrancheStatus.SCHEDULED:
        raise Conflict(_("이미 요청한 지급 차수입니다."), "tranche_requested")
    if not Agreement.objects.unrestricted().filter(project=project, status=AgreementStatus.IN_FORCE).exists():
        raise Conflict(
            _("모든 당사자가 협약에 동의한 뒤 지급을 요청할 수 있습니다."), "agreement_not_in_force"
        )
    _require_balance_ready(tranche)
    tranche.status, tranche.requested_at = TrancheStatus.REQUESTED, now or timezone.now()
    tranche.save(update_fields=["status", "requested_at"])
    audit.record_transition(actor, tranche, "status", TrancheStatus.SCHEDULED, tranche.status)
    return tranche


def _require_balance_ready(tranche):
    if tranche.kind == TrancheKind.BALANCE and tranche.project.inspection_passed_at is None:
        raise Conflict(
            _("잔금은 최종 점검을 통과한 뒤에만 요청·승인할 수 있습니다."), "inspection_not_passed"
        )


@transaction.atomic
def tranche_approve(actor, tranche, *, now=None):
    tranche = _lock(Tranche, tranche, "project__call")
    _require_staff(actor, tranche.project)
    if tranche.status != TrancheStatus.REQUESTED:
        raise Conflict(_("지급 요청된 차수만 승인할 수 있습니다."), "tranche_not_requested")
    _require_balance_ready(tranche)
    tranche.status, tranche.approved_at = TrancheStatus.APPROVED, now or timezone.now()
    tranche.save(update_fields=["status", "approved_at"])
    audit.record_transition(actor, tranche, "status", TrancheStatus.REQUESTED, tranche.status)
    return tranche


@transaction.atomic
def tranche_mark_paid(actor, tranche, *, paid_on):
    tranche = _lock(Tranche, tranche, "project__call")
    _require_staff(actor, tranche.project)
    if tranche.status != TrancheStatus.APPROVED:
        raise Conflict(_("승인된 차수만 지급 완료로 기록할 수 있습니다."), "tranche_not_approved")
    if paid_on > timezone.localdate():
        raise DomainError(_("지급일은 오늘이나 그 이전이어야 합니다."), "paid_on_future", "paid_on")
    tranche.status, tranche.paid_on = TrancheStatus.PAID, paid_on
    tranche.save(update_fields=["status", "paid_on"])
    audit.record_transition(actor, tranche, "status", TrancheStatus.APPROVED, tranche.status)
    return tranche


# --- milestones ----------------------------------------------------------------------------------


@transaction.atomic
def milestone_save(actor, project, changes, *, milestone=None):
    """The lead plans its milestones and records when each was done; staff may correct them."""
    project = _lock(Project, project, "call")
    p = principal_for(actor)
    if not (p.is_platform_admin or project.lead_id in p.company_ids_with(Role.SME_MEMBER)):
        _require_staff(actor, project)
    if project.status in (ProjectStatus.CLOSED, ProjectStatus.ABANDONED):
        raise Conflict(_("종료된 과제입니다."), "project_closed")
    milestone = milestone or Milestone(project=project)
    before = audit.snapshot(milestone) if milestone.pk else None
    apply_changes(milestone, changes, ("name", "planned_on", "done_on", "order"))
    if not (project.starts_on <= milestone.planned_on <= project.ends_on):
        raise DomainError(
            _("예정일은 수행 기간(%(start)s~%(end)s) 안이어야 합니다.")
            % {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()},
            "planned_outside_period",
            "planned_on",
        )
    if milestone.done_on and milestone.done_on > timezone.localdate():
        raise DomainError(_("완료일은 오늘이나 그 이전이어야 합니다."), "done_in_future", "done_on")
    full_clean(milestone)
    milestone.save()
    if before is None:
        audit.record_create(actor, milestone)
    else:
        audit.record_update(actor, milestone, before)
    return milestone


# --- progress reports and site visits ------------------------------------------------------------

IMAGE_KINDS = frozenset({"png", "jpeg"})


def _checked(uploaded, field, kinds):
    """The upload checked by content (size, extension, kind, scanner) unless a form/serializer
    already checked it for these kinds; a refusal is a DomainError on `field`."""
    from django.core.exceptions import ValidationError

    from organizations.uploads import check_upload

    if uploaded is None:
        return None
    checked = getattr(uploaded, "checked_kinds", None)
    if checked and checked <= kinds and getattr(uploaded, "original_name", None):
        return uploaded  # already checked for kinds this field accepts
    try:
        return check_upload(uploaded, kinds=kinds)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), "bad_file", field) from exc


def _staff_users(project):
    rows = Membership.objects.unrestricted().filter(
        operator_id=project.call.operator_id, role__in=CALL_STAFF_ROLES, is_active=True
    )
    return [m.user for m in rows.select_related("user")]


def _lead_users(project):
    rows = Membership.objects.unrestricted().filter(
        company_id=project.lead_id, role=Role.SME_MEMBER, is_active=True
    )
    return [m.user for m in rows.select_related("user")]


def supplier_company_ids(project):
    """Supplier companies that are parties to the project's latest agreement version: a supplier
    replaced through a change request no longer reports, rates or is rated on the project."""
    latest = Agreement.objects.unrestricted().filter(project=project).order_by("-version").values("pk")[:1]
    return set(
        AgreementParty.objects.unrestricted()
        .filter(agreement__in=latest, role=PartyRole.SUPPLIER)
        .values_list("company_id", flat=True)
    )


def reporter_roles_for(actor, project):
    """The roles in which this user may report on the project ('lead', 'supplier')."""
    p = principal_for(actor)
    roles = []
    if project.lead_id in p.company_ids_with(Role.SME_MEMBER):
        roles.append(ReporterRole.LEAD)
    if supplier_company_ids(project) & set(p.company_ids_with(Role.SUPPLIER_MEMBER)):
        roles.append(ReporterRole.SUPPLIER)
    return roles


def _require_in_period(project, day, field, label):
    if not (project.starts_on <= day <= project.ends_on):
        raise DomainError(
            _("%(label)s은(는) 수행 기간(%(start)s~%(end)s) 안이어야 합니다.")
            % {"label": label, "start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()},
            f"{field}_outside_period",
            field,
        )
    if day > timezone.localdate():
        raise DomainError(
            _("%(label)s은(는) 오늘이나 그 이전이어야 합니다.") % {"label": label}, f"{field}_future", field
        )


@transaction.atomic
def progress_report_submit(
    actor,
    project,
    *,
    reporter_role,
    period_end,
    percent_complete,
    spent,
    work_done,
    issues="",
    evidence=None,
    now=None,
):
    """The lead SME or a supplier party reports progress for the period ending `period_end`."""
    project = _lock(Project, project, "call")
    if reporter_role not in ReporterRole.values:
        raise DomainError(_("보고 주체는 주관 도입기업 또는 공급기업입니다."), "bad_role", "reporter_role")
    if reporter_role not in reporter_roles_for(actor, project):
        if reporter_role == ReporterRole.LEAD:
            raise AccessDenied(_("주관 도입기업 담당자만 주관 도입기업의 진척 보고를 제출할 수 있습니다."))
        raise AccessDenied(_("이 과제 협약의 공급기업 담당자만 공급기업의 진척 보고를 제출할 수 있습니다."))
    if project.status != ProjectStatus.IN_PROGRESS:
        raise Conflict(_("수행 중인 과제만 진척 보고를 제출할 수 있습니다."), "project_not_in_progress")
    _require_in_period(project, period_end, "period_end", _("보고 기간 종료일"))
    if isinstance(percent_complete, bool) or not isinstance(percent_complete, int):
        raise DomainError(
            _("진척률은 0~100 사이의 정수로 입력해 주십시오."), "bad_percent", "percent_complete"
        )
    if not 0 <= percent_complete <= 100:
        raise DomainError(
            _("진척률은 0~100 사이의 정수로 입력해 주십시오."), "bad_percent", "percent_complete"
        )
    if isinstance(spent, bool) or not isinstance(spent, int) or spent < 0:
        raise DomainError(_("누적 집행액은 0원 이상의 정수(원)로 입력해 주십시오."), "bad_spent", "spent")
    if spent > project.total_cost:
        raise DomainError(
            _("누적 집행액은 총 사업비(%(total)s원)를 넘을 수 없습니다.")
            % {"total": f"{project.total_cost:,}"},
            "spent_over_total",
            "spent",
        )
    if not (work_done or "").strip():
        raise DomainError(_("이번 기간에 수행한 내용을 적어 주십시오."), "work_done_required", "work_done")
    earlier = ProgressReport.objects.unrestricted().filter(project=project, reporter_role=reporter_role)
    if earlier.filter(period_end=period_end).exists():
        raise Conflict(
            _("%(date)s로 끝나는 기간의 진척 보고는 이미 제출했습니다.") % {"date": period_end.isoformat()},
            "report_exists",
        )
    previous = earlier.filter(period_end__lt=period_end).order_by("-period_end").first()
    if previous is not None and percent_complete < previous.percent_complete:
        raise DomainError(
            _("진척률은 직전 보고(%(date)s, %(percent)s%%)보다 낮을 수 없습니다.")
            % {"date": previous.period_end.isoformat(), "percent": previous.percent_complete},
            "percent_decreased",
            "percent_complete",
        )
    later = earlier.filter(period_end__gt=period_end).order_by("period_end").first()
    if later is not None and percent_complete > later.percent_complete:
        raise DomainError(
            _("진척률은 다음 보고(%(date)s, %(percent)s%%)보다 높을 수 없습니다.")
            % {"date": later.period_end.isoformat(), "percent": later.percent_complete},
            "percent_above_later",
            "percent_complete",
        )
    evidence = _checked(evidence, "evidence", DOCUMENT_KINDS)
    report = ProgressReport(
        project=project,
        reporter_role=reporter_role,
        period_end=period_end,
        percent_complete=percent_complete,
        spent=spent,
        work_done=work_done.strip(),
        issues=(issues or "").strip(),
        submitted_by=actor,
        submitted_at=now or timezone.now(),
    )
    if evidence is not None:
        report.evidence_name = evidence.original_name[:200]
        report.evidence.save(evidence.name, evidence, save=False)
    full_clean(report)
    report.save()
    audit.record_create(actor, report)
    _notify(
        _staff_users(project),
        gettext_lazy("[SFMS] 진척 보고 제출: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 %(role)s 진척 보고(%(date)s 기준, 진척률 %(percent)s%%)가 제출되었습니다."
        ),
        {
            "title": project.title,
            "role": report.get_reporter_role_display(),
            "date": period_end.isoformat(),
            "percent": percent_complete,
        },
    )
    return report


def visit_operator_for(actor, project):
    """The operator a visit by this user is recorded for: a regional centre covering the project's
    region where the user is centre staff, else the call's operator for its staff; None otherwise."""
    from organizations.models import Operator

    p = principal_for(actor)
    centres = p.operator_ids_with(Role.CENTRE_STAFF)
    if centres:
        centre = (
            Operator.objects.filter(pk__in=centres, regions_covered=project.region_id).order_by("pk").first()
        )
        if centre is not None:
            return centre
    if p.is_platform_admin or project.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES):
        return project.call.operator
    return None


@transaction.atomic
def site_visit_record(actor, project, *, visited_on, findings, follow_up="", follow_up_due=None, photo=None):
    """A regional centre covering the project's region (or the call's staff) records a visit."""
    project = _lock(Project, project, "call__operator")
    operator = visit_operator_for(actor, project)
    if operator is None:
        raise AccessDenied(
            _(
                "과제 소재 지역을 담당하는 지역센터 담당자나 공고를 운영하는 기관의 담당자만 현장 방문을 기록할 수 있습니다."
            )
        )
    if project.status in (ProjectStatus.CLOSED, ProjectStatus.ABANDONED):
        raise Conflict(_("종료된 과제입니다."), "project_closed")
    _require_in_period(project, visited_on, "visited_on", _("방문일"))
    if not (findings or "").strip():
        raise DomainError(_("현장에서 확인한 내용을 적어 주십시오."), "findings_required", "findings")
    follow_up = (follow_up or "").strip()
    if follow_up and follow_up_due is None:
        raise DomainError(
            _("후속 조치를 적었으면 그 기한도 입력해 주십시오."), "follow_up_due_required", "follow_up_due"
        )
    if follow_up_due is not None and not follow_up:
        raise DomainError(
            _("후속 조치 기한에 맞는 후속 조치를 적어 주십시오."), "follow_up_required", "follow_up"
        )
    if follow_up_due is not None and follow_up_due < visited_on:
        raise DomainError(
            _("후속 조치 기한은 방문일과 같거나 그 뒤여야 합니다."),
            "follow_up_due_before_visit",
            "follow_up_due",
        )
    photo = _checked(photo, "photo", IMAGE_KINDS)
    visit = SiteVisit(
        project=project,
        operator=operator,
        visited_on=visited_on,
        findings=findings.strip(),
        follow_up=follow_up,
        follow_up_due=follow_up_due,
        recorded_by=actor,
    )
    if photo is not None:
        visit.photo_name = photo.original_name[:200]
        visit.photo.save(photo.name, photo, save=False)
    full_clean(visit)
    visit.save()
    audit.record_create(actor, visit)
    _notify(
        _lead_users(project),
        gettext_lazy("[SFMS] 현장 방문 결과: %(title)s"),
        gettext_lazy(
            "%(operator)s이(가) %(date)s에 '%(title)s' 과제 현장을 방문했습니다. SFMS에서 확인 내용과 후속 조치를 확인해 주십시오."
        ),
        {"title": project.title, "operator": operator.name_ko, "date": visited_on.isoformat()},
    )
    return visit
