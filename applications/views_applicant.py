"""The applicant's pages: start a draft from a call, the task list and its section pages (autosaved),
check answers, submit, the receipt with eligibility results arriving live, withdraw and resubmit,
"내 신청서"; and the invited companies' answers (/applications/invitations/).

Thin, like suppliers/views_profile.py: the lead's drafts are looked up inside
`Application.objects.led_by(user)`, everything read by members inside `visible_to(user)` (another
firm's records look missing: 404); every write goes through applications.services, a DomainError
comes back as a form error (GOV.UK error summary) and AccessDenied as the 403 page with its reason.
"""

import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.access import principal_for
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Company, Role
from organizations.uploads import extension_of, human_size
from programs import documents as call_documents
from programs.eligibility import Outcome
from programs.models import Call, DeliveryModel, DocumentKind, FunderRole, Track
from sfms.middleware import received_at

from . import rules, services
from .forms import (
    BudgetForm,
    CompleteForm,
    DeclarationsForm,
    DocumentForm,
    InviteForm,
    KpiValuesForm,
    NominateForm,
    PlanForm,
    RespondForm,
    SubmitForm,
    WithdrawForm,
)
from .models import (
    BUDGET_FIELDS,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    BudgetCategory,
    ConsortiumMember,
    Kpi,
    KpiCode,
    MemberRole,
    MemberStatus,
    RunStatus,
    Submission,
    SubmissionStatus,
)
from .selectors import document_status, live_shares

T = "applications/applicant/"

# --- errors on the page (GOV.UK error summary) ---------------------------------------------------


def _anchor(bound):
    if bound.widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{bound.auto_id}_0"
    return bound.auto_id


def error_items(*page_forms):
    """(anchor id, message) for every error, in page order; non-field errors link to the first field."""
    items = []
    for form in page_forms:
        if form is None or not form.is_bound or not form.errors:
            continue
        visible = [b for b in form if not b.is_hidden]
        for message in form.non_field_errors():
            items.append((_anchor(visible[0]) if visible else "main-content", message))
        for bound in form:
            for message in bound.errors:
                items.append((_anchor(bound) if not bound.is_hidden else "main-content", message))
    return items


def _render(request, template, context, *page_forms, extra_errors=(), status=200):
    items = [*extra_errors, *error_items(*page_forms)]
    context.update(error_items=items, has_errors=bool(items))
    return render(request, T + template, context, status=status)


def _form_error(form, exc):
    """A service's DomainError onto its field when the form has it, else on top of the form."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc.message))


def _posted(request):
    return request.POST if request.method == "POST" else None


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _denied(exc):
    return PermissionDenied(str(exc.message))


# --- looking things up ---------------------------------------------------------------------------


def _sme_company(user):
    ids = principal_for(user).company_ids_with(Role.SME_MEMBER)
    return (
        Company.objects.visible_to(user)
        .filter(pk__in=ids, kind=Company.Kind.MANUFACTURER)
        .order_by("pk")
        .first()
    )


def _led(request, pk):
    """A draft the user may edit (its SME company leads it); anything else is 404."""
    return get_object_or_404(
        Application.objects.led_by(request.user).select_related(
            "call", "call__programme", "track", "lead", "lead__region"
        ),
        pk=pk,
    )


def _submission(request, pk):
    return get_object_or_404(
        Submission.objects.visible_to(request.user).select_related(
            "application__call", "application__track", "application__lead"
        ),
        pk=pk,
    )


def _localize(application):
    call_documents.localize_track(application.track)
    call = application.call
    call.title = call.title_en if _english() and call.title_en else call.title_ko
    call.closes_text = call_documents.deadline_text(call.closes_at)
    return application


def lead_required(view):
    """Signed in; the view gets the draft `pk` the user's SME company leads."""

    @functools.wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        return view(request, _localize(_led(request, pk)), *args, **kwargs)

    return login_required(wrapper)


def _clarifications_url(application):
    """The applicant's clarification threads (built by another part of the app), when they exist."""
    for args in ((application.pk,), ()):
        try:
            return reverse("applications:clarification-list", args=args)
        except NoReverseMatch:
            continue
    return ""


def _from_check(request):
    return request.GET.get("from") == "check" or request.POST.get("from") == "check"


def _after_save(request, application):
    if _from_check(request):
        return redirect("applications:check", pk=application.pk)
    return redirect("applications:task-list", pk=application.pk)


# --- task list --------------------------------------------------------------------------------------

DONE, IN_PROGRESS, NOT_STARTED, PROBLEM = "done", "progress", "todo", "problem"
STATUS_LABELS = {
    DONE: gettext_lazy("완료"),
    IN_PROGRESS: gettext_lazy("작성 중"),
    NOT_STARTED: gettext_lazy("시작 전"),
    PROBLEM: gettext_lazy("확인 필요"),
}
TASK_TITLES = {
    "plan": gettext_lazy("사업 계획 작성"),
    "budget": gettext_lazy("사업비와 분담금 입력"),
    "kpis": gettext_lazy("성과 지표 입력"),
    "consortium": gettext_lazy("컨소시엄 구성"),
    "documents": gettext_lazy("제출 서류 올리기"),
    "declarations": gettext_lazy("확인 사항 동의"),
}
SECTION_URLS = {
    "plan": "applications:plan",
    "budget": "applications:budget",
    "kpis": "applications:kpis",
    "consortium": "applications:consortium",
    "documents": "applications:documents",
    "declarations": "applications:declarations",
}


def _parts(application):
    """The draft's parts, loaded once: members, KPIs, document needs, problems by section."""
    members = list(
        application.members.exclude(status=MemberStatus.REMOVED)
        .select_related("company")
        .order_by("role", "pk")
    )
    kpis = list(application.kpis.all())
    needs = document_status(application)
    problems = rules.section_problems(
        application,
        members=members,
        kpis=kpis,
        missing_documents=[d.label for d in needs if d.required and not d.present],
        win_win=application.call.delivery_model == DeliveryModel.WIN_WIN,
        max_duration=application.track.max_duration_months,
    )
    return {"members": members, "kpis": kpis, "needs": needs, "problems": problems}


def _touched(application, section, parts):
    if section == "plan":
        return any(getattr(application, f) for f in services.PLAN_FIELDS)
    if section == "budget":
        return bool(application.total_cost or application.budget_sum)
    if section == "kpis":
        return any(k.baseline is not None or k.target is not None for k in parts["kpis"])
    if section == "consortium":
        return bool(parts["members"])
    if section == "documents":
        return any(need.present for need in parts["needs"])
    return bool(application.declarations)


def _tasks(application, parts):
    tasks = []
    for section in rules.SECTIONS:
        problems = parts["problems"].get(section, [])
        if section in application.completed_sections:
            status = PROBLEM if problems else DONE
        elif not _touched(application, section, parts):
            status = NOT_STARTED
        elif section == "consortium" and any(m.status == MemberStatus.DECLINED for m in parts["members"]):
            status = PROBLEM
        else:
            status = IN_PROGRESS
        hint = ""
        if status in (PROBLEM, IN_PROGRESS) and problems:
            hint = (
                problems[0]
                if len(problems) == 1
                else _("%(first)s 외 %(more)d건")
                % {
                    "first": problems[0],
                    "more": len(problems) - 1,
                }
            )
        if section == "consortium" and status != DONE:
            waiting = sum(1 for m in parts["members"] if m.status == MemberStatus.INVITED)
            if waiting:
                hint = _("응답 대기 %(count)d곳") % {"count": waiting}
        tasks.append(
            {
                "section": section,
                "title": TASK_TITLES[section],
                "url": reverse(SECTION_URLS[section], args=[application.pk]),
                "status": status,
                "status_label": STATUS_LABELS[status],
                "hint": hint,
            }
        )
    return tasks


def _versions(application):
    return list(application.submissions.order_by("-version"))


@require_safe
@lead_required
def task_list(request, application):
    parts = _parts(application)
    tasks = _tasks(application, parts)
    standing = next((s for s in _versions(application) if s.status == SubmissionStatus.SUBMITTED), None)
    return render(
        request,
        T + "task_list.html",
        {
            "application": application,
            "tasks": tasks,
            "done_count": sum(1 for t in tasks if t["status"] == DONE),
            "editable": application.status != ApplicationStatus.SUBMITTED,
            "window_problem": services.call_window_problem(application.call, timezone.now()),
            "versions": _versions(application),
            "standing": standing,
            # Clarifications are asked on submitted applications only.
            "clarifications_url": _clarifications_url(application) if application.current_version else "",
        },
    )


# --- start ------------------------------------------------------------------------------------------


@require_POST
@login_required
def start(request):
    """ "신청하기" on a call or a recommendation: the company's draft for that track, new or reopened."""
    track = get_object_or_404(
        Track.objects.filter(call__in=Call.objects.visible_to(request.user)).select_related("call"),
        pk=request.POST.get("track") if str(request.POST.get("track", "")).isdigit() else None,
    )
    company = _sme_company(request.user)
    if company is None:
        raise PermissionDenied(_("도입기업(제조기업) 담당자만 사업을 신청할 수 있습니다."))
    try:
        application = services.application_start(request.user, track=track, company=company)
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("programs:call-detail", pk=track.call_id)
    return redirect("applications:task-list", pk=application.pk)


# --- section pages: plan, budget, declarations ---------------------------------------------------


def _complete_form(request, application, section):
    initial = {"completed": "yes"} if section in application.completed_sections else {}
    return CompleteForm(_posted(request), initial=initial)


def _mark(request, application, section, complete_form):
    """Apply the "이 항목을 완료했습니까?" answer; False (with the error on the form) when refused."""
    completed = complete_form.cleaned_data["completed"]
    application.refresh_from_db(fields=["completed_sections", "status"])
    if not completed and section not in application.completed_sections:
        return True
    try:
        services.section_mark(request.user, application, section, completed=completed)
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        complete_form.add_error("completed", str(exc.message))
        return False
    return True


def _saved_message(request, section, completed):
    if completed:
        messages.success(
            request,
            _("'%(section)s' 항목을 완료로 표시했습니다.") % {"section": rules.SECTION_LABELS[section]},
        )
    else:
        messages.success(
            request, _("'%(section)s' 항목을 저장했습니다.") % {"section": rules.SECTION_LABELS[section]}
        )


def _autosave_stamp(application):
    return timezone.localtime(application.updated_at).strftime("%H:%M")


def _section_page(request, application, section, form_class, initial, template, extra=None):
    form = form_class(_posted(request), initial=initial)
    complete = _complete_form(request, application, section)
    editable = application.status != ApplicationStatus.SUBMITTED
    if request.method == "POST":
        if not editable:
            messages.error(
                request, _("제출한 신청서는 고칠 수 없습니다. 고치려면 마감 전에 제출을 철회해 주십시오.")
            )
            return redirect("applications:task-list", pk=application.pk)
        form_ok = form.is_valid()
        recalculate = bool(request.POST.get("recalculate"))
        if recalculate:
            complete = CompleteForm(initial=complete.initial)  # not asked on a recalculation
        complete_ok = not recalculate and complete.is_valid()
        if form_ok:
            changes = form.changes(application)
            if changes:
                try:
                    application = services.application_update(request.user, application, changes)
                except AccessDenied as exc:
                    raise _denied(exc) from exc
                except DomainError as exc:
                    _form_error(form, exc)
                    form_ok = False
        if form_ok and recalculate:  # the budget's "다시 계산" without JavaScript: saved, same page
            return redirect(request.get_full_path())
        if form_ok and complete_ok and _mark(request, application, section, complete):
            _saved_message(request, section, complete.cleaned_data["completed"])
            return _after_save(request, application)
    context = {
        "application": application,
        "section": section,
        "section_label": rules.SECTION_LABELS[section],
        "form": form,
        "complete_form": complete,
        "editable": editable,
        "from_check": _from_check(request),
        "autosaved_at": _autosave_stamp(application),
        **(extra(application) if extra else {}),
    }
    return _render(request, template, context, form, complete)


@require_http_methods(["GET", "POST"])
@lead_required
def plan(request, application):
    initial = {name: getattr(application, name) for name in services.PLAN_FIELDS}
    return _section_page(request, application, "plan", PlanForm, initial, "plan.html")


def _share_rows(quote):
    rows = []
    for line in quote.lines:
        notes = []
        if line.bonus:
            notes.append(_("우대 지역 비율 적용"))
        if line.capped:
            notes.append(_("한도 적용"))
        rows.append(
            {
                "role": FunderRole(line.role).label if line.role in FunderRole.values else line.role,
                "rate": call_documents.percent(line.rate),
                "amount": line.amount,
                "notes": ", ".join(str(n) for n in notes),
            }
        )
    return rows


def budget_context(application, members=None):
    """The live shares (programs' calculator) and the sum check, for the budget page and partial."""
    quote, problem = live_shares(application, members)
    lines = [
        {"label": category.label, "amount": getattr(application, BUDGET_FIELDS[category.value])}
        for category in BudgetCategory
    ]
    mismatch = rules.budget_problems(application) if application.total_cost else []
    return {
        "quote": quote,
        "quote_problem": problem,
        "share_rows": _share_rows(quote) if quote else [],
        "budget_lines": lines,
        "budget_sum": application.budget_sum,
        "budget_mismatch": mismatch[0] if mismatch else "",
    }


@require_http_methods(["GET", "POST"])
@lead_required
def budget(request, application):
    initial = {name: getattr(application, name) for name in BudgetForm.model_fields}
    return _section_page(
        request, application, "budget", BudgetForm, initial, "budget.html", extra=budget_context
    )


@require_http_methods(["GET", "POST"])
@lead_required
def declarations(request, application):
    return _section_page(
        request,
        application,
        "declarations",
        DeclarationsForm,
        DeclarationsForm.initial_for(application),
        "declarations.html",
    )


# --- autosave (htmx) -----------------------------------------------------------------------------

AUTOSAVE_FORMS = {"plan": PlanForm, "budget": BudgetForm, "declarations": DeclarationsForm}


@require_POST
@lead_required
def autosave(request, application):
    """Save what was typed so far (valid fields only); answer the status line, and for the budget
    the live shares out of band. The section page's own POST does the same without JavaScript."""
    section = request.POST.get("section", "")
    problems, saved = [], False
    if section == "kpis":
        saved, problems = _save_kpis(request, application, autosave=True)
    else:
        form_class = AUTOSAVE_FORMS.get(section)
        if form_class is None:
            raise Http404
        form = form_class(request.POST)
        changes = form.valid_changes(application, request.POST)
        problems = [str(m) for name, errs in form.errors.items() if name in request.POST for m in errs]
        if changes and application.status != ApplicationStatus.SUBMITTED:
            try:
                application = services.application_update(request.user, application, changes)
                saved = True
            except AccessDenied as exc:
                raise _denied(exc) from exc
            except DomainError as exc:
                problems.append(str(exc.message))
    application.refresh_from_db()
    context = {
        "application": application,
        "section": section,
        "autosaved_at": _autosave_stamp(application),
        "saved": saved,
        "problems": problems,
        "oob": True,
    }
    if section == "budget":
        context.update(budget_context(application))
    response = render(request, T + "_autosave.html", context)
    response["Vary"] = "HX-Request"
    return response


# --- KPIs --------------------------------------------------------------------------------------------


def _kpi_forms(request, kpis):
    forms_ = []
    for kpi in kpis:
        form = KpiValuesForm(
            _posted(request),
            prefix=f"kpi-{kpi.pk}",
            custom=kpi.code == KpiCode.CUSTOM,
            initial={"name": kpi.name, "unit": kpi.unit, "baseline": kpi.baseline, "target": kpi.target},
        )
        form.kpi = kpi
        forms_.append(form)
    return forms_


def _save_kpis(request, application, *, autosave=False):
    """Save every KPI whose values changed. (saved anything, problems) — on a page POST the problems
    are also left on each form."""
    kpis = list(application.kpis.all())
    saved, problems = False, []
    for form in _kpi_forms(request, kpis):
        if not any(key.startswith(form.prefix + "-") for key in request.POST):
            continue
        valid = form.is_valid()
        values = form.values() if valid else {k: v for k, v in form.cleaned_data.items() if k in form.fields}
        changed = {k: v for k, v in values.items() if v != getattr(form.kpi, k)}
        if not valid:
            problems += [f"{form.kpi.label}: {m}" for errs in form.errors.values() for m in errs]
            if not autosave:
                continue
        if changed and application.status != ApplicationStatus.SUBMITTED:
            try:
                services.kpi_save(request.user, application, changed, kpi=form.kpi)
                saved = True
            except AccessDenied as exc:
                raise _denied(exc) from exc
            except DomainError as exc:
                problems.append(f"{form.kpi.label}: {exc.message}")
                _form_error(form, exc)
        request._kpi_forms = getattr(request, "_kpi_forms", {})
        request._kpi_forms[form.kpi.pk] = form
    return saved, problems


@require_http_methods(["GET", "POST"])
@lead_required
def kpis(request, application):
    editable = application.status != ApplicationStatus.SUBMITTED
    complete = _complete_form(request, application, "kpis")
    if request.method == "POST" and editable:
        _saved, problems = _save_kpis(request, application)
        complete_ok = complete.is_valid()
        if not problems and complete_ok and _mark(request, application, "kpis", complete):
            _saved_message(request, "kpis", complete.cleaned_data["completed"])
            return _after_save(request, application)
    kpi_list = list(application.kpis.all())
    posted_forms = getattr(request, "_kpi_forms", {})
    forms_ = [posted_forms.get(f.kpi.pk, f) for f in _kpi_forms(request, kpi_list)]
    add_form = KpiValuesForm(prefix="new", custom=True)
    return _render(
        request,
        "kpis.html",
        {
            "application": application,
            "section": "kpis",
            "section_label": rules.SECTION_LABELS["kpis"],
            "kpi_forms": forms_,
            "add_form": add_form,
            "complete_form": complete,
            "editable": editable,
            "from_check": _from_check(request),
            "autosaved_at": _autosave_stamp(application),
        },
        *forms_,
        complete,
    )


@require_http_methods(["GET", "POST"])
@lead_required
def kpi_add(request, application):
    form = KpiValuesForm(_posted(request), prefix="new", custom=True)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.kpi_save(request.user, application, form.values())
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("성과 지표 '%(name)s'을(를) 추가했습니다.") % {"name": kpi.label})
            return redirect("applications:kpis", pk=application.pk)
    return _render(request, "kpi_add.html", {"application": application, "add_form": form}, form)


@require_POST
@login_required
def kpi_delete(request, pk):
    kpi = get_object_or_404(
        Kpi.objects.filter(application__in=Application.objects.led_by(request.user)).select_related(
            "application"
        ),
        pk=pk,
    )
    try:
        services.kpi_delete(request.user, kpi)
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("성과 지표 '%(name)s'을(를) 삭제했습니다.") % {"name": kpi.label})
    return redirect("applications:kpis", pk=kpi.application_id)


# --- consortium ---------------------------------------------------------------------------------------

COMPARE_KEY = "supplier_compare"  # suppliers.views_search keeps the comparison list here


def _compare_picks(request, application, members):
    """Registered suppliers from the supplier search's comparison list, to invite with one click."""
    from suppliers.models import SupplierProfile, SupplierStatus

    ids = [pk for pk in request.session.get(COMPARE_KEY, []) if isinstance(pk, int)]
    if not ids:
        return []
    taken = {m.company_id for m in members if m.status not in (MemberStatus.DECLINED, MemberStatus.REMOVED)}
    return [
        p
        for p in SupplierProfile.objects.visible_to(request.user)
        .filter(pk__in=ids, status=SupplierStatus.REGISTERED)
        .select_related("company", "company__region")
        .order_by("company__name")
        if p.company_id not in taken
    ]


def _invitee(request, number, role):
    """The company a business number names, looked up where the SME may look: registered suppliers in
    the supplier registry; for a win-win call's large firm, large firms in the national registry."""
    from suppliers.models import SupplierProfile

    if role == MemberRole.LARGE_FIRM:
        # Unrestricted on purpose: large firms are not listed anywhere an SME can browse; only an
        # exact business number of a large firm answers, and nothing about it is shown until invited.
        return (
            Company.objects.unrestricted()
            .filter(business_number=number, kind=Company.Kind.LARGE_FIRM)
            .first()
        )
    profile = (
        SupplierProfile.objects.visible_to(request.user)
        .filter(company__business_number=number)
        .select_related("company")
        .first()
    )
    return profile.company if profile else None


@require_http_methods(["GET", "POST"])
@lead_required
def consortium(request, application):
    win_win = application.call.delivery_model == DeliveryModel.WIN_WIN
    action = request.POST.get("action", "") if request.method == "POST" else ""
    invite = InviteForm(request.POST if action == "invite" else None, win_win=win_win, prefix="invite")
    nominate = NominateForm(request.POST if action == "nominate" else None, prefix="nominate")
    complete = CompleteForm(
        request.POST if action == "complete" else None,
        initial=({"completed": "yes"} if "consortium" in application.completed_sections else {}),
    )
    editable = application.status != ApplicationStatus.SUBMITTED
    if action and editable:
        try:
            if action == "invite" and invite.is_valid():
                data = invite.cleaned_data
                company = _invitee(request, data["business_number"], data["role"])
                if company is None:
                    invite.add_error(
                        "business_number",
                        _(
                            "사업자등록번호 %(number)s인 등록 공급기업을 찾을 수 없습니다. 번호를 확인하거나, "
                            "등록되지 않은 공급기업이면 아래 '미등록 공급기업 지정'을 이용해 주십시오."
                        )
                        % {"number": data["business_number"]},
                    )
                else:
                    services.member_invite(
                        request.user,
                        application,
                        company=company,
                        role=data["role"],
                        contract_amount=data["contract_amount"],
                    )
                    messages.success(
                        request,
                        _("%(name)s에 참여를 요청했습니다. 상대 기업이 수락하면 상태가 바뀝니다.")
                        % {"name": company.name},
                    )
                    return redirect("applications:consortium", pk=application.pk)
            elif action == "nominate" and nominate.is_valid():
                data = nominate.cleaned_data
                member = services.member_nominate(request.user, application, **data)
                messages.success(
                    request,
                    _(
                        "%(name)s의 공급기업 등록 심사를 요청했습니다. 운영기관이 승인하면 참여 요청이 전달됩니다."
                    )
                    % {"name": member.company.name}
                    if member.status == MemberStatus.AWAITING_APPROVAL
                    else _("%(name)s에 참여를 요청했습니다.") % {"name": member.company.name},
                )
                return redirect("applications:consortium", pk=application.pk)
            elif (
                action == "complete"
                and complete.is_valid()
                and _mark(request, application, "consortium", complete)
            ):
                _saved_message(request, "consortium", complete.cleaned_data["completed"])
                return _after_save(request, application)
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(invite if action == "invite" else nominate, exc)
    parts = _parts(application)
    quote, _problem = live_shares(application, parts["members"])
    return _render(
        request,
        "consortium.html",
        {
            "application": application,
            "section": "consortium",
            "section_label": rules.SECTION_LABELS["consortium"],
            "members": parts["members"],
            "problems": parts["problems"].get("consortium", []),
            "invite_form": invite,
            "nominate_form": nominate,
            "complete_form": complete,
            "picks": _compare_picks(request, application, parts["members"]),
            "win_win": win_win,
            "quote": quote,
            "share_rows": _share_rows(quote) if quote else [],
            "editable": editable,
            "from_check": _from_check(request),
        },
        invite,
        nominate,
        complete,
    )


@require_POST
@login_required
def member_remove(request, pk):
    member = get_object_or_404(
        ConsortiumMember.objects.filter(
            application__in=Application.objects.led_by(request.user)
        ).select_related("company", "application"),
        pk=pk,
    )
    try:
        services.member_remove(request.user, member, reason=request.POST.get("reason", ""))
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s의 초대를 취소했습니다.") % {"name": member.company.name})
    return redirect("applications:consortium", pk=member.application_id)


# --- documents --------------------------------------------------------------------------------------


def _document_kinds(needs):
    seen = [(n.kind, n.label) for n in needs]
    known = {k for k, _label in seen}
    return seen + [(k, label) for k, label in DocumentKind.choices if k not in known]


def _file_label(document):
    details = ", ".join(filter(None, [extension_of(document.original_name), human_size(document.size)]))
    return f"{document.original_name} [{details}]" if details else document.original_name


@require_http_methods(["GET", "POST"])
@lead_required
def documents(request, application):
    needs = document_status(application)
    action = request.POST.get("action", "upload") if request.method == "POST" else ""
    upload = DocumentForm(
        request.POST if action == "upload" else None,
        request.FILES if action == "upload" else None,
        kinds=_document_kinds(needs),
        initial={"kind": next((n.kind for n in needs if n.required and not n.present), None)},
    )
    complete = CompleteForm(
        request.POST if action == "complete" else None,
        initial=({"completed": "yes"} if "documents" in application.completed_sections else {}),
    )
    editable = application.status != ApplicationStatus.SUBMITTED
    if action == "upload" and editable and upload.is_valid():
        file = upload.cleaned_data["file"]
        try:
            document = services.document_add(
                request.user,
                application,
                kind=upload.cleaned_data["kind"],
                file=file,
                original_name=file.original_name,
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(upload, exc)
        else:
            messages.success(
                request,
                _("'%(name)s'을(를) %(kind)s(으)로 올렸습니다.")
                % {"name": document.original_name, "kind": document.get_kind_display()},
            )
            return redirect("applications:documents", pk=application.pk)
    elif (
        action == "complete"
        and editable
        and complete.is_valid()
        and _mark(request, application, "documents", complete)
    ):
        _saved_message(request, "documents", complete.cleaned_data["completed"])
        return _after_save(request, application)
    for need in needs:
        for document in need.documents:
            document.label = _file_label(document)
    return _render(
        request,
        "documents.html",
        {
            "application": application,
            "section": "documents",
            "section_label": rules.SECTION_LABELS["documents"],
            "needs": needs,
            "upload_form": upload,
            "complete_form": complete,
            "editable": editable,
            "from_check": _from_check(request),
        },
        upload,
        complete,
        status=400 if upload.is_bound and upload.errors else 200,
    )


@require_POST
@login_required
def document_remove(request, pk):
    document = get_object_or_404(
        ApplicationDocument.objects.filter(
            application__in=Application.objects.led_by(request.user), removed_at=None
        ),
        pk=pk,
    )
    try:
        services.document_remove(request.user, document)
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("'%(name)s'을(를) 삭제했습니다.") % {"name": document.original_name})
    return redirect("applications:documents", pk=document.application_id)


# --- check answers and submit -------------------------------------------------------------------------


def _check_context(request, application):
    parts = _parts(application)
    for need in parts["needs"]:
        for document in need.documents:
            document.label = _file_label(document)
    blockers = services.submission_blockers(application)
    blocker_rows = [
        {
            "section": section,
            "message": message,
            "url": reverse(SECTION_URLS[section], args=[application.pk]) + "?from=check"
            if section in SECTION_URLS
            else "",
        }
        for section, message in blockers
    ]
    plan_rows = [
        (PlanForm.base_fields[name].label, getattr(application, name)) for name in services.PLAN_FIELDS
    ]
    return {
        "application": application,
        "parts": parts,
        "tasks": _tasks(application, parts),
        "plan_rows": plan_rows,
        "declaration_rows": [
            (rules.declaration_label(key), (application.declarations or {}).get(key) is True)
            for key in rules.DECLARATIONS
        ],
        "blockers": blocker_rows,
        "can_submit": not blockers and application.status != ApplicationStatus.SUBMITTED,
        "submit_form": SubmitForm(initial={"idempotency_key": uuid.uuid4().hex}),
        **budget_context(application, parts["members"]),
    }


@require_http_methods(["GET", "POST"])
@login_required
def check(request, pk):
    now = received_at(request)  # the moment the request arrived: the deadline is judged by it
    application = _localize(_led(request, pk))
    if request.method == "GET":
        if application.status == ApplicationStatus.SUBMITTED:
            return redirect("applications:task-list", pk=application.pk)
        return _render(request, "check.html", _check_context(request, application))
    form = SubmitForm(request.POST)
    form.is_valid()
    key = form.cleaned_data.get("idempotency_key", "") if hasattr(form, "cleaned_data") else ""
    try:
        submission, created = services.application_submit(
            request.user, application, idempotency_key=key, now=now
        )
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        application.refresh_from_db()
        context = _check_context(request, application)
        closed = isinstance(exc, Conflict)
        context["refused"] = str(exc.message) if closed else ""
        extra = [("submit-problems", str(exc.message))]
        return _render(request, "check.html", context, extra_errors=extra, status=409 if closed else 400)
    if created:
        messages.success(
            request,
            _("신청서가 접수되었습니다. 접수번호: %(number)s") % {"number": submission.receipt_number},
        )
    return redirect("applications:receipt", pk=submission.pk)


# --- receipt and eligibility ----------------------------------------------------------------------------

OUTCOME_LABELS = {
    Outcome.PASS.value: gettext_lazy("충족"),
    Outcome.FAIL.value: gettext_lazy("미충족"),
    Outcome.REVIEW.value: gettext_lazy("검토 필요"),
}
OVERALL_LABELS = {
    Outcome.PASS.value: gettext_lazy("신청 자격을 모두 충족합니다"),
    Outcome.FAIL.value: gettext_lazy("충족하지 못한 신청 자격이 있습니다"),
    Outcome.REVIEW.value: gettext_lazy("운영기관이 확인할 신청 자격이 있습니다"),
}


def eligibility_context(submission):
    run = submission.eligibility_runs.order_by("-created_at", "-pk").first()
    rows = []
    if run is not None and run.status == RunStatus.DONE:
        english = _english()
        for result in run.results.order_by("order"):
            outcome = result.effective_outcome
            rows.append(
                {
                    "name": call_documents.rule_label(result.kind),
                    "outcome": outcome,
                    "outcome_label": OUTCOME_LABELS.get(outcome, outcome),
                    "reason": result.reason_en if english and result.reason_en else result.reason_ko,
                    "override_reason": result.override_reason if result.override_outcome else "",
                }
            )
    return {
        "submission": submission,
        "run": run,
        "pending": run is None or run.status == RunStatus.PENDING,
        "failed": run is not None and run.status == RunStatus.FAILED,
        "overall": OVERALL_LABELS.get(run.outcome, "") if run is not None else "",
        "rows": rows,
    }


@require_safe
@login_required
def receipt(request, pk):
    submission = _submission(request, pk)
    application = _localize(submission.application)
    is_lead = application.lead_id in principal_for(request.user).company_ids_with(Role.SME_MEMBER)
    return render(
        request,
        T + "receipt.html",
        {
            "submission": submission,
            "application": application,
            "is_lead": is_lead,
            "standing": submission.status == SubmissionStatus.SUBMITTED,
            "can_withdraw": is_lead
            and submission.status == SubmissionStatus.SUBMITTED
            and timezone.now() < application.call.closes_at,
            **eligibility_context(submission),
        },
    )


@require_safe
@login_required
def eligibility(request, pk):
    """The eligibility panel alone: htmx polls it until the run is done (then it stops polling)."""
    submission = _submission(request, pk)
    response = render(request, T + "_eligibility.html", eligibility_context(submission))
    response["Cache-Control"] = "no-store"
    return response


# --- withdraw ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def withdraw(request, pk):
    now = received_at(request)
    application = _localize(_led(request, pk))
    if application.status != ApplicationStatus.SUBMITTED:
        messages.info(request, _("제출된 신청서만 철회할 수 있습니다."))
        return redirect("applications:task-list", pk=application.pk)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                request.user, application, reason=form.cleaned_data["reason"], now=now
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("제출을 철회했습니다. 고친 뒤 마감 전에 다시 제출하면 새 차수로 접수됩니다."),
            )
            return redirect("applications:task-list", pk=application.pk)
    standing = application.submissions.filter(status=SubmissionStatus.SUBMITTED).first()
    return _render(
        request,
        "withdraw.html",
        {"application": application, "form": form, "standing": standing},
        form,
    )


# --- my applications ------------------------------------------------------------------------------------


@require_safe
@login_required
def my_applications(request):
    if not principal_for(request.user).company_ids_with(Role.SME_MEMBER):
        if principal_for(request.user).company_ids_with(Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER):
            return redirect("applications:invitations")
        raise PermissionDenied(_("내 신청서는 도입기업(제조기업) 담당자만 볼 수 있습니다."))
    latest = Submission.objects.filter(application=OuterRef("pk")).order_by("-version")
    applications = list(
        Application.objects.led_by(request.user)
        .select_related("call", "track", "lead")
        .annotate(
            latest_receipt=Subquery(latest.values("receipt_number")[:1]),
            latest_submission=Subquery(latest.values("pk")[:1]),
        )
        .order_by("-updated_at", "-pk")
    )
    for application in applications:
        _localize(application)
    return render(request, T + "my_list.html", {"applications": applications})


# --- invitations (supplier and large-firm members) ------------------------------------------------------


def _member_companies(user):
    return principal_for(user).company_ids_with(Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER)


@require_safe
@login_required
def invitations(request):
    companies = _member_companies(request.user)
    if not companies:
        raise PermissionDenied(_("참여 요청은 공급기업과 대기업 담당자가 확인합니다."))
    members = list(
        ConsortiumMember.objects.visible_to(request.user)
        .filter(company_id__in=companies)
        .exclude(status=MemberStatus.REMOVED)
        .select_related("company", "application__call", "application__track", "application__lead")
        .prefetch_related(
            Prefetch(
                "application__members",
                queryset=ConsortiumMember.objects.exclude(status=MemberStatus.REMOVED)
                .select_related("company")
                .order_by("role", "pk"),
                to_attr="live_members",
            )
        )
        .order_by("-invited_at", "-pk")
    )
    for member in members:
        application = _localize(member.application)
        quote, _problem = live_shares(application, application.live_members)
        member.share_rows = _share_rows(quote) if quote else []
        member.quote = quote
        member.can_respond = (
            member.status in (MemberStatus.INVITED, MemberStatus.ACCEPTED, MemberStatus.DECLINED)
            and application.status != ApplicationStatus.SUBMITTED
        )
        member.caption_id = f"members-caption-{member.pk}"
        member.respond_form = RespondForm(prefix=f"m{member.pk}", auto_id=f"m{member.pk}-%s")
    return render(request, T + "invitations.html", {"members": members})


@require_POST
@login_required
def invitation_respond(request, pk):
    member = get_object_or_404(
        ConsortiumMember.objects.visible_to(request.user)
        .filter(company_id__in=_member_companies(request.user))
        .select_related("company", "application"),
        pk=pk,
    )
    form = RespondForm(request.POST, prefix=f"m{member.pk}")
    if not form.is_valid():
        messages.error(request, _("참여 여부를 선택해 주십시오."))
        return redirect(reverse("applications:invitations") + f"#invitation-{member.pk}")
    try:
        services.member_respond(
            request.user, member, accept=form.cleaned_data["accept"], note=form.cleaned_data["note"]
        )
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        lead = member.application.lead.name
        if form.cleaned_data["accept"]:
            messages.success(request, _("%(lead)s의 컨소시엄 참여를 수락했습니다.") % {"lead": lead})
        else:
            messages.success(request, _("%(lead)s의 컨소시엄 참여를 거절했습니다.") % {"lead": lead})
    return redirect(reverse("applications:invitations") + f"#invitation-{member.pk}")


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (task_list, Application),
    (plan, Application),
    (budget, Application),
    (declarations, Application),
    (autosave, Application),
    (kpis, Application),
    (kpi_add, Application),
    (consortium, Application),
    (documents, Application),
    (check, Application),
    (withdraw, Application),
    (kpi_delete, Kpi),
    (member_remove, ConsortiumMember),
    (document_remove, ApplicationDocument),
    (receipt, Submission),
    (eligibility, Submission),
    (invitation_respond, ConsortiumMember),
):
    _view.sfms_model = _model
