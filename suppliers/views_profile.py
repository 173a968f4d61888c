"""Pages of the supplier registry's upkeep: a supplier keeps its own profile (task list, section
pages, check answers, submit), and the national agency's reviewers work the review queue (decide,
assess capability, read the history).

Thin, like programs/views_operator.py: the supplier's records are looked up inside
`editable_by(user)` and its own profile (another supplier's look missing: 404), reviewers read
through `visible_to(user)`, every write goes through `suppliers.services`, a DomainError comes back
as a form error and AccessDenied as the 403 page with its reason.
"""

import functools
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from organizations.access import principal_for
from organizations.errors import AccessDenied, DomainError
from organizations.forms import DatePartsField, date_parts
from organizations.models import AuditEvent, Company, Operator, Role
from organizations.pages import file_label, file_response, filter_form, paginate
from organizations.templatetags.sfms_format import lname
from organizations.uploads import extension_of
from organizations.views import _with_changes

from . import rating, services
from .forms_profile import (
    REVIEW_STATUS_ORDER,
    AboutForm,
    AssessmentForm,
    CaseForm,
    CertificationForm,
    ConfirmForm,
    DocumentForm,
    ReviewQueueFilter,
    SolutionForm,
    SupplierCompanyForm,
    TransitionForm,
)
from .models import (
    TRACK_LEVELS,
    CapabilityAssessment,
    Certification,
    ImplementationCase,
    Solution,
    SupplierDocument,
    SupplierProfile,
    SupplierStatus,
)
from .querysets import reviewer_operator_ids

S = SupplierStatus

# --- errors on the page (GOV.UK error summary) ---------------------------------------------------


def _anchor(bound):
    if isinstance(bound.field, DatePartsField):
        return f"{bound.auto_id}_{bound.field.error_part or 0}"
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
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
                items.append((_anchor(bound), message))
    return items


def _render(request, template, context, *page_forms, extra_errors=()):
    for form in page_forms:
        if form is None:
            continue
        for bound in form:
            if isinstance(bound.field, DatePartsField):
                bound.field.parts = date_parts(bound)
    items = [*extra_errors, *error_items(*page_forms)]
    context.update(error_items=items, has_errors=bool(items))
    return render(request, template, context)


def _form_error(form, exc):
    """A service's DomainError onto its field when the form has it, else on top of the form."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc.message))


def _validation_error(form, exc):
    """A model ValidationError (organizations.company_update runs full_clean) onto the form."""
    for field, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- the supplier's own profile: access ------------------------------------------------------------


def _my_company(user):
    ids = principal_for(user).company_ids_with(Role.SUPPLIER_MEMBER)
    if not ids:
        return None
    return (
        Company.objects.visible_to(user)
        .filter(pk__in=ids, kind=Company.Kind.SUPPLIER)
        .select_related("region")
        .order_by("pk")
        .first()
    )


def supplier_required(view):
    """Signed in as a member of a supplier company; the view gets that supplier's profile, created
    as a draft on the first visit (services.supplier_profile_start)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        company = _my_company(request.user)
        if company is None:
            raise PermissionDenied(
                _("공급기업 정보는 공급기업으로 가입한 기업의 담당자만 등록하고 수정할 수 있습니다.")
            )
        profile = (
            SupplierProfile.objects.editable_by(request.user)
            .filter(company=company)
            .select_related("company__region")
            .first()
        )
        if profile is None:
            try:
                services.supplier_profile_start(request.user, company)
            except AccessDenied as exc:
                raise PermissionDenied(str(exc.message)) from exc
            except DomainError as exc:
                raise PermissionDenied(str(exc.message)) from exc
            profile = SupplierProfile.objects.select_related("company__region").get(company=company)
        return view(request, profile, *args, **kwargs)

    return login_required(wrapper)


def _own(request, profile, model, pk):
    """One of the supplier's own records: another supplier's (or a missing one) is 404."""
    return get_object_or_404(model.objects.editable_by(request.user).filter(profile=profile), pk=pk)


def _from_check(request):
    return request.GET.get("from") == "check"


def _after_save(request, default):
    """Back to the check answers page when the person came from its 변경 link."""
    return redirect("suppliers:profile-check") if _from_check(request) else redirect(default)


def _re_review_notice(request, before, profile):
    profile.refresh_from_db(fields=["status"])
    if before == S.REGISTERED and profile.status == S.SUBMITTED:
        messages.warning(
            request,
            _(
                "등록 정보가 바뀌어 다시 심사를 받습니다. 심사가 끝날 때까지 공급기업 검색에 나타나지 않습니다."
            ),
        )


# --- task list --------------------------------------------------------------------------------------

DONE, TODO, PROBLEM = "done", "todo", "problem"
TASK_STATUS_LABELS = {
    DONE: gettext_lazy("완료"),
    TODO: gettext_lazy("시작 전"),
    PROBLEM: gettext_lazy("확인 필요"),
}


def _about_status(profile, domain_count):
    filled = [
        domain_count > 0,
        bool(profile.introduction_ko.strip()),
        bool(profile.contact_email),
        bool(profile.contact_name),
    ]
    if all(filled):
        return DONE, ""
    if not any(filled) and not profile.contact_phone:
        return TODO, ""
    return PROBLEM, _("기술 분야, 기업 소개(한국어), 담당자 이름과 이메일을 모두 입력해 주십시오.")


def _tasks(profile):
    # One count per relation: a single aggregate over five joins would multiply the rows.
    counts = {
        name: getattr(profile, name).count()
        for name in ("domains", "solutions", "certifications", "cases", "documents")
    }
    today = timezone.localdate()
    expired = profile.certifications.filter(valid_until__lt=today).count()
    about_status, about_hint = _about_status(profile, counts["domains"])
    company_complete = bool(profile.company.address.strip() and profile.company.employees)

    def listed(count):
        return (DONE, _("%(count)d건 등록") % {"count": count}) if count else (TODO, "")

    tasks = [
        {
            "title": _("기업 기본 정보 확인"),
            "url": reverse("suppliers:profile-company"),
            "status": DONE if company_complete else PROBLEM,
            "hint": _("사업자등록번호, 기업명, 소재지, 규모")
            if company_complete
            else _("사업장 주소와 상시 근로자 수를 입력해 주십시오."),
            "optional": False,
        },
        {
            "title": _("기술 분야·소개·연락처 입력"),
            "url": reverse("suppliers:profile-about"),
            "status": about_status,
            "hint": about_hint,
            "optional": False,
        },
    ]
    status, hint = listed(counts["solutions"])
    tasks.append(
        {
            "title": _("솔루션 등록"),
            "url": reverse("suppliers:profile-solutions"),
            "status": status,
            "hint": hint or _("하나 이상 등록해야 심사를 요청할 수 있습니다."),
            "optional": False,
        }
    )
    status, hint = listed(counts["certifications"])
    if expired:
        status, hint = (
            PROBLEM,
            _("유효기간이 지난 인증이 %(count)d건 있습니다. 갱신한 인증서를 등록해 주십시오.")
            % {"count": expired},
        )
    tasks.append(
        {
            "title": _("인증 등록"),
            "url": reverse("suppliers:profile-certifications"),
            "status": status,
            "hint": hint,
            "optional": True,
        }
    )
    for title, name, key in (
        (_("구축 사례 등록"), "suppliers:profile-cases", "cases"),
        (_("서류 등록"), "suppliers:profile-documents", "documents"),
    ):
        status, hint = listed(counts[key])
        tasks.append({"title": title, "url": reverse(name), "status": status, "hint": hint, "optional": True})
    for task in tasks:
        task["status_label"] = TASK_STATUS_LABELS[task["status"]]
    return tasks


def _status_history(request, profile):
    events = (
        AuditEvent.objects.visible_to(request.user)
        .for_object(profile)
        .filter(action=AuditEvent.Action.TRANSITION)
        .order_by("-occurred_at", "-pk")[:10]
    )
    rows = []
    for event in events:
        before, after = (event.before or {}).get("status"), (event.after or {}).get("status")
        rows.append(
            {
                "at": event.occurred_at,
                "from": S(before).label if before in S.values else before,
                "to": S(after).label if after in S.values else after,
                "reason": event.reason,
            }
        )
    return rows


def _submit_state(request, profile):
    """(can submit, what stands in the way) for the home and check pages."""
    blockers = [str(b) for b in services.submit_blockers(profile)]
    if profile.status not in (S.DRAFT, S.RETURNED):
        return (
            False,
            blockers,
            _("현재 상태(%(status)s)에서는 심사를 요청할 수 없습니다.")
            % {"status": profile.get_status_display()},
        )
    allowed, why = services.transition_allowed(request.user, profile, S.SUBMITTED)
    return allowed, blockers, "" if allowed or blockers else why


# --- rating shown with its formula -------------------------------------------------------------------

COMPONENT_LABELS = {
    "assessment": gettext_lazy("역량 평가"),
    "reviews": gettext_lazy("도입기업 평가"),
    "inspections": gettext_lazy("최종점검 결과"),
}


def _percent(weight):
    return f"{weight * 100:.0f}%"


def rating_context(profile):
    """The cached rating, its components and the formula in words with this supplier's numbers."""
    basis = (profile.rating_basis or {}).get("components", {})
    components = []
    for name in ("assessment", "reviews", "inspections"):
        if name in basis:
            part = basis[name]
            components.append(
                {
                    "name": name,
                    "label": COMPONENT_LABELS[name],
                    "value": part["value"],
                    "weight": _percent(rating.WEIGHTS[name]),
                    "count": part["count"],
                }
            )
    worked = ""
    if components and profile.rating is not None:
        top = " + ".join(f"{rating.WEIGHTS[c['name']]} × {c['value']}" for c in components)
        bottom = " + ".join(str(rating.WEIGHTS[c["name"]]) for c in components)
        worked = f"({top}) ÷ ({bottom}) = {profile.rating}"
    return {
        "rating": profile.rating,
        "components": components,
        "worked": worked,
        "weights": {name: _percent(w) for name, w in rating.WEIGHTS.items()},
        "prior_mean": rating.PRIOR_MEAN,
        "prior_weight": rating.PRIOR_WEIGHT,
    }


# --- the profile as a whole (check answers, review) --------------------------------------------------


def profile_sections(profile, *, today=None):
    """Everything a profile holds, loaded in a fixed number of queries."""
    today = today or timezone.localdate()
    solutions = list(profile.solutions.select_related("domain").order_by("name", "pk"))
    level_labels = dict(TRACK_LEVELS)
    for solution in solutions:
        solution.level_names = [str(level_labels.get(level, level)) for level in solution.levels]
    certifications = list(profile.certifications.order_by("valid_until", "pk"))
    for cert in certifications:
        cert.expired = cert.valid_until is not None and cert.valid_until < today
        cert.file_label = (
            file_label(cert.document, f"{cert}.{extension_of(cert.document.name)}") if cert.document else ""
        )
    cases = list(profile.cases.select_related("client_sector", "client_region").order_by("-year", "pk"))
    documents = list(profile.documents.order_by("kind", "pk"))
    for doc in documents:
        doc.label = file_label(doc.file, doc.original_name)
    return {
        "company": profile.company,
        "domains": list(profile.domains.order_by("order", "code")),
        "solutions": solutions,
        "certifications": certifications,
        "cases": cases,
        "documents": documents,
    }


# --- supplier pages ---------------------------------------------------------------------------------


@require_safe
@supplier_required
def home(request, profile):
    can_submit, blockers, why_not = _submit_state(request, profile)
    tasks = _tasks(profile)
    return render(
        request,
        "suppliers/profile/home.html",
        {
            "profile": profile,
            "company": profile.company,
            "tasks": tasks,
            "done_count": sum(1 for t in tasks if t["status"] == DONE),
            "can_submit": can_submit,
            "blockers": blockers,
            "why_not": why_not,
            "history": _status_history(request, profile),
            **rating_context(profile),
        },
    )


@require_http_methods(["GET", "POST"])
@supplier_required
def company_edit(request, profile):
    company = profile.company
    form = SupplierCompanyForm(
        _posted(request), initial=SupplierCompanyForm.initial_for(company), kind=company.kind
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("변경된 내용이 없습니다."))
            return _after_save(request, "suppliers:profile-home")
        before = profile.status
        try:
            services.supplier_company_update(
                request.user, profile, changes, reason=form.cleaned_data["reason"].strip()
            )
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            _form_error(form, exc)
        except ValidationError as exc:
            _validation_error(form, exc)
        else:
            messages.success(request, _("기업 기본 정보를 저장했습니다."))
            _re_review_notice(request, before, profile)
            return _after_save(request, "suppliers:profile-home")
    return _render(
        request,
        "suppliers/profile/company_form.html",
        {"profile": profile, "company": company, "company_form": form},
        form,
    )


@require_http_methods(["GET", "POST"])
@supplier_required
def about_edit(request, profile):
    form = AboutForm(_posted(request), initial=AboutForm.initial_for(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_profile_update(
                request.user, profile, form.changes(), domains=list(form.cleaned_data["domains"])
            )
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("기술 분야·소개·연락처를 저장했습니다."))
            return _after_save(request, "suppliers:profile-home")
    return _render(
        request, "suppliers/profile/about_form.html", {"profile": profile, "about_form": form}, form
    )


# --- solutions, certifications, cases: list, add/edit, delete ------------------------------------------


# How the pages of each kind of child record differ.
KINDS = {
    "solution": SimpleNamespace(
        model=Solution,
        form=SolutionForm,
        save=lambda user, profile, values, obj: services.solution_save(user, profile, values, solution=obj),
        delete=services.solution_delete,
        list_url="suppliers:profile-solutions",
        list_title=gettext_lazy("솔루션"),
        add_title=gettext_lazy("솔루션 추가"),
        edit_title=gettext_lazy("솔루션 수정"),
        delete_title=gettext_lazy("솔루션 삭제"),
        saved=gettext_lazy("솔루션 '%(name)s'을(를) 저장했습니다."),
        deleted=gettext_lazy("솔루션 '%(name)s'을(를) 삭제했습니다."),
        material=False,
    ),
    "certification": SimpleNamespace(
        model=Certification,
        form=CertificationForm,
        save=lambda user, profile, values, obj: services.certification_save(
            user, profile, values, certification=obj
        ),
        delete=services.certification_delete,
        list_url="suppliers:profile-certifications",
        list_title=gettext_lazy("인증"),
        add_title=gettext_lazy("인증 추가"),
        edit_title=gettext_lazy("인증 수정"),
        delete_title=gettext_lazy("인증 삭제"),
        saved=gettext_lazy("인증 '%(name)s'을(를) 저장했습니다."),
        deleted=gettext_lazy("인증 '%(name)s'을(를) 삭제했습니다."),
        material=True,
    ),
    "case": SimpleNamespace(
        model=ImplementationCase,
        form=CaseForm,
        save=lambda user, profile, values, obj: services.case_save(user, profile, values, case=obj),
        delete=services.case_delete,
        list_url="suppliers:profile-cases",
        list_title=gettext_lazy("구축 사례"),
        add_title=gettext_lazy("구축 사례 추가"),
        edit_title=gettext_lazy("구축 사례 수정"),
        delete_title=gettext_lazy("구축 사례 삭제"),
        saved=gettext_lazy("구축 사례 '%(name)s'을(를) 저장했습니다."),
        deleted=gettext_lazy("구축 사례 '%(name)s'을(를) 삭제했습니다."),
        material=False,
    ),
}


def _child_list(request, profile, kind):
    spec = KINDS.get(kind)
    sections = profile_sections(profile)
    return render(
        request,
        f"suppliers/profile/{kind}_list.html",
        {"profile": profile, "kind": kind, "spec": spec, **sections},
    )


def _make_form(kind, data=None, files=None, initial=None):
    spec = KINDS[kind]
    kwargs = {"initial": initial or {}}
    if kind == "case":
        kwargs["this_year"] = timezone.localdate().year
    if kind == "certification":
        kwargs["files"] = files
    return spec.form(data, **kwargs)


def _child_form(request, profile, kind, obj=None):
    spec = KINDS[kind]
    initial = spec.form.initial_for(obj) if obj else {}
    form = _make_form(
        kind, _posted(request), request.FILES if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        before = profile.status
        try:
            saved = spec.save(request.user, profile, form.values(), obj)
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, spec.saved % {"name": saved})
            _re_review_notice(request, before, profile)
            return _after_save(request, spec.list_url)
    return _render(
        request,
        "suppliers/profile/item_form.html",
        {
            "profile": profile,
            "kind": kind,
            "spec": spec,
            "obj": obj,
            "item_form": form,
            "heading": spec.edit_title if obj else spec.add_title,
            "warn_review": spec.material and profile.status == S.REGISTERED,
            "current_file": file_label(obj.document, f"{obj}.{extension_of(obj.document.name)}")
            if kind == "certification" and obj is not None and obj.document
            else "",
        },
        form,
    )


def _child_delete(request, profile, kind, obj):
    spec = KINDS[kind]
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        before = profile.status
        name = str(obj)
        try:
            spec.delete(request.user, profile, obj)
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, spec.deleted % {"name": name})
            _re_review_notice(request, before, profile)
        return redirect(spec.list_url)
    return render(
        request,
        "suppliers/profile/confirm_delete.html",
        {
            "profile": profile,
            "heading": spec.delete_title,
            "object_name": str(obj),
            "back_url": reverse(spec.list_url),
            "warn_review": spec.material and profile.status == S.REGISTERED,
        },
    )


@require_safe
@supplier_required
def solution_list(request, profile):
    return _child_list(request, profile, "solution")


@require_http_methods(["GET", "POST"])
@supplier_required
def solution_add(request, profile):
    return _child_form(request, profile, "solution")


@require_http_methods(["GET", "POST"])
@supplier_required
def solution_edit(request, profile, pk):
    return _child_form(request, profile, "solution", _own(request, profile, Solution, pk))


@require_http_methods(["GET", "POST"])
@supplier_required
def solution_delete(request, profile, pk):
    return _child_delete(request, profile, "solution", _own(request, profile, Solution, pk))


@require_safe
@supplier_required
def certification_list(request, profile):
    return _child_list(request, profile, "certification")


@require_http_methods(["GET", "POST"])
@supplier_required
def certification_add(request, profile):
    return _child_form(request, profile, "certification")


@require_http_methods(["GET", "POST"])
@supplier_required
def certification_edit(request, profile, pk):
    return _child_form(request, profile, "certification", _own(request, profile, Certification, pk))


@require_http_methods(["GET", "POST"])
@supplier_required
def certification_delete(request, profile, pk):
    return _child_delete(request, profile, "certification", _own(request, profile, Certification, pk))


@require_safe
@supplier_required
def certification_file(request, profile, pk):
    cert = _own(request, profile, Certification, pk)
    return file_response(cert.document, f"{cert}.{extension_of(cert.document.name)}")


@require_safe
@supplier_required
def case_list(request, profile):
    return _child_list(request, profile, "case")


@require_http_methods(["GET", "POST"])
@supplier_required
def case_add(request, profile):
    return _child_form(request, profile, "case")


@require_http_methods(["GET", "POST"])
@supplier_required
def case_edit(request, profile, pk):
    return _child_form(request, profile, "case", _own(request, profile, ImplementationCase, pk))


@require_http_methods(["GET", "POST"])
@supplier_required
def case_delete(request, profile, pk):
    return _child_delete(request, profile, "case", _own(request, profile, ImplementationCase, pk))


# --- documents ---------------------------------------------------------------------------------------


@require_safe
@supplier_required
def document_list(request, profile):
    return _child_list(request, profile, "document")


@require_http_methods(["GET", "POST"])
@supplier_required
def document_add(request, profile):
    form = DocumentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            doc = services.document_add(
                request.user,
                profile,
                kind=form.cleaned_data["kind"],
                file=upload,
                original_name=upload.original_name,
            )
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("서류 '%(name)s'을(를) 등록했습니다.") % {"name": doc.original_name})
            return _after_save(request, "suppliers:profile-documents")
    return _render(
        request, "suppliers/profile/document_form.html", {"profile": profile, "document_form": form}, form
    )


@require_http_methods(["GET", "POST"])
@supplier_required
def document_delete(request, profile, pk):
    doc = _own(request, profile, SupplierDocument, pk)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.document_delete(request.user, profile, doc)
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("서류 '%(name)s'을(를) 삭제했습니다.") % {"name": doc.original_name})
        return redirect("suppliers:profile-documents")
    return render(
        request,
        "suppliers/profile/confirm_delete.html",
        {
            "profile": profile,
            "heading": _("서류 삭제"),
            "object_name": doc.original_name,
            "back_url": reverse("suppliers:profile-documents"),
        },
    )


@require_safe
@supplier_required
def document_file(request, profile, pk):
    doc = _own(request, profile, SupplierDocument, pk)
    return file_response(doc.file, doc.original_name)


# --- check answers, submit, confirmation -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@supplier_required
def check(request, profile):
    form = ConfirmForm(_posted(request))
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_set_status(request.user, profile, S.SUBMITTED)
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            problems.append(("submit-problems", str(exc.message)))
        else:
            return redirect("suppliers:profile-submitted")
    can_submit, blockers, why_not = _submit_state(request, profile)
    return _render(
        request,
        "suppliers/profile/check.html",
        {
            "profile": profile,
            "can_submit": can_submit,
            "blockers": blockers,
            "why_not": why_not,
            **profile_sections(profile),
        },
        extra_errors=problems,
    )


@require_safe
@supplier_required
def submitted(request, profile):
    if profile.status != S.SUBMITTED:
        return redirect("suppliers:profile-home")
    return render(request, "suppliers/profile/submitted.html", {"profile": profile})


# --- operators: review ---------------------------------------------------------------------------------

# What a reviewer may do from each state, in the order the page offers it.
ACTIONS = {
    (S.SUBMITTED, S.UNDER_REVIEW): gettext_lazy("심사 시작"),
    (S.UNDER_REVIEW, S.REGISTERED): gettext_lazy("등록 승인"),
    (S.UNDER_REVIEW, S.RETURNED): gettext_lazy("보완 요청"),
    (S.UNDER_REVIEW, S.REJECTED): gettext_lazy("반려"),
    (S.REGISTERED, S.SUSPENDED): gettext_lazy("활동 정지"),
    (S.SUSPENDED, S.REGISTERED): gettext_lazy("활동 재개"),
}
DONE_MESSAGES = {
    S.UNDER_REVIEW: gettext_lazy("'%(name)s'의 심사를 시작했습니다."),
    S.REGISTERED: gettext_lazy("'%(name)s'을(를) 공급기업으로 등록했습니다. 이제 검색에 나타납니다."),
    S.RETURNED: gettext_lazy("'%(name)s'에 보완을 요청했습니다. 사유가 공급기업에 안내됩니다."),
    S.REJECTED: gettext_lazy("'%(name)s'의 등록을 반려했습니다."),
    S.SUSPENDED: gettext_lazy("'%(name)s'의 활동을 정지했습니다. 검색에 나타나지 않습니다."),
}
DANGEROUS = {S.REJECTED, S.SUSPENDED}


def reviewer_required(view):
    """Signed in as an admin or staff member of a national agency (or a platform admin)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        p = principal_for(request.user)
        if not (p.is_platform_admin or reviewer_operator_ids(request.user)):
            raise PermissionDenied(
                _("공급기업 심사는 전담기관(국가 전담기관)의 관리자와 담당자만 할 수 있습니다.")
            )
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _reviewed(request, pk):
    return get_object_or_404(
        SupplierProfile.objects.visible_to(request.user).select_related("company__region"),
        pk=pk,
    )


def _with_status_words(events):
    """The audit table with a profile's status changes in words ("작성 중 → 심사 요청")."""
    _with_changes(events)
    for event in events:
        if event.content_type.model_class() is not SupplierProfile:
            continue
        event.changes = [
            (label, *(S(v).label if v in S.values else v for v in (before, after)))
            if key == "status"
            else (label, before, after)
            for (label, before, after), (key, _b, _a) in zip(event.changes, event.changed_fields, strict=True)
        ]
    return events


def _reason_required(profile, to_status):
    reinstating = (profile.status, to_status) == (S.SUSPENDED, S.REGISTERED)
    return to_status in services.REASON_REQUIRED or (reinstating and services.REINSTATE_NEEDS_REASON)


def _actions(request, profile):
    steps = []
    for (from_status, to_status), label in ACTIONS.items():
        if from_status != profile.status:
            continue
        allowed, why = services.transition_allowed(request.user, profile, to_status)
        steps.append(
            {
                "to": to_status,
                "label": label,
                "allowed": allowed,
                "why": why,
                "danger": to_status in DANGEROUS,
                "url": reverse("suppliers:review-transition", args=[profile.pk]) + f"?to={to_status}",
            }
        )
    return steps


@require_safe
@reviewer_required
def review_queue(request):
    base = SupplierProfile.objects.visible_to(request.user)
    status = request.GET.get("status", "")
    if status not in S.values:
        status = ""
    review_filter = filter_form(
        ReviewQueueFilter(
            request.GET or None,
            queryset=base.select_related("company__region").prefetch_related("domains"),
        )
    )
    filtered = review_filter.qs
    counts = dict(filtered.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    if status:
        filtered = filtered.filter(status=status)
    queryset = filtered.order_by(F("submitted_at").asc(nulls_last=True), "company__name", "pk")
    page = paginate(request, queryset)
    tabs = [("", _("전체"), sum(counts.values()))] + [
        (value, S(value).label, counts.get(value, 0)) for value in REVIEW_STATUS_ORDER
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("status", None)
    return render(
        request,
        "suppliers/review/queue.html",
        {
            "filter": review_filter,
            "page": page,
            "result_count": page.paginator.count,
            "tabs": tabs,
            "status": status,
            "tab_query": query.urlencode(),
        },
    )


@require_safe
@reviewer_required
def review_detail(request, pk):
    profile = _reviewed(request, pk)
    assessments = list(
        CapabilityAssessment.objects.visible_to(request.user)
        .filter(profile=profile)
        .select_related("operator")
        .order_by("-assessed_on", "-pk")
    )
    # Another operator's name stays behind its own tenancy (Operator.visible_to), even on a shared record.
    operator_ids = {a.operator_id for a in assessments} | {profile.reviewed_by_id}
    named = {
        o.pk: lname(o) for o in Operator.objects.visible_to(request.user).filter(pk__in=operator_ids - {None})
    }
    for a in assessments:
        a.mean = round((a.management + a.technology + a.project_management) / 3, 1)
        a.operator_name = named.get(a.operator_id, _("다른 운영기관"))
    reviewed_by = named.get(profile.reviewed_by_id, _("다른 전담기관")) if profile.reviewed_by_id else ""
    events = list(
        AuditEvent.objects.visible_to(request.user)
        .filter(company=profile.company)
        .select_related("actor", "content_type")
        .order_by("-occurred_at", "-pk")[:10]
    )
    _with_status_words(events)
    return render(
        request,
        "suppliers/review/detail.html",
        {
            "profile": profile,
            "actions": _actions(request, profile),
            "assessments": assessments,
            "reviewed_by": reviewed_by,
            "events": events,
            **profile_sections(profile),
            **rating_context(profile),
        },
    )


@require_safe
@reviewer_required
def review_history(request, pk):
    profile = _reviewed(request, pk)
    page = paginate(
        request,
        AuditEvent.objects.visible_to(request.user)
        .filter(company=profile.company)
        .select_related("actor", "content_type")
        .order_by("-occurred_at", "-pk"),
    )
    _with_status_words(page.object_list)
    return render(
        request,
        "suppliers/review/history.html",
        {"profile": profile, "page": page, "result_count": page.paginator.count},
    )


@require_http_methods(["GET", "POST"])
@reviewer_required
def review_transition(request, pk):
    profile = _reviewed(request, pk)
    to_status = (request.POST if request.method == "POST" else request.GET).get("to", "")
    label = ACTIONS.get((profile.status, to_status))
    if to_status not in S.values or not any(to == to_status for (_f, to) in ACTIONS):
        raise Http404
    allowed, why = services.transition_allowed(request.user, profile, to_status)
    if label is None or not allowed:
        messages.error(request, why or _("지금 상태에서는 할 수 없는 작업입니다."))
        return redirect("suppliers:review-detail", pk=profile.pk)
    form = TransitionForm(_posted(request), reason_required=_reason_required(profile, to_status))
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_set_status(
                request.user, profile, to_status, reason=form.cleaned_data["reason"].strip()
            )
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            name = profile.company.name
            done = DONE_MESSAGES.get(to_status)
            if (profile.status, to_status) == (S.SUSPENDED, S.REGISTERED):
                done = gettext_lazy("'%(name)s'의 활동을 재개했습니다. 다시 검색에 나타납니다.")
            messages.success(request, done % {"name": name})
            return redirect("suppliers:review-detail", pk=profile.pk)
    return _render(
        request,
        "suppliers/review/transition.html",
        {
            "profile": profile,
            "to": to_status,
            "label": label,
            "danger": to_status in DANGEROUS,
            "transition_form": form,
        },
        form,
    )


def _assessing_operator(user):
    operator = services.reviewer_operator(user)
    if operator is None and principal_for(user).is_platform_admin:
        operator = (
            Operator.objects.visible_to(user)
            .filter(kind=Operator.Kind.NATIONAL_AGENCY)
            .order_by("pk")
            .first()
        )
    return operator


@require_http_methods(["GET", "POST"])
@reviewer_required
def review_assessment(request, pk):
    profile = _reviewed(request, pk)
    operator = _assessing_operator(request.user)
    if operator is None:
        raise PermissionDenied(_("역량 평가를 기록할 전담기관이 없습니다."))
    form = AssessmentForm(
        _posted(request),
        initial={"assessor": request.user.full_name, "assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.capability_assessment_record(request.user, profile, operator=operator, **form.values())
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            profile.refresh_from_db(fields=["rating"])
            messages.success(
                request,
                _("역량 평가를 기록했습니다. 평점: %(rating)s") % {"rating": profile.rating or "-"},
            )
            return redirect(reverse("suppliers:review-detail", args=[profile.pk]) + "#rating")
    return _render(
        request,
        "suppliers/review/assessment_form.html",
        {"profile": profile, "operator": operator, "assessment_form": form, **rating_context(profile)},
        form,
    )


@require_safe
@reviewer_required
def review_document_file(request, pk):
    doc = get_object_or_404(SupplierDocument.objects.visible_to(request.user), pk=pk)
    return file_response(doc.file, doc.original_name)


@require_safe
@reviewer_required
def review_certification_file(request, pk):
    cert = get_object_or_404(Certification.objects.visible_to(request.user), pk=pk)
    return file_response(cert.document, f"{cert}.{extension_of(cert.document.name)}")


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (solution_edit, Solution),
    (solution_delete, Solution),
    (certification_edit, Certification),
    (certification_delete, Certification),
    (certification_file, Certification),
    (case_edit, ImplementationCase),
    (case_delete, ImplementationCase),
    (document_delete, SupplierDocument),
    (document_file, SupplierDocument),
    (review_detail, SupplierProfile),
    (review_history, SupplierProfile),
    (review_transition, SupplierProfile),
    (review_assessment, SupplierProfile),
    (review_document_file, SupplierDocument),
    (review_certification_file, Certification),
):
    _view.sfms_model = _model
