"""Business operations on programmes and calls. Each is one transaction: check permission, lock,
change, audit, and schedule follow-up work after commit. Nothing else assigns `Call.status`."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations import audit, edits
from organizations.access import principal_for
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Operator, Region
from organizations.models_roles import Role
from sfms.tasks import enqueue_on_commit

from . import eligibility, funding
from .models import (
    Call,
    CallStatus,
    CallWatch,
    EligibilityRule,
    Funder,
    FundingQuote,
    FundingQuoteRevision,
    Programme,
    RequiredDocument,
    SavedSearch,
    SelfDiagnosis,
    Track,
)
from .querysets import editor_operator_ids

logger = logging.getLogger(__name__)

PROGRAMME_FIELDS = (
    "name_ko",
    "name_en",
    "programme_type",
    "fiscal_year",
    "budget",
    "description_ko",
    "description_en",
)
CALL_FIELDS = (
    "title_ko",
    "title_en",
    "body_ko",
    "body_en",
    "opens_at",
    "closes_at",
    "total_budget",
    "delivery_model",
    "rubric_reference",
    "contact_name",
    "contact_phone",
    "contact_email",
    "results_public",
)
# Once a call is announced, applicants rely on its terms: only wording and contacts may change,
# and the deadline may move later (never earlier).
CALL_FIELDS_AFTER_PUBLISHING = (
    "title_ko",
    "title_en",
    "body_ko",
    "body_en",
    "rubric_reference",
    "contact_name",
    "contact_phone",
    "contact_email",
    "closes_at",
)
TRACK_FIELDS = (
    "level",
    "name_ko",
    "name_en",
    "minimum_current_level",
    "allows_fast_track",
    "max_duration_months",
    "projects_planned",
    "rounding_unit",
    "order",
)
DOCUMENT_FIELDS = ("kind", "name_ko", "name_en", "is_mandatory", "advancement_only", "order")

# The call's life, as data. Opening and closing are the clock's (beat), not a person's.
TRANSITIONS = {
    CallStatus.DRAFT: {CallStatus.PUBLISHED, CallStatus.CANCELLED},
    CallStatus.PUBLISHED: {CallStatus.OPEN, CallStatus.CANCELLED},
    CallStatus.OPEN: {CallStatus.CLOSED, CallStatus.CANCELLED},
    CallStatus.CLOSED: {CallStatus.EVALUATING, CallStatus.CANCELLED},
    CallStatus.EVALUATING: {CallStatus.CONCLUDED},
    CallStatus.CONCLUDED: set(),
    CallStatus.CANCELLED: set(),
}
SYSTEM_TRANSITIONS = {(CallStatus.PUBLISHED, CallStatus.OPEN), (CallStatus.OPEN, CallStatus.CLOSED)}
REMINDER_DAYS = (7, 1)


# --- permission helpers ------------------------------------------------------------------------


def _require_editor(actor, operator_id):
    p = principal_for(actor)
    if not (p.is_platform_admin or operator_id in editor_operator_ids(actor)):
        raise AccessDenied(_("이 운영기관의 사업과 공고를 관리할 권한이 없습니다."))


def _lock_call(call):
    return Call.objects.unrestricted().select_for_update().get(pk=call.pk)


def _require_draft(call, what):
    if call.status != CallStatus.DRAFT:
        raise Conflict(
            _("%(what)s은(는) 작성 중인 공고에서만 바꿀 수 있습니다. 현재 상태: %(status)s")
            % {"what": what, "status": call.get_status_display()},
            "call_not_draft",
        )


# --- programmes ----------------------------------------------------------------------------------


@transaction.atomic
def programme_create(actor, *, operator, **fields):
    _require_editor(actor, operator.pk)
    programme = Programme(operator=operator)
    edits.apply_changes(programme, fields, PROGRAMME_FIELDS)
    edits.full_clean(programme)
    programme.save()
    audit.record_create(actor, programme)
    return programme


@transaction.atomic
def programme_update(actor, programme, changes, *, reason=""):
    _require_editor(actor, programme.operator_id)
    locked = Programme.objects.unrestricted().select_for_update().get(pk=programme.pk)
    before = audit.snapshot(locked)
    edits.apply_changes(locked, changes, PROGRAMME_FIELDS)
    edits.full_clean(locked)
    locked.save()
    audit.record_update(actor, locked, before, reason=reason)
    return locked


# --- calls ---------------------------------------------------------------------------------------


def _check_dates(opens_at, closes_at):
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(
            _("접수 마감은 접수 시작보다 뒤여야 합니다. 날짜와 시각을 확인해 주십시오."),
            "dates_order",
            "closes_at",
        )


def _next_reference(programme):
    # The operator row lock serialises numbering: two calls created at once cannot share a number.
    Operator.objects.unrestricted().select_for_update().filter(pk=programme.operator_id).first()
    prefix = f"{programme.fiscal_year}-{programme.operator.code}-"
    taken = Call.objects.unrestricted().filter(reference__startswith=prefix).count()
    number = taken + 1
    while Call.objects.unrestricted().filter(reference=f"{prefix}{number:03d}").exists():
        number += 1
    return f"{prefix}{number:03d}"


def _set_m2m(call, regions, sectors):
    if regions is not None:
        call.eligible_regions.set(regions)
    if sectors is not None:
        call.eligible_sectors.set(sectors)


@transaction.atomic
def call_create(actor, *, programme, regions=None, sectors=None, **fields):
    """A new call starts as a draft with the default eligibility rule set, ready to edit."""
    _require_editor(actor, programme.operator_id)
    call = Call(programme=programme, operator_id=programme.operator_id)
    edits.apply_changes(call, fields, CALL_FIELDS)
    _check_dates(call.opens_at, call.closes_at)
    call.reference = _next_reference(programme)
    edits.full_clean(call)
    call.save()
    _set_m2m(call, regions, sectors)
    for order, (kind, params) in enumerate(eligibility.default_rules_for_level("basic")):
        EligibilityRule.objects.create(call=call, kind=kind, params=params, order=order)
    audit.record_create(actor, call)
    return call


@transaction.atomic
def call_update(actor, call, changes, *, regions=None, sectors=None, reason=""):
    _require_editor(actor, call.operator_id)
    locked = _lock_call(call)
    if locked.status in (CallStatus.DRAFT,):
        allowed = CALL_FIELDS
    elif locked.status in (CallStatus.PUBLISHED, CallStatus.OPEN):
        allowed = CALL_FIELDS_AFTER_PUBLISHING
        if regions is not None or sectors is not None:
            raise Conflict(_("공고된 뒤에는 신청 가능 지역과 업종을 바꿀 수 없습니다."), "call_published")
        new_close = changes.get("closes_at")
        if new_close is not None and new_close < locked.closes_at:
            raise Conflict(
                _("공고된 뒤에는 마감을 앞당길 수 없습니다. 늦추는 것만 가능합니다."),
                "deadline_earlier",
                "closes_at",
            )
        if new_close is not None and new_close != locked.closes_at and not reason:
            raise DomainError(_("마감을 연장하는 사유를 입력해 주십시오."), "reason_required", "reason")
    else:
        raise Conflict(
            _("%(status)s 상태의 공고는 수정할 수 없습니다.") % {"status": locked.get_status_display()},
            "call_locked",
        )
    before = audit.snapshot(locked)
    edits.apply_changes(locked, changes, allowed)
    _check_dates(locked.opens_at, locked.closes_at)
    edits.full_clean(locked)
    locked.save()
    _set_m2m(locked, regions, sectors)
    audit.record_update(actor, locked, before, reason=reason)
    return locked


def publish_blockers(call, now=None):
    """Why a draft cannot be announced yet, as messages the operator can act on (empty = ready)."""
    now = now or timezone.now()
    problems = []
    tracks = list(call.tracks.prefetch_related("funders", "bonus_regions"))
    if not tracks:
        problems.append(_("지원 유형(트랙)을 하나 이상 추가해 주십시오."))
    for track in tracks:
        if not track.funders.all():
            problems.append(_("'%(track)s' 유형에 분담 기관이 없습니다.") % {"track": track.display_name})
            continue
        try:
            funding.validate_template(template_for(track))
        except funding.FundingInputError as exc:
            problems.append(f"{track.display_name}: {exc.message}")
    if call.closes_at <= now:
        problems.append(_("접수 마감이 이미 지났습니다. 마감 일시를 바꿔 주십시오."))
    if not call.body_ko.strip():
        problems.append(_("공고 내용(한국어)을 입력해 주십시오."))
    return problems


def transition_allowed(call, to_state, *, actor=None):
    """(allowed, reason) so pages can explain a refusal before the operator tries."""
    if to_state not in TRANSITIONS.get(call.status, set()):
        return False, _("%(from)s 상태에서 %(to)s(으)로 바꿀 수 없습니다.") % {
            "from": call.get_status_display(),
            "to": CallStatus(to_state).label,
        }
    if actor is not None and (call.status, to_state) in SYSTEM_TRANSITIONS:
        return False, _("접수 시작과 마감은 공고에 정한 시각에 자동으로 처리됩니다.")
    if to_state == CallStatus.PUBLISHED:
        problems = publish_blockers(call)
        if problems:
            return False, " ".join(str(p) for p in problems)
    return True, ""


@transaction.atomic
def call_set_state(actor, call, to_state, *, reason="", now=None):
    """The one path for a call's status. `actor=None` is the clock (beat) opening or closing it."""
    if actor is not None:
        _require_editor(actor, call.operator_id)
    locked = _lock_call(call)
    allowed, why = transition_allowed(locked, to_state, actor=actor)
    if not allowed:
        raise Conflict(why, "illegal_transition", "status")
    if to_state == CallStatus.CANCELLED and not reason.strip():
        raise DomainError(
            _("공고를 취소하는 사유를 입력해 주십시오. 신청자에게 안내됩니다."), "reason_required", "reason"
        )
    from_state = locked.status
    locked.status = to_state
    fields = ["status", "updated_at"]
    if to_state == CallStatus.PUBLISHED:
        locked.published_at = now or timezone.now()
        fields.append("published_at")
    if to_state == CallStatus.CANCELLED:
        locked.cancel_reason = reason
        fields.append("cancel_reason")
    locked.save(update_fields=fields)
    audit.record_transition(actor, locked, "status", from_state, to_state, reason=reason)
    if to_state == CallStatus.PUBLISHED:
        from .tasks import alert_saved_searches

        enqueue_on_commit(alert_saved_searches, call_id=locked.pk)
    if to_state == CallStatus.CANCELLED:
        _notify_watchers_cancelled(locked)
    return locked


def call_publish(actor, call):
    return call_set_state(actor, call, CallStatus.PUBLISHED)


def call_cancel(actor, call, *, reason):
    return call_set_state(actor, call, CallStatus.CANCELLED, reason=reason)


def calls_advance_by_clock(now=None):
    """Open calls whose opening time has come and close those past their deadline; run by beat
    every minute. Returns (opened ids, closed ids). Safe to run twice: a moved call no longer matches."""
    now = now or timezone.now()
    opened, closed = [], []
    due_open = Call.objects.unrestricted().filter(status=CallStatus.PUBLISHED, opens_at__lte=now)
    for call in due_open.order_by("pk"):
        try:
            call_set_state(None, call, CallStatus.OPEN, now=now)
            opened.append(call.pk)
        except Conflict:  # moved meanwhile (cancelled, or another beat); nothing to do
            logger.info("Call %s changed before it could open", call.pk)
    due_close = Call.objects.unrestricted().filter(status=CallStatus.OPEN, closes_at__lte=now)
    for call in due_close.order_by("pk"):
        try:
            call_set_state(None, call, CallStatus.CLOSED, now=now)
            closed.append(call.pk)
        except Conflict:
            logger.info("Call %s changed before it could close", call.pk)
    return opened, closed


def _shift_year(value, years):
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


@transaction.atomic
def call_clone(actor, call, *, programme=None, years=1):
    """Start next year's call from this one: terms, tracks, templates, documents and rules copied,
    dates moved on by `years`; the copy is a draft for the operator to review."""
    _require_editor(actor, call.operator_id)
    programme = programme or call.programme
    _require_editor(actor, programme.operator_id)
    source = (
        Call.objects.unrestricted()
        .prefetch_related(
            "eligible_regions",
            "eligible_sectors",
            "required_documents",
            "eligibility_rules",
            "tracks__funders",
            "tracks__bonus_regions",
        )
        .get(pk=call.pk)
    )
    fields = {name: getattr(source, name) for name in CALL_FIELDS}
    fields["opens_at"] = _shift_year(source.opens_at, years)
    fields["closes_at"] = _shift_year(source.closes_at, years)
    copy = Call(programme=programme, operator_id=programme.operator_id, cloned_from=source, **fields)
    copy.reference = _next_reference(programme)
    edits.full_clean(copy)
    copy.save()
    _set_m2m(copy, list(source.eligible_regions.all()), list(source.eligible_sectors.all()))
    track_map = {}
    for track in source.tracks.all():
        new_track = Track.objects.create(call=copy, **{f: getattr(track, f) for f in TRACK_FIELDS})
        new_track.bonus_regions.set(track.bonus_regions.all())
        for funder in track.funders.all():
            Funder.objects.create(
                track=new_track,
                role=funder.role,
                rate=funder.rate,
                cap=funder.cap,
                bonus_rate=funder.bonus_rate,
                bonus_cap=funder.bonus_cap,
                order=funder.order,
            )
        track_map[track.pk] = new_track
    for doc in source.required_documents.all():
        RequiredDocument.objects.create(call=copy, **{f: getattr(doc, f) for f in DOCUMENT_FIELDS})
    for rule in source.eligibility_rules.all():
        EligibilityRule.objects.create(
            call=copy,
            track=track_map.get(rule.track_id),
            kind=rule.kind,
            params=rule.params,
            is_active=rule.is_active,
            order=rule.order,
        )
    audit.record_create(actor, copy, reason=f"clone of {source.reference}")
    return copy


# --- tracks, templates, documents, rules ------------------------------------------------------


@transaction.atomic
def track_create(actor, call, *, bonus_regions=None, funders=None, **fields):
    _require_editor(actor, call.operator_id)
    locked = _lock_call(call)
    _require_draft(locked, _("지원 유형"))
    track = Track(call=locked)
    edits.apply_changes(track, fields, TRACK_FIELDS)
    edits.full_clean(track, exclude=["call"])
    track.save()
    if bonus_regions is not None:
        track.bonus_regions.set(bonus_regions)
    audit.record_create(actor, track)
    if funders is not None:
        _replace_funders(actor, track, funders)
    return track


@transaction.atomic
def track_update(actor, track, changes, *, bonus_regions=None, reason=""):
    _require_editor(actor, track.call.operator_id)
    _require_draft(_lock_call(track.call), _("지원 유형"))
    locked = Track.objects.unrestricted().select_for_update().get(pk=track.pk)
    before = audit.snapshot(locked)
    edits.apply_changes(locked, changes, TRACK_FIELDS)
    edits.full_clean(locked, exclude=["call"])
    template_changed = "rounding_unit" in changes and changes["rounding_unit"] != before["rounding_unit"]
    if bonus_regions is not None:
        old = set(locked.bonus_regions.values_list("code", flat=True))
        new = {r.code if isinstance(r, Region) else r for r in bonus_regions}
        template_changed = template_changed or old != new
        locked.bonus_regions.set(new)
    if template_changed:
        locked.template_version += 1
    locked.save()
    audit.record_update(actor, locked, before, reason=reason)
    if template_changed:
        _template_changed(locked)
    return locked


@transaction.atomic
def track_delete(actor, track, *, reason=""):
    _require_editor(actor, track.call.operator_id)
    _require_draft(_lock_call(track.call), _("지원 유형"))
    if FundingQuote.objects.unrestricted().filter(track=track).exists():
        raise Conflict(_("분담금 산정 기록이 있는 유형은 삭제할 수 없습니다."), "track_in_use")
    audit.record_delete(actor, track, reason=reason)
    track.delete()


def _funder_terms(rows):
    return tuple(
        funding.FunderTerms(
            role=row["role"],
            rate=row["rate"],
            cap=row.get("cap"),
            bonus_rate=row.get("bonus_rate"),
            bonus_cap=row.get("bonus_cap"),
        )
        for row in rows
    )


def _replace_funders(actor, track, rows):
    rows = [dict(row) for row in rows]
    template = funding.CostShareTemplate(
        funders=_funder_terms(rows),
        rounding_unit=track.rounding_unit,
        bonus_regions=frozenset(track.bonus_regions.values_list("code", flat=True)),
    )
    funding.validate_template(template)
    before = [audit.snapshot(f) for f in track.funders.all()]
    track.funders.all().delete()
    for order, row in enumerate(rows):
        fields = {k: row.get(k) for k in ("role", "rate", "cap", "bonus_rate", "bonus_cap")}
        funder = Funder(track=track, order=order, **fields)
        edits.full_clean(funder, exclude=["track"])
        funder.save()
    after = [audit.snapshot(f) for f in track.funders.all()]
    audit.record(actor, track, "update", before={"funders": before}, after={"funders": after})


@transaction.atomic
def track_set_funders(actor, track, rows, *, reason=""):
    """Replace a track's cost-share template in one go (validated as a whole: a template is only
    meaningful complete). Bumps the template version; stored quotes are recomputed by a task."""
    _require_editor(actor, track.call.operator_id)
    call = _lock_call(track.call)
    if call.status not in (CallStatus.DRAFT, CallStatus.PUBLISHED, CallStatus.OPEN):
        raise Conflict(_("접수가 끝난 공고의 분담 기준은 바꿀 수 없습니다."), "call_locked")
    if call.status != CallStatus.DRAFT and not reason.strip():
        raise DomainError(
            _("공고된 뒤 분담 기준을 바꾸려면 사유를 입력해 주십시오. 신청 기업의 분담금이 다시 계산됩니다."),
            "reason_required",
            "reason",
        )
    locked = Track.objects.unrestricted().select_for_update().get(pk=track.pk)
    _replace_funders(actor, locked, rows)
    if call.status != CallStatus.DRAFT or FundingQuote.objects.unrestricted().filter(track=locked).exists():
        locked.template_version += 1
        locked.save(update_fields=["template_version"])
        _template_changed(locked)
    return locked


def _template_changed(track):
    from .tasks import recompute_call_quotes

    enqueue_on_commit(recompute_call_quotes, call_id=track.call_id)


@transaction.atomic
def required_document_add(actor, call, **fields):
    _require_editor(actor, call.operator_id)
    _require_draft(_lock_call(call), _("제출 서류"))
    doc = RequiredDocument(call=call)
    edits.apply_changes(doc, fields, DOCUMENT_FIELDS)
    edits.full_clean(doc, exclude=["call"])
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError as exc:
        raise DomainError(_("같은 서류가 이미 있습니다."), "duplicate", "kind") from exc
    audit.record_create(actor, doc)
    return doc


@transaction.atomic
def required_document_remove(actor, doc, *, reason=""):
    _require_editor(actor, doc.call.operator_id)
    _require_draft(_lock_call(doc.call), _("제출 서류"))
    audit.record_delete(actor, doc, reason=reason)
    doc.delete()


@transaction.atomic
def eligibility_rule_save(
    actor, call, *, rule=None, kind=None, params=None, track=None, is_active=True, reason=""
):
    """Add a rule (rule=None) or change one; params are validated for the rule's kind."""
    _require_editor(actor, call.operator_id)
    _require_draft(_lock_call(call), _("신청 자격 규칙"))
    if track is not None and track.call_id != call.pk:
        raise DomainError(_("이 공고의 지원 유형이 아닙니다."), "foreign_track", "track")
    kind = kind or (rule.kind if rule else None)
    cleaned = eligibility.validate_params(kind, params or {})
    if rule is None:
        rule = EligibilityRule.objects.create(
            call=call,
            track=track,
            kind=kind,
            params=cleaned,
            is_active=is_active,
            order=call.eligibility_rules.count(),
        )
        audit.record_create(actor, rule, reason=reason)
        return rule
    locked = EligibilityRule.objects.unrestricted().select_for_update().get(pk=rule.pk, call=call)
    before = audit.snapshot(locked)
    locked.kind, locked.params, locked.track, locked.is_active = kind, cleaned, track, is_active
    locked.save()
    audit.record_update(actor, locked, before, reason=reason)
    return locked


@transaction.atomic
def eligibility_rule_remove(actor, rule, *, reason=""):
    _require_editor(actor, rule.call.operator_id)
    _require_draft(_lock_call(rule.call), _("신청 자격 규칙"))
    audit.record_delete(actor, rule, reason=reason)
    rule.delete()


# --- funding quotes ------------------------------------------------------------------------------


def template_for(track):
    """The pure calculator's view of a track (uses prefetched funders and bonus regions if present)."""
    return funding.CostShareTemplate(
        funders=tuple(
            funding.FunderTerms(
                role=f.role, rate=f.rate, cap=f.cap, bonus_rate=f.bonus_rate, bonus_cap=f.bonus_cap
            )
            for f in track.funders.all()
        ),
        rounding_unit=track.rounding_unit,
        bonus_regions=frozenset(r.code for r in track.bonus_regions.all()),
    )


def quote(track, total_cost, *, region_code=None, consortium_roles=frozenset()):
    """A live quote; reads only, so pages and the API may call it for anyone who can see the call."""
    return funding.compute_shares(
        total_cost, template_for(track), region_code=region_code, consortium_roles=frozenset(consortium_roles)
    )


@transaction.atomic
def funding_quote_save(actor, *, track, company, total_cost, consortium_roles=(), label=""):
    """Keep a quote for a company (applications hold one each). Only the company's own members."""
    p = principal_for(actor)
    if not (p.is_platform_admin or company.pk in p.company_ids):
        raise AccessDenied(_("이 기업의 분담금을 저장할 권한이 없습니다."))
    if track.call.status not in (CallStatus.PUBLISHED, CallStatus.OPEN):
        raise Conflict(
            _("공고 중이거나 접수 중인 공고에서만 분담금을 저장할 수 있습니다. 현재 상태: %(status)s")
            % {"status": track.call.get_status_display()},
            "call_not_accepting",
        )
    result = quote(track, total_cost, region_code=company.region_id, consortium_roles=consortium_roles)
    stored = FundingQuote.objects.create(
        track=track,
        company=company,
        label=label,
        total_cost=total_cost,
        region_id=company.region_id,
        consortium_roles=sorted(consortium_roles),
        shares=result.as_json(),
        sme_share=result.sme_share,
        template_version=track.template_version,
        computed_at=timezone.now(),
    )
    audit.record_create(actor, stored)
    return stored


def recompute_call_quotes(call_id):
    """Bring every stored quote of a call up to its track's current template, recording old and
    new amounts. Idempotent: a quote already at the current version is left alone. Returns the
    number of quotes changed."""
    changed = 0
    tracks = Track.objects.unrestricted().filter(call_id=call_id).prefetch_related("funders", "bonus_regions")
    for track in tracks:
        stale = (
            FundingQuote.objects.unrestricted()
            .filter(track=track)
            .exclude(template_version=track.template_version)
        )
        for pk in stale.values_list("pk", flat=True):
            changed += _recompute_quote(pk, track)
    return changed


@transaction.atomic
def _recompute_quote(quote_pk, track):
    stored = FundingQuote.objects.unrestricted().select_for_update().get(pk=quote_pk)
    current = Track.objects.unrestricted().get(pk=track.pk).template_version
    if stored.template_version == current:
        return 0
    try:
        result = quote(
            track, stored.total_cost, region_code=stored.region_id, consortium_roles=stored.consortium_roles
        )
    except funding.FundingInputError as exc:
        logger.warning("Quote %s cannot be recomputed: %s", stored.pk, exc.message)
        return 0
    FundingQuoteRevision.objects.create(
        quote=stored,
        from_version=stored.template_version,
        to_version=current,
        old_shares=stored.shares,
        new_shares=result.as_json(),
        old_sme_share=stored.sme_share,
        new_sme_share=result.sme_share,
    )
    before = audit.snapshot(stored)
    stored.shares, stored.sme_share = result.as_json(), result.sme_share
    stored.template_version, stored.computed_at = current, timezone.now()
    stored.save()
    audit.record_update(None, stored, before, reason="template changed")
    return 1


# --- self-diagnosis, saved searches, watches ----------------------------------------------------


@transaction.atomic
def self_diagnosis_submit(actor, company, answers):
    from .diagnosis import diagnose

    p = principal_for(actor)
    if not (p.is_platform_admin or company.pk in p.company_ids_with(Role.SME_MEMBER)):
        raise AccessDenied(_("이 기업의 자가진단을 할 권한이 없습니다."))
    result = diagnose(answers)
    record = SelfDiagnosis.objects.create(
        company=company,
        submitted_by=actor,
        answers=dict(answers),
        score=result.score,
        estimated_level=result.estimated_level,
    )
    audit.record_create(actor, record)
    return record


SEARCH_KEYS = ("q", "region", "sector", "level", "delivery_model", "closes_before", "status")


@transaction.atomic
def saved_search_create(actor, *, name, criteria, notify=True):
    if principal_for(actor).is_anonymous:
        raise AccessDenied()
    criteria = {k: v for k, v in (criteria or {}).items() if k in SEARCH_KEYS and v not in ("", None, [])}
    if not name.strip():
        raise DomainError(_("저장할 검색의 이름을 입력해 주십시오."), "required", "name")
    search = SavedSearch.objects.create(user=actor, name=name.strip()[:80], criteria=criteria, notify=notify)
    audit.record_create(actor, search)
    return search


@transaction.atomic
def saved_search_delete(actor, search):
    if search.user_id != actor.pk:
        raise AccessDenied()
    audit.record_delete(actor, search)
    search.delete()


@transaction.atomic
def call_watch(actor, call):
    if principal_for(actor).is_anonymous:
        raise AccessDenied()
    if not Call.objects.visible_to(actor).filter(pk=call.pk).exists():
        raise AccessDenied()
    watch, created = CallWatch.objects.get_or_create(user=actor, call=call)
    if created:
        audit.record_create(actor, watch)
    return watch


@transaction.atomic
def call_unwatch(actor, call):
    watch = CallWatch.objects.filter(user=actor, call=call).first()
    if watch is not None:
        audit.record_delete(actor, watch)
        watch.delete()


def _notify_in_language(user, subject, body, params):
    from organizations.notifications import notify_each

    notify_each([user], subject, body, params)


def _call_params(call, user):
    title = call.title_en if (user.preferred_language == "en" and call.title_en) else call.title_ko
    closes = timezone.localtime(call.closes_at)
    return {"title": title, "reference": call.reference, "closes": closes.strftime("%Y-%m-%d %H:%M")}


@transaction.atomic
def alert_saved_searches(call_id):
    """E-mail each user whose saved search matches a newly published call, once per search and call."""
    from .selectors import search_matches

    call = Call.objects.unrestricted().filter(pk=call_id).first()
    if call is None or not call.is_public:
        return 0
    sent = 0
    for search in (
        SavedSearch.objects.unrestricted().select_for_update().filter(notify=True).select_related("user")
    ):
        if (
            call.pk in search.alerted_call_ids
            or not search.user.is_active
            or not search_matches(search.criteria, call)
        ):
            continue
        _notify_in_language(
            search.user,
            _("[SFMS] 저장한 검색 '%(search)s'에 맞는 공고: %(title)s"),
            _(
                "'%(search)s' 조건에 맞는 공고가 게시되었습니다.\n[%(reference)s] %(title)s\n접수 마감: %(closes)s (한국 시간)"
            ),
            {**_call_params(call, search.user), "search": search.name},
        )
        search.alerted_call_ids = [*search.alerted_call_ids, call.pk]
        search.save(update_fields=["alerted_call_ids"])
        sent += 1
    return sent


def send_deadline_reminders(now=None):
    """Remind watchers 7 days and 1 day before an open call closes; each reminder goes once."""
    now = now or timezone.now()
    sent = 0
    horizon = now + datetime.timedelta(days=max(REMINDER_DAYS))
    watches = CallWatch.objects.unrestricted().filter(
        call__status__in=(CallStatus.PUBLISHED, CallStatus.OPEN),
        call__closes_at__gt=now,
        call__closes_at__lte=horizon,
    )
    for pk in watches.values_list("pk", flat=True):
        sent += _remind_one(pk, now)
    return sent


@transaction.atomic
def _remind_one(watch_pk, now):
    watch = (
        CallWatch.objects.unrestricted().select_for_update().select_related("call", "user").get(pk=watch_pk)
    )
    left = watch.call.closes_at - now
    due = [
        d for d in REMINDER_DAYS if left <= datetime.timedelta(days=d) and f"{d}d" not in watch.reminders_sent
    ]
    if not due or not watch.user.is_active:
        return 0
    days = min(due)
    _notify_in_language(
        watch.user,
        _("[SFMS] 관심 공고 마감 %(days)s일 전: %(title)s"),
        _(
            "관심 공고의 접수 마감이 다가옵니다.\n[%(reference)s] %(title)s\n접수 마감: %(closes)s (한국 시간)"
        ),
        {**_call_params(watch.call, watch.user), "days": days},
    )
    # The nearer reminder makes the farther one pointless: mark both as sent.
    watch.reminders_sent = sorted(set(watch.reminders_sent) | {f"{d}d" for d in due})
    watch.save(update_fields=["reminders_sent"])
    return 1


def _notify_watchers_cancelled(call):
    for watch in CallWatch.objects.unrestricted().filter(call=call).select_related("user"):
        _notify_in_language(
            watch.user,
            _("[SFMS] 관심 공고가 취소되었습니다: %(title)s"),
            _("[%(reference)s] %(title)s 공고가 취소되었습니다.\n사유: %(reason)s"),
            {**_call_params(call, watch.user), "reason": call.cancel_reason},
        )
