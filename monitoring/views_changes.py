"""Change-request pages (issue 7, point 2): a project's change requests at /projects/<pk>/changes/
(the list, and the form for the lead SME), one request at /projects/changes/<pk>/ (before and
after, the decision; approve or reject for the call's staff, withdraw for the lead).

Thin like views.py: objects are looked up inside `visible_to(user)` (missing and foreign are the
same 404); writes go through monitoring.changes; a refusal comes back as the error summary with
the service's words and changes nothing; success is POST → redirect → GET."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.pages import file_response
from sfms.middleware import received_at

from . import changes, rules
from .forms_changes import KIND_FIELDS, ChangeRequestForm, DecisionForm
from .models import ChangeKind, ChangeRequest, ChangeStatus, Project, ProjectStatus

T = "monitoring/changes/"

VALUE_LABELS = {
    "ends_on": gettext_lazy("수행 종료일"),
    "name": gettext_lazy("공급기업"),
    "replaces_name": gettext_lazy("교체되는 공급기업"),
    "postcode": gettext_lazy("우편번호"),
    "address": gettext_lazy("공장 주소"),
    "address_detail": gettext_lazy("상세주소"),
    "ceo_name": gettext_lazy("대표자명"),
    "bank_name": gettext_lazy("은행명"),
    "account_number": gettext_lazy("계좌번호"),
    "account_holder": gettext_lazy("예금주"),
    "description": gettext_lazy("변경 내용"),
}
HIDDEN_VALUES = {"supplier", "company_id", "replaces"}


def _form_errors(form):
    items = []
    fields = [b for b in form if not b.is_hidden]
    for message in form.non_field_errors():
        items.append((fields[0].auto_id if fields else "main-content", message))
    for bound in fields:
        items.extend((bound.auto_id, message) for message in bound.errors)
    return items


def _service_error(exc, form=None, anchor="main-content"):
    field = getattr(exc, "field", None)
    if form is not None and field in form.fields:
        form.add_error(field, str(exc.message))
        return [(form[field].auto_id, str(exc.message))]
    return [(anchor, str(exc.message))]


def _run(fn, *args, **kwargs):
    """A service call: AccessDenied is the 403 page; a DomainError comes back as (None, exc)."""
    try:
        return fn(*args, **kwargs), None
    except AccessDenied as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        return None, exc


def _status(exc):
    return 409 if isinstance(exc, Conflict) else 400


def _rows(values):
    return [(str(VALUE_LABELS.get(k, k)), v) for k, v in values.items() if k not in HIDDEN_VALUES and v]


def _request_form(project, data=None, files=None):
    from suppliers.models import SupplierProfile

    suppliers = SupplierProfile.objects.searchable().select_related("company").order_by("company__name", "pk")
    current = changes.current_suppliers(project)
    return ChangeRequestForm(
        data,
        files,
        prefix="change",
        suppliers=suppliers,
        current_suppliers=current if len(current) > 1 else (),
    )


def _list(request, project, form=None, errors=(), status=200):
    may_request = changes.may_request(request.user, project) and project.status == ProjectStatus.IN_PROGRESS
    rows = list(
        ChangeRequest.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("requested_by", "decided_by", "agreement")
        .defer("agreement__terms")
    )
    for change in rows:
        change.summary = rules.change_summary(change.kind, change.values)
    if may_request and form is None:
        form = _request_form(project)
    groups = []
    if form is not None:
        for kind, names in KIND_FIELDS.items():
            groups.append((ChangeKind(kind).label, [form[n] for n in names if n in form.fields]))
    errors = list(errors)
    return render(
        request,
        T + "list.html",
        {
            "project": project,
            "changes": rows,
            "form": form if may_request else None,
            "groups": groups,
            "may_decide": changes.may_decide(request.user, project),
            "error_items": errors,
            "has_errors": bool(errors),
        },
        status=status,
    )


def _project(request, pk):
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related("call__operator", "lead", "submission"), pk=pk
    )


@require_http_methods(["GET", "POST"])
@login_required
def change_list(request, pk):
    project = _project(request, pk)
    if request.method == "GET":
        return _list(request, project)
    if not changes.may_request(request.user, project):
        raise PermissionDenied(_("변경 신청은 주관 도입기업 담당자만 할 수 있습니다."))
    form = _request_form(project, request.POST, request.FILES)
    if not form.is_valid():
        return _list(request, project, form, _form_errors(form), 400)
    data = form.cleaned_data
    change, exc = _run(
        changes.change_request_submit,
        request.user,
        project,
        kind=data["kind"],
        values=form.values(),
        reason=data["reason"],
        evidence=data["evidence"] or None,
        now=received_at(request),
    )
    if exc is not None:
        return _list(request, project, form, _service_error(exc, form, anchor="new"), _status(exc))
    if change.status == ChangeStatus.RECORDED:
        messages.success(
            request,
            _("변경을 기록했습니다. %(version)s차 협약서에 바로 반영되었습니다.")
            % {"version": change.agreement.version},
        )
    else:
        messages.success(request, _("변경 승인을 요청했습니다. 운영기관이 검토합니다."))
    return redirect("monitoring:change-detail", change.pk)


def _change(request, pk):
    return get_object_or_404(
        ChangeRequest.objects.visible_to(request.user).select_related(
            "project__call__operator",
            "project__lead",
            "project__submission",
            "requested_by",
            "decided_by",
            "agreement",
        ),
        pk=pk,
    )


def _detail(request, change, decision_form=None, errors=(), status=200):
    project = change.project
    waiting = change.status == ChangeStatus.SUBMITTED
    may_decide = waiting and changes.may_decide(request.user, project)
    errors = list(errors)
    return render(
        request,
        T + "detail.html",
        {
            "project": project,
            "change": change,
            "summary": rules.change_summary(change.kind, change.values),
            "new_rows": _rows(change.values),
            "old_rows": _rows(change.previous),
            "may_decide": may_decide,
            "may_withdraw": waiting and changes.may_request(request.user, project),
            "decision_form": decision_form or DecisionForm(prefix="decision"),
            "error_items": errors,
            "has_errors": bool(errors),
        },
        status=status,
    )


@require_safe
@login_required
def change_detail(request, pk):
    return _detail(request, _change(request, pk))


def _decide(request, pk, service, done):
    change = _change(request, pk)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        return _detail(request, change, form, _form_errors(form), 400)
    _done, exc = _run(
        service, request.user, change, reason=form.cleaned_data["reason"], now=received_at(request)
    )
    if exc is not None:
        return _detail(request, change, form, _service_error(exc, form, anchor="decision"), _status(exc))
    messages.success(request, done)
    return redirect("monitoring:change-detail", change.pk)


@require_POST
@login_required
def change_approve(request, pk):
    return _decide(
        request,
        pk,
        changes.change_request_approve,
        _("승인했습니다. 새 차수의 협약서를 모든 당사자에게 보냈습니다."),
    )


@require_POST
@login_required
def change_reject(request, pk):
    return _decide(
        request, pk, changes.change_request_reject, _("반려했습니다. 주관 도입기업에 사유를 알렸습니다.")
    )


@require_POST
@login_required
def change_withdraw(request, pk):
    change = _change(request, pk)
    _done, exc = _run(changes.change_request_withdraw, request.user, change, now=received_at(request))
    if exc is not None:
        return _detail(request, change, None, _service_error(exc), _status(exc))
    messages.success(request, _("변경 신청을 철회했습니다."))
    return redirect("monitoring:change-detail", change.pk)


@require_safe
@login_required
def change_evidence(request, pk):
    change = get_object_or_404(ChangeRequest.objects.visible_to(request.user), pk=pk)
    return file_response(change.evidence, change.evidence_name)


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (change_list, Project),
    (change_detail, ChangeRequest),
    (change_approve, ChangeRequest),
    (change_reject, ChangeRequest),
    (change_withdraw, ChangeRequest),
    (change_evidence, ChangeRequest),
):
    _view.sfms_model = _model
