"""The operator's evaluation pages (under /evaluations/manage/): the call list with plan states, the
evaluator pool, each call's plan with its stages and rubrics, committees, assignment, ranking and
selection, result sheets, cost reviews, matching notes, objections and reports.

Thin, like applications/views_operator.py: every object is looked up inside `run_by(user)` (missing
and another operator's look the same: 404), every write goes through `evaluations.services`, and a
refused operation comes back on the same page as the GOV.UK error summary with the service's words
(nothing changed). Success is POST → redirect → GET with a message.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from applications.models import BudgetCategory, Submission
from organizations.access import principal_for
from organizations.errors import AccessDenied, DomainError
from organizations.models import Operator
from organizations.pages import file_response, paginate
from programs.funding import ROLE_LABELS
from programs.models import Call

from . import rules, selectors, services
from .forms_operator import (
    BatchForm,
    CostReviewForm,
    CriterionForm,
    DrawForm,
    EvaluatorForm,
    ExpertiseForm,
    InterestEndForm,
    InterestForm,
    InviteForm,
    MatchingNoteForm,
    ObjectionDecideForm,
    PlanCreateForm,
    PlanSettingsForm,
    PoolFilterForm,
    ReasonForm,
    ReportForm,
    StageForm,
    SwapForm,
)
from .models import (
    Assignment,
    AssignmentDraw,
    AssignmentStatus,
    CommitteeSeat,
    CostReview,
    Criterion,
    Decision,
    DecisionStatus,
    DeclaredInterest,
    EvaluationPlan,
    EvaluationReport,
    Evaluator,
    MatchingNote,
    Objection,
    ObjectionStatus,
    ReportKind,
    ReportStatus,
    SeatStatus,
    Stage,
    StageKind,
    StageResult,
    StageStatus,
    TrackExpertise,
)
from .querysets import CALL_STAFF_ROLES, staff_operator_ids

# --- access and errors ---------------------------------------------------------------------------


def staff_required(view):
    """Admins and staff of an operator (and platform admins); everyone else gets the 403 page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        p = principal_for(request.user)
        if not (p.is_platform_admin or p.has_role(*CALL_STAFF_ROLES)):
            raise PermissionDenied(
                str(gettext_lazy("평가·선정 관리는 공고를 운영하는 기관의 관리자와 담당자만 할 수 있습니다."))
            )
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _run(request, model, pk, *related):
    return get_object_or_404(model.objects.run_by(request.user).select_related(*related), pk=pk)


def _form_errors(form):
    """(anchor id, message) for every error of a bound form, in field order."""
    if form is None or not form.is_bound or not form.errors:
        return []
    items = []
    fields = [b for b in form if not b.is_hidden]
    for message in form.non_field_errors():
        items.append((fields[0].auto_id if fields else "main-content", message))
    for bound in form:
        if bound.is_hidden:
            items.extend(("main-content", m) for m in bound.errors)
            continue
        anchor = bound.auto_id
        if bound.widget_type in ("radioselect", "checkboxselectmultiple"):
            anchor = f"{bound.auto_id}_0"
        items.extend((anchor, message) for message in bound.errors)
    return items


def _service_errors(exc, form=None):
    """A refused service call as summary items: its message, and each blocker on its field."""
    items = []
    blockers = getattr(exc, "blockers", None) or []
    field = getattr(exc, "field", None)
    anchor = "main-content"
    if form is not None and field in form.fields:
        anchor = form[field].auto_id
    items.append((anchor, str(exc.message)))
    for name, message in blockers:
        target = anchor
        if form is not None and name in form.fields:
            target = form[name].auto_id
        elif form is not None and f"line_{name}" in form.fields:
            target = form[f"line_{name}"].auto_id
        items.append((target, str(message)))
    return items


def _page(request, template, context, errors=()):
    errors = list(errors)
    context.update(error_items=errors, has_errors=bool(errors))
    return render(request, template, context, status=200)


def _call_service(fn, *args, **kwargs):
    """Run a service; AccessDenied becomes the 403 page, a DomainError is returned as `exc`."""
    try:
        return fn(*args, **kwargs), None
    except AccessDenied as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        return None, exc


def _operators_for(user):
    p = principal_for(user)
    if p.is_platform_admin:
        return Operator.objects.all().order_by("name_ko")
    return Operator.objects.filter(pk__in=staff_operator_ids(p)).order_by("name_ko")


def _plans(user):
    return EvaluationPlan.objects.run_by(user).select_related("call__operator")


# --- home ----------------------------------------------------------------------------------------


@require_safe
@staff_required
def home(request):
    calls = (
        Call.objects.editable_by(request.user)
        .exclude(status__in=["draft", "cancelled"])
        .select_related("operator", "evaluation_plan")
        .prefetch_related(Prefetch("evaluation_plan__stages", queryset=Stage.objects.order_by("order")))
        .order_by("-closes_at", "-pk")
    )
    page = paginate(request, calls)
    rows = []
    for call in page.object_list:
        plan = getattr(call, "evaluation_plan", None)
        rows.append({"call": call, "plan": plan, "stages": list(plan.stages.all()) if plan else []})
    pool_count = Evaluator.objects.run_by(request.user).filter(is_active=True).count()
    return render(
        request, "evaluations/operator/home.html", {"page": page, "rows": rows, "pool_count": pool_count}
    )


# --- pool ----------------------------------------------------------------------------------------


@require_safe
@staff_required
def pool_list(request):
    form = PoolFilterForm(request.GET or None)
    qs = form.apply(
        Evaluator.objects.run_by(request.user)
        .select_related("region", "operator", "affiliation_company")
        .prefetch_related("domains")
        .annotate(live_seats=Count("seats", filter=Q(seats__status=SeatStatus.ACCEPTED), distinct=True))
        .order_by("name", "pk")
    )
    if form.is_bound and form.is_valid() and form.cleaned_data.get("domain"):
        qs = qs.distinct()
    page = paginate(request, qs)
    today = timezone.localdate()
    for e in page.object_list:
        e.current = bool(e.interests_valid_until and e.interests_valid_until >= today)
    return render(
        request,
        "evaluations/operator/pool_list.html",
        {"filter_form": form, "page": page, "result_count": page.paginator.count},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def pool_add(request):
    operators = _operators_for(request.user)
    form = EvaluatorForm(request.POST or None, operators=operators)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            evaluator, exc = _call_service(
                services.evaluator_add,
                request.user,
                data["operator"],
                email=data["email"],
                full_name=data["name"],
                affiliation_kind=data["affiliation_kind"],
                affiliation_name=data["affiliation_name"],
                affiliation_company=data["affiliation_company"],
                region=data["region"],
                domains=list(data["domains"]),
            )
            if exc is None:
                messages.success(
                    request,
                    _("%(name)s 님을 평가위원으로 등록하고 안내 메일을 보냈습니다.")
                    % {"name": evaluator.name},
                )
                return redirect("evaluations:pool-detail", evaluator.pk)
            errors = _service_errors(exc, form)
        else:
            errors = _form_errors(form)
    return _page(request, "evaluations/operator/pool_add.html", {"evaluator_form": form}, errors)


def _pool_detail_context(request, evaluator, **forms):
    interests = list(evaluator.interests.select_related("company").order_by("-pk"))
    today = timezone.localdate()
    for i in interests:
        i.current = i.ended_on is None or i.ended_on >= today
        i.end_form = (
            forms["end_form"]
            if forms.get("end_target") == i.pk
            else InterestEndForm(prefix=f"end{i.pk}", initial={"ended_on": today})
        )
    seats = list(
        CommitteeSeat.objects.run_by(request.user)
        .filter(evaluator=evaluator)
        .select_related("stage__plan__call")
        .order_by("-invited_at", "-pk")
    )
    assignments = list(
        Assignment.objects.run_by(request.user)
        .filter(evaluator=evaluator)
        .select_related("stage__plan__call", "submission__application__lead")
        .order_by("-assigned_at", "-pk")[:50]
    )
    return {
        "evaluator": evaluator,
        "interests": interests,
        "seats": seats,
        "assignments": assignments,
        "current": bool(evaluator.interests_valid_until and evaluator.interests_valid_until >= today),
        "edit_form": forms.get("edit_form")
        or EvaluatorForm(initial=EvaluatorForm.initial_for(evaluator), editing=True),
        "interest_form": forms.get("interest_form") or InterestForm(prefix="interest"),
    }


def _evaluator(request, pk):
    return _run(request, Evaluator, pk, "region", "operator", "affiliation_company", "user")


@require_http_methods(["GET", "POST"])
@staff_required
def pool_detail(request, pk):
    evaluator = _evaluator(request, pk)
    errors = []
    form = None
    if request.method == "POST":
        form = EvaluatorForm(request.POST, editing=True)
        if form.is_valid():
            data = form.cleaned_data
            changes = {
                "name": data["name"],
                "affiliation_kind": data["affiliation_kind"],
                "affiliation_name": data["affiliation_name"],
                "affiliation_company": data["affiliation_company"],
                "region": data["region"],
                "is_active": data["is_active"],
            }
            _done, exc = _call_service(
                services.evaluator_update,
                request.user,
                evaluator,
                changes,
                domains=list(data["domains"]),
                reason=data["reason"],
            )
            if exc is None:
                messages.success(request, _("평가위원 정보를 고쳤습니다."))
                return redirect("evaluations:pool-detail", evaluator.pk)
            errors = _service_errors(exc, form)
        else:
            errors = _form_errors(form)
    context = _pool_detail_context(request, evaluator, edit_form=form)
    return _page(request, "evaluations/operator/pool_detail.html", context, errors)


@require_POST
@staff_required
def interest_add(request, pk):
    evaluator = _evaluator(request, pk)
    form = InterestForm(request.POST, prefix="interest")
    if form.is_valid():
        data = form.cleaned_data
        _done, exc = _call_service(
            services.interest_declare,
            request.user,
            evaluator,
            kind=data["kind"],
            company=data["company"],
            description=data["description"],
        )
        if exc is None:
            messages.success(request, _("이해관계를 등록했습니다."))
            return redirect(reverse("evaluations:pool-detail", args=[evaluator.pk]) + "#interests")
        errors = _service_errors(exc, form)
    else:
        errors = _form_errors(form)
    context = _pool_detail_context(request, evaluator, interest_form=form)
    return _page(request, "evaluations/operator/pool_detail.html", context, errors)


@require_POST
@staff_required
def interest_end(request, pk):
    interest = get_object_or_404(
        DeclaredInterest.objects.filter(evaluator__in=Evaluator.objects.run_by(request.user)).select_related(
            "evaluator__operator", "company"
        ),
        pk=pk,
    )
    evaluator = interest.evaluator
    form = InterestEndForm(request.POST, prefix=f"end{interest.pk}")
    if form.is_valid():
        _done, exc = _call_service(
            services.interest_end,
            request.user,
            interest,
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["reason"],
        )
        if exc is None:
            messages.success(request, _("이해관계를 종료했습니다."))
            return redirect(reverse("evaluations:pool-detail", args=[evaluator.pk]) + "#interests")
        errors = _service_errors(exc, form)
    else:
        errors = _form_errors(form)
    context = _pool_detail_context(
        request, _evaluator(request, evaluator.pk), end_form=form, end_target=interest.pk
    )
    return _page(request, "evaluations/operator/pool_detail.html", context, errors)


# --- plan ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def plan_setup(request, pk):
    """Create the call's plan, or add stages to it."""
    call = get_object_or_404(Call.objects.editable_by(request.user).select_related("operator"), pk=pk)
    plan = EvaluationPlan.objects.run_by(request.user).filter(call=call).first()
    existing = list(plan.stages.values_list("kind", flat=True)) if plan else []
    if request.method == "GET" and plan is not None:
        return redirect("evaluations:plan-detail", plan.pk)
    form = PlanCreateForm(request.POST or None, existing=existing)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            extra = {}
            if plan is None:
                extra = {"objection_days": data["objection_days"], "show_comments": data["show_comments"]}
            made, exc = _call_service(
                services.plan_set_up, request.user, call, stages=data["stages"], **extra
            )
            if exc is None:
                messages.success(
                    request, _("평가 단계를 추가했습니다.") if plan else _("평가 계획을 만들었습니다.")
                )
                return redirect("evaluations:plan-detail", made.pk)
            errors = _service_errors(exc, form)
        else:
            errors = _form_errors(form)
        if plan is not None:
            return plan_detail_page(request, plan, errors, stage_form=form)
    return _page(request, "evaluations/operator/plan_setup.html", {"call": call, "plan_form": form}, errors)


def plan_context(request, plan, **forms):
    stages = list(
        plan.stages.annotate(
            n_criteria=Count("criteria", distinct=True),
            n_seats=Count("seats", filter=Q(seats__status=SeatStatus.ACCEPTED), distinct=True),
        )
        .prefetch_related("criteria")
        .order_by("order")
    )
    for s in stages:
        criteria = list(s.criteria.all())
        s.weight_total = sum(c.weight for c in criteria)
        s.problems = (
            rules.rubric_problems([rules.CriterionTerms(c.code, c.max_points, c.weight) for c in criteria])
            if s.is_scored
            else []
        )
        s.skippable = s.kind == StageKind.DOCUMENT_REVIEW and s.status == StageStatus.PLANNED
    tracks = list(plan.call.tracks.order_by("order", "pk"))
    expertise = {
        te.track_id: te for te in TrackExpertise.objects.filter(track__in=tracks).prefetch_related("domains")
    }
    for t in tracks:
        te = expertise.get(t.pk)
        t.domain_list = list(te.domains.all()) if te else []
        t.expertise_form = (
            forms["expertise_form"]
            if forms.get("expertise_track") == t.pk
            else ExpertiseForm(
                initial={"track": t.pk, "domains": [d.pk for d in t.domain_list]},
                tracks=plan.call.tracks.all(),
                prefix=f"t{t.pk}",
            )
        )
    existing = [s.kind for s in stages]
    return {
        "plan": plan,
        "call": plan.call,
        "stages": stages,
        "tracks": tracks,
        "settings_form": forms.get("settings_form")
        or PlanSettingsForm(
            initial={"objection_days": plan.objection_days, "show_comments": plan.show_comments}
        ),
        "stage_form": forms.get("stage_form") or PlanCreateForm(existing=existing),
        "can_add_stages": len(existing) < len(StageKind.choices),
        "skip_form": forms.get("skip_form") or ReasonForm(prefix="skip"),
    }


def plan_detail_page(request, plan, errors=(), **forms):
    return _page(
        request, "evaluations/operator/plan_detail.html", plan_context(request, plan, **forms), errors
    )


def _plan(request, pk):
    return _run(request, EvaluationPlan, pk, "call__operator")


@require_safe
@staff_required
def plan_detail(request, pk):
    return plan_detail_page(request, _plan(request, pk))


@require_POST
@staff_required
def plan_settings(request, pk):
    plan = _plan(request, pk)
    form = PlanSettingsForm(request.POST)
    if form.is_valid():
        _done, exc = _call_service(services.plan_update, request.user, plan, dict(form.cleaned_data))
        if exc is None:
            messages.success(request, _("평가 계획 설정을 저장했습니다."))
            return redirect("evaluations:plan-detail", plan.pk)
        errors = _service_errors(exc, form)
    else:
        errors = _form_errors(form)
    return plan_detail_page(request, plan, errors, settings_form=form)


@require_POST
@staff_required
def expertise_set(request, pk):
    plan = _plan(request, pk)
    track_id = request.POST.get("track_id", "")
    track = plan.call.tracks.filter(pk=int(track_id)).first() if track_id.isdigit() else None
    if track is None:
        raise Http404
    form = ExpertiseForm(request.POST, tracks=plan.call.tracks.all(), prefix=f"t{track.pk}")
    if form.is_valid():
        _done, exc = _call_service(
            services.track_expertise_set, request.user, track, list(form.cleaned_data["domains"])
        )
        if exc is None:
            messages.success(request, _("'%(track)s'의 평가 전문 분야를 저장했습니다.") % {"track": track})
            return redirect(reverse("evaluations:plan-detail", args=[plan.pk]) + "#expertise")
        errors = _service_errors(exc, form)
    else:
        errors = _form_errors(form)
    return plan_detail_page(request, plan, errors, expertise_form=form, expertise_track=track.pk)


def _stage(request, pk):
    return _run(request, Stage, pk, "plan__call__operator")


@require_POST
@staff_required
def stage_transition(request, pk, action):
    stage = _stage(request, pk)
    plan = stage.plan
    form = None
    if action == "open":
        _done, exc = _call_service(services.stage_open, request.user, stage)
        done_message = _("'%(stage)s' 단계를 시작했습니다.")
    elif action == "close":
        _done, exc = _call_service(services.stage_close, request.user, stage)
        done_message = _("'%(stage)s' 단계를 마감했습니다. 결과와 순위를 계산했습니다.")
    else:
        form = ReasonForm(request.POST, prefix="skip")
        if not form.is_valid():
            return plan_detail_page(request, plan, _form_errors(form), skip_form=form)
        _done, exc = _call_service(
            services.stage_skip, request.user, stage, reason=form.cleaned_data["reason"]
        )
        done_message = _("'%(stage)s' 단계를 생략했습니다.")
    if exc is None:
        messages.success(request, done_message % {"stage": stage.get_kind_display()})
        return redirect(reverse("evaluations:plan-detail", args=[plan.pk]) + "#stages")
    return plan_detail_page(request, plan, _service_errors(exc, form), skip_form=form)


def stage_open(request, pk):
    return stage_transition(request, pk, "open")


def stage_close(request, pk):
    return stage_transition(request, pk, "close")


def stage_skip(request, pk):
    return stage_transition(request, pk, "skip")


# --- stage settings and rubric -------------------------------------------------------------------


def _codes(stage):
    return [(c.code, f"{c.name_ko} ({c.code})") for c in stage.criteria.all()]


def stage_context(request, stage, **forms):
    criteria = list(stage.criteria.order_by("order", "pk"))
    terms = [rules.CriterionTerms(c.code, c.max_points, c.weight, c.name_ko) for c in criteria]
    return {
        "stage": stage,
        "plan": stage.plan,
        "call": stage.plan.call,
        "criteria": criteria,
        "weight_total": sum(c.weight for c in criteria),
        "problems": rules.rubric_problems(terms) if stage.is_scored else [],
        "settings_form": forms.get("settings_form")
        or StageForm(initial=StageForm.initial_for(stage), codes=_codes(stage)),
        "criterion_form": forms.get("criterion_form")
        or CriterionForm(prefix="new", initial={"order": len(criteria)}),
        "editable": stage.status not in (StageStatus.CLOSED, StageStatus.SKIPPED),
    }


def stage_page(request, stage, errors=(), **forms):
    return _page(
        request, "evaluations/operator/stage_detail.html", stage_context(request, stage, **forms), errors
    )


@require_http_methods(["GET", "POST"])
@staff_required
def stage_detail(request, pk):
    stage = _stage(request, pk)
    if request.method == "GET":
        return stage_page(request, stage)
    form = StageForm(request.POST, codes=_codes(stage))
    if form.is_valid():
        _done, exc = _call_service(services.stage_update, request.user, stage, form.changes())
        if exc is None:
            messages.success(request, _("단계 설정을 저장했습니다."))
            return redirect("evaluations:stage-detail", stage.pk)
        errors = _service_errors(exc, form)
    else:
        errors = _form_errors(form)
    return stage_page(request, stage, errors, settings_form=form)


@require_POST
@staff_required
def criterion_add(request, pk):
    stage = _stage(request, pk)
    form = CriterionForm(request.POST, prefix="new")
    if form.is_valid():
        _done, exc = _call_service(services.criterion_save, request.user, stage, form.changes())
        if exc is None:
            messages.success(request, _("평가 항목을 추가했습니다."))
            return redirect(reverse("evaluations:stage-detail", args=[stage.pk]) + "#rubric")
        errors = _service_errors(exc, form)
    else:
        errors = _form_errors(form)
    return stage_page(request, stage, errors, criterion_form=form)


@require_http_methods(["GET", "POST"])
@staff_required
def criterion_edit(request, pk):
    criterion = _run(request, Criterion, pk, "stage__plan__call")
    stage = criterion.stage
    initial = {
        f: getattr(criterion, f) for f in ("code", "name_ko", "name_en", "max_points", "weight", "order")
    }
    form = CriterionForm(request.POST or None, initial=initial)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            _done, exc = _call_service(
                services.criterion_save, request.user, stage, form.changes(), criterion=criterion
            )
            if exc is None:
                messages.success(request, _("평가 항목을 고쳤습니다."))
                return redirect(reverse("evaluations:stage-detail", args=[stage.pk]) + "#rubric")
            errors = _service_errors(exc, form)
        else:
            errors = _form_errors(form)
    return _page(
        request,
        "evaluations/operator/criterion_form.html",
        {"criterion": criterion, "stage": stage, "plan": stage.plan, "criterion_form": form},
        errors,
    )


@require_POST
@staff_required
def criterion_delete(request, pk):
    criterion = _run(request, Criterion, pk, "stage__plan__call")
    stage = criterion.stage
    _done, exc = _call_service(services.criterion_delete, request.user, criterion)
    if exc is None:
        messages.success(request, _("평가 항목을 삭제했습니다."))
        return redirect(reverse("evaluations:stage-detail", args=[stage.pk]) + "#rubric")
    return stage_page(request, stage, _service_errors(exc))


# --- committee -----------------------------------------------------------------------------------


def _pool_for(stage, user):
    taken = CommitteeSeat.objects.filter(
        stage=stage, status__in=[SeatStatus.INVITED, SeatStatus.ACCEPTED]
    ).values("evaluator_id")
    return (
        Evaluator.objects.run_by(user)
        .filter(operator_id=stage.plan.call.operator_id, is_active=True)
        .exclude(pk__in=taken)
        .prefetch_related("domains")
        .order_by("name", "pk")
    )


def committee_context(request, stage, **forms):
    seats = list(
        CommitteeSeat.objects.filter(stage=stage)
        .select_related("evaluator", "invited_by")
        .order_by("-is_chair", "evaluator__name", "pk")
    )
    for seat in seats:
        seat.release_form = (
            forms["release_form"]
            if forms.get("release_target") == seat.pk
            else ReasonForm(prefix=f"release{seat.pk}")
        )
    return {
        "stage": stage,
        "plan": stage.plan,
        "call": stage.plan.call,
        "seats": seats,
        "invite_form": forms.get("invite_form") or InviteForm(pool=_pool_for(stage, request.user)),
        "closed": stage.status in (StageStatus.CLOSED, StageStatus.SKIPPED),
    }


def committee_page(request, stage, errors=(), **forms):
    return _page(
        request, "evaluations/operator/committee.html", committee_context(request, stage, **forms), errors
    )


@require_http_methods(["GET", "POST"])
@staff_required
def committee(request, pk):
    stage = _stage(request, pk)
    if request.method == "GET":
        return committee_page(request, stage)
    form = InviteForm(request.POST, pool=_pool_for(stage, request.user))
    if not form.is_valid():
        return committee_page(request, stage, _form_errors(form), invite_form=form)
    chosen, chair = form.cleaned_data["evaluators"], form.cleaned_data["chair"]
    try:
        with transaction.atomic():
            for evaluator in chosen:
                services.seat_invite(request.user, stage, evaluator, is_chair=evaluator == chair)
    except AccessDenied as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        return committee_page(request, stage, _service_errors(exc, form), invite_form=form)
    messages.success(request, _("평가위원 %(n)s명에게 위촉을 요청했습니다.") % {"n": len(chosen)})
    return redirect("evaluations:committee", stage.pk)


@require_POST
@staff_required
def seat_release(request, pk):
    seat = _run(request, CommitteeSeat, pk, "stage__plan__call", "evaluator")
    form = ReasonForm(request.POST, prefix=f"release{seat.pk}")
    if form.is_valid():
        _done, exc = _call_service(
            services.seat_release, request.user, seat, reason=form.cleaned_data["reason"]
        )
        if exc is None:
            messages.success(request, _("%(name)s 위원을 해촉했습니다.") % {"name": seat.evaluator.name})
            return redirect("evaluations:committee", seat.stage_id)
        errors = _service_errors(exc, form)
    else:
        errors = _form_errors(form)
    return committee_page(request, seat.stage, errors, release_form=form, release_target=seat.pk)


# --- assignment ----------------------------------------------------------------------------------


def assignment_context(request, stage, **forms):
    eligible = list(selectors.eligible_submissions(stage))
    live = list(
        Assignment.objects.filter(stage=stage)
        .exclude(status=AssignmentStatus.RELEASED)
        .select_related("evaluator")
        .order_by("submission_id", "evaluator__name", "pk")
    )
    by_submission = {}
    for a in live:
        by_submission.setdefault(a.submission_id, []).append(a)
    known = {s.pk for s in eligible}
    missing = [sid for sid in by_submission if sid not in known]
    extra = list(
        Submission.objects.unrestricted()
        .filter(pk__in=missing, application__call_id=stage.plan.call_id)
        .select_related("application__track", "application__lead")
    )
    rows = [{"submission": s, "assignments": by_submission.get(s.pk, [])} for s in [*eligible, *extra]]
    last_draw = AssignmentDraw.objects.filter(stage=stage).select_related("performed_by").first()
    return {
        "stage": stage,
        "plan": stage.plan,
        "call": stage.plan.call,
        "progress": selectors.stage_progress(stage),
        "rows": rows,
        "last_draw": last_draw,
        "draw_form": forms.get("draw_form") or DrawForm(),
        "batch_form": forms.get("batch_form") or BatchForm(),
        "scoring": stage.status == StageStatus.SCORING,
    }


def assignment_page(request, stage, errors=(), **forms):
    return _page(
        request, "evaluations/operator/assignments.html", assignment_context(request, stage, **forms), errors
    )


@require_safe
@staff_required
def assignments(request, pk):
    return assignment_page(request, _stage(request, pk))


@require_POST
@staff_required
def draw(request, pk):
    stage = _stage(request, pk)
    form = DrawForm(request.POST)
    if not form.is_valid():
        return assignment_page(request, stage, _form_errors(form), draw_form=form)
    made, exc = _call_service(
        services.assignment_draw, request.user, stage, seed=form.cleaned_data["seed"] or None
    )
    if exc is not None:
        return assignment_page(request, stage, _service_errors(exc, form), draw_form=form)
    pairs = len(made.outcome.get("pairs", []))
    messages.success(
        request,
        _("자동 배정으로 %(n)s건을 배정했습니다. 난수 시드: %(seed)s") % {"n": pairs, "seed": made.seed},
    )
    if made.outcome.get("shortfalls"):
        messages.warning(
            request,
            _("평가위원이 부족한 신청서가 %(n)s건 있습니다. 위원을 더 위촉한 뒤 다시 배정해 주십시오.")
            % {"n": len(made.outcome["shortfalls"])},
        )
    return redirect("evaluations:assignments", stage.pk)


@require_POST
@staff_required
def batch(request, pk):
    stage = _stage(request, pk)
    ids = request.POST.getlist("submissions")
    form = BatchForm(request.POST, submission_ids=[i for i in ids if i.isdigit()])
    if not form.is_valid():
        return assignment_page(request, stage, _form_errors(form), batch_form=form)
    action, sub_ids = form.cleaned_data["action"], form.cleaned_data["submission_ids"]
    user = request.user
    if action == "assign":
        result, exc = _call_service(services.assignment_draw, user, stage, submission_ids=sub_ids)
        done = _("선택한 신청서 %(n)s건에 부족한 평가위원을 배정했습니다.") % {"n": len(sub_ids)}
    elif action == "reassign":
        result, exc = _call_service(
            services.assignments_reassign,
            user,
            stage,
            submission_ids=sub_ids,
            reason=form.cleaned_data["reason"],
        )
        done = _("선택한 신청서 %(n)s건의 평가위원을 다시 배정했습니다.") % {"n": len(sub_ids)}
    elif action == "remind":
        result, exc = _call_service(services.assignments_remind, user, stage, submission_ids=sub_ids)
        done = _("미제출 평가표 %(n)s건의 평가위원에게 독촉 알림을 보냈습니다.") % {"n": result or 0}
    else:
        decision_ids = list(
            Decision.objects.run_by(user)
            .filter(plan=stage.plan, submission_id__in=sub_ids)
            .values_list("pk", flat=True)
        )
        if not decision_ids:
            exc = DomainError(_("선택한 신청서에 통보할 선정 결정이 없습니다."), "no_decisions")
            result = None
        else:
            result, exc = _call_service(services.results_release, user, stage.plan, decision_ids=decision_ids)
        done = _("평가 결과 %(n)s건을 신청기업에 통보했습니다.") % {"n": result or 0}
    if exc is not None:
        return assignment_page(request, stage, _service_errors(exc, form), batch_form=form)
    messages.success(request, done)
    return redirect("evaluations:assignments", stage.pk)


def _assignment(request, pk):
    return _run(
        request,
        Assignment,
        pk,
        "stage__plan__call",
        "evaluator",
        "submission__application__lead",
        "submission__application__track",
    )


def _seated(stage, assignment):
    return (
        Evaluator.objects.filter(seats__stage=stage, seats__status=SeatStatus.ACCEPTED, is_active=True)
        .exclude(pk=assignment.evaluator_id)
        .order_by("name", "pk")
    )


@require_http_methods(["GET", "POST"])
@staff_required
def assignment_swap(request, pk):
    assignment = _assignment(request, pk)
    stage = assignment.stage
    form = SwapForm(request.POST or None, seated=_seated(stage, assignment))
    errors = []
    if request.method == "POST":
        if form.is_valid():
            made, exc = _call_service(
                services.assignment_swap,
                request.user,
                assignment,
                form.cleaned_data["evaluator"],
                reason=form.cleaned_data["reason"],
            )
            if exc is None:
                messages.success(
                    request,
                    _("%(receipt)s의 평가위원을 %(old)s에서 %(new)s(으)로 바꿨습니다.")
                    % {
                        "receipt": assignment.submission.receipt_number,
                        "old": assignment.evaluator.name,
                        "new": made.evaluator.name,
                    },
                )
                return redirect("evaluations:assignments", stage.pk)
            errors = _service_errors(exc, form)
        else:
            errors = _form_errors(form)
    return _page(
        request,
        "evaluations/operator/assignment_swap.html",
        {"assignment": assignment, "stage": stage, "plan": stage.plan, "swap_form": form},
        errors,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def assignment_reopen(request, pk):
    assignment = _assignment(request, pk)
    stage = assignment.stage
    form = ReasonForm(request.POST or None)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            _done, exc = _call_service(
                services.assignment_reopen, request.user, assignment, reason=form.cleaned_data["reason"]
            )
            if exc is None:
                messages.success(
                    request,
                    _("%(name)s 위원의 %(receipt)s 평가표를 다시 열었습니다.")
                    % {"name": assignment.evaluator.name, "receipt": assignment.submission.receipt_number},
                )
                return redirect("evaluations:assignments", stage.pk)
            errors = _service_errors(exc, form)
        else:
            errors = _form_errors(form)
    return _page(
        request,
        "evaluations/operator/assignment_reopen.html",
        {"assignment": assignment, "stage": stage, "plan": stage.plan, "reopen_form": form},
        errors,
    )


@require_safe
@staff_required
def exclusions(request, pk):
    stage = _stage(request, pk)
    report = selectors.exclusion_report(stage)
    draws = list(AssignmentDraw.objects.filter(stage=stage).select_related("performed_by"))
    for d in draws:
        d.pair_count = len(d.outcome.get("pairs", []))
        d.shortfall_count = len(d.outcome.get("shortfalls", {}))
    return render(
        request,
        "evaluations/operator/exclusions.html",
        {"stage": stage, "plan": stage.plan, "call": stage.plan.call, "report": report, "draws": draws},
    )


# --- results and selection -----------------------------------------------------------------------


def ranking_context(request, plan):
    stage, tracks = selectors.ranking(plan)
    budget, committed, left = selectors.budget_position(plan)
    track_rows = []
    for track, rows in tracks:
        selected = sum(1 for r in rows if r.decision and r.decision.status == DecisionStatus.SELECTED)
        track_rows.append(
            {"track": track, "rows": rows, "selected": selected, "planned": track.projects_planned}
        )
    decisions = [r.decision for _t, rows in tracks for r in rows if r.decision]
    return {
        "plan": plan,
        "call": plan.call,
        "stage": stage,
        "tracks": track_rows,
        "budget": budget,
        "committed": committed,
        "left": left,
        "undecided_final": sum(1 for d in decisions if not d.final),
        "unreleased": sum(1 for d in decisions if d.final and not d.released_at),
        "has_decisions": bool(decisions),
    }


def ranking_page(request, plan, errors=()):
    return _page(request, "evaluations/operator/ranking.html", ranking_context(request, plan), errors)


@require_safe
@staff_required
def ranking(request, pk):
    return ranking_page(request, _plan(request, pk))


@require_POST
@staff_required
def decide(request, pk):
    plan = _plan(request, pk)
    sub_id = request.POST.get("submission", "")
    status = request.POST.get("status", "")
    submission = (
        Submission.objects.unrestricted()
        .filter(pk=int(sub_id), application__call_id=plan.call_id)
        .select_related("application__track", "application__lead")
        .first()
        if sub_id.isdigit()
        else None
    )
    if submission is None:
        raise Http404
    reason = request.POST.get(f"reason-{submission.pk}", "").strip()
    decision, exc = _call_service(
        services.decide, request.user, plan, submission, status=status, reason=reason
    )
    if exc is not None:
        return ranking_page(
            request, plan, [(f"reason-{submission.pk}", f"{submission.receipt_number}: {exc.message}")]
        )
    messages.success(
        request,
        _("%(receipt)s: %(status)s(으)로 결정했습니다.")
        % {"receipt": submission.receipt_number, "status": decision.get_status_display()},
    )
    return redirect(reverse("evaluations:ranking", args=[plan.pk]) + f"#row-{submission.pk}")


@require_POST
@staff_required
def finalise(request, pk):
    plan = _plan(request, pk)
    count, exc = _call_service(services.decisions_finalise, request.user, plan)
    if exc is not None:
        return ranking_page(request, plan, _service_errors(exc))
    messages.success(request, _("심의위원회 확정: 결정 %(n)s건을 확정했습니다.") % {"n": count})
    return redirect("evaluations:ranking", plan.pk)


@require_POST
@staff_required
def release(request, pk):
    plan = _plan(request, pk)
    ids = list(
        Decision.objects.run_by(request.user)
        .filter(plan=plan, final=True, released_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        return ranking_page(
            request,
            plan,
            [("main-content", _("통보할 확정 결정이 없습니다. 심의위원회 확정을 먼저 해 주십시오."))],
        )
    count, exc = _call_service(services.results_release, request.user, plan, decision_ids=ids)
    if exc is not None:
        return ranking_page(request, plan, _service_errors(exc))
    messages.success(request, _("평가 결과 %(n)s건을 신청기업에 통보했습니다.") % {"n": count})
    return redirect("evaluations:ranking", plan.pk)


def _result(request, pk):
    return _run(
        request,
        StageResult,
        pk,
        "stage__plan__call__operator",
        "submission__application__lead",
        "submission__application__track",
        "track",
    )


def _share_lines(lines):
    return [
        {"label": ROLE_LABELS.get(line.get("role"), line.get("role")), "amount": line.get("amount")}
        for line in lines or []
    ]


def result_context(request, result, **forms):
    plan, submission = result.stage.plan, result.submission
    cost_stage = plan.stages.filter(kind=StageKind.COST_REVIEW).first()
    review = CostReview.objects.run_by(request.user).filter(submission=submission).first()
    decision = Decision.objects.run_by(request.user).filter(submission=submission).first()
    notes = (
        list(MatchingNote.objects.filter(decision=decision).select_related("sent_by", "responded_by"))
        if decision
        else []
    )
    budget = submission.snapshot.get("budget", {}).get("lines", {}) or {}
    original = {k: int(v or 0) for k, v in budget.items()}
    labels = dict(BudgetCategory.choices)
    review_lines = []
    if review is not None:
        review_lines = [
            {"label": labels.get(k, k), "asked": v, "approved": review.approved_lines.get(k, v)}
            for k, v in review.original_lines.items()
        ]
    cost_initial = {}
    if review is not None:
        cost_initial = {f"line_{k}": v for k, v in review.approved_lines.items()}
        cost_initial.update(reviewer_body=review.reviewer_body, reason=review.reason)
    return {
        "result": result,
        "plan": plan,
        "call": plan.call,
        "submission": submission,
        "sheet": selectors.result_sheet(plan, submission),
        "decision": decision,
        "notes": notes,
        "government_share": selectors.government_share_of(submission),
        "snapshot_shares": _share_lines(submission.snapshot.get("shares", {}).get("lines")),
        "cost_stage": cost_stage,
        "cost_review": review,
        "review_lines": review_lines,
        "review_shares": _share_lines(review.shares.get("lines")) if review else [],
        "cost_form": forms.get("cost_form") or CostReviewForm(lines=original, initial=cost_initial),
        "note_form": forms.get("note_form") or MatchingNoteForm(),
    }


def result_page(request, result, errors=(), **forms):
    return _page(
        request, "evaluations/operator/result_sheet.html", result_context(request, result, **forms), errors
    )


@require_safe
@staff_required
def result_sheet(request, pk):
    return result_page(request, _result(request, pk))


@require_POST
@staff_required
def cost_review(request, pk):
    result = _result(request, pk)
    submission = result.submission
    plan = result.stage.plan
    cost_stage = plan.stages.filter(kind=StageKind.COST_REVIEW).first()
    if cost_stage is None:
        raise Http404
    lines = {
        k: int(v or 0) for k, v in (submission.snapshot.get("budget", {}).get("lines", {}) or {}).items()
    }
    form = CostReviewForm(request.POST, lines=lines)
    if form.is_valid():
        _done, exc = _call_service(
            services.cost_review_record,
            request.user,
            cost_stage,
            submission,
            reviewer_body=form.cleaned_data["reviewer_body"],
            approved_lines=form.approved_lines(),
            reason=form.cleaned_data["reason"],
        )
        if exc is None:
            messages.success(request, _("원가 검토 결과를 저장하고 분담액을 다시 계산했습니다."))
            return redirect(reverse("evaluations:result-sheet", args=[result.pk]) + "#cost-review")
        errors = _service_errors(exc, form)
    else:
        errors = _form_errors(form)
    return result_page(request, result, errors, cost_form=form)


@require_POST
@staff_required
def note_add(request, pk):
    decision = _run(request, Decision, pk, "plan__call", "submission__application")
    result = selectors.final_result(decision.plan, decision.submission)
    if result is None:
        raise Http404
    result = _result(request, result.pk)
    form = MatchingNoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _done, exc = _call_service(
            services.matching_note_send,
            request.user,
            decision,
            kind=data["kind"],
            body=data["body"],
            respond_by=data["respond_by"],
        )
        if exc is None:
            messages.success(request, _("매칭 검증 의견을 신청기업에 보냈습니다."))
            return redirect(reverse("evaluations:result-sheet", args=[result.pk]) + "#notes")
        errors = _service_errors(exc, form)
        if getattr(exc, "field", None) == "respond_by":
            errors = [(form["respond_date"].auto_id, str(exc.message))]
    else:
        errors = _form_errors(form)
    return result_page(request, result, errors, note_form=form)


# --- objections ----------------------------------------------------------------------------------


@require_safe
@staff_required
def objections(request, pk):
    plan = _plan(request, pk)
    rows = list(
        Objection.objects.run_by(request.user)
        .filter(decision__plan=plan)
        .select_related("decision__submission__application__lead", "lodged_by", "reviewed_by")
    )
    return render(
        request, "evaluations/operator/objections.html", {"plan": plan, "call": plan.call, "objections": rows}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def objection_decide(request, pk):
    objection = _run(
        request, Objection, pk, "decision__plan__call", "decision__submission__application__lead", "lodged_by"
    )
    plan = objection.decision.plan
    form = ObjectionDecideForm(request.POST or None)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            _done, exc = _call_service(
                services.objection_decide,
                request.user,
                objection,
                upheld=form.cleaned_data["outcome"] == "upheld",
                reason=form.cleaned_data["reason"],
            )
            if exc is None:
                messages.success(request, _("이의신청을 처리하고 신청기업에 알렸습니다."))
                return redirect("evaluations:objections", plan.pk)
            errors = _service_errors(exc, form)
        else:
            errors = _form_errors(form)
    return _page(
        request,
        "evaluations/operator/objection_decide.html",
        {
            "objection": objection,
            "plan": plan,
            "call": plan.call,
            "decide_form": form,
            "open": objection.status == ObjectionStatus.LODGED,
        },
        errors,
    )


# --- reports -------------------------------------------------------------------------------------


def reports_context(request, plan):
    reports = list(
        EvaluationReport.objects.run_by(request.user)
        .filter(plan=plan)
        .select_related("submission__application__lead", "requested_by")
    )
    stage = selectors.last_scored_stage(plan)
    submissions = (
        list(
            StageResult.objects.filter(stage=stage)
            .select_related("submission__application__lead")
            .order_by("track_id", "rank", "pk")
        )
        if stage
        else []
    )
    return {
        "plan": plan,
        "call": plan.call,
        "reports": reports,
        "results": submissions,
        "done": ReportStatus.DONE,
    }


@require_http_methods(["GET", "POST"])
@staff_required
def reports(request, pk):
    plan = _plan(request, pk)
    if request.method == "GET":
        return render(request, "evaluations/operator/reports.html", reports_context(request, plan))
    form = ReportForm(request.POST)
    errors = []
    if form.is_valid():
        submission = None
        if form.cleaned_data["kind"] == ReportKind.APPLICATION_SUMMARY:
            submission = (
                Submission.objects.unrestricted()
                .filter(pk=form.cleaned_data["submission"], application__call_id=plan.call_id)
                .select_related("application")
                .first()
            )
            if submission is None:
                raise Http404
        _done, exc = _call_service(
            services.report_request, request.user, plan, kind=form.cleaned_data["kind"], submission=submission
        )
        if exc is None:
            messages.success(
                request, _("보고서 작성을 요청했습니다. 완료되면 이 목록에서 내려받을 수 있습니다.")
            )
            return redirect("evaluations:reports", plan.pk)
        errors = _service_errors(exc)
    else:
        errors = [("report-submission", str(m)) for m in form.non_field_errors()] or _form_errors(form)
    return _page(request, "evaluations/operator/reports.html", reports_context(request, plan), errors)


@require_safe
@staff_required
def report_download(request, pk):
    report = _run(request, EvaluationReport, pk, "plan__call")
    if report.status != ReportStatus.DONE:
        raise Http404
    name = f"{report.get_kind_display()}-{report.plan.call.reference}-{report.pk}.pdf"
    return file_response(report.file, name)


for _view, _model in (
    (pool_detail, Evaluator),
    (interest_add, Evaluator),
    (interest_end, DeclaredInterest),
    (plan_setup, Call),
    (plan_detail, EvaluationPlan),
    (plan_settings, EvaluationPlan),
    (expertise_set, EvaluationPlan),
    (stage_open, Stage),
    (stage_close, Stage),
    (stage_skip, Stage),
    (stage_detail, Stage),
    (criterion_add, Stage),
    (criterion_edit, Criterion),
    (criterion_delete, Criterion),
    (committee, Stage),
    (seat_release, CommitteeSeat),
    (assignments, Stage),
    (draw, Stage),
    (batch, Stage),
    (assignment_swap, Assignment),
    (assignment_reopen, Assignment),
    (exclusions, Stage),
    (ranking, EvaluationPlan),
    (decide, EvaluationPlan),
    (finalise, EvaluationPlan),
    (release, EvaluationPlan),
    (result_sheet, StageResult),
    (cost_review, StageResult),
    (note_add, Decision),
    (objections, EvaluationPlan),
    (objection_decide, Objection),
    (reports, EvaluationPlan),
    (report_download, EvaluationReport),
):
    _view.sfms_model = _model
