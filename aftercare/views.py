"""The aftercare page of a project (/projects/<pk>/aftercare/): warranty and defect repairs,
maintenance contracts, unfair-practice reports (only those the user may read), closing the project,
and after closing the supplier rating, the next-level application and the search for advanced
solutions. Each form is shown to whoever may act on it.

Thin like monitoring's pages: every object is looked up inside `visible_to(user)` (missing and
another tenant's look the same: 404); every write goes through `aftercare.services`; a refusal comes
back on the page as the error summary with the service's words (nothing changed); success is
POST → redirect → GET.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from monitoring.models import Project, ProjectStatus, Tranche
from monitoring.views import _call, _form_errors, _is_lead, _is_staff, _service_error, _status_for, _visible
from organizations.access import principal_for
from organizations.models import SmartFactoryLevel
from organizations.pages import file_response
from sfms.middleware import received_at
from suppliers.models import SupplierReview

from . import rules, services
from .forms import (
    CloseForm,
    ConcludeForm,
    DefectRequestForm,
    DefectRespondForm,
    MaintenanceForm,
    NextLevelForm,
    RatingForm,
    SatisfactionForm,
    UnfairReportForm,
)
from .models import DefectRepair, DefectStatus, MaintenanceContract, ReportStatus, UnfairPracticeReport

T = "aftercare/"
LEVELS = dict(SmartFactoryLevel.choices)


def _project(request, pk):
    return _visible(
        request, Project, pk, "call__operator", "lead", "region", "submission__application__track"
    )


def _page_url(project, anchor=""):
    return reverse("aftercare:page", args=[project.pk]) + anchor


def _context(request, project, forms):
    p = principal_for(request.user)
    now = timezone.now()
    staff, lead = _is_staff(p, project), _is_lead(p, project)
    supplier = services.is_supplier_member(request.user, project)
    closed = project.status == ProjectStatus.CLOSED
    today = timezone.localdate()
    target = forms.get("target")

    defects = list(project.defect_repairs.select_related("requested_by").order_by("-requested_at", "-pk"))
    for d in defects:
        d.can_respond = supplier and d.status == DefectStatus.REQUESTED
        d.can_rate = lead and d.status == DefectStatus.RESPONDED
        if d.can_respond:
            d.form = (
                forms["respond_form"]
                if target == ("respond", d.pk)
                else DefectRespondForm(prefix=f"respond{d.pk}")
            )
        if d.can_rate:
            d.form = forms["sat_form"] if target == ("sat", d.pk) else SatisfactionForm(prefix=f"sat{d.pk}")

    parties = services.consortium_parties(project)
    mine = services.reporter_roles_for(request.user, project, parties)
    reports = list(
        UnfairPracticeReport.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("reporter_company", "reported_company")
        .order_by("-reported_at", "-pk")
    )
    for r in reports:
        r.can_review = staff and r.status == ReportStatus.RECEIVED
        r.can_conclude = staff and r.status == ReportStatus.UNDER_REVIEW
        if r.can_conclude:
            r.form = (
                forms["conclude_form"]
                if target == ("conclude", r.pk)
                else ConcludeForm(prefix=f"conclude{r.pk}")
            )
    report_form = None
    if mine and project.status != ProjectStatus.ABANDONED:
        names = {cid: name for cid, (_role, name) in parties.items()}
        report_form = forms.get("report_form") or UnfairReportForm(
            prefix="unfair",
            mine=[(cid, names[cid]) for cid, _role in mine],
            others=[(cid, name) for cid, name in names.items() if cid not in dict(mine)],
        )

    suppliers = services.rateable_suppliers(project)
    reviews = list(
        SupplierReview.objects.unrestricted().filter(
            profile__in=suppliers,
            source=SupplierReview.Source.SME,
            project_reference=project.submission.receipt_number,
        )
    )
    rated = {r.profile_id for r in reviews}
    unrated = [s for s in suppliers if s.pk not in rated]
    tracks = list(services.next_level_tracks(project, now)) if closed and lead else []
    level = services.project_level(project)
    next_level = rules.next_level(level)
    tranches = list(Tranche.objects.filter(project=project).order_by("order"))
    return {
        "project": project,
        "is_staff": staff,
        "is_lead": lead,
        "is_supplier": supplier,
        "closed": closed,
        "warranty_ends": rules.warranty_ends_on(project.inspection_passed_at),
        "warranty_problem": services.warranty_problem(project, today),
        "defects": defects,
        "defect_form": forms.get("defect_form") or DefectRequestForm(prefix="defect"),
        "contracts": list(project.maintenance_contracts.order_by("-starts_on", "-pk")),
        "maintenance_form": forms.get("maintenance_form")
        or MaintenanceForm(prefix="contract", supplier_name=suppliers[0].company.name if suppliers else ""),
        "may_record_contract": lead and project.status != ProjectStatus.ABANDONED,
        "reports": reports,
        "report_form": report_form,
        "may_close": staff and project.status not in services.ENDED,
        "closing_problems": services.closing_problems(project, tranches) if staff else [],
        "close_form": forms.get("close_form") or CloseForm(prefix="close"),
        "reviews": reviews,
        "may_rate": closed and lead and bool(unrated),
        "rating_form": forms.get("rating_form")
        or RatingForm(prefix="rating", suppliers=[(s.pk, s.company.name) for s in unrated]),
        "tracks": tracks,
        "next_level_form": forms.get("next_level_form") or NextLevelForm(prefix="next", tracks=tracks),
        "level_label": LEVELS.get(level, level),
        "next_level_label": LEVELS.get(next_level, ""),
        "search_url": (
            f"{reverse('suppliers:search')}?level={next_level}&sort=rating"
            if next_level
            else reverse("suppliers:search")
        ),
    }


def _render(request, project, errors=(), status=200, **forms):
    errors = list(errors)
    context = _context(request, project, forms)
    context.update(error_items=errors, has_errors=bool(errors))
    return render(request, T + "page.html", context, status=status)


@require_safe
@login_required
def page(request, pk):
    return _render(request, _project(request, pk))


def _run(request, project, form, form_key, anchor, service, *args, target=None, **kwargs):
    """Run a service for a bound, valid form: the page again with errors, or None on success."""
    extra = {form_key: form, "target": target}
    if not form.is_valid():
        return None, _render(request, project, _form_errors(form), 400, **extra)
    result, exc = _call(service, request.user, *args, **kwargs)
    if exc is not None:
        errors = _service_error(exc, form, anchor=anchor)
        return None, _render(request, project, errors, _status_for(exc), **extra)
    return result, None


# --- defect repairs ---------------------------------------------------------------------------------


@require_POST
@login_required
def defect_add(request, pk):
    project = _project(request, pk)
    if not _is_lead(principal_for(request.user), project):
        raise PermissionDenied(_("하자보수는 주관 도입기업 담당자가 요청합니다."))
    form = DefectRequestForm(request.POST, request.FILES, prefix="defect")
    form.is_valid()
    data = form.cleaned_data
    _defect, page_ = _run(
        request,
        project,
        form,
        "defect_form",
        "defects",
        services.defect_request,
        project,
        description=data.get("description", ""),
        attachment=data.get("attachment") or None,
        now=received_at(request),
    )
    if page_ is not None:
        return page_
    messages.success(request, _("하자보수를 요청했습니다. 공급기업에 알렸습니다."))
    return redirect(_page_url(project, "#defects"))


def _defect(request, pk):
    defect = _visible(request, DefectRepair, pk, "project")
    return defect, _project(request, defect.project_id)


@require_POST
@login_required
def defect_respond(request, pk):
    defect, project = _defect(request, pk)
    if not services.is_supplier_member(request.user, project):
        raise PermissionDenied(_("하자보수 조치는 이 과제 협약의 공급기업 담당자가 기록합니다."))
    form = DefectRespondForm(request.POST, prefix=f"respond{defect.pk}")
    form.is_valid()
    data = form.cleaned_data
    _result, page_ = _run(
        request,
        project,
        form,
        "respond_form",
        f"defect-{defect.pk}",
        services.defect_respond,
        defect,
        response=data.get("response", ""),
        repaired_on=data.get("repaired_on"),
        now=received_at(request),
        target=("respond", defect.pk),
    )
    if page_ is not None:
        return page_
    messages.success(request, _("조치 결과를 기록했습니다. 도입기업에 알렸습니다."))
    return redirect(_page_url(project, f"#defect-{defect.pk}"))


@require_POST
@login_required
def defect_satisfaction(request, pk):
    defect, project = _defect(request, pk)
    if not _is_lead(principal_for(request.user), project):
        raise PermissionDenied(_("만족도는 주관 도입기업 담당자가 남깁니다."))
    form = SatisfactionForm(request.POST, prefix=f"sat{defect.pk}")
    form.is_valid()
    data = form.cleaned_data
    _result, page_ = _run(
        request,
        project,
        form,
        "sat_form",
        f"defect-{defect.pk}",
        services.defect_satisfaction,
        defect,
        score=data.get("score"),
        comment=data.get("comment", ""),
        now=received_at(request),
        target=("sat", defect.pk),
    )
    if page_ is not None:
        return page_
    messages.success(request, _("만족도를 남겼습니다. 하자보수 요청을 종결했습니다."))
    return redirect(_page_url(project, f"#defect-{defect.pk}"))


@require_safe
@login_required
def defect_attachment(request, pk):
    defect = _visible(request, DefectRepair, pk)
    return file_response(defect.attachment, defect.attachment_name)


# --- maintenance contracts ----------------------------------------------------------------------------


@require_POST
@login_required
def contract_add(request, pk):
    project = _project(request, pk)
    if not _is_lead(principal_for(request.user), project):
        raise PermissionDenied(_("유지보수 계약은 주관 도입기업 담당자가 등록합니다."))
    form = MaintenanceForm(request.POST, request.FILES, prefix="contract")
    form.is_valid()
    data = form.cleaned_data
    _result, page_ = _run(
        request,
        project,
        form,
        "maintenance_form",
        "contracts",
        services.maintenance_record,
        project,
        provider_name=data.get("provider_name", ""),
        with_supplier=data.get("counterpart") == "supplier",
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
        annual_fee=data.get("annual_fee"),
        scope=data.get("scope", ""),
        document=data.get("document") or None,
        now=received_at(request),
    )
    if page_ is not None:
        return page_
    messages.success(request, _("유지보수 계약을 등록했습니다."))
    return redirect(_page_url(project, "#contracts"))


@require_safe
@login_required
def contract_document(request, pk):
    contract = _visible(request, MaintenanceContract, pk)
    return file_response(contract.document, contract.document_name)


# --- unfair-practice reports ------------------------------------------------------------------------


@require_POST
@login_required
def unfair_add(request, pk):
    project = _project(request, pk)
    parties = services.consortium_parties(project)
    mine = services.reporter_roles_for(request.user, project, parties)
    if not mine:
        raise PermissionDenied(_("불공정 행위 신고는 이 과제 협약의 당사자 기업 담당자가 합니다."))
    names = {cid: name for cid, (_role, name) in parties.items()}
    form = UnfairReportForm(
        request.POST,
        prefix="unfair",
        mine=[(cid, names[cid]) for cid, _role in mine],
        others=[(cid, name) for cid, name in names.items() if cid not in dict(mine)],
    )
    form.is_valid()
    data = form.cleaned_data
    _result, page_ = _run(
        request,
        project,
        form,
        "report_form",
        "unfair",
        services.unfair_report,
        project,
        reporter_company=data.get("reporter_company"),
        reported_company=data.get("reported_company"),
        description=data.get("description", ""),
        now=received_at(request),
    )
    if page_ is not None:
        return page_
    messages.success(
        request, _("불공정 행위 신고를 운영기관에 접수했습니다. 신고 대상 기업에는 알리지 않습니다.")
    )
    return redirect(_page_url(project, "#unfair"))


def _report(request, pk):
    report = _visible(request, UnfairPracticeReport, pk, "project")
    return report, _project(request, report.project_id)


@require_POST
@login_required
def unfair_handle(request, pk):
    """`action=review` starts the review; `action=conclude` records the outcome."""
    report, project = _report(request, pk)
    if not _is_staff(principal_for(request.user), project):
        raise PermissionDenied(_("불공정 행위 신고는 공고를 운영하는 기관의 담당자가 처리합니다."))
    if request.POST.get("action") == "review":
        _result, exc = _call(services.unfair_review, request.user, report, now=received_at(request))
        if exc is not None:
            return _render(request, project, [(f"report-{report.pk}", str(exc.message))], _status_for(exc))
        messages.success(request, _("신고 검토를 시작했습니다. 신고 기업에 알렸습니다."))
        return redirect(_page_url(project, f"#report-{report.pk}"))
    form = ConcludeForm(request.POST, prefix=f"conclude{report.pk}")
    form.is_valid()
    _result, page_ = _run(
        request,
        project,
        form,
        "conclude_form",
        f"report-{report.pk}",
        services.unfair_conclude,
        report,
        outcome=form.cleaned_data.get("outcome", ""),
        now=received_at(request),
        target=("conclude", report.pk),
    )
    if page_ is not None:
        return page_
    messages.success(request, _("처리 결과를 기록했습니다. 신고 기업에 알렸습니다."))
    return redirect(_page_url(project, f"#report-{report.pk}"))


# --- closing, rating, next level ----------------------------------------------------------------------


@require_POST
@login_required
def project_close(request, pk):
    project = _project(request, pk)
    if not _is_staff(principal_for(request.user), project):
        raise PermissionDenied(_("과제 종료는 공고를 운영하는 기관의 담당자가 합니다."))
    form = CloseForm(request.POST, prefix="close")
    form.is_valid()
    _result, page_ = _run(
        request,
        project,
        form,
        "close_form",
        "closing",
        services.project_close,
        project,
        reason=form.cleaned_data.get("reason", ""),
        now=received_at(request),
    )
    if page_ is not None:
        return page_
    messages.success(request, _("과제를 종료했습니다. 도입기업과 공급기업에 알렸습니다."))
    return redirect(_page_url(project, "#closing"))


@require_POST
@login_required
def supplier_rate(request, pk):
    project = _project(request, pk)
    if not _is_lead(principal_for(request.user), project):
        raise PermissionDenied(_("공급기업 평가는 주관 도입기업 담당자가 합니다."))
    suppliers = services.rateable_suppliers(project)
    form = RatingForm(request.POST, prefix="rating", suppliers=[(s.pk, s.company.name) for s in suppliers])
    form.is_valid()
    data = form.cleaned_data
    _result, page_ = _run(
        request,
        project,
        form,
        "rating_form",
        "rating",
        services.supplier_rate,
        project,
        supplier=data.get("supplier"),
        score=data.get("score"),
        comment=data.get("comment", ""),
    )
    if page_ is not None:
        return page_
    messages.success(request, _("공급기업 평가를 등록했습니다."))
    return redirect(_page_url(project, "#rating"))


@require_POST
@login_required
def next_level(request, pk):
    project = _project(request, pk)
    if not _is_lead(principal_for(request.user), project):
        raise PermissionDenied(_("다음 단계 신청은 주관 도입기업 담당자가 합니다."))
    tracks = list(services.next_level_tracks(project))
    form = NextLevelForm(request.POST, prefix="next", tracks=tracks)
    form.is_valid()
    track = next((t for t in tracks if t.pk == form.cleaned_data.get("track")), None)
    application, page_ = _run(
        request,
        project,
        form,
        "next_level_form",
        "next-level",
        services.next_level_application,
        project,
        track=track,
        now=received_at(request),
    )
    if page_ is not None:
        return page_
    messages.success(
        request,
        _("다음 단계 신청서를 만들었습니다. 이전 과제의 내용과 공급기업을 미리 채웠으니 확인해 주십시오."),
    )
    return redirect(reverse("applications:task-list", args=[application.pk]))


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (page, Project),
    (defect_add, Project),
    (contract_add, Project),
    (unfair_add, Project),
    (project_close, Project),
    (supplier_rate, Project),
    (next_level, Project),
    (defect_respond, DefectRepair),
    (defect_satisfaction, DefectRepair),
    (defect_attachment, DefectRepair),
    (contract_document, MaintenanceContract),
    (unfair_handle, UnfairPracticeReport),
):
    _view.sfms_model = _model
