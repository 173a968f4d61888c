"""Business operations for sanctions. Each is one transaction: permission check, row lock where a
guard matters, change, audit, notifications queued on commit. Refusals raise DomainError (400),
Conflict (409) or AccessDenied (403) and change nothing."""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.models import AgreementParty, Project, ProjectStatus, Tranche, TrancheStatus
from monitoring.querysets import CALL_STAFF_ROLES
from monitoring.services import _lead_users, _lock, _require_staff, _staff_users
from organizations import audit
from organizations.access import principal_for
from organizations.edits import full_clean
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Company, Membership, Operator

from . import rules
from .models import OrderStatus, ProjectAbandonment, ReasonKind, Repayment, RepaymentOrder, Restriction

CLOSED = (ProjectStatus.CLOSED, ProjectStatus.ABANDONED)


def _notify(users, subject, body, params):
    from organizations.notifications import notify_each

    notify_each(users, subject, body, params)


def _company_users(company_id):
    rows = Membership.objects.unrestricted().filter(company_id=company_id, is_active=True)
    return [m.user for m in rows.select_related("user")]


def _text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise DomainError(message, f"{field}_required", field)
    return value


def _today(now):
    return timezone.localdate(now) if now else timezone.localdate()


# --- abandoning a project ------------------------------------------------------------------------


@transaction.atomic
def project_abandon(actor, project, *, reason, now=None):
    """Staff of the call mark a project abandoned (중도 포기), with the reason."""
    project = _lock(Project, project, "call")
    _require_staff(actor, project)
    if project.status in CLOSED:
        raise Conflict(
            _("이미 %(status)s 상태인 과제입니다.") % {"status": project.get_status_display()},
            "project_closed",
        )
    reason = _text(reason, "reason", _("중도 포기 사유를 적어 주십시오."))
    before = project.status
    project.status = ProjectStatus.ABANDONED
    project.save(update_fields=["status"])
    audit.record_transition(actor, project, "status", before, project.status, reason=reason)
    record = ProjectAbandonment(
        project=project,
        reason=reason,
        previous_status=before,
        recorded_by=actor,
        recorded_at=now or timezone.now(),
    )
    full_clean(record)
    record.save()
    audit.record_create(actor, record, reason=reason)
    _notify(
        _lead_users(project),
        gettext_lazy("[SFMS] 과제 중도 포기 처리: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제가 중도 포기로 처리되었습니다. 자세한 내용은 SFMS에서 확인하거나 운영기관에 문의해 주십시오."
        ),
        {"title": project.title},
    )
    return record


# --- participation restrictions ------------------------------------------------------------------


def operators_for(actor):
    """Operators in whose name this user may impose restrictions (its admin/staff memberships)."""
    p = principal_for(actor)
    if p.is_platform_admin:
        return Operator.objects.all()
    return Operator.objects.filter(pk__in=p.operator_ids_with(*CALL_STAFF_ROLES))


def _require_operator_staff(actor, operator_id):
    p = principal_for(actor)
    if not (p.is_platform_admin or operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)):
        raise AccessDenied(_("이 운영기관의 관리자나 담당자만 참여 제한을 처분·해제할 수 있습니다."))


def project_company_ids(project):
    """The lead and every company that is a party to the project's agreement (any version)."""
    parties = AgreementParty.objects.unrestricted().filter(agreement__project=project, company__isnull=False)
    return {project.lead_id, *parties.values_list("company_id", flat=True)}


@transaction.atomic
def restriction_impose(
    actor,
    *,
    company,
    reason_kind,
    operator=None,
    reason,
    project=None,
    starts_on=None,
    ends_on=None,
    now=None,
):
    """An operator's admin or staff bars a company from every call for a period (default three
    years from today). A related project must be one of this operator's and involve the company."""
    if operator is None:
        mine = list(operators_for(actor).order_by("pk")[:2])
        if not mine:
            raise AccessDenied(_("운영기관의 관리자나 담당자만 참여 제한을 처분할 수 있습니다."))
        if len(mine) > 1:
            raise DomainError(_("처분하는 운영기관을 선택해 주십시오."), "operator_required", "operator")
        operator = mine[0]
    _require_operator_staff(actor, operator.pk)
    company = _lock(Company, company)
    if reason_kind not in ReasonKind.values:
        raise DomainError(_("제한 사유 구분을 선택해 주십시오."), "bad_reason_kind", "reason_kind")
    reason = _text(reason, "reason", _("참여 제한 사유를 적어 주십시오."))
    if project is not None:
        project = Project.objects.unrestricted().select_related("call").get(pk=project.pk)
        if project.call.operator_id != operator.pk:
            raise DomainError(
                _("관련 과제는 처분하는 운영기관이 운영하는 공고의 과제여야 합니다."),
                "foreign_project",
                "project",
            )
        if company.pk not in project_company_ids(project):
            raise DomainError(
                _("%(company)s은(는) 이 과제의 주관기업이나 협약 당사자가 아닙니다.")
                % {"company": company.name},
                "company_not_in_project",
                "project",
            )
    elif reason_kind == ReasonKind.ABANDONED:
        raise DomainError(
            _("과제 중도 포기로 제한할 때는 관련 과제를 선택해 주십시오."), "project_required", "project"
        )
    today = _today(now)
    starts_on = starts_on or today
    ends_on = ends_on or rules.default_ends_on(starts_on)
    rules.check_period(starts_on, ends_on, today=today)
    restriction = Restriction(
        operator=operator,
        company=company,
        project=project,
        reason_kind=reason_kind,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        imposed_by=actor,
        imposed_at=now or timezone.now(),
    )
    full_clean(restriction)
    restriction.save()
    audit.record_create(actor, restriction, reason=reason)
    _notify(
        _company_users(company.pk),
        gettext_lazy("[SFMS] 사업 참여 제한 처분: %(company)s"),
        gettext_lazy(
            "%(operator)s이(가) %(company)s에 %(start)s부터 %(end)s까지 사업 참여 제한을 처분했습니다. "
            "이 기간에는 어느 공고에도 주관기업·공급기업·컨소시엄 참여기업으로 신청할 수 없습니다. "
            "사유는 SFMS에서 확인해 주십시오."
        ),
        {
            "operator": operator.name_ko,
            "company": company.name,
            "start": starts_on.isoformat(),
            "end": ends_on.isoformat(),
        },
    )
    return restriction


@transaction.atomic
def restriction_lift(actor, restriction, *, reason, now=None):
    """The imposing operator lifts a restriction early: from today it no longer applies."""
    restriction = _lock(Restriction, restriction, "company", "operator")
    _require_operator_staff(actor, restriction.operator_id)
    today = _today(now)
    if restriction.lifted_on is not None:
        raise Conflict(
            _("이미 %(day)s에 해제된 참여 제한입니다.") % {"day": restriction.lifted_on.isoformat()},
            "already_lifted",
        )
    if restriction.ends_on < today:
        raise Conflict(
            _("%(day)s에 끝난 참여 제한은 해제할 수 없습니다.") % {"day": restriction.ends_on.isoformat()},
            "already_ended",
        )
    reason = _text(reason, "reason", _("해제 사유를 적어 주십시오."))
    before = audit.snapshot(restriction)
    restriction.lifted_on, restriction.lift_reason = today, reason
    restriction.lifted_by, restriction.lifted_at = actor, now or timezone.now()
    restriction.save(update_fields=["lifted_on", "lift_reason", "lifted_by", "lifted_at"])
    audit.record_update(actor, restriction, before, reason=reason)
    _notify(
        _company_users(restriction.company_id),
        gettext_lazy("[SFMS] 사업 참여 제한 해제: %(company)s"),
        gettext_lazy("%(operator)s이(가) %(company)s의 사업 참여 제한을 %(day)s부로 해제했습니다."),
        {
            "operator": restriction.operator.name_ko,
            "company": restriction.company.name,
            "day": today.isoformat(),
        },
    )
    return restriction


# --- repayment orders and repayments -------------------------------------------------------------


def paid_total(project):
    """The government share paid so far: the project's tranches recorded as paid."""
    rows = Tranche.objects.unrestricted().filter(project=project, status=TrancheStatus.PAID)
    return rows.aggregate(total=Sum("amount"))["total"] or 0


def ordered_total(project):
    rows = RepaymentOrder.objects.unrestricted().filter(project=project)
    return rows.aggregate(total=Sum("amount"))["total"] or 0


def repaid_total(order):
    return Repayment.objects.unrestricted().filter(order=order).aggregate(total=Sum("amount"))["total"] or 0


@transaction.atomic
def repayment_order_create(actor, project, *, amount, due_on, reason, now=None):
    """Staff of the call order part or all of the paid government share back, by a due date."""
    project = _lock(Project, project, "call")
    _require_staff(actor, project)
    rules.check_order_amount(amount, paid=paid_total(project), already_ordered=ordered_total(project))
    today = _today(now)
    if due_on is None or due_on < today:
        raise DomainError(
            _("납부 기한은 오늘(%(today)s)이나 그 뒤여야 합니다.") % {"today": today.isoformat()},
            "due_in_past",
            "due_on",
        )
    reason = _text(reason, "reason", _("환수 사유를 적어 주십시오."))
    order = RepaymentOrder(
        project=project,
        amount=amount,
        due_on=due_on,
        reason=reason,
        ordered_by=actor,
        ordered_at=now or timezone.now(),
    )
    full_clean(order)
    order.save()
    audit.record_create(actor, order, reason=reason)
    _notify(
        _lead_users(project),
        gettext_lazy("[SFMS] 정부지원금 환수 명령: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제에 지급된 정부지원금 중 %(amount)s원의 환수가 명령되었습니다. 납부 기한은 %(due)s입니다. "
            "사유와 납부 방법은 SFMS와 운영기관 안내를 확인해 주십시오."
        ),
        {"title": project.title, "amount": f"{amount:,}", "due": due_on.isoformat()},
    )
    return order


@transaction.atomic
def repayment_record(actor, order, *, amount, paid_on, note="", now=None):
    """Staff of the call record money repaid; the order is settled when fully repaid."""
    order = _lock(RepaymentOrder, order, "project__call")
    project = order.project
    _require_staff(actor, project)
    if order.status == OrderStatus.SETTLED:
        raise Conflict(_("이미 전액 환수된 명령입니다."), "order_settled")
    rules.check_repayment(amount, ordered=order.amount, repaid=repaid_total(order))
    today = _today(now)
    if paid_on is None or paid_on > today:
        raise DomainError(_("납부일은 오늘이나 그 이전이어야 합니다."), "paid_on_future", "paid_on")
    ordered_on = timezone.localdate(order.ordered_at)
    if paid_on < ordered_on:
        raise DomainError(
            _("납부일은 환수 명령일(%(day)s)과 같거나 그 뒤여야 합니다.") % {"day": ordered_on.isoformat()},
            "paid_before_order",
            "paid_on",
        )
    repayment = Repayment(
        order=order,
        amount=amount,
        paid_on=paid_on,
        note=(note or "").strip()[:200],
        recorded_by=actor,
        recorded_at=now or timezone.now(),
    )
    full_clean(repayment)
    repayment.save()
    audit.record_create(actor, repayment)
    repaid = repaid_total(order)
    if rules.is_settled(order.amount, repaid):
        order.status, order.settled_on = OrderStatus.SETTLED, paid_on
        order.save(update_fields=["status", "settled_on"])
        audit.record_transition(actor, order, "status", OrderStatus.OPEN, order.status)
    _notify(
        [*_lead_users(project), *_staff_users(project)],
        gettext_lazy("[SFMS] 환수금 납부 기록: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 환수금 %(amount)s원 납부(%(day)s)가 기록되었습니다. 남은 금액: %(left)s원."
        ),
        {
            "title": project.title,
            "amount": f"{amount:,}",
            "day": paid_on.isoformat(),
            "left": f"{order.amount - repaid:,}",
        },
    )
    return repayment
