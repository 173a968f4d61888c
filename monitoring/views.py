"""Project pages (under /projects/): the list of projects the user can see, the operator's list of
confirmed selections waiting to become projects, one project with its agreement (each party accepts
in its own account), tranches and milestones, and the agreement PDF.

Thin, like the evaluations pages: every object is looked up inside `visible_to(user)` (or
`run_by(user)` for staff-only writes), so missing and another tenant's look the same (404); every
write goes through `monitoring.services`, and a refusal comes back on the project page as the
GOV.UK error summary with the service's words (nothing changed). Success is POST → redirect → GET.
"""

import ipaddress
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evaluations.models import Decision, DecisionStatus
from organizations.access import principal_for
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Role
from organizations.pages import file_response, paginate
from programs.models import Call
from sfms.middleware import received_at

from . import dashboard, documents, services
from .forms import (
    AmendForm,
    MilestoneForm,
    PaidForm,
    ProgressReportForm,
    ProjectCreateForm,
    SiteVisitForm,
)
from .models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Milestone,
    PartyRole,
    ProgressReport,
    Project,
    ProjectStatus,
    SiteVisit,
    Tranche,
    TrancheKind,
    TrancheStatus,
)
from .querysets import CALL_STAFF_ROLES

T = "monitoring/"
CLOSED = (ProjectStatus.CLOSED, ProjectStatus.ABANDONED)


# --- small helpers --------------------------------------------------------------------------------


def client_ip(request):
    """The address the request came from (REMOTE_ADDR, as the server saw it), or None."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _form_errors(*forms):
    items = []
    for form in forms:
        if form is None or not form.is_bound or not form.errors:
            continue
        fields = [b for b in form if not b.is_hidden]
        for message in form.non_field_errors():
            items.append((fields[0].auto_id if fields else "main-content", message))
        for bound in fields:
            items.extend((bound.auto_id, message) for message in bound.errors)
    return items


def _service_error(exc, form=None, anchor="main-content"):
    """A refused service call as summary items; its field's message goes on the field too."""
    field = getattr(exc, "field", None)
    if form is not None and field in form.fields:
        form.add_error(field, str(exc.message))
        return [(form[field].auto_id, str(exc.message))]
    return [(anchor, str(exc.message))]


def _status_for(exc):
    return 409 if isinstance(exc, Conflict) else 400


def _call(fn, *args, **kwargs):
    """Run a service: AccessDenied is the 403 page, a DomainError comes back as `exc`."""
    try:
        return fn(*args, **kwargs), None
    except AccessDenied as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        return None, exc


def _is_staff(principal, project):
    return principal.is_platform_admin or project.call.operator_id in principal.operator_ids_with(
        *CALL_STAFF_ROLES
    )


def _is_lead(principal, project):
    return principal.is_platform_admin or project.lead_id in principal.company_ids_with(Role.SME_MEMBER)


def _may_accept_for(principal, party):
    if party.role == PartyRole.OPERATOR:
        return party.operator_id in principal.operator_ids_with(*CALL_STAFF_ROLES)
    return party.company_id in principal.company_ids_with(services.PARTY_ROLES[party.role])


def _visible(request, model, pk, *related):
    qs = model.objects.visible_to(request.user)
    return get_object_or_404(qs.select_related(*related) if related else qs, pk=pk)


# --- list ----------------------------------------------------------------------------------------


def _agreement_state(project):
    """The latest version, how many there are, and who still has to accept it."""
    versions = list(project.agreements.all())  # prefetched, latest first
    latest = versions[0] if versions else None
    waiting = [p.name for p in latest.parties.all() if p.accepted_at is None] if latest else []
    return {"latest": latest, "count": len(versions), "waiting": waiting}


@require_safe
@login_required
def project_list(request):
    p = principal_for(request.user)
    visible = Project.objects.visible_to(request.user)
    calls = Call.objects.filter(pk__in=visible.values("call_id")).order_by("-opens_at", "-pk")
    form = dashboard.DashboardFilterForm(request.GET or None, calls=calls)
    qs = form.apply(visible).select_related("lead", "region", "call", "submission")
    qs = qs.prefetch_related(
        Prefetch(
            "agreements",
            queryset=Agreement.objects.defer("terms")
            .order_by("-version")
            .prefetch_related(Prefetch("parties", queryset=AgreementParty.objects.order_by("pk"))),
        ),
        dashboard.prefetch_open_flags(),
        dashboard.prefetch_open_milestones(),
    )
    page = paginate(request, qs)
    for project in page.object_list:
        project.agreement_state = _agreement_state(project)
        project.next_action = dashboard.next_action(project)
    company_side = not (p.is_platform_admin or p.is_operator_side)
    return render(
        request,
        T + "project_list.html",
        {
            "filter": SimpleNamespace(form=form),  # includes/filter_form.html reads `filter.form`
            "page": page,
            "result_count": page.paginator.count,
            "summary": dashboard.summary(visible),
            "heading": _("내 과제") if company_side else _("과제 관리"),
            "company_side": company_side,
            "can_create": p.is_platform_admin or p.has_role(*CALL_STAFF_ROLES),
        },
    )


# --- candidates (operator staff) -------------------------------------------------------------------


def _candidates(user):
    return (
        Decision.objects.run_by(user)
        .filter(
            status=DecisionStatus.SELECTED,
            final=True,
            released_at__isnull=False,
            submission__project__isnull=True,
        )
        .select_related("plan__call", "track", "submission__application__lead__region")
        .order_by("plan__call_id", "track_id", "rank", "pk")
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_candidates(request):
    p = principal_for(request.user)
    if not (p.is_platform_admin or p.has_role(*CALL_STAFF_ROLES)):
        raise PermissionDenied(
            str(gettext_lazy("과제 등록은 공고를 운영하는 기관의 관리자와 담당자만 할 수 있습니다."))
        )
    decisions = list(_candidates(request.user))
    bound, errors, status = None, [], 200
    if request.method == "POST":
        target = next((d for d in decisions if str(d.pk) == request.POST.get("decision", "")), None)
        if target is None:
            errors, status = (
                [
                    (
                        "main-content",
                        _("과제로 등록할 선정 결과를 찾을 수 없습니다. 목록을 다시 확인해 주십시오."),
                    )
                ],
                400,
            )
        else:
            bound = ProjectCreateForm(request.POST, prefix=f"d{target.pk}")
            if bound.is_valid():
                project, exc = _call(
                    services.project_create,
                    request.user,
                    target,
                    starts_on=bound.cleaned_data["starts_on"],
                    now=received_at(request),
                )
                if exc is None:
                    messages.success(
                        request,
                        _(
                            "'%(title)s' 과제를 등록하고 협약서(1차)를 발급했습니다. 모든 당사자가 동의하면 협약의 효력이 생깁니다."
                        )
                        % {"title": project.title},
                    )
                    return redirect("monitoring:project-detail", project.pk)
                errors, status = _service_error(exc, bound), _status_for(exc)
            else:
                errors, status = _form_errors(bound), 400
    rows = []
    for d in decisions:
        form = (
            bound
            if bound is not None and bound.prefix == f"d{d.pk}"
            else ProjectCreateForm(prefix=f"d{d.pk}")
        )
        snapshot = d.submission.snapshot or {}
        rows.append(
            {
                "decision": d,
                "title": (snapshot.get("plan") or {}).get("title") or d.submission.receipt_number,
                "months": (snapshot.get("plan") or {}).get("duration_months"),
                "form": form,
            }
        )
    return render(
        request,
        T + "project_candidates.html",
        {"rows": rows, "error_items": errors, "has_errors": bool(errors)},
        status=status,
    )


# --- detail ----------------------------------------------------------------------------------------


def _project(request, pk):
    return _visible(request, Project, pk, "call__operator", "lead", "region", "submission")


def _detail_context(request, project, **forms):
    p = principal_for(request.user)
    staff, lead = _is_staff(p, project), _is_lead(p, project)
    open_project = project.status not in CLOSED
    agreements = list(
        project.agreements.order_by("-version").prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("accepted_by").order_by("pk"))
        )
    )
    current = agreements[0] if agreements else None
    in_force = next((a for a in agreements if a.status == AgreementStatus.IN_FORCE), None)
    if current is not None:
        for party in current.parties.all():
            party.can_accept = (
                current.status == AgreementStatus.AWAITING
                and party.accepted_at is None
                and _may_accept_for(p, party)
            )
    tranches = list(project.tranches.order_by("order"))
    paid_target = forms.get("paid_target")
    for t in tranches:
        t.waits_for_inspection = t.kind == TrancheKind.BALANCE and project.inspection_passed_at is None
        t.can_request = lead and t.status == TrancheStatus.SCHEDULED and in_force is not None
        t.can_approve = staff and t.status == TrancheStatus.REQUESTED
        t.can_pay = staff and t.status == TrancheStatus.APPROVED
        if t.can_pay:
            t.paid_form = forms["paid_form"] if paid_target == t.pk else PaidForm(prefix=f"paid{t.pk}")
    milestones = list(project.milestones.order_by("order", "planned_on", "pk"))
    may_plan = (staff or lead) and open_project
    # Both asked whatever the status, so the page's query count does not depend on it.
    roles = services.reporter_roles_for(request.user, project)
    roles = roles if project.status == ProjectStatus.IN_PROGRESS else []
    may_visit = services.visit_operator_for(request.user, project) is not None and open_project
    return {
        "project": project,
        "snapshot_plan": (project.submission.snapshot or {}).get("plan") or {},
        "agreements": agreements,
        "current": current,
        "in_force": in_force,
        "terms": documents.terms_view(current.terms) if current else None,
        "tranches": tranches,
        "milestones": milestones,
        "is_staff": staff,
        "is_lead": lead,
        "show_ip": staff,
        "may_plan": may_plan,
        "may_amend": staff and open_project,
        "milestone_form": forms.get("milestone_form") or MilestoneForm(prefix="milestone"),
        "amend_form": forms.get("amend_form") or AmendForm(prefix="amend"),
        "reports": list(project.progress_reports.select_related("submitted_by")),
        "visits": list(project.site_visits.select_related("operator")),
        "report_roles": roles,
        "report_form": forms.get("report_form") or ProgressReportForm(prefix="report", roles=roles),
        "may_visit": may_visit,
        "visit_form": forms.get("visit_form") or SiteVisitForm(prefix="visit"),
    }


def _detail(request, project, errors=(), status=200, **forms):
    errors = list(errors)
    context = _detail_context(request, project, **forms)
    context.update(error_items=errors, has_errors=bool(errors))
    return render(request, T + "project_detail.html", context, status=status)


@require_safe
@login_required
def project_detail(request, pk):
    return _detail(request, _project(request, pk))


def _back(project, anchor):
    return redirect(reverse("monitoring:project-detail", args=[project.pk]) + anchor)


@require_POST
@login_required
def agreement_accept(request, pk):
    party = _visible(request, AgreementParty, pk, "agreement__project")
    project = _project(request, party.agreement.project_id)
    _done, exc = _call(
        services.agreement_accept, request.user, party, ip=client_ip(request), now=received_at(request)
    )
    if exc is not None:
        return _detail(request, project, _service_error(exc, anchor="agreement"), _status_for(exc))
    agreement = Agreement.objects.unrestricted().get(pk=party.agreement_id)
    if agreement.status == AgreementStatus.IN_FORCE:
        messages.success(request, _("협약에 동의했습니다. 모든 당사자가 동의해 협약의 효력이 생겼습니다."))
    else:
        messages.success(
            request, _("협약에 동의했습니다. 다른 당사자가 모두 동의하면 협약의 효력이 생깁니다.")
        )
    return _back(project, "#agreement")


@require_POST
@login_required
def agreement_amend(request, pk):
    project = get_object_or_404(Project.objects.run_by(request.user), pk=pk)
    project = _project(request, project.pk)
    form = AmendForm(request.POST, prefix="amend")
    if not form.is_valid():
        return _detail(request, project, _form_errors(form), 400, amend_form=form)
    agreement, exc = _call(
        services.agreement_issue,
        request.user,
        project,
        reason=form.cleaned_data["reason"],
        now=received_at(request),
    )
    if exc is not None:
        return _detail(request, project, _service_error(exc, form), _status_for(exc), amend_form=form)
    messages.success(
        request,
        _("협약서 %(version)s차를 발급했습니다. 모든 당사자가 다시 동의하면 효력이 생깁니다.")
        % {"version": agreement.version},
    )
    return _back(project, "#agreement")


@require_safe
@login_required
def agreement_pdf(request, pk):
    agreement = _visible(request, Agreement, pk, "project")
    return documents.agreement_response(agreement)


# --- tranches -----------------------------------------------------------------------------------------


def _tranche(request, pk):
    tranche = _visible(request, Tranche, pk)
    return tranche, _project(request, tranche.project_id)


@require_POST
@login_required
def tranche_request(request, pk):
    tranche, project = _tranche(request, pk)
    _done, exc = _call(services.tranche_request, request.user, tranche, now=received_at(request))
    if exc is not None:
        return _detail(request, project, _service_error(exc, anchor="tranches"), _status_for(exc))
    messages.success(request, _("%(kind)s 지급을 요청했습니다.") % {"kind": tranche.get_kind_display()})
    return _back(project, "#tranches")


@require_POST
@login_required
def tranche_approve(request, pk):
    tranche, project = _tranche(request, pk)
    _done, exc = _call(services.tranche_approve, request.user, tranche, now=received_at(request))
    if exc is not None:
        return _detail(request, project, _service_error(exc, anchor="tranches"), _status_for(exc))
    messages.success(request, _("%(kind)s 지급을 승인했습니다.") % {"kind": tranche.get_kind_display()})
    return _back(project, "#tranches")


@require_POST
@login_required
def tranche_paid(request, pk):
    tranche, project = _tranche(request, pk)
    form = PaidForm(request.POST, prefix=f"paid{tranche.pk}")
    if not form.is_valid():
        return _detail(request, project, _form_errors(form), 400, paid_form=form, paid_target=tranche.pk)
    _done, exc = _call(
        services.tranche_mark_paid, request.user, tranche, paid_on=form.cleaned_data["paid_on"]
    )
    if exc is not None:
        errors = _service_error(exc, form, anchor="tranches")
        return _detail(request, project, errors, _status_for(exc), paid_form=form, paid_target=tranche.pk)
    messages.success(
        request, _("%(kind)s을(를) 지급 완료로 기록했습니다.") % {"kind": tranche.get_kind_display()}
    )
    return _back(project, "#tranches")


# --- milestones -------------------------------------------------------------------------------------


@require_POST
@login_required
def milestone_add(request, pk):
    project = _project(request, pk)
    form = MilestoneForm(request.POST, prefix="milestone")
    if not form.is_valid():
        return _detail(request, project, _form_errors(form), 400, milestone_form=form)
    _done, exc = _call(services.milestone_save, request.user, project, form.changes())
    if exc is not None:
        return _detail(request, project, _service_error(exc, form), _status_for(exc), milestone_form=form)
    messages.success(request, _("마일스톤을 추가했습니다."))
    return _back(project, "#milestones")


@require_http_methods(["GET", "POST"])
@login_required
def milestone_edit(request, pk):
    milestone = _visible(request, Milestone, pk)
    project = _project(request, milestone.project_id)
    p = principal_for(request.user)
    if not (_is_staff(p, project) or _is_lead(p, project)):
        raise PermissionDenied(
            str(gettext_lazy("마일스톤은 주관 도입기업 담당자와 운영기관 담당자가 고칩니다."))
        )
    initial = {
        "name": milestone.name,
        "planned_on": milestone.planned_on,
        "done_on": milestone.done_on,
        "order": milestone.order,
    }
    form = MilestoneForm(request.POST if request.method == "POST" else None, initial=initial)
    errors, status = [], 200
    if form.is_bound:
        if form.is_valid():
            _done, exc = _call(
                services.milestone_save, request.user, project, form.changes(), milestone=milestone
            )
            if exc is None:
                messages.success(request, _("마일스톤을 고쳤습니다."))
                return _back(project, "#milestones")
            errors, status = _service_error(exc, form), _status_for(exc)
        else:
            errors, status = _form_errors(form), 400
    return render(
        request,
        T + "milestone_edit.html",
        {
            "project": project,
            "milestone": milestone,
            "form": form,
            "error_items": errors,
            "has_errors": bool(errors),
        },
        status=status,
    )


# --- progress reports and site visits ---------------------------------------------------------------


@require_POST
@login_required
def progress_report_add(request, pk):
    project = _project(request, pk)
    roles = services.reporter_roles_for(request.user, project)
    if not roles:
        raise PermissionDenied(
            str(gettext_lazy("진척 보고는 주관 도입기업과 협약 당사자인 공급기업의 담당자가 제출합니다."))
        )
    form = ProgressReportForm(request.POST, request.FILES, prefix="report", roles=roles)
    if not form.is_valid():
        return _detail(request, project, _form_errors(form), 400, report_form=form)
    data = form.cleaned_data
    report, exc = _call(
        services.progress_report_submit,
        request.user,
        project,
        reporter_role=data["reporter_role"],
        period_end=data["period_end"],
        percent_complete=data["percent_complete"],
        spent=data["spent"],
        work_done=data["work_done"],
        issues=data["issues"],
        evidence=data["evidence"] or None,
        now=received_at(request),
    )
    if exc is not None:
        errors = _service_error(exc, form, anchor="progress")
        return _detail(request, project, errors, _status_for(exc), report_form=form)
    messages.success(
        request,
        _("%(date)s 기준 진척 보고를 제출했습니다.") % {"date": report.period_end.isoformat()},
    )
    return _back(project, "#progress")


@require_POST
@login_required
def site_visit_add(request, pk):
    project = _project(request, pk)
    if services.visit_operator_for(request.user, project) is None:
        raise PermissionDenied(
            str(
                gettext_lazy(
                    "현장 방문은 과제 소재 지역의 지역센터 담당자와 공고를 운영하는 기관의 담당자가 기록합니다."
                )
            )
        )
    form = SiteVisitForm(request.POST, request.FILES, prefix="visit")
    if not form.is_valid():
        return _detail(request, project, _form_errors(form), 400, visit_form=form)
    data = form.cleaned_data
    _visit, exc = _call(
        services.site_visit_record,
        request.user,
        project,
        visited_on=data["visited_on"],
        findings=data["findings"],
        follow_up=data["follow_up"],
        follow_up_due=data["follow_up_due"],
        photo=data["photo"] or None,
    )
    if exc is not None:
        errors = _service_error(exc, form, anchor="visits")
        return _detail(request, project, errors, _status_for(exc), visit_form=form)
    messages.success(request, _("현장 방문을 기록했습니다. 주관 도입기업에 알렸습니다."))
    return _back(project, "#visits")


@require_safe
@login_required
def progress_evidence(request, pk):
    report = _visible(request, ProgressReport, pk)
    return file_response(report.evidence, report.evidence_name)


@require_safe
@login_required
def site_visit_photo(request, pk):
    visit = _visible(request, SiteVisit, pk)
    return file_response(visit.photo, visit.photo_name)


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (project_detail, Project),
    (agreement_amend, Project),
    (milestone_add, Project),
    (agreement_accept, AgreementParty),
    (agreement_pdf, Agreement),
    (tranche_request, Tranche),
    (tranche_approve, Tranche),
    (tranche_paid, Tranche),
    (milestone_edit, Milestone),
    (progress_report_add, Project),
    (site_visit_add, Project),
    (progress_evidence, ProgressReport),
    (site_visit_photo, SiteVisit),
):
    _view.sfms_model = _model
