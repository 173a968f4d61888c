"""The reviewer's pages (role evaluator): "내 평가" with committee invitations, pledges still to
sign, the interest-declaration warning and the queue of score sheets; the confidentiality pledge
per seat; the declared interests; and the score sheet, where the frozen submission sits beside the
supplier's data and the rubric's form below.

Thin: rows are looked up inside `Evaluator/CommitteeSeat.objects.visible_to(user)` narrowed to the
user's own profiles, and sheets inside `Assignment.objects.reviewed_by(user)`, which shows nothing
before the seat is accepted and the pledge signed (missing and forbidden both answer 404). Every
write goes through `evaluations.services`; a DomainError comes back on the form (GOV.UK error
summary, field problems from `exc.blockers` next to each criterion) and AccessDenied as the 403 page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from applications.models import ApplicationDocument, BudgetCategory, KpiCode, MemberRole, MemberStatus
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Company, SmartFactoryLevel
from programs.forms_operator import percent_text
from programs.funding import ROLE_LABELS
from programs.models import DocumentKind

from . import rules, selectors, services
from .forms_reviewer import (
    ConflictForm,
    InterestEndForm,
    InterestForm,
    PledgeForm,
    ScoreSheetForm,
    points_text,
)
from .models import (
    Assignment,
    AssignmentStatus,
    CommitteeSeat,
    DeclaredInterest,
    Evaluator,
    SeatStatus,
    StageStatus,
)

T = "evaluations/reviewer/"


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
        top = getattr(form, "error_anchor", None) or (_anchor(visible[0]) if visible else "main-content")
        for message in form.non_field_errors():
            items.append((top, message))
        for bound in form:
            for message in bound.errors:
                items.append((_anchor(bound), message))
    return items


def _render(request, template, context, *page_forms, status=200):
    items = error_items(*page_forms)
    context.update(error_items=items, has_errors=bool(items))
    return render(request, T + template, context, status=400 if items and status == 200 else status)


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _denied(exc):
    return PermissionDenied(str(exc.message))


def _call_title(call):
    return call.title_en if _english() and call.title_en else call.title_ko


# --- looking things up ---------------------------------------------------------------------------


def _profiles(user):
    """The user's own evaluator profiles (one per operator pool)."""
    return Evaluator.objects.visible_to(user).filter(user=user)


def _seats(user):
    return CommitteeSeat.objects.visible_to(user).filter(evaluator__user=user)


def _sheet(request, pk):
    """One of the reviewer's own live sheets on a pledged seat; anything else is 404."""
    return get_object_or_404(
        Assignment.objects.reviewed_by(request.user).select_related(
            "stage__plan__call", "evaluator", "submission__application__track"
        ),
        pk=pk,
    )


def _interest_status(evaluator, today):
    """(state, message) of the yearly re-confirmation: "ok", "soon", "lapsed" or "unconfirmed"."""
    until = evaluator.interests_valid_until
    if until is None or evaluator.interests_confirmed_at is None:
        return "unconfirmed", _(
            "이해관계 신고를 아직 확인하지 않았습니다. 확인하기 전에는 평가를 배정받지 않습니다."
        )
    if until < today:
        return "lapsed", _(
            "이해관계 신고의 유효기한(%(until)s)이 지났습니다. 다시 확인하기 전에는 평가를 배정받지 않습니다."
        ) % {"until": _date(until)}
    if until <= today + services.REMIND_BEFORE:
        return "soon", _(
            "이해관계 신고의 유효기한이 %(until)s에 끝납니다. 신고 내용을 확인해 기한을 1년 연장해 주십시오."
        ) % {"until": _date(until)}
    return "ok", ""


def _date(value):
    from organizations.templatetags.sfms_format import kdate

    return kdate(value)


# --- home: "내 평가" -----------------------------------------------------------------------------


@require_safe
@login_required
def home(request):
    today = timezone.localdate()
    profiles = list(_profiles(request.user).select_related("operator"))
    if not profiles:
        raise PermissionDenied(_("평가위원으로 등록된 분만 볼 수 있습니다."))
    for evaluator in profiles:
        evaluator.interest_state, evaluator.interest_message = _interest_status(evaluator, today)
    seats = list(
        _seats(request.user)
        .select_related("stage__plan__call", "evaluator__operator")
        .order_by("-invited_at", "-pk")
    )
    for seat in seats:
        seat.call_title = _call_title(seat.stage.plan.call)
    live_stage = (StageStatus.PLANNED, StageStatus.SCORING)
    invitations = [s for s in seats if s.status == SeatStatus.INVITED and s.stage.status in live_stage]
    to_pledge = [
        s
        for s in seats
        if s.status == SeatStatus.ACCEPTED and s.pledge_signed_at is None and s.stage.status in live_stage
    ]
    sheets = list(selectors.reviewer_queue(request.user))
    for a in sheets:
        a.call_title = _call_title(a.stage.plan.call)
        a.title = (a.submission.snapshot.get("plan") or {}).get("title") or ""
    return render(
        request,
        T + "home.html",
        {
            "profiles": profiles,
            "interest_warnings": [e for e in profiles if e.interest_state != "ok"],
            "invitations": invitations,
            "to_pledge": to_pledge,
            "sheets": sheets,
            "open_count": sum(1 for a in sheets if a.status == AssignmentStatus.ASSIGNED),
        },
    )


@require_POST
@login_required
def seat_respond(request, pk):
    seat = get_object_or_404(_seats(request.user).select_related("stage__plan__call"), pk=pk)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, _("위촉 요청을 수락할지 거절할지 골라 주십시오."))
        return redirect("evaluations:reviewer-home")
    try:
        seat = services.seat_respond(request.user, seat, accept=answer == "accept")
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("evaluations:reviewer-home")
    call = _call_title(seat.stage.plan.call)
    if seat.status == SeatStatus.ACCEPTED:
        messages.success(
            request,
            _("%(call)s 평가위원 위촉을 수락했습니다. 평가를 시작하려면 보안·공정 서약을 해 주십시오.")
            % {"call": call},
        )
        return redirect("evaluations:reviewer-pledge", pk=seat.pk)
    messages.success(request, _("%(call)s 평가위원 위촉을 거절했습니다.") % {"call": call})
    return redirect("evaluations:reviewer-home")


# --- the confidentiality pledge ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def pledge(request, pk):
    seat = get_object_or_404(
        _seats(request.user).select_related("stage__plan__call", "evaluator__operator"), pk=pk
    )
    if seat.status != SeatStatus.ACCEPTED:
        messages.info(request, _("위촉을 수락한 뒤에 서약할 수 있습니다."))
        return redirect("evaluations:reviewer-home")
    form = PledgeForm(request.POST if request.method == "POST" and not seat.pledge_signed_at else None)
    if form.is_bound and form.is_valid():
        try:
            services.pledge_sign(request.user, seat, agree=form.cleaned_data["agree"])
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            form.add_error("agree" if getattr(exc, "field", None) == "agree" else None, str(exc.message))
        else:
            messages.success(
                request, _("보안·공정 서약을 마쳤습니다. 이제 배정된 신청서를 평가할 수 있습니다.")
            )
            return redirect("evaluations:reviewer-home")
    return _render(
        request,
        "pledge.html",
        {
            "seat": seat,
            "call_title": _call_title(seat.stage.plan.call),
            "pledge_text": seat.pledge_text or services.PLEDGE_TEXT,
            "form": form,
        },
        form,
    )


# --- declared interests --------------------------------------------------------------------------


def _registered_suppliers():
    """Registered suppliers' companies: the part of the registry every signed-in user may browse."""
    from suppliers.models import SupplierProfile

    return Company.objects.filter(pk__in=SupplierProfile.objects.searchable().values("company_id")).order_by(
        "name", "pk"
    )


def _company_by_number(number):
    # Unrestricted on purpose: an evaluator must be able to name any company it is related to, and
    # only an exact, valid business number answers; nothing but the evaluator's own declaration
    # (with the company's name) is ever shown back.
    return Company.objects.unrestricted().filter(business_number=number).first()


def _interests_page(request, evaluator, *, form=None, status=200):
    today = timezone.localdate()
    evaluator.interest_state, evaluator.interest_message = _interest_status(evaluator, today)
    interests = list(evaluator.interests.select_related("company").order_by("ended_on", "-pk"))
    form = form or InterestForm(suppliers=_registered_suppliers())
    return _render(
        request,
        "interests.html",
        {
            "evaluator": evaluator,
            "current": [i for i in interests if i.ended_on is None or i.ended_on >= today],
            "ended": [i for i in interests if i.ended_on is not None and i.ended_on < today],
            "form": form,
            "end_form": InterestEndForm(),
        },
        form,
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def interests(request, pk):
    evaluator = get_object_or_404(_profiles(request.user).select_related("operator"), pk=pk)
    if request.method == "GET":
        return _interests_page(request, evaluator)
    form = InterestForm(request.POST, suppliers=_registered_suppliers())
    if form.is_valid():
        data = form.cleaned_data
        company = data["supplier"]
        if data["business_number"]:
            company = _company_by_number(data["business_number"])
            if company is None:
                form.add_error(
                    "business_number",
                    _(
                        "사업자등록번호 %(number)s인 기업이 SFMS에 없습니다. SFMS에 등록되지 않은 기업은 "
                        "신청할 수 없으므로 신고하지 않아도 됩니다."
                    )
                    % {"number": data["business_number"]},
                )
        if company is not None:
            try:
                services.interest_declare(
                    request.user,
                    evaluator,
                    kind=data["kind"],
                    company=company,
                    description=data["description"],
                )
            except AccessDenied as exc:
                raise _denied(exc) from exc
            except DomainError as exc:
                field = getattr(exc, "field", None)
                form.add_error(field if field in form.fields else None, str(exc.message))
            else:
                messages.success(
                    request,
                    _("%(company)s과(와)의 관계를 신고했습니다. 이 기업이 참여한 신청서는 배정되지 않습니다.")
                    % {"company": company.name},
                )
                return redirect("evaluations:reviewer-interests", pk=evaluator.pk)
    return _interests_page(request, evaluator, form=form)


@require_POST
@login_required
def interests_confirm(request, pk):
    evaluator = get_object_or_404(_profiles(request.user), pk=pk)
    try:
        evaluator = services.interests_confirm(request.user, evaluator)
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("신고 내용이 최신임을 확인했습니다. 유효기한: %(until)s")
            % {"until": _date(evaluator.interests_valid_until)},
        )
    return redirect("evaluations:reviewer-interests", pk=evaluator.pk)


@require_POST
@login_required
def interest_end(request, pk):
    interest = get_object_or_404(
        DeclaredInterest.objects.filter(evaluator__in=_profiles(request.user)).select_related(
            "evaluator", "company"
        ),
        pk=pk,
    )
    form = InterestEndForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.interest_end(request.user, interest, ended_on=timezone.localdate(), reason=reason)
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(company)s과(와)의 관계를 오늘 날짜로 종료했습니다.") % {"company": interest.company.name},
        )
    return redirect("evaluations:reviewer-interests", pk=interest.evaluator_id)


# --- the score sheet ---------------------------------------------------------------------------------


def _labelled(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


PLAN_LABELS = (
    ("title", gettext_lazy("과제명")),
    ("summary", gettext_lazy("과제 요약")),
    ("existing_systems", gettext_lazy("보유 시스템")),
    ("integration_plan", gettext_lazy("기존 시스템 연계 방안")),
    ("data_plan", gettext_lazy("데이터 활용 계획")),
    ("expected_return", gettext_lazy("기대 효과")),
)


def snapshot_view(snapshot):
    """The frozen submission, ready for the template: labels in the active language, money in won."""
    plan = snapshot.get("plan") or {}
    budget = snapshot.get("budget") or {}
    shares = snapshot.get("shares") or {}
    track = snapshot.get("track") or {}
    call = snapshot.get("call") or {}
    lead = snapshot.get("lead") or {}
    english = _english()
    lines = budget.get("lines") or {}
    return {
        "receipt_number": snapshot.get("receipt_number", ""),
        "call_title": (call.get("title_en") if english else "") or call.get("title_ko") or "",
        "call_reference": call.get("reference", ""),
        "track_name": (track.get("name_en") if english else "") or track.get("name_ko") or "",
        "title": plan.get("title") or "",
        "plan": [(label, plan.get(name) or "") for name, label in PLAN_LABELS],
        "duration_months": plan.get("duration_months"),
        "total_cost": budget.get("total_cost"),
        "budget_lines": [(c.label, int(lines.get(c.value) or 0)) for c in BudgetCategory],
        "budget_sum": sum(int(v or 0) for v in lines.values()),
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
                "label": k.get("name") or _labelled(KpiCode, k.get("code")),
                "unit": k.get("unit") or "",
                "baseline": k.get("baseline"),
                "target": k.get("target"),
            }
            for k in snapshot.get("kpis") or []
        ],
        "members": [
            {
                "name": m["company"]["name"],
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
        "lead": {
            "name": lead.get("name", ""),
            "employees": lead.get("employees"),
            "annual_revenue": lead.get("annual_revenue"),
            "level": _labelled(SmartFactoryLevel, lead.get("smart_factory_level") or "none"),
            "systems": [
                str(label)
                for key, label in (
                    ("has_mes", _("MES")),
                    ("has_erp", _("ERP")),
                    ("has_data_collection", _("데이터 수집 체계")),
                )
                if lead.get(key)
            ],
        },
    }


SCALE_LABELS = (
    ("under_100m", gettext_lazy("1억 원 미만")),
    ("100m_500m", gettext_lazy("1억~5억 원")),
    ("over_500m", gettext_lazy("5억 원 초과")),
)
BASIS_LABELS = {
    "assessment": gettext_lazy("전담기관 역량 평가"),
    "reviews": gettext_lazy("도입기업 평가"),
    "inspections": gettext_lazy("최종점검 결과"),
}


def supplier_rows(snapshot):
    """`selectors.supplier_panel` with the labels the aside shows."""
    panel = selectors.supplier_panel(snapshot)
    for item in panel:
        components = (item["rating_basis"] or {}).get("components", {})
        item["name"] = item["profile"].company.name
        item["rating_rows"] = [
            {"name": BASIS_LABELS[key], **components[key]}
            for key in ("assessment", "reviews", "inspections")
            if key in components
        ]
        item["scale_rows"] = [(label, item["by_scale"].get(key, 0)) for key, label in SCALE_LABELS]
    return panel


def _criteria(assignment):
    return list(assignment.stage.criteria.all().order_by("order", "pk"))


def _score_form(assignment, criteria, data=None):
    saved = {s.criterion_id: s for s in assignment.scores.all()}
    initial = {"overall_comment": assignment.overall_comment}
    for c in criteria:
        score = saved.get(c.pk)
        if score is not None:
            initial[f"points-{c.code}"] = points_text(score.points)
            initial[f"comment-{c.code}"] = score.comment
    return ScoreSheetForm(
        data,
        initial=initial,
        criteria=criteria,
        comment_below=assignment.stage.comment_below,
        english=_english(),
    )


def _draft_total(criteria, assignment):
    """The weighted total of a complete draft (what submitting would record), else None."""
    saved = {s.criterion_id: s.points for s in assignment.scores.all()}
    if not criteria or any(c.pk not in saved for c in criteria):
        return None
    terms = [rules.CriterionTerms(c.code, c.max_points, c.weight, c.name_ko) for c in criteria]
    return rules.weighted_total(terms, {c.code: saved[c.pk] for c in criteria})


def _sheet_page(request, assignment, *, form=None, conflict_form=None, status=200):
    criteria = _criteria(assignment)
    stage = assignment.stage
    submitted = assignment.status == AssignmentStatus.SUBMITTED
    editable = not submitted and stage.status == StageStatus.SCORING
    form = form or _score_form(assignment, criteria)
    conflict_form = conflict_form or ConflictForm(prefix="conflict")
    saved = {s.criterion_id: s for s in assignment.scores.all()}
    english = _english()
    context = {
        "assignment": assignment,
        "stage": stage,
        "call_title": _call_title(stage.plan.call),
        "snap": snapshot_view(assignment.submission.snapshot),
        "suppliers": supplier_rows(assignment.submission.snapshot),
        "form": form,
        "conflict_form": conflict_form,
        "editable": editable,
        "submitted": submitted,
        "comment_below": points_text(stage.comment_below),
        "score_rows": [
            {
                "criterion": c,
                "name": c.name_en if english and c.name_en else c.name_ko,
                "points": points_text(saved[c.pk].points) if c.pk in saved else "",
                "comment": saved[c.pk].comment if c.pk in saved else "",
            }
            for c in criteria
        ],
        "draft_total": None if submitted else _draft_total(criteria, assignment),
    }
    return _render(request, "sheet.html", context, form, conflict_form, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def sheet(request, pk):
    assignment = _sheet(request, pk)
    if request.method == "GET":
        assignment = services.assignment_open(request.user, assignment)
        return _sheet_page(request, assignment)
    criteria = _criteria(assignment)
    form = _score_form(assignment, criteria, data=request.POST)
    submit = request.POST.get("action") == "submit"
    if not form.is_valid():
        return _sheet_page(request, assignment, form=form)
    operation = services.scores_submit if submit else services.scores_save
    try:
        assignment = operation(request.user, assignment, **form.payload())
    except AccessDenied as exc:
        raise _denied(exc) from exc
    except DomainError as exc:
        form.add_service_problems(exc)
        assignment.refresh_from_db()
        return _sheet_page(request, assignment, form=form, status=409 if isinstance(exc, Conflict) else 400)
    if submit:
        messages.success(
            request,
            _("평가표를 제출했습니다. 총점 %(total)s점(100점 만점). 제출한 평가표는 고칠 수 없습니다.")
            % {"total": assignment.total},
        )
    else:
        messages.success(
            request,
            _("임시 저장했습니다(%(at)s). 제출하기 전까지 언제든 고칠 수 있습니다.")
            % {"at": timezone.localtime().strftime("%H:%M")},
        )
    return redirect("evaluations:reviewer-sheet", pk=assignment.pk)


@require_POST
@login_required
def conflict(request, pk):
    assignment = _sheet(request, pk)
    form = ConflictForm(request.POST, prefix="conflict")
    if form.is_valid():
        try:
            draw = services.conflict_declare(request.user, assignment, reason=form.cleaned_data["reason"])
        except AccessDenied as exc:
            raise _denied(exc) from exc
        except DomainError as exc:
            form.add_error("reason" if getattr(exc, "field", None) == "reason" else None, str(exc.message))
        else:
            receipt = assignment.submission.receipt_number
            if draw.outcome.get("pairs"):
                messages.success(
                    request,
                    _(
                        "이해충돌 신고(회피)를 접수했습니다. 신청서 %(receipt)s은(는) 다른 평가위원에게 "
                        "다시 배정되었습니다."
                    )
                    % {"receipt": receipt},
                )
            else:
                messages.success(
                    request,
                    _(
                        "이해충돌 신고(회피)를 접수했습니다. 신청서 %(receipt)s은(는) 배정에서 빠졌고, "
                        "다른 평가위원에게 다시 배정되도록 운영기관에 알렸습니다."
                    )
                    % {"receipt": receipt},
                )
            return redirect("evaluations:reviewer-home")
    return _sheet_page(request, assignment, conflict_form=form)


@require_safe
@login_required
def document(request, pk, document):
    """A document frozen in the sheet's submission (the reviewer reads the business plan)."""
    from applications import documents as copies

    assignment = _sheet(request, pk)
    frozen = {d.get("id") for d in assignment.submission.snapshot.get("documents") or []}
    if document not in frozen:
        raise Http404
    found = (
        ApplicationDocument.objects.unrestricted()
        .filter(pk=document, application_id=assignment.submission.application_id)
        .first()
    )
    if found is None:
        raise Http404
    return copies.document_response(found)


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (seat_respond, CommitteeSeat),
    (pledge, CommitteeSeat),
    (interests, Evaluator),
    (interests_confirm, Evaluator),
    (interest_end, DeclaredInterest),
    (sheet, Assignment),
    (conflict, Assignment),
    (document, Assignment),
):
    _view.sfms_model = _model
