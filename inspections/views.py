"""Inspection pages (under /projects/): one project's interim checks and final inspection, with the
form for whoever may act (centre or call staff: interim check; call staff: appoint the inspector;
the inspector: checklist, result, confirming corrective actions; the lead SME: plans and results),
and the inspector's own list ("내 점검").

Thin like the monitoring pages: objects are looked up inside `visible_to(user)` (the project inside
`inspectable_projects(user)`, so an appointed outside inspector can open it); every write goes
through `inspections.services`; a refusal comes back on the page as the error summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from monitoring.models import Project, ProjectStatus
from monitoring.views import _call, _form_errors, _is_lead, _is_staff, _service_error, _status_for
from organizations.access import principal_for
from organizations.pages import file_response, paginate
from sfms.middleware import received_at

from . import rules, services
from .forms import (
    AppointForm,
    ChecklistItemForm,
    InterimCheckForm,
    PlanForm,
    ReportForm,
    ResultForm,
    ReviewForm,
)
from .models import (
    ActionStatus,
    ChecklistItem,
    CorrectiveAction,
    FinalInspection,
    InspectionStatus,
)
from .querysets import inspectable_projects

T = "inspections/"


def _project(request, pk):
    qs = inspectable_projects(request.user).select_related("call__operator", "lead", "region", "submission")
    return get_object_or_404(qs.defer("submission__snapshot"), pk=pk)


def _visible(request, model, pk):
    return get_object_or_404(model.objects.visible_to(request.user), pk=pk)


def _context(request, project, **forms):
    p = principal_for(request.user)
    staff, lead = _is_staff(p, project), _is_lead(p, project)
    inspections = list(
        FinalInspection.objects.unrestricted()
        .filter(project=project)
        .order_by("-appointed_at", "-pk")
        .prefetch_related(
            Prefetch("items", queryset=ChecklistItem.objects.unrestricted().order_by("pk")),
            Prefetch("actions", queryset=CorrectiveAction.objects.unrestricted().order_by("due_on", "pk")),
        )
    )
    current = next((i for i in inspections if i.status != InspectionStatus.FAILED), None)
    is_inspector = current is not None and current.inspector_id == request.user.pk
    target = forms.get("target")
    if current is not None:
        open_list = is_inspector and current.status == InspectionStatus.APPOINTED
        for item in current.items.all():
            item.form = None
            if open_list:
                item.form = (
                    forms["item_form"]
                    if target == ("item", item.pk)
                    else ChecklistItemForm(
                        prefix=f"item{item.pk}", initial={"checked": item.checked, "note": item.note}
                    )
                )
        for a in current.actions.all():
            a.plan_form = a.report_form = a.review_form = None
            if lead and rules.action_step(a.status, "plan"):
                a.plan_form = (
                    forms["plan_form"]
                    if target == ("plan", a.pk)
                    else PlanForm(prefix=f"plan{a.pk}", initial={"plan": a.plan})
                )
            if lead and a.status in (ActionStatus.PLANNED, ActionStatus.RETURNED):
                a.report_form = (
                    forms["report_form"] if target == ("report", a.pk) else ReportForm(prefix=f"report{a.pk}")
                )
            if is_inspector and a.status == ActionStatus.REPORTED:
                a.review_form = (
                    forms["review_form"] if target == ("review", a.pk) else ReviewForm(prefix=f"review{a.pk}")
                )
    may_appoint = staff and current is None and project.status == ProjectStatus.IN_PROGRESS
    may_interim = services.visit_operator_for(request.user, project) is not None and (
        project.status == ProjectStatus.IN_PROGRESS
    )
    first, last = rules.midterm_window(project.starts_on, project.ends_on)
    return {
        "project": project,
        "project_visible": Project.objects.visible_to(request.user).filter(pk=project.pk).exists(),
        "window": (first, last),
        "interim_checks": list(project.interim_checks.select_related("operator", "recorded_by")),
        "may_interim": may_interim,
        "interim_form": forms.get("interim_form") or InterimCheckForm(prefix="interim"),
        "inspections": inspections,
        "current": current,
        "earlier": [i for i in inspections if i is not current],
        "is_inspector": is_inspector,
        "is_staff": staff,
        "may_appoint": may_appoint,
        "appoint_form": forms.get("appoint_form")
        or (
            AppointForm(prefix="appoint", candidates=services.inspector_candidates(project))
            if may_appoint
            else None
        ),
        "may_result": is_inspector and current.status == InspectionStatus.APPOINTED,
        "result_form": forms.get("result_form") or ResultForm(prefix="result"),
        "has_supplier": services._supplier_profile(project) is not None if current is not None else False,
    }


def _page(request, project, errors=(), status=200, **forms):
    errors = list(errors)
    context = _context(request, project, **forms)
    context.update(error_items=errors, has_errors=bool(errors))
    return render(request, T + "project_inspection.html", context, status=status)


def _back(project, anchor=""):
    return redirect(reverse("inspections:project-inspection", args=[project.pk]) + anchor)


@require_safe
@login_required
def project_inspection(request, pk):
    return _page(request, _project(request, pk))


@require_POST
@login_required
def interim_add(request, pk):
    project = _project(request, pk)
    if services.visit_operator_for(request.user, project) is None:
        raise PermissionDenied(
            _("중간 점검은 과제 소재 지역의 지역센터 담당자와 공고를 운영하는 기관의 담당자가 기록합니다.")
        )
    form = InterimCheckForm(request.POST, prefix="interim")
    if not form.is_valid():
        return _page(request, project, _form_errors(form), 400, interim_form=form)
    data = form.cleaned_data
    _done, exc = _call(
        services.interim_check_record,
        request.user,
        project,
        checked_on=data["checked_on"],
        findings=data["findings"],
        progress=data["progress"],
        actions=form.actions(),
        now=received_at(request),
    )
    if exc is not None:
        return _page(
            request, project, _service_error(exc, form, "interim"), _status_for(exc), interim_form=form
        )
    messages.success(request, _("중간 점검을 기록했습니다. 주관 도입기업과 운영기관에 알렸습니다."))
    return _back(project, "#interim")


@require_POST
@login_required
def appoint(request, pk):
    project = _project(request, pk)
    if not _is_staff(principal_for(request.user), project):
        raise PermissionDenied(_("최종 점검자는 공고를 운영하는 기관의 담당자가 지정합니다."))
    form = AppointForm(request.POST, prefix="appoint", candidates=services.inspector_candidates(project))
    if not form.is_valid():
        return _page(request, project, _form_errors(form), 400, appoint_form=form)
    inspection, exc = _call(
        services.inspection_appoint, request.user, project, inspector=form.user(), now=received_at(request)
    )
    if exc is not None:
        return _page(
            request, project, _service_error(exc, form, "final"), _status_for(exc), appoint_form=form
        )
    messages.success(
        request,
        _("%(name)s 님을 감리 점검자로 지정했습니다. 과제가 최종 점검 단계가 되었습니다.")
        % {"name": inspection.inspector_name},
    )
    return _back(project, "#final")


@require_POST
@login_required
def checklist_item(request, pk):
    item = _visible(request, ChecklistItem, pk)
    project = _project(request, item.project_id)
    form = ChecklistItemForm(request.POST, request.FILES, prefix=f"item{item.pk}")
    if not form.is_valid():
        return _page(request, project, _form_errors(form), 400, item_form=form, target=("item", item.pk))
    data = form.cleaned_data
    _done, exc = _call(
        services.checklist_item_save,
        request.user,
        item,
        checked=data["checked"],
        note=data["note"],
        evidence=data["evidence"] or None,
        now=received_at(request),
    )
    if exc is not None:
        errors = _service_error(exc, form, "checklist")
        return _page(request, project, errors, _status_for(exc), item_form=form, target=("item", item.pk))
    messages.success(
        request, _("점검표 항목 '%(item)s'을(를) 기록했습니다.") % {"item": item.get_key_display()}
    )
    return _back(project, f"#item-{item.pk}")


@require_POST
@login_required
def result(request, pk):
    inspection = _visible(request, FinalInspection, pk)
    project = _project(request, inspection.project_id)
    form = ResultForm(request.POST, prefix="result")
    if not form.is_valid():
        return _page(request, project, _form_errors(form), 400, result_form=form)
    data = form.cleaned_data
    done, exc = _call(
        services.inspection_result_record,
        request.user,
        inspection,
        result=data["result"],
        note=data["note"],
        actions=form.actions(),
        supplier_score=data["supplier_score"],
        supplier_comment=data["supplier_comment"],
        now=received_at(request),
    )
    if exc is not None:
        return _page(
            request, project, _service_error(exc, form, "result"), _status_for(exc), result_form=form
        )
    messages.success(
        request, _("점검 결과 '%(result)s'을(를) 기록했습니다.") % {"result": done.get_result_display()}
    )
    return _back(project, "#final")


def _action_post(request, pk, form_class, prefix, key, call):
    action = _visible(request, CorrectiveAction, pk)
    project = _project(request, action.project_id)
    form = form_class(request.POST, prefix=f"{prefix}{action.pk}")
    if not form.is_valid():
        return None, _page(
            request, project, _form_errors(form), 400, **{key: form, "target": (prefix, action.pk)}
        )
    done, exc = _call(call, request.user, action, **form.cleaned_data, now=received_at(request))
    if exc is not None:
        errors = _service_error(exc, form, f"action-{action.pk}")
        return None, _page(
            request, project, errors, _status_for(exc), **{key: form, "target": (prefix, action.pk)}
        )
    return done, _back(project, f"#action-{action.pk}")


@require_POST
@login_required
def action_plan(request, pk):
    done, response = _action_post(request, pk, PlanForm, "plan", "plan_form", services.action_plan)
    if done is not None:
        messages.success(request, _("조치 계획을 제출했습니다. 점검자에게 알렸습니다."))
    return response


@require_POST
@login_required
def action_report(request, pk):
    done, response = _action_post(request, pk, ReportForm, "report", "report_form", services.action_report)
    if done is not None:
        messages.success(request, _("조치 결과를 보고했습니다. 점검자가 확인합니다."))
    return response


def _review(confirm):
    def call(actor, action, *, note, now):
        return services.action_review(actor, action, confirm=confirm, note=note, now=now)

    return call


@require_POST
@login_required
def action_confirm(request, pk):
    done, response = _action_post(request, pk, ReviewForm, "review", "review_form", _review(True))
    if done is not None:
        inspection = FinalInspection.objects.unrestricted().get(pk=done.inspection_id)
        if inspection.status == InspectionStatus.PASSED:
            messages.success(
                request, _("조치를 확인했습니다. 모든 시정 조치가 확인되어 최종 점검을 통과했습니다.")
            )
        else:
            messages.success(request, _("조치를 확인했습니다."))
    return response


@require_POST
@login_required
def action_return(request, pk):
    done, response = _action_post(request, pk, ReviewForm, "review", "review_form", _review(False))
    if done is not None:
        messages.success(request, _("보완을 요청했습니다. 주관 도입기업에 알렸습니다."))
    return response


@require_safe
@login_required
def checklist_evidence(request, pk):
    item = _visible(request, ChecklistItem, pk)
    return file_response(item.evidence, item.evidence_name)


@require_safe
@login_required
def my_inspections(request):
    qs = (
        FinalInspection.objects.visible_to(request.user)
        .filter(inspector=request.user)
        .select_related("project__lead", "project__region", "project__submission")
        .defer("project__submission__snapshot")
        .order_by("-appointed_at", "-pk")
    )
    page = paginate(request, qs)
    return render(request, T + "my_inspections.html", {"page": page, "result_count": page.paginator.count})


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (project_inspection, Project),
    (interim_add, Project),
    (appoint, Project),
    (checklist_item, ChecklistItem),
    (checklist_evidence, ChecklistItem),
    (result, FinalInspection),
    (action_plan, CorrectiveAction),
    (action_report, CorrectiveAction),
    (action_confirm, CorrectiveAction),
    (action_return, CorrectiveAction),
):
    _view.sfms_model = _model
