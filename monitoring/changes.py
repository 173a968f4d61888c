"""Change requests (issue 7, point 2): the lead SME asks to change a project in progress, and the
kind decides the path (monitoring.rules.change_path):

- a supplier change, a factory address change, an extension over one month, or any other change
  waits for the call's operator staff, who approve (the change is applied) or reject it with a
  reason; the lead may withdraw it while it waits;
- a new CEO, a new bank account or an extension of at most one month is recorded by the lead and
  applied at once.

Applying a change: an extension moves Project.ends_on; a supplier change replaces that supplier
party in the agreement; address, CEO and bank account are written into the agreement terms
(`lead_details`). Then a new agreement version is issued through services.agreement_issue with a
reason naming the request: after an approval every party accepts the new version again (the old
one stays in force until then); a company's own record comes into force at once, unless another
version is still awaiting acceptance (see agreement_issue). Each operation is one transaction with
a permission check, row locks, an audit record and a notification to the other side."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations import audit
from organizations.access import principal_for
from organizations.edits import full_clean
from organizations.errors import Conflict, DomainError
from organizations.models_roles import Role
from organizations.uploads import DOCUMENT_KINDS

from . import rules
from .models import ChangeKind, ChangePath, ChangeRequest, ChangeStatus, PartyRole, Project, ProjectStatus
from .services import (
    _checked,
    _lead_users,
    _lock,
    _notify,
    _require_lead,
    _require_staff,
    _staff_users,
    agreement_issue,
    agreement_terms,
)

APPLIED = (ChangeStatus.APPROVED, ChangeStatus.RECORDED)


# --- what the agreement says after the applied changes ---------------------------------------------


def amend_terms(project, terms):
    """`terms` (built from the frozen submission) with every applied change request folded in, in
    the order they were decided. Called by services.agreement_terms."""
    applied = list(
        ChangeRequest.objects.unrestricted()
        .filter(project_id=project.pk, status__in=APPLIED)
        .order_by("decided_at", "pk")
    )
    if not applied:
        return terms
    details, amendments = dict(terms.get("lead_details") or {}), []
    for change in applied:
        values = change.values
        if change.kind == ChangeKind.SUPPLIER:
            terms["parties"] = [
                {"role": PartyRole.SUPPLIER, "name": values["name"], "company_id": values["company_id"]}
                if p["role"] == PartyRole.SUPPLIER and p.get("company_id") == values["replaces"]
                else p
                for p in terms["parties"]
            ]
        elif change.kind == ChangeKind.ADDRESS:
            details["factory_address"] = {
                k: values.get(k, "") for k in ("postcode", "address", "address_detail")
            }
        elif change.kind == ChangeKind.CEO:
            details["ceo_name"] = values["ceo_name"]
        elif change.kind == ChangeKind.BANK:
            details["bank_account"] = {
                k: values[k] for k in ("bank_name", "account_number", "account_holder")
            }
        amendments.append(
            {
                "change_request": change.pk,
                "kind": change.kind,
                "summary": str(rules.change_summary(change.kind, values)),
                "decided_on": timezone.localtime(change.decided_at).date().isoformat(),
            }
        )
    if details:
        terms["lead_details"] = details
    terms["amendments"] = amendments
    return terms


def current_suppliers(project):
    """[(company_id, name)] of the supplier parties the agreement names now."""
    return [
        (p["company_id"], p["name"])
        for p in agreement_terms(project)["parties"]
        if p["role"] == PartyRole.SUPPLIER
    ]


def _previous(project, kind):
    """What the change replaces, kept on the request so the decision shows before and after."""
    if kind == ChangeKind.EXTENSION:
        return {"ends_on": project.ends_on.isoformat()}
    if kind in (ChangeKind.ADDRESS, ChangeKind.CEO, ChangeKind.BANK):
        details = agreement_terms(project).get("lead_details") or {}
        lead = project.lead
        if kind == ChangeKind.ADDRESS:
            return details.get("factory_address") or {
                "postcode": lead.postcode,
                "address": lead.address,
                "address_detail": lead.address_detail,
            }
        if kind == ChangeKind.CEO:
            return {"ceo_name": details.get("ceo_name") or lead.representative}
        return details.get("bank_account") or {}
    return {}


def _resolve_supplier(project, values):
    """The supplier values completed from the database: a registered SupplierProfile that is not
    already a party, replacing one of the agreement's supplier parties."""
    from suppliers.models import SupplierProfile

    profile = (
        SupplierProfile.objects.unrestricted().select_related("company").filter(pk=values["supplier"]).first()
    )
    if profile is None or profile.status != "registered":
        raise DomainError(
            _("새 공급기업은 SFMS에 등록(승인)된 공급기업이어야 합니다."),
            "supplier_not_registered",
            "supplier",
        )
    from sanctions.selectors import restricted_company_ids

    if restricted_company_ids(timezone.localdate()).filter(company_id=profile.company_id).exists():
        raise DomainError(
            _("%(name)s은(는) 사업 참여 제한 기간 중이어서 새 공급기업으로 정할 수 없습니다.")
            % {"name": profile.company.name},
            "supplier_restricted",
            "supplier",
        )
    suppliers = current_suppliers(project)
    if profile.company_id in {c for c, _name in suppliers}:
        raise DomainError(
            _("%(name)s은(는) 이미 이 협약의 공급기업입니다.") % {"name": profile.company.name},
            "supplier_already_party",
            "supplier",
        )
    replaces = values.get("replaces")
    if replaces is None:
        if len(suppliers) != 1:
            raise DomainError(_("교체할 공급기업을 고르십시오."), "replaces_required", "replaces")
        replaces = suppliers[0][0]
    replaced = next((name for c, name in suppliers if c == replaces), None)
    if replaced is None:
        raise DomainError(
            _("교체할 공급기업은 지금 협약의 공급기업이어야 합니다."), "replaces_not_party", "replaces"
        )
    return {
        "supplier": profile.pk,
        "company_id": profile.company_id,
        "name": profile.company.name,
        "replaces": replaces,
        "replaces_name": replaced,
    }


def _require_in_progress(project):
    if project.status != ProjectStatus.IN_PROGRESS:
        raise Conflict(
            _("수행 중인 과제(협약이 효력을 가진 뒤, 최종 점검 전)만 변경할 수 있습니다."),
            "project_not_in_progress",
        )


def _title(change):
    return _("변경 신청 #%(number)s %(kind)s: %(summary)s") % {
        "number": change.pk,
        "kind": change.get_kind_display(),
        "summary": rules.change_summary(change.kind, change.values),
    }


def _apply(actor, change, project, now):
    """The change takes effect on the project and a new agreement version carries it."""
    if change.kind == ChangeKind.EXTENSION:
        before = audit.snapshot(project)
        project.ends_on = date.fromisoformat(change.values["ends_on"])
        full_clean(project)
        project.save(update_fields=["ends_on"])
        audit.record_update(actor, project, before, reason=_title(change))
    reason = f"{_title(change)}\n{change.reason}"
    if change.decision_reason:
        reason += "\n" + _("처리 의견: %(reason)s") % {"reason": change.decision_reason}
    change.agreement = agreement_issue(actor, project, reason=reason, now=now, change=change)
    change.save(update_fields=["agreement"])
    return change


# --- operations ------------------------------------------------------------------------------------


@transaction.atomic
def change_request_submit(actor, project, *, kind, values, reason, evidence=None, now=None):
    """The lead SME files a change. Company-path kinds are recorded and applied at once; the others
    wait for the call's staff. Returns the request."""
    project = _lock(Project, project, "call__operator", "submission", "lead")
    _require_lead(actor, project)
    _require_in_progress(project)
    if kind not in ChangeKind.values:
        raise DomainError(_("변경 유형을 고르십시오."), "bad_kind", "kind")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("변경이 필요한 사유를 적어 주십시오."), "reason_required", "reason")
    if len(reason) > 2000:
        raise DomainError(_("변경 사유는 2,000자 이내로 적어 주십시오."), "reason_too_long", "reason")
    cleaned = rules.clean_change_values(kind, values, current_end=project.ends_on)
    if kind == ChangeKind.SUPPLIER:
        cleaned = _resolve_supplier(project, cleaned)
    new_end = None
    if kind == ChangeKind.EXTENSION:
        new_end = date.fromisoformat(cleaned["ends_on"])
    path = rules.change_path(kind, current_end=project.ends_on, new_end=new_end)
    waiting = ChangeRequest.objects.unrestricted().filter(
        project=project, kind=kind, status=ChangeStatus.SUBMITTED
    )
    if waiting.exists():
        raise Conflict(
            _(
                "승인을 기다리는 같은 종류의 변경 신청(%(kind)s)이 있습니다. 그 신청이 처리되거나 철회한 뒤 다시 신청해 주십시오."
            )
            % {"kind": ChangeKind(kind).label},
            "change_waiting",
        )
    evidence = _checked(evidence, "evidence", DOCUMENT_KINDS)
    now = now or timezone.now()
    company = path == ChangePath.COMPANY
    change = ChangeRequest(
        project=project,
        kind=kind,
        path=path,
        status=ChangeStatus.RECORDED if company else ChangeStatus.SUBMITTED,
        values=cleaned,
        previous=_previous(project, kind),
        reason=reason,
        requested_by=actor,
        requested_at=now,
        decided_by=actor if company else None,
        decided_at=now if company else None,
    )
    if evidence is not None:
        change.evidence_name = evidence.original_name[:200]
        change.evidence.save(evidence.name, evidence, save=False)
    full_clean(change)
    change.save()
    audit.record_create(actor, change)
    params = {"title": project.title, "change": _title(change)}
    if company:
        _apply(actor, change, project, now)
        _notify(
            _staff_users(project),
            gettext_lazy("[SFMS] 협약 변경 기록: %(title)s"),
            gettext_lazy(
                "'%(title)s' 과제의 주관 도입기업이 변경을 기록했고 바로 반영되었습니다. %(change)s"
            ),
            params,
        )
    else:
        _notify(
            _staff_users(project),
            gettext_lazy("[SFMS] 변경 승인 요청: %(title)s"),
            gettext_lazy(
                "'%(title)s' 과제의 주관 도입기업이 변경 승인을 요청했습니다. SFMS에서 검토해 주십시오. %(change)s"
            ),
            params,
        )
    return change


def _locked(change):
    change = _lock(ChangeRequest, change)
    project = _lock(Project, change.project, "call__operator", "submission", "lead")
    return change, project


def _require_submitted(change, verb):
    if change.status != ChangeStatus.SUBMITTED:
        raise Conflict(
            _("승인을 기다리는 변경 신청만 %(verb)s할 수 있습니다. 지금 상태: %(status)s")
            % {"verb": verb, "status": change.get_status_display()},
            "change_not_submitted",
        )


def _recheck(project, change):
    """The request checked again against the project as it is now (another change may have moved
    the end date or replaced the supplier since it was filed)."""
    if change.kind == ChangeKind.EXTENSION:
        new_end = date.fromisoformat(change.values["ends_on"])
        if new_end <= project.ends_on:
            raise Conflict(
                _(
                    "새 수행 종료일(%(new)s)이 지금 종료일(%(end)s)보다 뒤가 아닙니다. 반려하고 다시 신청받아 주십시오."
                )
                % {"new": new_end.isoformat(), "end": project.ends_on.isoformat()},
                "ends_on_not_later",
            )
    if change.kind == ChangeKind.SUPPLIER:
        try:
            _resolve_supplier(
                project, {"supplier": change.values["supplier"], "replaces": change.values["replaces"]}
            )
        except DomainError as exc:
            raise Conflict(exc.message, exc.code) from exc


@transaction.atomic
def change_request_approve(actor, change, *, reason="", now=None):
    """Staff of the call approve: the change is applied and a new agreement version is issued for
    every party to accept."""
    change, project = _locked(change)
    _require_staff(actor, project)
    _require_submitted(change, _("승인"))
    _require_in_progress(project)
    _recheck(project, change)
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise DomainError(_("처리 의견은 2,000자 이내로 적어 주십시오."), "reason_too_long", "reason")
    now = now or timezone.now()
    change.status, change.decided_by, change.decided_at = ChangeStatus.APPROVED, actor, now
    change.decision_reason = reason
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit.record_transition(actor, change, "status", ChangeStatus.SUBMITTED, change.status, reason=reason)
    _apply(actor, change, project, now)
    _notify(
        _lead_users(project),
        gettext_lazy("[SFMS] 변경 승인: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 변경 신청이 승인되어 %(version)s차 협약서가 발급되었습니다. 모든 당사자가 다시 동의하면 효력이 생깁니다. %(change)s"
        ),
        {"title": project.title, "change": _title(change), "version": change.agreement.version},
    )
    return change


@transaction.atomic
def change_request_reject(actor, change, *, reason, now=None):
    """Staff of the call reject, with the reason the lead sees. Nothing else changes."""
    change, project = _locked(change)
    _require_staff(actor, project)
    _require_submitted(change, _("반려"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("반려 사유를 적어 주십시오."), "reason_required", "reason")
    if len(reason) > 2000:
        raise DomainError(_("반려 사유는 2,000자 이내로 적어 주십시오."), "reason_too_long", "reason")
    change.status, change.decided_by, change.decided_at = ChangeStatus.REJECTED, actor, now or timezone.now()
    change.decision_reason = reason
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit.record_transition(actor, change, "status", ChangeStatus.SUBMITTED, change.status, reason=reason)
    _notify(
        _lead_users(project),
        gettext_lazy("[SFMS] 변경 반려: %(title)s"),
        gettext_lazy("'%(title)s' 과제의 변경 신청이 반려되었습니다. %(change)s 반려 사유: %(reason)s"),
        {"title": project.title, "change": _title(change), "reason": reason},
    )
    return change


@transaction.atomic
def change_request_withdraw(actor, change, *, now=None):
    """The lead withdraws a request still waiting for approval."""
    change, project = _locked(change)
    _require_lead(actor, project)
    _require_submitted(change, _("철회"))
    change.status, change.decided_by, change.decided_at = ChangeStatus.WITHDRAWN, actor, now or timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record_transition(actor, change, "status", ChangeStatus.SUBMITTED, change.status)
    _notify(
        _staff_users(project),
        gettext_lazy("[SFMS] 변경 신청 철회: %(title)s"),
        gettext_lazy("'%(title)s' 과제의 주관 도입기업이 변경 신청을 철회했습니다. %(change)s"),
        {"title": project.title, "change": _title(change)},
    )
    return change


def may_decide(user, project):
    """True for the call's staff (who approve and reject)."""
    from .querysets import CALL_STAFF_ROLES

    p = principal_for(user)
    return p.is_platform_admin or project.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)


def may_request(user, project):
    """True for the lead SME's members (who file, record and withdraw)."""
    p = principal_for(user)
    return p.is_platform_admin or project.lead_id in p.company_ids_with(Role.SME_MEMBER)
