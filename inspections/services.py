"""Business operations of interim checks and final inspections. Each is one transaction:
permission check, row lock (the project first, then the inspection, then its parts), change, audit,
notifications queued on commit. Refusals are DomainError/Conflict/AccessDenied with Korean words
and change nothing."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.models import Project, ProjectStatus
from monitoring.querysets import CALL_STAFF_ROLES
from monitoring.services import (
    _checked,
    _lead_users,
    _lock,
    _notify,
    _require_lead,
    _require_staff,
    _staff_users,
    supplier_company_ids,
    visit_operator_for,
)
from organizations import audit
from organizations.edits import full_clean
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Membership, User
from organizations.models_roles import Role
from organizations.uploads import DOCUMENT_KINDS

from . import rules
from .models import (
    ActionStatus,
    ChecklistItem,
    ChecklistKey,
    CorrectiveAction,
    FinalInspection,
    InspectionResult,
    InspectionStatus,
    InspectorKind,
    InterimCheck,
    Progress,
)

CLOSED = (ProjectStatus.CLOSED, ProjectStatus.ABANDONED)
TEXT_LIMIT = 4000


def _text(value, code, field, message):
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code, field)
    if len(value) > TEXT_LIMIT:
        raise DomainError(_("4,000자 이내로 적어 주십시오."), f"{field}_too_long", field)
    return value


def _unique(users):
    return list({u.pk: u for u in users}.values())


def _people(project, inspection=None):
    """The lead's and the call staff's users (and the inspector), each once."""
    extra = [inspection.inspector] if inspection is not None else []
    return _unique([*_lead_users(project), *_staff_users(project), *extra])


# --- interim check -------------------------------------------------------------------------------


def _clean_actions(actions, *, after, field="actions"):
    """[(text, due_on)] → [{"text", "due_on"}], each with a text and a due date on or after `after`."""
    cleaned = []
    for text, due_on in actions or ():
        text = (text or "").strip()
        if not text and due_on is None:
            continue
        if not text:
            raise DomainError(_("기한을 적은 조치의 내용을 적어 주십시오."), "action_text_required", field)
        if due_on is None:
            raise DomainError(
                _("조치 '%(text)s'의 기한을 입력해 주십시오.") % {"text": text[:40]},
                "action_due_required",
                field,
            )
        if due_on < after:
            raise DomainError(
                _("조치 기한은 %(date)s과 같거나 그 뒤여야 합니다.") % {"date": after.isoformat()},
                "action_due_early",
                field,
            )
        cleaned.append({"text": text[:TEXT_LIMIT], "due_on": due_on.isoformat()})
    return cleaned


@transaction.atomic
def interim_check_record(actor, project, *, checked_on, findings, progress, actions=(), now=None):
    """A regional centre covering the project's region (or the call's staff) records the mid-term
    check: inside the period, not in the future, inside the mid-term window."""
    project = _lock(Project, project, "call__operator")
    operator = visit_operator_for(actor, project)
    if operator is None:
        raise AccessDenied(
            _(
                "과제 소재 지역을 담당하는 지역센터 담당자나 공고를 운영하는 기관의 담당자만 중간 점검을 기록할 수 있습니다."
            )
        )
    if project.status != ProjectStatus.IN_PROGRESS:
        raise Conflict(_("수행 중인 과제만 중간 점검을 기록할 수 있습니다."), "project_not_in_progress")
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not (project.starts_on <= checked_on <= project.ends_on):
        raise DomainError(
            _("점검일은 수행 기간(%(start)s~%(end)s) 안이어야 합니다.")
            % {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()},
            "checked_on_outside_period",
            "checked_on",
        )
    if checked_on > today:
        raise DomainError(_("점검일은 오늘이나 그 이전이어야 합니다."), "checked_on_future", "checked_on")
    first, last = rules.midterm_window(project.starts_on, project.ends_on)
    if not rules.in_midterm_window(project.starts_on, project.ends_on, checked_on):
        raise DomainError(
            _(
                "중간 점검은 수행 기간의 30~70%% 시점(%(first)s~%(last)s)에 합니다. 그 밖의 점검은 현장 방문으로 기록해 주십시오."
            )
            % {"first": first.isoformat(), "last": last.isoformat()},
            "outside_midterm",
            "checked_on",
        )
    findings = _text(findings, "findings_required", "findings", _("점검에서 확인한 내용을 적어 주십시오."))
    if progress not in Progress.values:
        raise DomainError(
            _("진행 판단을 정상 진행·지연·위험 가운데에서 고르십시오."), "bad_progress", "progress"
        )
    cleaned = _clean_actions(actions, after=checked_on)
    if progress != Progress.ON_TRACK and not cleaned:
        raise DomainError(
            _("지연이나 위험으로 판단했으면 후속 조치와 기한을 적어 주십시오."), "actions_required", "actions"
        )
    check = InterimCheck(
        project=project,
        operator=operator,
        checked_on=checked_on,
        findings=findings,
        progress=progress,
        actions=cleaned,
        recorded_by=actor,
        recorded_at=now,
    )
    full_clean(check)
    check.save()
    audit.record_create(actor, check)
    _notify(
        _people(project),
        gettext_lazy("[SFMS] 중간 점검 결과: %(title)s"),
        gettext_lazy(
            "%(operator)s이(가) %(date)s에 '%(title)s' 과제를 중간 점검했습니다(%(progress)s). SFMS에서 점검 내용과 후속 조치를 확인해 주십시오."
        ),
        {
            "title": project.title,
            "operator": operator.name_ko,
            "date": checked_on.isoformat(),
            "progress": check.get_progress_display(),
        },
    )
    return check


# --- appointing the inspector --------------------------------------------------------------------


def conflict_company_ids(project):
    """The lead company and the supplier parties: no one affiliated with them may inspect."""
    return {project.lead_id, *supplier_company_ids(project)}


def inspector_candidates(project):
    """[(user, kind, evaluator or None)]: the call operator's active evaluator pool, then the call's
    staff and the staff of regional centres covering the project's region. Affiliations are not
    filtered here: the service refuses a conflicted choice and says why."""
    from evaluations.models import Evaluator

    seen, rows = set(), []
    evaluators = (
        Evaluator.objects.filter(operator_id=project.call.operator_id, is_active=True)
        .select_related("user")
        .order_by("name", "pk")
    )
    for ev in evaluators:
        if ev.user_id not in seen:
            seen.add(ev.user_id)
            rows.append((ev.user, InspectorKind.EVALUATOR, ev))
    staff = (
        Membership.objects.unrestricted()
        .filter(is_active=True)
        .filter(
            Q(operator_id=project.call.operator_id, role__in=CALL_STAFF_ROLES)
            | Q(role=Role.CENTRE_STAFF, operator__regions_covered=project.region_id)
        )
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    for m in staff:
        if m.user_id not in seen:
            seen.add(m.user_id)
            rows.append((m.user, InspectorKind.STAFF, None))
    return rows


def _conflict_reason(project, user, evaluator):
    from organizations.models import Company

    conflicts = conflict_company_ids(project)
    company_id = None
    if evaluator is not None and evaluator.affiliation_company_id in conflicts:
        company_id = evaluator.affiliation_company_id
    else:
        company_id = (
            Membership.objects.unrestricted()
            .filter(user=user, is_active=True, company_id__in=conflicts)
            .values_list("company_id", flat=True)
            .first()
        )
    if company_id is None:
        return None
    company = Company.objects.get(pk=company_id)
    side = _("주관 도입기업") if company_id == project.lead_id else _("공급기업")
    return _(
        "%(name)s 님은 이 과제의 %(side)s인 %(company)s 소속이라 감리 점검자로 지정할 수 없습니다. 이해관계가 없는 사람을 지정해 주십시오."
    ) % {"name": user.full_name, "side": side, "company": company.name}


@transaction.atomic
def inspection_appoint(actor, project, *, inspector, now=None):
    """The call's staff appoint the supervising inspector; the project moves to 'inspection' and
    the checklist is laid out."""
    project = _lock(Project, project, "call__operator")
    _require_staff(actor, project)
    if project.status != ProjectStatus.IN_PROGRESS:
        raise Conflict(
            _("수행 중인 과제에만 최종 점검자를 지정할 수 있습니다. 지금 상태: %(status)s")
            % {"status": project.get_status_display()},
            "project_not_in_progress",
        )
    if (
        FinalInspection.objects.unrestricted()
        .filter(project=project)
        .exclude(status=InspectionStatus.FAILED)
        .exists()
    ):
        raise Conflict(_("이 과제에는 이미 최종 점검자가 지정되어 있습니다."), "inspection_exists")
    if not isinstance(inspector, User) or not inspector.is_active:
        raise DomainError(_("감리 점검자를 고르십시오."), "inspector_required", "inspector")
    match = next((c for c in inspector_candidates(project) if c[0].pk == inspector.pk), None)
    if match is None:
        raise DomainError(
            _(
                "감리 점검자는 운영기관 평가위원 풀의 전문가나 공고 운영기관·관할 지역센터의 담당자 가운데에서 지정합니다."
            ),
            "not_a_candidate",
            "inspector",
        )
    _user, kind, evaluator = match
    reason = _conflict_reason(project, inspector, evaluator)
    if reason:
        raise DomainError(reason, "inspector_conflict", "inspector")
    now = now or timezone.now()
    inspection = FinalInspection(
        project=project,
        inspector=inspector,
        inspector_kind=kind,
        evaluator=evaluator,
        inspector_name=(evaluator.name if evaluator else inspector.full_name)[:80],
        appointed_by=actor,
        appointed_at=now,
    )
    full_clean(inspection)
    inspection.save()
    audit.record_create(actor, inspection)
    for key in ChecklistKey.values:
        item = ChecklistItem.objects.create(project=project, inspection=inspection, key=key)
        audit.record_create(actor, item)
    before = project.status
    project.status = ProjectStatus.INSPECTION
    project.save(update_fields=["status"])
    audit.record_transition(actor, project, "status", before, project.status, reason=_("최종 점검자 지정"))
    _notify(
        _people(project, inspection),
        gettext_lazy("[SFMS] 최종 점검자 지정: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 최종 점검 감리 점검자로 %(name)s 님이 지정되었습니다. 점검자는 SFMS의 '내 점검'에서 점검표와 결과를 기록합니다."
        ),
        {"title": project.title, "name": inspection.inspector_name},
    )
    return inspection


# --- checklist and result ------------------------------------------------------------------------


def _require_inspector(actor, inspection):
    if actor.pk != inspection.inspector_id:
        raise AccessDenied(_("이 최종 점검에 지정된 감리 점검자만 할 수 있습니다."))


@transaction.atomic
def checklist_item_save(actor, item, *, checked, note="", evidence=None, now=None):
    """The inspector checks one item (or not), with a note and an evidence file checked by content."""
    item = _lock(ChecklistItem, item)
    inspection = FinalInspection.objects.unrestricted().select_related("project").get(pk=item.inspection_id)
    _require_inspector(actor, inspection)
    if inspection.status != InspectionStatus.APPOINTED:
        raise Conflict(_("결과를 기록한 점검의 점검표는 바꿀 수 없습니다."), "inspection_decided")
    note = (note or "").strip()
    if len(note) > TEXT_LIMIT:
        raise DomainError(_("점검 의견은 4,000자 이내로 적어 주십시오."), "note_too_long", "note")
    if not checked and not note:
        raise DomainError(
            _("확인하지 못한 항목은 그 이유를 점검 의견에 적어 주십시오."), "note_required", "note"
        )
    evidence = _checked(evidence, "evidence", DOCUMENT_KINDS)
    before = audit.snapshot(item)
    item.checked, item.note = bool(checked), note
    item.checked_by, item.checked_at = actor, now or timezone.now()
    if evidence is not None:
        item.evidence_name = evidence.original_name[:200]
        item.evidence.save(evidence.name, evidence, save=False)
    full_clean(item)
    item.save()
    audit.record_update(actor, item, before)
    return item


def _supplier_profile(project):
    from suppliers.models import SupplierProfile

    return SupplierProfile.objects.filter(company_id__in=supplier_company_ids(project)).order_by("pk").first()


def _record_supplier_rating(actor, project, inspection, score, comment):
    """The inspector's rating of the supplier, as suppliers.SupplierReview(source='inspection') —
    once per project: a re-inspection after a fail updates it."""
    from suppliers.models import SupplierReview

    profile = _supplier_profile(project)
    if profile is None:
        return None
    reference = project.submission.receipt_number
    review = (
        SupplierReview.objects.unrestricted()
        .select_for_update()
        .filter(profile=profile, source=SupplierReview.Source.INSPECTION, project_reference=reference)
        .first()
    )
    if review is None:
        review = SupplierReview(
            profile=profile,
            source=SupplierReview.Source.INSPECTION,
            project_reference=reference,
            score=score,
            comment=comment,
        )
        full_clean(review)
        review.save()
        audit.record_create(actor, review, reason=_("최종 점검 결과와 함께 기록"))
    else:
        before = audit.snapshot(review)
        review.score, review.comment = score, comment
        full_clean(review)
        review.save()
        audit.record_update(actor, review, before, reason=_("재점검 결과로 갱신"))
    return review


def _mark_passed(actor, project, inspection, now, reason):
    """The inspection passes: the project records when (the balance tranche waits for it)."""
    before = inspection.status
    inspection.status, inspection.passed_at = InspectionStatus.PASSED, now
    inspection.save(update_fields=["status", "passed_at"])
    audit.record_transition(actor, inspection, "status", before, inspection.status, reason=reason)
    project.inspection_passed_at = now
    project.save(update_fields=["inspection_passed_at"])
    audit.record_transition(
        actor, project, "inspection_passed_at", None, now.isoformat(), reason=_("최종 점검 통과")
    )


RESULT_MESSAGES = {
    "unchecked_items": gettext_lazy("통과로 기록하려면 점검표의 모든 항목을 확인해야 합니다."),
    "actions_with_pass": gettext_lazy("시정 조치가 필요하면 '조건부 통과'를 고르십시오."),
    "actions_required": gettext_lazy("조건부 통과에는 시정 조치를 하나 이상, 기한과 함께 적어 주십시오."),
    "action_text_required": gettext_lazy("기한을 적은 시정 조치의 내용을 적어 주십시오."),
    "action_due_required": gettext_lazy("시정 조치마다 기한을 입력해 주십시오."),
    "action_due_past": gettext_lazy("시정 조치 기한은 오늘 이후여야 합니다."),
    "fail_reason_required": gettext_lazy("불합격 사유를 적어 주십시오."),
    "bad_result": gettext_lazy("점검 결과를 통과·조건부 통과·불합격 가운데에서 고르십시오."),
}
RESULT_FIELDS = {
    "unchecked_items": "result",
    "actions_with_pass": "result",
    "actions_required": "actions",
    "action_text_required": "actions",
    "action_due_required": "actions",
    "action_due_past": "actions",
    "fail_reason_required": "note",
    "bad_result": "result",
}


@transaction.atomic
def inspection_result_record(
    actor, inspection, *, result, note="", actions=(), supplier_score=None, supplier_comment="", now=None
):
    """The inspector records the result with the supplier rating. A pass sets the project's
    inspection_passed_at; a conditional pass opens corrective actions; a fail returns the project
    to 'in progress' so staff may appoint a re-inspection."""
    inspection = FinalInspection.objects.unrestricted().get(pk=inspection.pk)
    project = _lock(Project, inspection.project, "call__operator", "submission")
    inspection = _lock(FinalInspection, inspection, "inspector")
    _require_inspector(actor, inspection)
    if inspection.status != InspectionStatus.APPOINTED:
        raise Conflict(_("이 점검의 결과는 이미 기록했습니다."), "inspection_decided")
    now = now or timezone.now()
    today = timezone.localdate(now)
    actions = [((t or "").strip(), d) for t, d in (actions or ()) if (t or "").strip() or d is not None]
    items = list(ChecklistItem.objects.unrestricted().filter(inspection=inspection))
    problems = rules.result_problems(
        result, all_checked=all(i.checked for i in items), actions=actions, note=note, today=today
    )
    if problems:
        code = problems[0]
        raise DomainError(RESULT_MESSAGES[code], code, RESULT_FIELDS[code])
    note = (note or "").strip()
    if len(note) > TEXT_LIMIT:
        raise DomainError(_("결과 의견은 4,000자 이내로 적어 주십시오."), "note_too_long", "note")
    profile = _supplier_profile(project)
    if profile is not None:
        if (
            isinstance(supplier_score, bool)
            or not isinstance(supplier_score, int)
            or not 1 <= supplier_score <= 5
        ):
            raise DomainError(
                _("공급기업 평점을 1~5 가운데에서 고르십시오."), "supplier_score_required", "supplier_score"
            )
    else:
        supplier_score = None
    supplier_comment = (supplier_comment or "").strip()[:TEXT_LIMIT]
    before = audit.snapshot(inspection)
    to = rules.status_after_result(inspection.status, result)
    inspection.result, inspection.result_note, inspection.result_at = result, note, now
    inspection.supplier_score, inspection.supplier_comment = supplier_score, supplier_comment
    inspection.save()
    audit.record_update(actor, inspection, before)
    if supplier_score is not None:
        _record_supplier_rating(actor, project, inspection, supplier_score, supplier_comment)
    if to == InspectionStatus.PASSED:
        _mark_passed(actor, project, inspection, now, _("통과"))
    else:
        inspection.status = to
        inspection.save(update_fields=["status"])
        audit.record_transition(actor, inspection, "status", InspectionStatus.APPOINTED, to)
    if to == InspectionStatus.CONDITIONAL:
        for text, due_on in actions:
            action = CorrectiveAction.objects.create(
                project=project, inspection=inspection, description=text[:TEXT_LIMIT], due_on=due_on
            )
            audit.record_create(actor, action)
    if to == InspectionStatus.FAILED:
        project.status = ProjectStatus.IN_PROGRESS
        project.save(update_fields=["status"])
        audit.record_transition(
            actor, project, "status", ProjectStatus.INSPECTION, project.status, reason=_("최종 점검 불합격")
        )
    _notify(
        _people(project, inspection),
        gettext_lazy("[SFMS] 최종 점검 결과: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 최종 점검 결과는 '%(result)s'입니다. SFMS에서 내용을 확인해 주십시오."
        ),
        {"title": project.title, "result": InspectionResult(result).label},
    )
    return inspection


# --- corrective actions --------------------------------------------------------------------------


def _action_context(action):
    action = CorrectiveAction.objects.unrestricted().get(pk=action.pk)
    project = _lock(Project, action.project, "call__operator")
    inspection = _lock(FinalInspection, action.inspection, "inspector")
    return project, inspection, _lock(CorrectiveAction, action)


def _step(action, operation, message):
    to = rules.action_step(action.status, operation)
    if to is None:
        raise Conflict(message, "action_state")
    return to


def _transition(actor, action, to, fields, reason=""):
    before = action.status
    action.status = to
    full_clean(action)
    action.save(update_fields=["status", *fields])
    if before != to:
        audit.record_transition(actor, action, "status", before, to, reason=reason)


@transaction.atomic
def action_plan(actor, action, *, plan, now=None):
    """The lead company writes (or rewrites) its plan for a corrective action."""
    project, inspection, action = _action_context(action)
    _require_lead(actor, project)
    to = _step(action, "plan", _("결과를 보고했거나 확인이 끝난 조치의 계획은 바꿀 수 없습니다."))
    plan = _text(plan, "plan_required", "plan", _("조치 계획을 적어 주십시오."))
    before = audit.snapshot(action)
    action.plan, action.planned_at = plan, now or timezone.now()
    _transition(actor, action, to, ["plan", "planned_at"])
    audit.record_update(actor, action, before)
    _notify(
        _unique([inspection.inspector, *_staff_users(project)]),
        gettext_lazy("[SFMS] 시정 조치 계획 제출: %(title)s"),
        gettext_lazy("'%(title)s' 과제의 시정 조치 계획이 제출되었습니다: %(text)s"),
        {"title": project.title, "text": action.description[:80]},
    )
    return action


@transaction.atomic
def action_report(actor, action, *, result, now=None):
    """The lead company reports what it did; the inspector then confirms or returns it."""
    project, inspection, action = _action_context(action)
    _require_lead(actor, project)
    if action.status == ActionStatus.OPEN:
        raise Conflict(_("조치 계획을 먼저 제출해 주십시오."), "action_not_planned")
    to = _step(action, "report", _("이미 결과를 보고했거나 확인이 끝난 조치입니다."))
    result = _text(result, "result_required", "result", _("조치 결과를 적어 주십시오."))
    action.result, action.reported_at = result, now or timezone.now()
    _transition(actor, action, to, ["result", "reported_at"])
    _notify(
        _unique([inspection.inspector, *_staff_users(project)]),
        gettext_lazy("[SFMS] 시정 조치 결과 보고: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 시정 조치 결과가 보고되었습니다. 확인하거나 보완을 요청해 주십시오: %(text)s"
        ),
        {"title": project.title, "text": action.description[:80]},
    )
    return action


@transaction.atomic
def action_review(actor, action, *, confirm, note="", now=None):
    """The inspector confirms a reported action or returns it with a note. When every action of a
    conditional pass is confirmed, the inspection becomes a pass."""
    project, inspection, action = _action_context(action)
    _require_inspector(actor, inspection)
    to = _step(
        action, "confirm" if confirm else "return", _("결과가 보고된 조치만 확인하거나 돌려보낼 수 있습니다.")
    )
    note = (note or "").strip()
    if not confirm and not note:
        raise DomainError(_("보완할 내용을 점검자 의견에 적어 주십시오."), "note_required", "note")
    now = now or timezone.now()
    action.review_note = note[:TEXT_LIMIT]
    action.confirmed_at = now if confirm else None
    _transition(actor, action, to, ["review_note", "confirmed_at"], reason=note)
    statuses = list(
        CorrectiveAction.objects.unrestricted().filter(inspection=inspection).values_list("status", flat=True)
    )
    passed = rules.conditional_becomes_pass(inspection.status, statuses)
    if passed:
        _mark_passed(actor, project, inspection, now, _("모든 시정 조치 확인"))
    _notify(
        _unique(_lead_users(project) + (_staff_users(project) if passed else [])),
        gettext_lazy("[SFMS] 시정 조치 확인: %(title)s"),
        gettext_lazy("'%(title)s' 과제의 시정 조치 '%(text)s': %(outcome)s"),
        {
            "title": project.title,
            "text": action.description[:80],
            "outcome": gettext_lazy("최종 점검을 통과했습니다.")
            if passed
            else (gettext_lazy("확인했습니다.") if confirm else gettext_lazy("보완을 요청했습니다.")),
        },
    )
    return action
