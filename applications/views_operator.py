"""Operator and regional-centre pages: the list of submitted applications with filters, counts by
status and CSV/Excel exports; one application's frozen submission with its eligibility results
(override, re-run), clarifications, centre support notes and audit trail.

Thin, like programs/views_operator.py: every object is looked up inside `operated_by(user)` or
`in_centre_regions(user)` (missing and another operator's look the same: 404), every write goes
through `applications.services`, and a DomainError comes back as the error summary and a field
message (AccessDenied as the 403 page).
"""

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.access import principal_for
from organizations.errors import AccessDenied, DomainError
from organizations.forms import required
from organizations.models import Role
from organizations.pages import filter_form, paginate
from programs import documents as call_documents
from programs.forms_operator import TextDateField, percent_text
from programs.funding import ROLE_LABELS
from programs.models import Call, DocumentKind

from . import exports, selectors, services
from .filters import LIST_STATUSES, OUTCOME_BADGES, ApplicationFilter, outcome_label
from .models import (
    Application,
    ApplicationDocument,
    BudgetCategory,
    EligibilityResult,
    KpiCode,
    MemberRole,
    MemberStatus,
    Submission,
    SubmissionStatus,
    SupportNote,
)
from .querysets import CALL_STAFF_ROLES

PLAN_LABELS = (
    ("title", gettext_lazy("과제명")),
    ("summary", gettext_lazy("과제 요약")),
    ("existing_systems", gettext_lazy("보유 시스템")),
    ("integration_plan", gettext_lazy("기존 시스템 연계 방안")),
    ("data_plan", gettext_lazy("데이터 활용 계획")),
    ("expected_return", gettext_lazy("기대 효과")),
)


# --- access and small helpers ---------------------------------------------------------------------


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _staff_guard(test, message):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            p = principal_for(request.user)
            if not (p.is_platform_admin or test(p)):
                raise PermissionDenied(str(message))
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


call_staff_required = _staff_guard(
    lambda p: p.has_role(*CALL_STAFF_ROLES),
    gettext_lazy("신청서 관리는 공고를 운영하는 기관의 관리자와 담당자만 할 수 있습니다."),
)
centre_staff_required = _staff_guard(
    lambda p: p.has_role(Role.CENTRE_STAFF),
    gettext_lazy("지역 신청 현황은 지역센터 담당자만 볼 수 있습니다."),
)
operator_side_required = _staff_guard(
    lambda p: p.has_role(*CALL_STAFF_ROLES, Role.CENTRE_STAFF),
    gettext_lazy("신청서 상세는 운영기관과 지역센터 담당자만 볼 수 있습니다."),
)


def handled_applications(user):
    """Applications the user handles: as staff of the call's operator or of a centre covering the firm."""
    return Application.objects.operated_by(user) | Application.objects.in_centre_regions(user)


def _handled(request, pk):
    return get_object_or_404(
        handled_applications(request.user).select_related("call__operator", "track", "lead__region"), pk=pk
    )


class PageErrors:
    """base.html prefixes the title with "오류: " when `form.errors` is set."""

    def __init__(self, items):
        self.errors = items

    def __bool__(self):
        return bool(self.errors)


def error_items(form):
    """(anchor id, message) for every error of a bound form, in field order."""
    if form is None or not form.is_bound or not form.errors:
        return []
    items = []
    fields = [b for b in form if not b.is_hidden]
    for message in form.non_field_errors():
        items.append((fields[0].auto_id if fields else "main-content", message))
    for bound in fields:
        anchor = f"{bound.auto_id}_0" if bound.widget_type == "radioselect" else bound.auto_id
        items.extend((anchor, message) for message in bound.errors)
    return items


def form_error(form, exc):
    """A service's DomainError on its field when the form has it, else above the form."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc.message))


def render_with_errors(request, template, context, form):
    items = error_items(form)
    context.update(form=PageErrors(items), error_items=items)
    return render(request, template, context)


def denied(exc):
    return PermissionDenied(str(exc.message))


# --- list and exports -------------------------------------------------------------------------------


def _listing(request, base, calls):
    """(filterset, counts by status) for the list and the exports: the counts ignore the status
    filter, so every tab shows how many it would list."""
    data = request.GET.copy() if request.GET else None
    application_filter = filter_form(ApplicationFilter(data, queryset=base, calls=calls))
    sort = application_filter.form.fields["sort"]
    sort.empty_label = _("최근 제출 순(기본)")
    sort.choices = [c for c in sort.choices if c[0] != ""]
    without_status = request.GET.copy()
    without_status.pop("status", None)
    without_status.pop("sort", None)
    counting = ApplicationFilter(without_status or None, queryset=base, calls=calls)
    counts = dict(
        counting.qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return application_filter, counts


def _list_page(request, *, base, calls, template, export_names):
    application_filter, counts = _listing(request, base, calls)
    page = paginate(request, application_filter.qs.select_related("lead__region", "track__call"))
    exports.attach_facts(page.object_list)
    status = application_filter.form.cleaned_data.get("status") if application_filter.form.is_valid() else ""
    tabs = [("", _("전체"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in LIST_STATUSES
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "filter": application_filter,
            "page": page,
            "result_count": page.paginator.count,
            "tabs": tabs,
            "status": status or "",
            "tab_query": {k: v for k, v in query.items() if k != "status"},
            "export_query": query.urlencode(),
            "export_names": export_names,
            "badges": OUTCOME_BADGES,
        },
    )


@require_safe
@call_staff_required
def application_list(request):
    return _list_page(
        request,
        base=Application.objects.operated_by(request.user),
        calls=Call.objects.editable_by(request.user),
        template="applications/operator/application_list.html",
        export_names=("applications:operator-export-csv", "applications:operator-export-xlsx"),
    )


def _operator_export(request, respond):
    application_filter, _counts = _listing(
        request, Application.objects.operated_by(request.user), Call.objects.editable_by(request.user)
    )
    return respond(application_filter.qs)


@require_safe
@call_staff_required
def export_csv(request):
    return _operator_export(request, exports.csv_response)


@require_safe
@call_staff_required
def export_xlsx(request):
    return _operator_export(request, exports.xlsx_response)


def _centre_calls(base):
    return Call.objects.filter(pk__in=base.order_by().values("call_id"))


@require_safe
@centre_staff_required
def centre_list(request):
    base = Application.objects.in_centre_regions(request.user)
    return _list_page(
        request,
        base=base,
        calls=_centre_calls(base),
        template="applications/operator/centre_list.html",
        export_names=("applications:centre-export-csv", "applications:centre-export-xlsx"),
    )


def _centre_export(request, respond):
    base = Application.objects.in_centre_regions(request.user)
    application_filter, _counts = _listing(request, base, _centre_calls(base))
    return respond(application_filter.qs)


@require_safe
@centre_staff_required
def centre_export_csv(request):
    return _centre_export(request, exports.csv_response)


@require_safe
@centre_staff_required
def centre_export_xlsx(request):
    return _centre_export(request, exports.xlsx_response)


# --- detail --------------------------------------------------------------------------------------


class SupportNoteForm(forms.Form):
    given_on = TextDateField(
        label=gettext_lazy("상담일"),
        help_text=gettext_lazy("예: 2026. 3. 15."),
        error_messages=required(gettext_lazy("상담일을 입력해 주십시오.")),
    )
    body = forms.CharField(
        label=gettext_lazy("상담 내용"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=required(gettext_lazy("상담 내용을 입력해 주십시오.")),
        max_length=4000,
    )


def _labelled(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def _snapshot_view(snapshot):
    """The frozen submission, ready for the template: labels in the active language."""
    plan = snapshot.get("plan") or {}
    budget = snapshot.get("budget") or {}
    shares = snapshot.get("shares") or {}
    track = snapshot.get("track") or {}
    return {
        "plan": [(label, plan.get(name) or "") for name, label in PLAN_LABELS],
        "duration_months": plan.get("duration_months"),
        "total_cost": budget.get("total_cost"),
        "budget_lines": [
            (category.label, (budget.get("lines") or {}).get(category.value, 0))
            for category in BudgetCategory
        ],
        "share_lines": [
            {
                "label": ROLE_LABELS.get(line.get("role"), line.get("role")),
                "rate": f"{percent_text(line['rate'])}%" if line.get("rate") else "",
                "amount": line.get("amount"),
                "capped": line.get("capped"),
            }
            for line in shares.get("lines") or []
        ],
        "sme_share": shares.get("sme_share"),
        "kpis": [
            {
                **k,
                "label": _labelled(KpiCode, k.get("code"))
                if k.get("code") != KpiCode.CUSTOM
                else k.get("name"),
            }
            for k in snapshot.get("kpis") or []
        ],
        "members": [
            {
                "name": m["company"]["name"],
                "business_number": m["company"].get("business_number", ""),
                "role": _labelled(MemberRole, m.get("role")),
                "status": _labelled(MemberStatus, m.get("status")),
                "contract_amount": m.get("contract_amount"),
            }
            for m in snapshot.get("members") or []
        ],
        "documents": [
            {**d, "kind_label": _labelled(DocumentKind, d.get("kind"))}
            for d in snapshot.get("documents") or []
        ],
        "track_name": (track.get("name_en") if _english() else "") or track.get("name_ko") or "",
        "lead": snapshot.get("lead") or {},
    }


def _results(run):
    english = _english()
    results = list(run.results.select_related("overridden_by")) if run else []
    for r in results:
        r.rule_name = call_documents.rule_label(r.kind)
        r.reason = r.reason_en if english and r.reason_en else r.reason_ko
        r.outcome_label = outcome_label(r.effective_outcome)
        r.original_label = outcome_label(r.outcome)
        r.badge = OUTCOME_BADGES.get(r.effective_outcome, "badge-gray")
    return results


def deadline_state(reply_by, status, now=None):
    """("D-3", False) style: the label and whether the deadline has passed (only while open)."""
    now = now or timezone.now()
    if reply_by < now and status == "open":
        return _("기한 지남"), True
    days = (timezone.localdate(reply_by) - timezone.localdate(now)).days
    return (call_documents.dday_label(days) if days >= 0 else ""), False


def detail_context(request, application, *, note_form=None):
    user = request.user
    p = principal_for(user)
    submissions = list(application.submissions.order_by("-version").select_related("submitted_by"))
    shown = next((s for s in submissions if s.status == SubmissionStatus.SUBMITTED), None) or (
        submissions[0] if submissions else None
    )
    runs = (
        list(shown.eligibility_runs.select_related("requested_by").order_by("-created_at", "-pk"))
        if shown
        else []
    )
    for run in runs:
        run.outcome_label = outcome_label(run.outcome) if run.outcome else ""
    latest_run = runs[0] if runs else None
    finished = next((r for r in runs if r.status == "done"), None)
    can_operate = (
        p.is_platform_admin or Application.objects.operated_by(user).filter(pk=application.pk).exists()
    )
    in_region = (
        p.is_platform_admin or Application.objects.in_centre_regions(user).filter(pk=application.pk).exists()
    )
    clarifications = list(
        application.clarifications.select_related("operator", "asked_by").annotate(
            message_count=Count("messages")
        )
    )
    now = timezone.now()
    for c in clarifications:
        c.deadline_label, c.late = deadline_state(c.reply_by, c.status, now)
    late_documents = list(
        ApplicationDocument.objects.unrestricted()
        .filter(application=application, clarification__isnull=False, removed_at=None)
        .select_related("clarification")
    )
    notes = list(
        SupportNote.objects.visible_to(user)
        .filter(application=application)
        .select_related("operator", "author")
    )
    from organizations.views import _with_changes  # shared display of before/after field labels

    audit_page = paginate(request, selectors.audit_trail(application, submissions), per_page=20)
    _with_changes(audit_page.object_list)
    return {
        "application": application,
        "submissions": submissions,
        "shown": shown,
        "snap": _snapshot_view(shown.snapshot) if shown else None,
        "latest_run": latest_run,
        "finished_run": finished,
        "run_outcome_label": outcome_label(finished.outcome) if finished else outcome_label(""),
        "results": _results(finished),
        "runs": runs,
        "can_operate": can_operate,
        "in_region": in_region,
        "clarifications": clarifications,
        "late_documents": late_documents,
        "notes": notes,
        "note_form": note_form
        if note_form is not None
        else (SupportNoteForm(initial={"given_on": timezone.localdate()}) if in_region else None),
        "page": audit_page,
        "badges": OUTCOME_BADGES,
        "back_url": reverse("applications:operator-list")
        if can_operate
        else reverse("applications:centre-list"),
    }


@require_safe
@operator_side_required
def application_detail(request, pk):
    application = _handled(request, pk)
    return render(
        request, "applications/operator/application_detail.html", detail_context(request, application)
    )


@require_POST
@operator_side_required
def support_note_add(request, pk):
    application = _handled(request, pk)
    form = SupportNoteForm(request.POST)
    if form.is_valid():
        try:
            services.support_note_add(request.user, application, **form.cleaned_data)
        except AccessDenied as exc:
            raise denied(exc) from exc
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("신청 지원 기록을 남겼습니다."))
            return redirect(reverse("applications:operator-detail", args=[application.pk]) + "#support-notes")
    context = detail_context(request, application, note_form=form)
    return render_with_errors(request, "applications/operator/application_detail.html", context, form)


# --- eligibility: override and re-run -------------------------------------------------------------


class OverrideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("바꿀 결과"),
        widget=forms.RadioSelect,
        choices=[(k, outcome_label(k)) for k in ("pass", "fail", "needs_review")],
        error_messages=required(gettext_lazy("결과를 선택해 주십시오.")),
    )
    reason = forms.CharField(
        label=gettext_lazy("변경 사유"),
        help_text=gettext_lazy("확인한 근거를 적어 주십시오. 신청기업에도 보입니다."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )


class RerunForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("다시 확인하는 사유"),
        help_text=gettext_lazy("예: 공급기업 등록 승인, 수준확인 결과 등록"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


def _operated_result(request, pk):
    return get_object_or_404(
        EligibilityResult.objects.filter(
            run__submission__application__in=Application.objects.operated_by(request.user)
        ).select_related("run__submission__application__lead", "overridden_by"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@call_staff_required
def result_override(request, pk):
    result = _operated_result(request, pk)
    application = result.run.submission.application
    initial = {"outcome": result.effective_outcome}
    form = OverrideForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_override(request.user, result, **form.cleaned_data)
        except AccessDenied as exc:
            raise denied(exc) from exc
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("'%(rule)s' 결과를 '%(outcome)s'(으)로 바꿨습니다.")
                % {
                    "rule": call_documents.rule_label(result.kind),
                    "outcome": outcome_label(form.cleaned_data["outcome"]),
                },
            )
            return redirect(reverse("applications:operator-detail", args=[application.pk]) + "#eligibility")
    result.rule_name = call_documents.rule_label(result.kind)
    result.reason_text = result.reason_en if _english() and result.reason_en else result.reason_ko
    result.outcome_label = outcome_label(result.outcome)
    result.effective_label = outcome_label(result.effective_outcome)
    return render_with_errors(
        request,
        "applications/operator/result_override.html",
        {"result": result, "application": application, "override_form": form},
        form,
    )


@require_http_methods(["GET", "POST"])
@call_staff_required
def submission_rerun(request, pk):
    submission = get_object_or_404(
        Submission.objects.filter(
            application__in=Application.objects.operated_by(request.user)
        ).select_related("application__lead"),
        pk=pk,
    )
    application = submission.application
    form = RerunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_rerun(request.user, submission, reason=form.cleaned_data["reason"])
        except AccessDenied as exc:
            raise denied(exc) from exc
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("자격 확인을 다시 요청했습니다. 결과가 나오면 이 화면에 표시됩니다."))
            return redirect(reverse("applications:operator-detail", args=[application.pk]) + "#eligibility")
    return render_with_errors(
        request,
        "applications/operator/submission_rerun.html",
        {"submission": submission, "application": application, "rerun_form": form},
        form,
    )


for _view, _model in (
    (application_detail, Application),
    (support_note_add, Application),
    (result_override, EligibilityResult),
    (submission_rerun, Submission),
):
    _view.sfms_model = _model
