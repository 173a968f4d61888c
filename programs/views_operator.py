"""Operator pages: programmes, calls, tracks with their cost-share templates, required documents,
eligibility rules, publishing, cancelling, cloning and a public preview.

Thin, like organizations/views.py: objects are looked up inside `editable_by(user)` (missing and
another operator's look the same: 404), every write goes through `programs.services`, and a
DomainError from a service comes back as a form error (AccessDenied as the 403 page). Only an
operator's admins and staff (and platform admins) manage calls; anyone else gets 403 with the reason.
"""

import functools
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from organizations.access import principal_for
from organizations.errors import AccessDenied, DomainError
from organizations.models import Operator
from organizations.pages import filter_form, paginate
from organizations.templatetags.sfms_format import lname

from . import documents, selectors, services
from .filters import CallFilter, ProgrammeFilter
from .forms_operator import (
    SEED_TEMPLATES,
    CallForm,
    CancelForm,
    CloneForm,
    ConfirmDeleteForm,
    FunderLineForm,
    ProgrammeForm,
    PublishForm,
    RequiredDocumentForm,
    RuleKindForm,
    TemplateReasonForm,
    TrackForm,
    TransitionForm,
    funder_formset,
    funder_initial,
    percent_text,
    rule_form,
)
from .funding import FundingInputError
from .models import (
    Call,
    CallStatus,
    EligibilityRule,
    Programme,
    RequiredDocument,
    RuleKind,
    Track,
)
from .querysets import editor_operator_ids

KST = ZoneInfo("Asia/Seoul")
# Where the clock, not a person, moves a call (services.SYSTEM_TRANSITIONS).
MANUAL_STATES = (CallStatus.EVALUATING, CallStatus.CONCLUDED)
TEMPLATE_STATES = (CallStatus.DRAFT, CallStatus.PUBLISHED, CallStatus.OPEN)


# --- access and small helpers ---------------------------------------------------------------------


def editor_required(view):
    """Signed in, and an admin or staff member of some operator (or a platform admin)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        p = principal_for(request.user)
        if not (p.is_platform_admin or editor_operator_ids(request.user)):
            raise PermissionDenied(_("사업과 공고 관리는 운영기관의 관리자와 담당자만 할 수 있습니다."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _title(call):
    return call.title_en if _english() and call.title_en else call.title_ko


def _with_titles(calls):
    for call in calls:
        call.display_title = _title(call)
    return calls


def deadline_text(value):
    """Official style with the weekday: "2026. 3. 31.(화) 18:00" (English "Tue 31 Mar 2026, 18:00")."""
    if value is None:
        return ""
    local = timezone.localtime(value, KST)
    return dateformat.format(local, "D j M Y, H:i" if _english() else "Y. n. j.(D) H:i")


class PageErrors:
    """base.html prefixes the title with "오류: " when `form.errors` is set; pages with several forms
    pass this as `form`, with the error summary's (anchor, message) pairs."""

    def __init__(self, items):
        self.errors = items

    def __bool__(self):
        return bool(self.errors)


def _anchor(bound):
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return bound.auto_id


def error_items(*forms_and_formsets, formset_anchor=None):
    """(anchor id, message) for every error, in page order; non-field errors link to the first field."""
    items = []
    for thing in forms_and_formsets:
        if thing is None:
            continue
        if isinstance(thing, forms.BaseFormSet):
            if not thing.is_bound:
                continue
            first = thing.forms[0]["role"].auto_id if thing.forms else "main-content"
            for message in thing.non_form_errors():
                items.append((formset_anchor or first, message))
            for form in thing.forms:
                items.extend(error_items(form))
            continue
        if not thing.is_bound or not thing.errors:
            continue
        visible = [b for b in thing if not b.is_hidden]
        for message in thing.non_field_errors():
            items.append((_anchor(visible[0]) if visible else "main-content", message))
        for bound in thing:
            for message in bound.errors:
                items.append((_anchor(bound), message))
    return items


def _form_error(form, exc, field=None):
    """Show a service's DomainError on the form: on its field when the form has it, else on top."""
    target = field or getattr(exc, "field", None)
    if hasattr(form, "field_for"):
        target = form.field_for(target) if target else None
    form.add_error(target if target in form.fields else None, str(exc.message))


def _formset_error(formset, message):
    formset.non_form_errors().append(str(message))


def _render(request, template, context, *page_forms, formset_anchor=None):
    items = error_items(*page_forms, formset_anchor=formset_anchor)
    context.update(form=PageErrors(items), error_items=items)
    return render(request, template, context)


def _denied(exc):
    return PermissionDenied(str(exc.message))


def _editable_call(request, pk):
    return get_object_or_404(
        Call.objects.editable_by(request.user).select_related("programme", "operator"), pk=pk
    )


def _editable_track(request, pk):
    return get_object_or_404(
        Track.objects.editable_by(request.user).select_related("call__programme", "call__operator"), pk=pk
    )


def _call_url(call):
    return reverse("programs:operator-call-detail", args=[call.pk])


def _draft_only(request, call, what):
    """Parts of a call change only while it is a draft: say so and go back to the call."""
    if call.status == CallStatus.DRAFT:
        return None
    messages.error(
        request,
        _("%(what)s은(는) 작성 중인 공고에서만 바꿀 수 있습니다. 현재 상태: %(status)s")
        % {"what": what, "status": call.get_status_display()},
    )
    return redirect(_call_url(call))


def _editor_operators(user):
    p = principal_for(user)
    operators = Operator.objects.visible_to(user)
    if not p.is_platform_admin:
        operators = operators.filter(pk__in=editor_operator_ids(user))
    return operators.order_by("name_ko")


# --- display of templates and rules -------------------------------------------------------------


def _decorate_tracks(tracks):
    """Rates as percent text and the SME's residual share for each track's template."""
    for track in tracks:
        funders = list(track.funders.all())
        for funder in funders:
            funder.rate_percent = percent_text(funder.rate)
            funder.bonus_percent = percent_text(funder.bonus_rate)
        total = sum((f.rate for f in funders), Decimal(0))
        track.funder_list = funders
        track.sme_percent = percent_text(Decimal(1) - total) if funders else ""
        track.bonus_region_names = ", ".join(lname(r) for r in track.bonus_regions.all())
    return tracks


def _decorate_rules(rules):
    for rule in rules:
        try:
            rule.summary = documents.describe_rule(rule.kind, rule.params)
        except DomainError:  # stored before a rule changed shape: show it raw rather than fail the page
            rule.summary = ", ".join(f"{k}: {v}" for k, v in (rule.params or {}).items())
    return rules


def _call_context(request, call):
    tracks = _decorate_tracks(list(call.tracks.all()))
    rules = _decorate_rules(list(call.eligibility_rules.all()))
    return {
        "call": call,
        "title": _title(call),
        "opens_text": deadline_text(call.opens_at),
        "closes_text": deadline_text(call.closes_at),
        "tracks": tracks,
        "documents": list(call.required_documents.all()),
        "rules": rules,
        "regions": [lname(r) for r in call.eligible_regions.all()],
        "sectors": [lname(s) for s in call.eligible_sectors.all()],
        "is_draft": call.status == CallStatus.DRAFT,
        "template_editable": call.status in TEMPLATE_STATES,
    }


def _next_steps(request, call, blockers):
    """What the operator may do next from this state, with the reason when something is not possible."""
    steps = []
    for to_state in services.TRANSITIONS.get(call.status, ()):
        step = {"to": to_state, "label": CallStatus(to_state).label, "url": None, "reason": ""}
        if (call.status, to_state) in services.SYSTEM_TRANSITIONS:
            step["reason"] = _("접수 시작과 마감은 공고에 정한 시각에 자동으로 처리됩니다.")
        elif to_state == CallStatus.PUBLISHED:
            step["url"] = reverse("programs:operator-call-publish", args=[call.pk])
            step["blocked"] = bool(blockers)
        elif to_state == CallStatus.CANCELLED:
            step["url"] = reverse("programs:operator-call-cancel", args=[call.pk])
        else:
            step["url"] = reverse("programs:operator-call-transition", args=[call.pk]) + f"?to={to_state}"
        steps.append(step)
    order = [CallStatus.PUBLISHED, CallStatus.OPEN, CallStatus.CLOSED, *MANUAL_STATES, CallStatus.CANCELLED]
    steps.sort(key=lambda s: order.index(s["to"]))
    return steps


# --- index ---------------------------------------------------------------------------------------


@require_safe
@editor_required
def index(request):
    return redirect("programs:operator-call-list")


# --- programmes ------------------------------------------------------------------------------------


@require_safe
@editor_required
def programme_list(request):
    queryset = (
        Programme.objects.editable_by(request.user)
        .select_related("operator")
        .annotate(call_count=Count("calls"))
        .order_by("-fiscal_year", "name_ko", "pk")
    )
    programme_filter = filter_form(ProgrammeFilter(request.GET or None, queryset=queryset))
    page = paginate(request, programme_filter.qs)
    return render(
        request,
        "programs/operator/programme_list.html",
        {
            "filter": programme_filter,
            "page": page,
            "result_count": page.paginator.count,
            "many_operators": len(editor_operator_ids(request.user)) > 1
            or principal_for(request.user).is_platform_admin,
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def programme_create(request):
    operators = _editor_operators(request.user)
    year = timezone.localdate().year + 1
    form = ProgrammeForm(_posted(request), operators=operators, initial={"fiscal_year": year})
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                request.user, operator=form.chosen_operator(), **form.fields_data()
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("지원사업을 등록했습니다. 이제 공고를 만들 수 있습니다."))
            return redirect("programs:operator-programme-detail", pk=programme.pk)
    return _render(
        request,
        "programs/operator/programme_form.html",
        {"programme_form": form, "programme": None, "single_operator": form.single_operator},
        form,
    )


def _editable_programme(request, pk):
    return get_object_or_404(Programme.objects.editable_by(request.user).select_related("operator"), pk=pk)


@require_safe
@editor_required
def programme_detail(request, pk):
    programme = _editable_programme(request, pk)
    calls = _with_titles(
        list(
            Call.objects.editable_by(request.user)
            .filter(programme=programme)
            .annotate(track_count=Count("tracks"))
            .order_by("-opens_at", "-pk")
        )
    )
    return render(
        request, "programs/operator/programme_detail.html", {"programme": programme, "calls": calls}
    )


@require_http_methods(["GET", "POST"])
@editor_required
def programme_edit(request, pk):
    programme = _editable_programme(request, pk)
    form = ProgrammeForm(_posted(request), initial=ProgrammeForm.initial_for(programme), editing=True)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("변경된 내용이 없습니다."))
            return redirect("programs:operator-programme-detail", pk=programme.pk)
        try:
            services.programme_update(request.user, programme, changes, reason=form.cleaned_data["reason"])
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("지원사업 정보를 저장했습니다."))
            return redirect("programs:operator-programme-detail", pk=programme.pk)
    return _render(
        request,
        "programs/operator/programme_form.html",
        {"programme_form": form, "programme": programme},
        form,
    )


# --- calls -----------------------------------------------------------------------------------------


@require_safe
@editor_required
def call_list(request):
    base = Call.objects.editable_by(request.user)
    status = request.GET.get("status", "")
    if status not in CallStatus.values:
        status = ""
    q = request.GET.get("q", "").strip()
    counts = dict(base.order_by().values_list("status").annotate(n=Count("pk")))
    call_filter = CallFilter(
        {"status": status, "q": q}, queryset=base.select_related("programme", "operator")
    )
    queryset = call_filter.qs.annotate(track_count=Count("tracks")).order_by("-opens_at", "-pk")
    page = paginate(request, queryset)
    _with_titles(page.object_list)
    tabs = [("", _("전체"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in CallStatus.choices
    ]
    return render(
        request,
        "programs/operator/call_list.html",
        {"page": page, "result_count": page.paginator.count, "tabs": tabs, "status": status, "q": q},
    )


@require_http_methods(["GET", "POST"])
@editor_required
def call_create(request, pk):
    programme = _editable_programme(request, pk)
    form = CallForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        fields, regions, sectors = form.values()
        try:
            call = services.call_create(
                request.user, programme=programme, regions=regions, sectors=sectors, **fields
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "공고 %(reference)s을(를) 작성 중 상태로 만들었습니다. 지원 유형과 분담 기준을 추가해 주십시오."
                )
                % {"reference": call.reference},
            )
            return redirect(_call_url(call))
    return _render(
        request,
        "programs/operator/call_form.html",
        {"call_form": form, "programme": programme, "call": None},
        form,
    )


@require_safe
@editor_required
def call_detail(request, pk):
    call = selectors.call_detail(Call.objects.editable_by(request.user), pk)
    if call is None:
        raise Http404
    blockers = services.publish_blockers(call) if call.status == CallStatus.DRAFT else []
    context = _call_context(request, call)
    context.update(blockers=blockers, steps=_next_steps(request, call, blockers))
    return render(request, "programs/operator/call_detail.html", context)


@require_safe
@editor_required
def call_preview(request, pk):
    call = selectors.call_detail(Call.objects.editable_by(request.user), pk)
    if call is None:
        raise Http404
    context = _call_context(request, call)
    context["body"] = call.body_en if _english() and call.body_en else call.body_ko
    return render(request, "programs/operator/call_preview.html", context)


@require_http_methods(["GET", "POST"])
@editor_required
def call_edit(request, pk):
    call = _editable_call(request, pk)
    if call.status not in (CallStatus.DRAFT, CallStatus.PUBLISHED, CallStatus.OPEN):
        messages.error(
            request,
            _("%(status)s 상태의 공고는 수정할 수 없습니다.") % {"status": call.get_status_display()},
        )
        return redirect(_call_url(call))
    published = call.status != CallStatus.DRAFT
    form = CallForm(_posted(request), initial=CallForm.initial_for(call), published=published, editing=True)
    if request.method == "POST" and form.is_valid():
        changes, regions, sectors = form.changes(call)
        if not changes and regions is None and sectors is None:
            messages.info(request, _("변경된 내용이 없습니다."))
            return redirect(_call_url(call))
        try:
            services.call_update(
                request.user,
                call,
                changes,
                regions=regions,
                sectors=sectors,
                reason=form.cleaned_data["reason"].strip(),
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("공고를 저장했습니다."))
            return redirect(_call_url(call))
    return _render(
        request,
        "programs/operator/call_form.html",
        {
            "call_form": form,
            "programme": call.programme,
            "call": call,
            "published": published,
            "opens_text": deadline_text(call.opens_at),
            "title": _title(call),
        },
        form,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def call_publish(request, pk):
    call = selectors.call_detail(Call.objects.editable_by(request.user), pk)
    if call is None:
        raise Http404
    if call.status != CallStatus.DRAFT:
        messages.info(
            request,
            _("이미 공고된 공고입니다. 현재 상태: %(status)s") % {"status": call.get_status_display()},
        )
        return redirect(_call_url(call))
    form = PublishForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.call_publish(request.user, call)
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("공고를 게시했습니다. 접수는 %(opens)s에 자동으로 시작됩니다.")
                % {"opens": deadline_text(call.opens_at)},
            )
            return redirect(_call_url(call))
    context = _call_context(request, call)
    context.update(blockers=services.publish_blockers(call), publish_form=form)
    items = [("publish-blockers", message) for message in form.non_field_errors()]
    context.update(form=PageErrors(items), error_items=items)
    return render(request, "programs/operator/call_publish.html", context)


@require_http_methods(["GET", "POST"])
@editor_required
def call_cancel(request, pk):
    call = _editable_call(request, pk)
    allowed, why = services.transition_allowed(call, CallStatus.CANCELLED, actor=request.user)
    if not allowed:
        messages.error(request, why)
        return redirect(_call_url(call))
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.call_cancel(request.user, call, reason=form.cleaned_data["reason"].strip())
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("공고를 취소했습니다."))
            return redirect(_call_url(call))
    return _render(
        request,
        "programs/operator/call_cancel.html",
        {"call": call, "title": _title(call), "cancel_form": form},
        form,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def call_transition(request, pk):
    """Move a closed call to evaluation, or an evaluated one to concluded (the person's steps;
    publishing and cancelling have their own pages, opening and closing are the clock's)."""
    call = _editable_call(request, pk)
    to_state = (request.POST if request.method == "POST" else request.GET).get("to", "")
    if to_state not in MANUAL_STATES:
        raise Http404
    allowed, why = services.transition_allowed(call, to_state, actor=request.user)
    if not allowed:
        messages.error(request, why)
        return redirect(_call_url(call))
    form = TransitionForm(_posted(request), initial={"to": to_state})
    if request.method == "POST" and form.is_valid():
        try:
            services.call_set_state(request.user, call, to_state, reason=form.cleaned_data["reason"].strip())
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("공고 상태를 '%(status)s'(으)로 바꿨습니다.") % {"status": CallStatus(to_state).label},
            )
            return redirect(_call_url(call))
    return _render(
        request,
        "programs/operator/call_transition.html",
        {
            "call": call,
            "title": _title(call),
            "transition_form": form,
            "to_label": CallStatus(to_state).label,
        },
        form,
    )


def _one_year_later(value):
    """What call_clone does to the dates (29 February becomes 28 February), for the page to show."""
    try:
        return value.replace(year=value.year + 1)
    except ValueError:
        return value.replace(year=value.year + 1, day=28)


def _clone_default(call, programmes):
    """Next fiscal year's programme of the same kind if there is one, else any of next year, else the same."""
    next_year = [p for p in programmes if p.fiscal_year == call.programme.fiscal_year + 1]
    same_kind = [p for p in next_year if p.programme_type == call.programme.programme_type]
    return (same_kind or next_year or [call.programme])[0]


@require_http_methods(["GET", "POST"])
@editor_required
def call_clone(request, pk):
    call = _editable_call(request, pk)
    programmes = (
        Programme.objects.editable_by(request.user)
        .filter(operator_id=call.operator_id)
        .order_by("-fiscal_year", "name_ko", "pk")
    )
    default = _clone_default(call, list(programmes))
    form = CloneForm(_posted(request), programmes=programmes, initial={"programme": default.pk})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.call_clone(request.user, call, programme=form.cleaned_data["programme"])
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(source)s을(를) 복제해 새 공고 %(reference)s을(를) 만들었습니다. 날짜를 확인하고 고쳐 주십시오."
                )
                % {"source": call.reference, "reference": copy.reference},
            )
            return redirect(_call_url(copy))
    return _render(
        request,
        "programs/operator/call_clone.html",
        {
            "call": call,
            "title": _title(call),
            "clone_form": form,
            "opens_text": deadline_text(_one_year_later(call.opens_at)),
            "closes_text": deadline_text(_one_year_later(call.closes_at)),
        },
        form,
    )


# --- tracks and templates --------------------------------------------------------------------------


def _funding_error(track_form, formset, exc):
    """A template error goes above the funder table; a track field error onto the field."""
    if isinstance(exc, FundingInputError) and exc.field != "rounding_unit":
        _formset_error(formset, exc.message)
    else:
        _form_error(track_form, exc)


def _funder_anchor(formset, field):
    """Summary link for a whole-template error: that input on the first filled line."""
    field = {"funders": "role"}.get(field, field)
    if field not in FunderLineForm.base_fields:
        field = "rate"
    for form in formset.forms:
        if getattr(form, "cleaned_data", {}).get("role"):
            return form[field].auto_id
    return formset.forms[0]["role"].auto_id if formset.forms else "main-content"


def _funder_rows(formset):
    """Each row's bound fields, for the template editor table."""
    return [
        {
            "form": f,
            "number": i + 1,
            "fields": [f["role"], f["rate"], f["cap"], f["bonus_rate"], f["bonus_cap"]],
        }
        for i, f in enumerate(formset.forms)
    ]


@require_http_methods(["GET", "POST"])
@editor_required
def track_create(request, pk):
    call = _editable_call(request, pk)
    refused = _draft_only(request, call, _("지원 유형"))
    if refused:
        return refused
    track_form = TrackForm(_posted(request))
    formset = funder_formset(_posted(request), initial=SEED_TEMPLATES.get(call.delivery_model, ()))
    anchor = None
    if request.method == "POST" and track_form.is_valid() & formset.is_valid():
        try:
            services.track_create(
                request.user,
                call,
                bonus_regions=list(track_form.cleaned_data["bonus_regions"]),
                funders=formset.rows(),
                order=call.tracks.count(),
                **track_form.fields_data(),
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _funding_error(track_form, formset, exc)
            anchor = _funder_anchor(formset, getattr(exc, "field", "rate"))
        else:
            messages.success(request, _("지원 유형을 추가했습니다."))
            return redirect(_call_url(call))
    return _render(
        request,
        "programs/operator/track_form.html",
        {
            "call": call,
            "title": _title(call),
            "track": None,
            "track_form": track_form,
            "formset": formset,
            "funder_rows": _funder_rows(formset),
        },
        track_form,
        formset,
        formset_anchor=anchor,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def track_edit(request, pk):
    track = _editable_track(request, pk)
    call = track.call
    refused = _draft_only(request, call, _("지원 유형"))
    if refused:
        return refused
    track_form = TrackForm(_posted(request), initial=TrackForm.initial_for(track))
    if request.method == "POST" and track_form.is_valid():
        changes, regions = track_form.changes(track)
        if not changes and regions is None:
            messages.info(request, _("변경된 내용이 없습니다."))
            return redirect(_call_url(call))
        try:
            services.track_update(request.user, track, changes, bonus_regions=regions)
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(track_form, exc)
        else:
            messages.success(request, _("지원 유형을 저장했습니다."))
            return redirect(_call_url(call))
    return _render(
        request,
        "programs/operator/track_form.html",
        {"call": call, "title": _title(call), "track": track, "track_form": track_form, "formset": None},
        track_form,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def track_funders(request, pk):
    track = _editable_track(request, pk)
    call = track.call
    if call.status not in TEMPLATE_STATES:
        messages.error(request, _("접수가 끝난 공고의 분담 기준은 바꿀 수 없습니다."))
        return redirect(_call_url(call))
    formset = funder_formset(_posted(request), initial=funder_initial(track))
    reason_form = TemplateReasonForm(_posted(request))
    anchor = None
    if request.method == "POST" and formset.is_valid() & reason_form.is_valid():
        try:
            services.track_set_funders(
                request.user, track, formset.rows(), reason=reason_form.cleaned_data["reason"].strip()
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except FundingInputError as exc:
            _formset_error(formset, exc.message)
            anchor = _funder_anchor(formset, exc.field)
        except DomainError as exc:
            _form_error(reason_form, exc)
        else:
            messages.success(
                request, _("'%(track)s' 유형의 분담 기준을 저장했습니다.") % {"track": track.display_name}
            )
            return redirect(_call_url(call))
    return _render(
        request,
        "programs/operator/track_funders.html",
        {
            "call": call,
            "title": _title(call),
            "track": track,
            "formset": formset,
            "funder_rows": _funder_rows(formset),
            "reason_form": reason_form,
            "published": call.status != CallStatus.DRAFT,
        },
        formset,
        reason_form,
        formset_anchor=anchor,
    )


def _confirm_delete(request, call, *, what, remove, done, heading, object_name, warning="", anchor=""):
    """The one shape of every delete page: draft only, confirm, call the service, say what happened."""
    refused = _draft_only(request, call, what)
    if refused:
        return refused
    form = ConfirmDeleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            remove()
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done)
        return redirect(_call_url(call) + anchor)
    return render(
        request,
        "programs/operator/confirm_delete.html",
        {
            "call": call,
            "title": _title(call),
            "heading": heading,
            "object_name": object_name,
            "warning": warning,
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def track_delete(request, pk):
    track = _editable_track(request, pk)
    return _confirm_delete(
        request,
        track.call,
        what=_("지원 유형"),
        remove=lambda: services.track_delete(request.user, track),
        done=_("'%(track)s' 유형을 삭제했습니다.") % {"track": track.display_name},
        heading=_("지원 유형 삭제"),
        object_name=track.display_name,
        warning=_("이 유형의 분담 기준과 이 유형에만 적용되는 신청 자격 규칙도 함께 삭제됩니다."),
    )


# --- required documents ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@editor_required
def document_create(request, pk):
    call = _editable_call(request, pk)
    refused = _draft_only(request, call, _("제출 서류"))
    if refused:
        return refused
    form = RequiredDocumentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.required_document_add(
                request.user, call, order=call.required_documents.count(), **form.fields_data()
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("제출 서류를 추가했습니다."))
            return redirect(_call_url(call) + "#documents")
    return _render(
        request,
        "programs/operator/document_form.html",
        {"call": call, "title": _title(call), "document_form": form},
        form,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def document_delete(request, pk):
    doc = get_object_or_404(
        RequiredDocument.objects.editable_by(request.user).select_related("call__programme"), pk=pk
    )
    return _confirm_delete(
        request,
        doc.call,
        what=_("제출 서류"),
        remove=lambda: services.required_document_remove(request.user, doc),
        done=_("제출 서류를 삭제했습니다."),
        heading=_("제출 서류 삭제"),
        object_name=str(doc),
        anchor="#documents",
    )


# --- eligibility rules ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@editor_required
def rule_choose(request, pk):
    call = _editable_call(request, pk)
    refused = _draft_only(request, call, _("신청 자격 규칙"))
    if refused:
        return refused
    form = RuleKindForm(_posted(request), initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        return redirect("programs:operator-rule-create", pk=call.pk, kind=form.cleaned_data["kind"])
    return _render(
        request,
        "programs/operator/rule_choose.html",
        {"call": call, "title": _title(call), "kind_form": form},
        form,
    )


def _rule_page(request, call, kind, rule=None):
    form_class = rule_form(kind)
    if form_class is None:
        raise Http404
    initial = form_class.initial_for(rule) if rule else {}
    form = form_class(_posted(request), call=call, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_rule_save(
                request.user,
                call,
                rule=rule,
                kind=kind,
                params=form.params(),
                track=form.cleaned_data["track"],
                is_active=form.cleaned_data["is_active"],
            )
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                (
                    _("신청 자격 규칙 '%(kind)s'을(를) 저장했습니다.")
                    if rule
                    else _("신청 자격 규칙 '%(kind)s'을(를) 추가했습니다.")
                )
                % {"kind": RuleKind(kind).label},
            )
            return redirect(_call_url(call) + "#rules")
    return _render(
        request,
        "programs/operator/rule_form.html",
        {
            "call": call,
            "title": _title(call),
            "rule": rule,
            "rule_form": form,
            "kind_label": RuleKind(kind).label,
            "has_params": bool(form.param_names),
        },
        form,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def rule_create(request, pk, kind):
    call = _editable_call(request, pk)
    if kind not in RuleKind.values:
        raise Http404
    refused = _draft_only(request, call, _("신청 자격 규칙"))
    if refused:
        return refused
    return _rule_page(request, call, kind)


def _editable_rule(request, pk):
    return get_object_or_404(
        EligibilityRule.objects.editable_by(request.user).select_related("call__programme", "track"), pk=pk
    )


@require_http_methods(["GET", "POST"])
@editor_required
def rule_edit(request, pk):
    rule = _editable_rule(request, pk)
    refused = _draft_only(request, rule.call, _("신청 자격 규칙"))
    if refused:
        return refused
    return _rule_page(request, rule.call, rule.kind, rule)


@require_http_methods(["GET", "POST"])
@editor_required
def rule_delete(request, pk):
    rule = _editable_rule(request, pk)
    return _confirm_delete(
        request,
        rule.call,
        what=_("신청 자격 규칙"),
        remove=lambda: services.eligibility_rule_remove(request.user, rule),
        done=_("신청 자격 규칙을 삭제했습니다."),
        heading=_("신청 자격 규칙 삭제"),
        object_name=f"{rule.get_kind_display()}: {_decorate_rules([rule])[0].summary}",
        anchor="#rules",
    )


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (programme_detail, Programme),
    (programme_edit, Programme),
    (call_create, Programme),
    (call_detail, Call),
    (call_preview, Call),
    (call_edit, Call),
    (call_publish, Call),
    (call_cancel, Call),
    (call_transition, Call),
    (call_clone, Call),
    (track_create, Call),
    (document_create, Call),
    (rule_choose, Call),
    (rule_create, Call),
    (track_edit, Track),
    (track_funders, Track),
    (track_delete, Track),
    (document_delete, RequiredDocument),
    (rule_edit, EligibilityRule),
    (rule_delete, EligibilityRule),
):
    _view.sfms_model = _model
