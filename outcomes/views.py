"""The project's outcome page (under /projects/<pk>/outcomes/): every indicator with its values
before, at completion and one year later, the achievement and improvement rates, the overall score,
the one-year survey, and a form per moment for the lead SME (and for the call's staff, with a
reason). Thin: the project is read inside `visible_to(user)`, every write goes through
`outcomes.services`, a refusal comes back as the error summary with a message per field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from monitoring import outcomes as rules
from monitoring.models import AgreementStatus, Project
from organizations.errors import AccessDenied, DomainError
from sfms.middleware import received_at

from . import services
from .forms import ValuesForm
from .models import Moment, OutcomeIndicator, OutcomeSurvey, OutcomeValue, Source

T = "outcomes/"


def shown(value):
    """A value as people read it: 1200000.00 → 1,200,000; 4.50 → 4.5; None → —."""
    if value is None:
        return "—"
    return f"{value.normalize():,f}"


def rate(value):
    return "—" if value is None else f"{value}%"


def _project(request, pk):
    qs = Project.objects.visible_to(request.user).select_related("call__operator", "lead", "submission")
    return get_object_or_404(qs, pk=pk)


def _indicators(project):
    values = OutcomeValue.objects.unrestricted().select_related("entered_by")
    return list(
        OutcomeIndicator.objects.unrestricted()
        .filter(project=project)
        .order_by("order")
        .prefetch_related(Prefetch("values", queryset=values))
    )


def _editable(indicators, moment, lead, staff):
    """Indicators the user may enter at `moment`: staff any; the lead those without a value yet."""
    if staff and not lead:
        return list(indicators)
    return [i for i in indicators if not any(v.moment == moment for v in i.values.all())]


def _context(request, project, forms=None, today=None):
    forms = forms or {}
    user = request.user
    lead, staff = services.is_lead(user, project), services.is_staff(user, project)
    indicators = _indicators(project)
    in_force = project.agreements.filter(status=AgreementStatus.IN_FORCE).exists()
    if not indicators and in_force:
        services.indicators_prepare(user, project)
        indicators = _indicators(project)
    rows = services.outcome_rows(indicators)
    today = today or timezone.localdate(received_at(request))
    moments = []
    for moment in Moment:
        problem = services.window_problem(project, moment, today)
        editable = _editable(indicators, moment, lead, staff) if (lead or staff) and indicators else []
        form = None
        if not problem and editable:
            form = forms.get(moment) or ValuesForm(
                prefix=moment.value,
                indicators=editable,
                required_ids={
                    i.pk for i in editable if i.source == Source.KPI and moment != Moment.BASELINE and lead
                },
                needs_reason=staff and not lead,
                initial={
                    f"v{i.pk}": shown(v.value) for i in editable for v in i.values.all() if v.moment == moment
                },
            )
        moments.append(
            {
                "moment": moment,
                "problem": problem,
                "form": form,
                "may_enter": lead or staff,
                "action": reverse(f"outcomes:values-{moment.value}", args=[project.pk]),
                "correcting": staff and not lead,
            }
        )
    survey = OutcomeSurvey.objects.unrestricted().filter(project=project).first()
    return {
        "averages": _averages(rows),
        "project": project,
        "rows": [
            {
                "r": r,
                "baseline": shown(r.terms.baseline),
                "target": shown(r.terms.target),
                "completion": shown(r.terms.completion),
                "one_year": shown(r.terms.one_year),
                "achievement_completion": rate(r.achievement_completion),
                "achievement_one_year": rate(r.achievement_one_year),
                "improvement_completion": rate(r.improvement_completion),
                "improvement_one_year": rate(r.improvement_one_year),
            }
            for r in rows
        ],
        "overall": {k: rate(v) for k, v in services.overall_scores(rows).items()},
        "moments": moments,
        "survey": survey,
        "one_year_due": services.one_year_due(project),
        "in_force": in_force,
        "is_lead": lead,
        "is_staff": staff,
    }


def _averages(rows):
    """The firm's latest figure beside the programme's published average, for the indicators that
    have one (monitoring.outcomes.PROGRAMME_AVERAGES)."""
    out = []
    for r in rows:
        average = rules.PROGRAMME_AVERAGES.get(r.indicator.code)
        if average is None:
            continue
        moment = Moment.ONE_YEAR if r.terms.one_year is not None else Moment.COMPLETION
        measure = rules.programme_measure(r.indicator.code, r.terms.baseline, getattr(r.terms, moment.value))
        verdict = rules.compare_to_programme(r.indicator.code, measure)
        unit = r.indicator.unit if average.measure == rules.CHANGE else "%"
        out.append(
            {
                "name": r.indicator.name,
                "average": f"{average.improvement}{unit}",
                "measure": "—" if measure is None else f"{measure}{unit}",
                "moment": moment.label if measure is not None else "",
                "verdict": rules.COMPARISON_LABELS[verdict] if verdict else "—",
            }
        )
    return out


def _page(request, project, errors=(), status=200, forms=None):
    context = _context(request, project, forms)
    context.update(error_items=list(errors), has_errors=bool(errors))
    return render(request, T + "project_outcomes.html", context, status=status)


@require_safe
@login_required
def project_outcomes(request, pk):
    return _page(request, _project(request, pk))


def _form_errors(form):
    items = []
    for bound in form:
        items.extend((bound.auto_id, message) for message in bound.errors)
    for message in form.non_field_errors():
        items.append(("values-" + form.prefix, message))
    return items


@require_POST
@login_required
def values_enter(request, pk, moment):
    project = _project(request, pk)
    if moment not in Moment.values:
        raise Http404
    lead, staff = services.is_lead(request.user, project), services.is_staff(request.user, project)
    if not (lead or staff):
        raise PermissionDenied(
            _("성과 값은 주관 도입기업 담당자와 공고를 운영하는 기관의 담당자만 입력할 수 있습니다.")
        )
    editable = _editable(_indicators(project), moment, lead, staff)
    form = ValuesForm(
        request.POST,
        prefix=moment,
        indicators=editable,
        required_ids={
            i.pk for i in editable if i.source == Source.KPI and moment != Moment.BASELINE and lead
        },
        needs_reason=staff and not lead,
    )
    if not form.is_valid():
        return _page(request, project, _form_errors(form), 400, {moment: form})
    now = received_at(request)
    try:
        saved = services.values_enter(
            request.user,
            project,
            moment,
            form.values(),
            note=form.cleaned_data.get("note", ""),
            reason=form.cleaned_data.get("reason", ""),
            today=timezone.localdate(now),
            now=now,
        )
    except AccessDenied as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except services.OutcomeValuesInvalid as exc:
        form.add_service_errors(exc.problems)
        return _page(request, project, _form_errors(form), 400, {moment: form})
    except DomainError as exc:
        anchor = form[f"v{editable[0].pk}"].auto_id if editable else "main-content"
        status = 409 if exc.status == 409 else 400
        return _page(request, project, [(anchor, str(exc.message))], status, {moment: form})
    messages.success(
        request,
        _("%(moment)s 성과 값 %(count)s건을 저장했습니다.")
        % {"moment": Moment(moment).label, "count": len(saved)},
    )
    return redirect(reverse("outcomes:project-outcomes", args=[project.pk]) + "#indicators")


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view in (project_outcomes, values_enter):
    _view.sfms_model = Project
