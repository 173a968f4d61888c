"""Outcome tracking operations. Each write is one transaction: permission check, row lock on the
project, every value checked by `monitoring.outcomes` before anything is saved, audit,
notifications queued on commit.

Who enters what, when:
- The lead SME enters each value once: baseline values once the agreement is in force, completion
  values once the project is in final inspection (or has passed it), one-year values from twelve
  months after the inspection pass. A value already entered is corrected by the call's staff,
  always with a reason (audited).
- The values of one submission are saved together or not at all: any wrong value refuses them all,
  with a message per field.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import outcomes as rules
from monitoring.models import Agreement, AgreementStatus, Project, ProjectStatus
from monitoring.services import _lead_users, _lock, _staff_users, add_months
from organizations import audit
from organizations.access import principal_for
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models_roles import Role

from .models import Direction, Moment, OutcomeIndicator, OutcomeSurvey, OutcomeValue, Source

REMINDER_DAYS = (14, 28)  # after the survey request


class OutcomeValuesInvalid(DomainError):
    """Several values refused at once: `problems` maps a field (indicator id as a string, or "reason",
    "moment") to its message; `blockers` gives the API one message per field."""

    default_code = "invalid_values"

    def __init__(self, problems):
        self.problems = problems
        self.blockers = [(_api_field(k), m) for k, m in problems.items()]
        super().__init__(
            _("입력한 성과 값에 문제가 있습니다. 표시된 항목을 고쳐 주십시오."), self.default_code
        )


def _api_field(key):
    return f"values.{key}" if key.isdigit() else key


# --- roles and windows ----------------------------------------------------------------------------


def is_lead(user, project):
    p = principal_for(user)
    return p.is_platform_admin or project.lead_id in p.company_ids_with(Role.SME_MEMBER)


def is_staff(user, project):
    from monitoring.querysets import CALL_STAFF_ROLES

    p = principal_for(user)
    return p.is_platform_admin or project.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)


def completion_day(project):
    """The day the project was completed (its final inspection passed), or None."""
    if project.inspection_passed_at is None:
        return None
    return timezone.localdate(project.inspection_passed_at)


def one_year_due(project):
    day = completion_day(project)
    return None if day is None else add_months(day, 12)


def window_problem(project, moment, today=None):
    """Why values for `moment` cannot be entered now, or None."""
    today = today or timezone.localdate()
    if project.status == ProjectStatus.ABANDONED:
        return _("중도 포기한 과제는 성과를 입력할 수 없습니다.")
    if project.status == ProjectStatus.AGREEMENT:
        return _("모든 당사자가 협약에 동의한 뒤 성과를 입력할 수 있습니다.")
    not_in_inspection = project.status != ProjectStatus.INSPECTION and project.inspection_passed_at is None
    if moment == Moment.COMPLETION and not_in_inspection:
        return _("완료 시점 성과는 과제가 최종 점검 단계에 들어간 뒤에 입력할 수 있습니다.")
    if moment == Moment.ONE_YEAR:
        due = one_year_due(project)
        if due is None:
            return _("1년 후 성과는 최종 점검을 통과하고 1년이 지난 뒤에 입력할 수 있습니다.")
        if today < due:
            return _("1년 후 성과는 %(date)s부터 입력할 수 있습니다.") % {"date": due.isoformat()}
    return None


# --- indicators ------------------------------------------------------------------------------------


def _decimal(raw):
    if raw in (None, "", "None"):
        return None
    try:
        value = Decimal(str(raw))
    except ArithmeticError:
        return None
    return value if value.is_finite() else None


def _kpi_direction(code, baseline, target):
    if code in rules.STANDARD_INDICATORS:
        return rules.STANDARD_INDICATORS[code].direction
    if baseline is not None and target is not None and target < baseline:
        return Direction.LOWER
    return Direction.HIGHER


def plan_from_snapshot(snapshot):
    """What indicators a project tracks, from its frozen submission: (code, source, name, unit,
    direction, baseline, target, weight) per agreement KPI, then per standard outcome indicator
    the KPIs do not already cover."""
    rows, seen = [], set()
    for kpi in (snapshot or {}).get("kpis") or []:
        code = kpi.get("code") or rules.CUSTOM
        baseline, target = _decimal(kpi.get("baseline")), _decimal(kpi.get("target"))
        standard = rules.STANDARD_INDICATORS.get(code)
        name = kpi.get("name") or (standard.name_ko if standard else "기타 지표")
        unit = kpi.get("unit") or (standard.unit_ko if standard else "")
        direction = _kpi_direction(code, baseline, target)
        rows.append((code, Source.KPI, name, unit, direction, baseline, target, 1))
        seen.add(code)
    for code in rules.OUTCOME_CODES:
        if code in seen:
            continue
        i = rules.STANDARD_INDICATORS[code]
        rows.append((code, Source.STANDARD, i.name_ko, i.unit_ko, i.direction, None, None, 0))
    return rows


@transaction.atomic
def indicators_prepare(actor, project, *, now=None):
    """The project's indicators from its frozen submission, made once when the agreement is in force
    (the agreed baselines recorded as baseline values). Idempotent: returns the existing ones."""
    project = _lock(Project, project, "call", "submission")
    existing = list(OutcomeIndicator.objects.unrestricted().filter(project=project))
    if existing:
        return existing
    if not Agreement.objects.unrestricted().filter(project=project, status=AgreementStatus.IN_FORCE).exists():
        raise Conflict(
            _("모든 당사자가 협약에 동의한 뒤 성과 지표가 만들어집니다."), "agreement_not_in_force"
        )
    now = now or timezone.now()
    made = []
    for order, (code, source, name, unit, direction, baseline, target, weight) in enumerate(
        plan_from_snapshot(project.submission.snapshot)
    ):
        indicator = OutcomeIndicator.objects.create(
            project=project,
            code=code,
            source=source,
            name=str(name)[:80],
            unit=str(unit)[:20],
            direction=direction,
            target=target,
            weight=weight,
            order=order,
        )
        audit.record_create(actor, indicator)
        if baseline is not None:
            row = OutcomeValue.objects.create(
                project=project,
                indicator=indicator,
                moment=Moment.BASELINE,
                value=baseline,
                note=_("협약서의 현재 값"),
                entered_by=None,
                entered_at=now,
            )
            audit.record_create(actor, row)
        made.append(indicator)
    return made


def terms_for(indicator, values=None):
    """The indicator as `monitoring.outcomes.KpiTerms`, with its values by moment (a dict moment →
    Decimal; read from the prefetched `values` when not given)."""
    if values is None:
        values = {v.moment: v.value for v in indicator.values.all()}
    return rules.KpiTerms(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        direction=indicator.direction,
        baseline=values.get(Moment.BASELINE),
        target=indicator.target,
        weight=indicator.weight,
        completion=values.get(Moment.COMPLETION),
        one_year=values.get(Moment.ONE_YEAR),
    )


@dataclass
class Row:
    indicator: OutcomeIndicator
    terms: rules.KpiTerms
    values: dict  # moment → OutcomeValue
    achievement_completion: Decimal | None
    achievement_one_year: Decimal | None
    improvement_completion: Decimal | None
    improvement_one_year: Decimal | None
    target_problem: str | None


def outcome_rows(indicators):
    """Each indicator with its values and computed rates (indicators with `values` prefetched)."""
    rows = []
    for indicator in indicators:
        values = {v.moment: v for v in indicator.values.all()}
        t = terms_for(indicator, {m: v.value for m, v in values.items()})
        rows.append(
            Row(
                indicator=indicator,
                terms=t,
                values=values,
                achievement_completion=rules.achievement_rate(
                    t.baseline, t.target, t.completion, t.direction
                ),
                achievement_one_year=rules.achievement_rate(t.baseline, t.target, t.one_year, t.direction),
                improvement_completion=rules.improvement_rate(t.baseline, t.completion, t.direction),
                improvement_one_year=rules.improvement_rate(t.baseline, t.one_year, t.direction),
                target_problem=rules.target_problem(t) if t.target is not None else None,
            )
        )
    return rows


def overall_scores(rows):
    """The weighted overall achievement score at completion and one year later."""
    terms = [r.terms for r in rows]
    return {moment: rules.overall_score(terms, moment) for moment in rules.MOMENTS}


def project_indicators(project):
    return OutcomeIndicator.objects.unrestricted().filter(project=project).prefetch_related("values")


# --- entering values -------------------------------------------------------------------------------


def _is_blank(raw):
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _required(indicator, moment):
    """Agreement KPIs must be measured at completion and one year later."""
    return indicator.source == Source.KPI and moment != Moment.BASELINE


@transaction.atomic
def values_enter(actor, project, moment, values, *, note="", reason="", today=None, now=None):
    """Record the values of `moment` ({indicator id: raw value}; blank = not measured this time).

    The lead enters values not entered yet; the call's staff correct any value with a reason.
    Nothing is saved when any value is refused: OutcomeValuesInvalid names every field."""
    project = _lock(Project, project, "call")
    lead, staff = is_lead(actor, project), is_staff(actor, project)
    if not (lead or staff):
        raise AccessDenied(
            _(
                "성과 값은 주관 도입기업 담당자가 입력하고, 공고를 운영하는 기관의 담당자가 사유와 함께 정정합니다."
            )
        )
    if moment not in Moment.values:
        raise DomainError(_("측정 시점을 고르십시오."), "bad_moment", "moment")
    problem = window_problem(project, moment, today)
    if problem:
        raise Conflict(problem, "moment_not_open")
    indicators_prepare(actor, project, now=now)
    indicators = list(OutcomeIndicator.objects.unrestricted().filter(project=project).order_by("order"))
    by_key = {str(i.pk): i for i in indicators}
    given = {str(k): v for k, v in (values or {}).items()}
    unknown = sorted(k for k in given if k not in by_key)
    if unknown:
        raise DomainError(
            _("이 과제의 성과 지표가 아닙니다(번호: %(ids)s).") % {"ids": ", ".join(unknown)},
            "unknown_indicator",
            "values",
        )
    existing = {
        v.indicator_id: v
        for v in OutcomeValue.objects.unrestricted()
        .select_for_update()
        .filter(project=project, moment=moment)
    }
    reason = (reason or "").strip()
    correcting = not lead  # staff (not also the lead) correct; a lead who is also staff enters
    problems, changes = {}, []
    for indicator in indicators:
        key = str(indicator.pk)
        raw = given.get(key)
        current = existing.get(indicator.pk)
        if _is_blank(raw):
            if current is None and lead and _required(indicator, moment):
                problems[key] = _("%(name)s의 값을 입력해 주십시오.") % {"name": indicator.name}
            continue
        message = rules.value_problems(terms_for(indicator, {}), raw)
        if message:
            problems[key] = message
            continue
        value = rules._parse(raw).quantize(Decimal("0.01"))
        if current is not None and current.value == value:
            continue
        if current is not None and not staff:
            problems[key] = _(
                "%(name)s의 %(moment)s 값은 이미 입력했습니다(%(value)s). 고치려면 운영기관 담당자에게 정정을 요청해 주십시오."
            ) % {"name": indicator.name, "moment": Moment(moment).label, "value": current.value}
            continue
        changes.append((indicator, current, value))
    correction = correcting or any(c is not None for _i, c, _v in changes)
    if correction and changes and not reason:
        problems["reason"] = _("값을 정정하는 사유를 적어 주십시오.")
    if problems:
        raise OutcomeValuesInvalid(problems)
    if not changes:
        raise DomainError(
            _("입력한 값이 없습니다. 측정한 값을 하나 이상 입력해 주십시오."), "no_values", "values"
        )
    now = now or timezone.now()
    note = (note or "").strip()
    saved = []
    for indicator, current, value in changes:
        if current is None:
            row = OutcomeValue.objects.create(
                project=project,
                indicator=indicator,
                moment=moment,
                value=value,
                note=note,
                entered_by=actor,
                entered_at=now,
            )
            audit.record_create(actor, row, reason=reason)
        else:
            before = audit.snapshot(current)
            current.value, current.note, current.entered_by, current.entered_at = (
                value,
                note or current.note,
                actor,
                now,
            )
            current.save(update_fields=["value", "note", "entered_by", "entered_at"])
            audit.record_update(actor, current, before, reason=reason)
            row = current
        saved.append(row)
    if moment == Moment.ONE_YEAR:
        _mark_answered(actor, project, now)
    params = {"title": project.title, "moment": str(Moment(moment).label), "count": len(saved)}
    if correction:
        _notify(
            _lead_users(project),
            gettext_lazy("[SFMS] 성과 값 정정: %(title)s"),
            gettext_lazy(
                "'%(title)s' 과제의 %(moment)s 성과 값 %(count)s건을 운영기관 담당자가 정정했습니다."
            ),
            params,
        )
    else:
        _notify(
            _staff_users(project),
            gettext_lazy("[SFMS] 성과 입력: %(title)s"),
            gettext_lazy("'%(title)s' 과제의 %(moment)s 성과 값 %(count)s건이 입력되었습니다."),
            params,
        )
    return saved


def _notify(users, subject, body, params):
    from organizations.notifications import notify_each

    notify_each(users, subject, body, params)  # delivery is queued on commit


def one_year_complete(project):
    """Every agreement KPI has its one-year value (a project without KPIs: any one-year value)."""
    kpis = OutcomeIndicator.objects.unrestricted().filter(project=project, source=Source.KPI)
    answered = OutcomeValue.objects.unrestricted().filter(project=project, moment=Moment.ONE_YEAR)
    if not kpis.exists():
        return answered.exists()
    return not kpis.exclude(pk__in=answered.values("indicator_id")).exists()


def _mark_answered(actor, project, now):
    if not one_year_complete(project):
        return
    survey = OutcomeSurvey.objects.unrestricted().select_for_update().filter(project=project).first()
    if survey is None:
        survey = OutcomeSurvey.objects.create(project=project, due_on=one_year_due(project), answered_at=now)
        audit.record_create(actor, survey)
    elif survey.answered_at is None:
        before = audit.snapshot(survey)
        survey.answered_at = now
        survey.save(update_fields=["answered_at"])
        audit.record_update(actor, survey, before)


# --- the one-year survey ---------------------------------------------------------------------------


def _step(survey, today):
    """The survey step due today: "request", "first_reminder", "second_reminder" or None."""
    if survey.answered_at is not None:
        return None
    if survey.requested_at is None:
        return "request" if today >= survey.due_on else None
    requested = timezone.localdate(survey.requested_at)
    if survey.first_reminder_at is None:
        return "first_reminder" if today >= requested + datetime.timedelta(days=REMINDER_DAYS[0]) else None
    if survey.second_reminder_at is None:
        return "second_reminder" if today >= requested + datetime.timedelta(days=REMINDER_DAYS[1]) else None
    return None


SURVEY_MESSAGES = {
    "request": (
        gettext_lazy("[SFMS] 1년 후 성과 조사: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제가 완료된 지 1년이 지났습니다. SFMS의 과제 성과 화면에서 1년 후 성과 값을 "
            "입력해 주십시오."
        ),
    ),
    "first_reminder": (
        gettext_lazy("[SFMS] 1년 후 성과 조사 1차 안내: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 1년 후 성과 값이 아직 입력되지 않았습니다. SFMS에서 입력해 주십시오."
        ),
    ),
    "second_reminder": (
        gettext_lazy("[SFMS] 1년 후 성과 조사 2차 안내: %(title)s"),
        gettext_lazy(
            "'%(title)s' 과제의 1년 후 성과 값이 아직 입력되지 않았습니다. 마지막 안내입니다. SFMS에서 입력해 주십시오."
        ),
    ),
}
STEP_FIELDS = {
    "request": "requested_at",
    "first_reminder": "first_reminder_at",
    "second_reminder": "second_reminder_at",
}


def _clock(today, now):
    """(today, now) for a run: a `today` given alone is that day at the current time of day."""
    if now is None:
        now = timezone.now()
        if today is not None:
            now = timezone.make_aware(datetime.datetime.combine(today, timezone.localtime(now).time()))
    return today or timezone.localdate(now), now


@transaction.atomic
def survey_advance(project, *, today=None, now=None):
    """Send the one-year survey step due today for one project, once. Returns the step sent or None."""
    today, now = _clock(today, now)
    project = _lock(Project, project, "call")
    due = one_year_due(project)
    if due is None or today < due or project.status == ProjectStatus.ABANDONED:
        return None
    survey = OutcomeSurvey.objects.unrestricted().select_for_update().filter(project=project).first()
    if survey is None:
        survey = OutcomeSurvey.objects.create(project=project, due_on=due)
        audit.record_create(None, survey)
    if survey.answered_at is None and one_year_complete(project):
        _mark_answered(None, project, now)
        return None
    step = _step(survey, today)
    if step is None:
        return None
    field = STEP_FIELDS[step]
    setattr(survey, field, now)
    survey.save(update_fields=[field])
    audit.record_transition(None, survey, field, None, now.isoformat())
    subject, body = SURVEY_MESSAGES[step]
    _notify(_lead_users(project), subject, body, {"title": project.title})
    return step


def surveys_send(*, today=None, now=None):
    """The daily run: every project whose completion is a year old gets the step due today."""
    today, now = _clock(today, now)
    # a year ago, at the end of that day (add_months handles 29 February)
    cutoff_day = add_months(today, -12)
    cutoff = timezone.make_aware(datetime.datetime.combine(cutoff_day, datetime.time.max))
    candidates = (
        Project.objects.unrestricted()
        .filter(inspection_passed_at__lte=cutoff)
        .exclude(status=ProjectStatus.ABANDONED)
        .exclude(outcome_survey__answered_at__isnull=False)
        .order_by("pk")
    )
    sent = {}
    for project in candidates:
        step = survey_advance(project, today=today, now=now)
        if step:
            sent[project.pk] = step
    return sent
