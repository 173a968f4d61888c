"""The applicant's pages (members of the lead SME): "평가 결과" with the company's released
decisions and the matching notes waiting for an answer; one decision's result sheet with the
objection form while the window is open; one matching note with its response form.

Decisions are looked up inside `Decision.objects.visible_to(user)` (released ones only, for the
lead company's members) and notes inside `MatchingNote.objects.visible_to(user)`, both narrowed to
the user's own SME companies: another firm's records, and anything for operator staff, look missing
(404). Reviewers are never named: the result sheet is read with `for_applicant=True`, and comments
appear only when the call's plan allows it.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from organizations.access import principal_for
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.forms import required
from organizations.models import Role

from . import selectors, services
from .models import Decision, MatchingNote, MatchingNoteStatus, Objection, ObjectionStatus
from .views_reviewer import error_items

T = "evaluations/applicant/"


class ObjectionForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("이의 내용"),
        required=False,
        max_length=4000,
        help_text=gettext_lazy("어느 평가 항목의 어떤 점이 잘못되었다고 보는지 구체적으로 적어 주십시오."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": gettext_lazy("이의 내용은 4,000자 이내로 적어 주십시오.")},
    )


class NoteResponseForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=gettext_lazy("운영기관의 의견을 받아들이십니까?"),
        choices=(
            ("yes", gettext_lazy("예, 받아들입니다")),
            ("no", gettext_lazy("아니요, 받아들이지 않습니다")),
        ),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages=required(gettext_lazy("의견을 받아들일지 선택해 주십시오.")),
    )
    response = forms.CharField(
        label=gettext_lazy("답변 내용"),
        required=False,
        max_length=4000,
        help_text=gettext_lazy("받아들이지 않으면 그 이유를, 받아들이면 어떻게 반영할지 적어 주십시오."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": gettext_lazy("답변은 4,000자 이내로 적어 주십시오.")},
    )


def _render(request, template, context, *page_forms, extra_errors=(), status=200):
    from django.shortcuts import render

    items = [*extra_errors, *error_items(*page_forms)]
    context.update(error_items=items, has_errors=bool(items))
    if items and status == 200:
        status = 400
    return render(request, T + template, context, status=status)


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _call_title(call):
    return call.title_en if _english() and call.title_en else call.title_ko


def _track_name(track):
    return (track.name_en if _english() and track.name_en else track.name_ko) or track.get_level_display()


def _companies(user):
    return principal_for(user).company_ids_with(Role.SME_MEMBER)


def _decisions(user):
    """The lead company's released decisions (visible_to already hides unreleased ones)."""
    return Decision.objects.visible_to(user).filter(
        submission__application__lead_id__in=_companies(user), released_at__isnull=False
    )


def _notes(user):
    return MatchingNote.objects.visible_to(user).filter(
        decision__submission__application__lead_id__in=_companies(user)
    )


def objection_deadline(decision):
    return decision.released_at + timedelta(days=decision.plan.objection_days)


def _decorate(decision, now):
    decision.call_title = _call_title(decision.plan.call)
    decision.track_name = _track_name(decision.track)
    decision.objection_until = objection_deadline(decision)
    decision.objection_open = now <= decision.objection_until


@require_safe
@login_required
def home(request):
    if not _companies(request.user):
        raise PermissionDenied(_("평가 결과는 신청한 도입기업(제조기업) 담당자가 확인합니다."))
    now = timezone.now()
    decisions = list(
        _decisions(request.user)
        .select_related("plan__call", "track", "submission")
        .order_by("-released_at", "-pk")
    )
    for d in decisions:
        _decorate(d, now)
    notes = list(
        _notes(request.user)
        .select_related("decision__submission", "decision__plan__call")
        .order_by("respond_by", "pk")
    )
    for n in notes:
        n.call_title = _call_title(n.decision.plan.call)
        n.late = n.status == MatchingNoteStatus.OPEN and now > n.respond_by
    return _render(
        request,
        "home.html",
        {
            "decisions": decisions,
            "open_notes": [n for n in notes if n.status == MatchingNoteStatus.OPEN and not n.late],
            "other_notes": [n for n in notes if n.status != MatchingNoteStatus.OPEN or n.late],
        },
    )


def _result_context(request, decision, form):
    now = timezone.now()
    _decorate(decision, now)
    plan = decision.plan
    sheet = selectors.result_sheet(plan, decision.submission, for_applicant=True)
    english = _english()
    for row in sheet:
        row["criteria_rows"] = [
            {
                "name": c.name_en if english and c.name_en else c.name_ko,
                "max_points": c.max_points,
                "weight": c.weight,
                "mean": mean,
            }
            for c, mean in row["criteria"]
        ]
        # Numbered within the stage only: never the reviewer, nor the order of the panel.
        row["comment_blocks"] = [entry["lines"] for entry in row["comments"]]
    objections = list(
        Objection.objects.visible_to(request.user).filter(decision=decision).order_by("-lodged_at", "-pk")
    )
    pending = any(o.status == ObjectionStatus.LODGED for o in objections)
    return {
        "decision": decision,
        "plan": plan,
        "submission": decision.submission,
        "title": (decision.submission.snapshot.get("plan") or {}).get("title") or "",
        "sheet": sheet,
        "show_comments": plan.show_comments,
        "objections": objections,
        "objection_pending": pending,
        "can_object": decision.objection_open and not pending,
        "form": form,
    }


@require_http_methods(["GET", "POST"])
@login_required
def result(request, pk):
    decision = get_object_or_404(
        _decisions(request.user).select_related("plan__call", "track", "submission__application"), pk=pk
    )
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    status, refused = 200, []
    if form.is_bound and form.is_valid():
        try:
            services.objection_lodge(request.user, decision, body=form.cleaned_data["body"])
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except Conflict as exc:  # late, or one still under review: said on top, the form may be gone
            refused, status = [("objection-status", str(exc.message))], 409
        except DomainError as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            messages.success(
                request,
                _("이의신청을 접수했습니다. 운영기관이 검토한 뒤 결과를 알려 드립니다."),
            )
            return redirect("evaluations:my-result", pk=decision.pk)
    context = _result_context(request, decision, form)
    context["refused"] = refused[0][1] if refused else ""
    return _render(request, "result.html", context, form, extra_errors=refused, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def note(request, pk):
    found = get_object_or_404(
        _notes(request.user).select_related("decision__submission__application", "decision__plan__call"),
        pk=pk,
    )
    form = NoteResponseForm(request.POST if request.method == "POST" else None)
    status, refused = 200, []
    if form.is_bound and form.is_valid():
        try:
            services.matching_note_respond(
                request.user,
                found,
                accepted=form.cleaned_data["accepted"],
                response=form.cleaned_data["response"],
            )
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except Conflict as exc:  # answered already, or past the deadline: the service says which
            refused, status = [("note-status", str(exc.message))], 409
        except DomainError as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("답변을 보냈습니다. 운영기관이 확인한 뒤 선정 결과에 반영합니다."))
            return redirect("evaluations:my-matching-note", pk=found.pk)
        found.refresh_from_db()
    now = timezone.now()
    return _render(
        request,
        "note.html",
        {
            "note": found,
            "call_title": _call_title(found.decision.plan.call),
            "submission": found.decision.submission,
            "late": found.status == MatchingNoteStatus.OPEN and now > found.respond_by,
            "answerable": found.status == MatchingNoteStatus.OPEN and now <= found.respond_by,
            "refused": refused[0][1] if refused else "",
            "form": form,
        },
        form,
        extra_errors=refused,
        status=status,
    )


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
result.sfms_model = Decision
note.sfms_model = MatchingNote
