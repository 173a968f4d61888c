"""Business operations of evaluation and selection. Each is one transaction: permission check, row
lock where a guard matters, change, audit, notifications queued on commit.

Money guard: every decision locks the call's row first, so two operators selecting at once are
serialised and the sum of government shares of selected projects can never pass the call budget.
"""

import logging
import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations import audit
from organizations.access import forget_principal, principal_for
from organizations.edits import apply_changes, full_clean
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Membership, User
from organizations.models_roles import Role
from programs.models import Call, Track
from sfms.tasks import enqueue_on_commit

from . import rules, selectors
from .models import (
    SKIPPABLE_STAGES,
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
    Exclusion,
    ExclusionReason,
    MatchingNote,
    MatchingNoteStatus,
    Objection,
    ObjectionStatus,
    ReportStatus,
    Score,
    SeatStatus,
    Stage,
    StageKind,
    StageResult,
    StageStatus,
)
from .querysets import staff_operator_ids

logger = logging.getLogger(__name__)

INTEREST_VALIDITY = timedelta(days=365)
REMIND_BEFORE = timedelta(days=30)

DEFAULT_RUBRIC = (
    ("necessity", "스마트공장 구축 필요성", "Need for the smart factory", 20, 20),
    (
        "feasibility",
        "계획의 타당성·기존 시스템 연계",
        "Plan feasibility and link to existing systems",
        25,
        25,
    ),
    ("data", "데이터 활용 계획", "Data utilisation plan", 20, 20),
    ("supplier", "공급기업 역량", "Supplier capability", 15, 15),
    ("effects", "기대 효과", "Expected effects", 20, 20),
)

PLEDGE_TEXT = gettext_lazy(
    "본인은 평가위원으로서 평가 과정에서 알게 된 신청 기업의 정보와 평가 내용을 외부에 누설하지 않고, "
    "이해관계가 있는 신청서는 즉시 회피 신청하며, 공정하게 평가할 것을 서약합니다."
)


# --- guards --------------------------------------------------------------------------------------


def _invalid(message, code, problems):
    """A DomainError naming each field's problem (the API lists them under `errors`)."""
    exc = DomainError(message, code)
    exc.blockers = [(field, msg) for field, msg in problems.items()]
    return exc


def _require_staff(actor, operator_id):
    p = principal_for(actor)
    if not (p.is_platform_admin or operator_id in staff_operator_ids(p)):
        raise AccessDenied(_("이 공고를 운영하는 기관의 담당자만 할 수 있습니다."))


def _require_self(actor, evaluator):
    if evaluator.user_id != getattr(actor, "pk", None):
        raise AccessDenied(_("본인의 평가위원 정보만 처리할 수 있습니다."))


def _lock(model, obj, *related):
    qs = model.objects.unrestricted().select_for_update(of=("self",))
    if related:  # select_related() with no names would follow every foreign key (and is deprecated)
        qs = qs.select_related(*related)
    return qs.get(pk=obj.pk)


def _plan_operator_id(plan):
    return plan.call.operator_id


def _notify(users, subject, body, params):
    from organizations.notifications import notify_each

    notify_each(users, subject, body, params)


def _lead_users(submission):
    return [
        m.user
        for m in Membership.objects.unrestricted()
        .filter(company_id=submission.application.lead_id, role=Role.SME_MEMBER, is_active=True)
        .select_related("user")
    ]


# --- the pool ------------------------------------------------------------------------------------


@transaction.atomic
def evaluator_add(
    actor,
    operator,
    *,
    email,
    full_name,
    affiliation_kind,
    affiliation_name,
    region,
    domains=(),
    affiliation_company=None,
    preferred_language="ko",
):
    """Add an expert to the operator's pool: a user (without a password until they set one), the
    evaluator role at this operator, and the profile. The expert then declares interests."""
    _require_staff(actor, operator.pk)
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, preferred_language=preferred_language)
        user.set_unusable_password()
        full_clean(user, exclude=["password"])
        user.save()
        audit.record_create(actor, user, reason="evaluator pool")
    if Evaluator.objects.unrestricted().filter(operator=operator, user=user).exists():
        raise Conflict(_("이미 이 기관의 평가위원으로 등록된 이메일입니다."), "evaluator_exists")
    membership, created = Membership.objects.get_or_create(
        user=user, role=Role.EVALUATOR, company=None, operator=operator, defaults={"is_active": True}
    )
    if created:
        audit.record_create(actor, membership)
    elif not membership.is_active:
        before = audit.snapshot(membership)
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        audit.record_update(actor, membership, before)
    forget_principal(user)
    evaluator = Evaluator(
        operator=operator,
        user=user,
        name=full_name,
        affiliation_kind=affiliation_kind,
        affiliation_name=affiliation_name,
        affiliation_company=affiliation_company,
        region=region,
    )
    full_clean(evaluator)
    evaluator.save()
    evaluator.domains.set(domains)
    audit.record_create(actor, evaluator)
    _notify(
        [user],
        gettext_lazy("[SFMS] %(operator)s 평가위원 등록"),
        gettext_lazy(
            "%(operator)s 평가위원 후보로 등록되었습니다. SFMS에 로그인해(처음이면 '비밀번호 찾기'로 비밀번호를 정한 뒤) "
            "이해관계를 신고하고 확인해 주십시오. 확인 전에는 평가를 배정받지 않습니다."
        ),
        {"operator": operator.name_ko},
    )
    return evaluator


EVALUATOR_FIELDS = (
    "name",
    "affiliation_kind",
    "affiliation_name",
    "affiliation_company",
    "region",
    "is_active",
)


@transaction.atomic
def evaluator_update(actor, evaluator, changes, *, domains=None, reason=""):
    evaluator = _lock(Evaluator, evaluator)
    p = principal_for(actor)
    if evaluator.user_id != actor.pk:
        _require_staff(actor, evaluator.operator_id)
    elif "is_active" in changes and not p.is_platform_admin:
        raise AccessDenied(_("활동 여부는 운영기관 담당자가 정합니다."))
    before = audit.snapshot(evaluator)
    before["domains"] = sorted(evaluator.domains.values_list("pk", flat=True))
    apply_changes(evaluator, changes, EVALUATOR_FIELDS)
    full_clean(evaluator)
    evaluator.save()
    if domains is not None:
        evaluator.domains.set(domains)
    audit.record_update(actor, evaluator, before, reason=reason)
    return evaluator


@transaction.atomic
def interest_declare(actor, evaluator, *, kind, company, description=""):
    """A relation the expert declares; new declarations never need re-confirmation to take effect."""
    if evaluator.user_id != actor.pk:
        _require_staff(actor, evaluator.operator_id)
    interest = DeclaredInterest(evaluator=evaluator, kind=kind, company=company, description=description)
    full_clean(interest)
    interest.save()
    audit.record_create(actor, interest)
    return interest


@transaction.atomic
def interest_end(actor, interest, *, ended_on, reason=""):
    if interest.evaluator.user_id != actor.pk:
        _require_staff(actor, interest.evaluator.operator_id)
    if interest.ended_on:
        raise Conflict(_("이미 종료된 이해관계입니다."), "interest_ended")
    before = audit.snapshot(interest)
    interest.ended_on = ended_on
    interest.save(update_fields=["ended_on"])
    audit.record_update(actor, interest, before, reason=reason)
    return interest


@transaction.atomic
def interests_confirm(actor, evaluator, *, now=None):
    """The expert confirms the declarations are complete and current; valid for a year."""
    _require_self(actor, evaluator)
    now = now or timezone.now()
    evaluator = _lock(Evaluator, evaluator)
    before = audit.snapshot(evaluator)
    evaluator.interests_confirmed_at = now
    evaluator.interests_valid_until = (timezone.localtime(now) + INTEREST_VALIDITY).date()
    evaluator.save(update_fields=["interests_confirmed_at", "interests_valid_until"])
    audit.record_update(actor, evaluator, before, reason="interests confirmed")
    return evaluator


def interests_remind_due(now=None):
    """Remind experts whose declarations lapse within 30 days (or have lapsed), once per period."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    due = (
        Evaluator.objects.unrestricted()
        .filter(is_active=True, interests_valid_until__lte=today + REMIND_BEFORE)
        .filter(Q(interests_reminded_on__isnull=True) | Q(interests_reminded_on__lt=today - REMIND_BEFORE))
    )
    sent = 0
    for evaluator in due.select_related("user", "operator"):
        with transaction.atomic():
            evaluator = _lock(Evaluator, evaluator, "user", "operator")
            evaluator.interests_reminded_on = today
            evaluator.save(update_fields=["interests_reminded_on"])
            _notify(
                [evaluator.user],
                gettext_lazy("[SFMS] 이해관계 신고 재확인 요청"),
                gettext_lazy(
                    "%(operator)s 평가위원 이해관계 신고의 유효기한이 %(until)s입니다. SFMS에서 신고 내용을 확인해 "
                    "주십시오. 기한이 지나면 확인할 때까지 평가를 배정받지 않습니다."
                ),
                {
                    "operator": evaluator.operator.name_ko,
                    "until": evaluator.interests_valid_until.isoformat(),
                },
            )
            sent += 1
    return sent


# --- plan, stages, rubric ------------------------------------------------------------------------


@transaction.atomic
def plan_set_up(actor, call, *, stages, objection_days=7, show_comments=True):
    """The call's evaluation plan with its stages in lifecycle order; scoring stages get the
    standard rubric, which the operator may then change. Running it again adds missing stages."""
    _require_staff(actor, call.operator_id)
    call = Call.objects.unrestricted().select_for_update().get(pk=call.pk)
    order = [k.value for k in StageKind]
    unknown = [k for k in stages if k not in order]
    if unknown or not stages:
        raise DomainError(
            _("알 수 없는 평가 단계입니다: %(kinds)s") % {"kinds": ", ".join(unknown)}, "stage_kind", "stages"
        )
    plan, created = EvaluationPlan.objects.unrestricted().get_or_create(
        call=call, defaults={"objection_days": objection_days, "show_comments": show_comments}
    )
    if created:
        full_clean(plan)
        audit.record_create(actor, plan)
    for kind in sorted(set(stages), key=order.index):
        stage, made = Stage.objects.unrestricted().get_or_create(
            plan=plan, kind=kind, defaults={"order": order.index(kind) + 1}
        )
        if not made:
            continue
        audit.record_create(actor, stage)
        if stage.is_scored:
            for position, (code, ko, en, max_points, weight) in enumerate(DEFAULT_RUBRIC):
                Criterion.objects.create(
                    stage=stage,
                    code=code,
                    name_ko=ko,
                    name_en=en,
                    max_points=max_points,
                    weight=weight,
                    order=position,
                )
    return plan


@transaction.atomic
def plan_update(actor, plan, changes):
    _require_staff(actor, plan.call.operator_id)
    plan = _lock(EvaluationPlan, plan, "call")
    before = audit.snapshot(plan)
    apply_changes(plan, changes, ("objection_days", "show_comments"))
    full_clean(plan)
    plan.save()
    audit.record_update(actor, plan, before)
    return plan


STAGE_FIELDS = (
    "cutoff",
    "reviewers_per_application",
    "load_cap",
    "aggregation",
    "tie_break",
    "comment_below",
    "scoring_deadline",
)


def _rubric_locked(stage):
    if Assignment.objects.unrestricted().filter(stage=stage, status=AssignmentStatus.SUBMITTED).exists():
        raise Conflict(
            _(
                "제출된 평가표가 있어 평가 기준을 바꿀 수 없습니다. 평가표를 모두 다시 열어야 바꿀 수 있습니다."
            ),
            "rubric_in_use",
        )


@transaction.atomic
def stage_update(actor, stage, changes):
    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    if stage.status in (StageStatus.CLOSED, StageStatus.SKIPPED):
        raise Conflict(_("끝났거나 생략한 단계는 고칠 수 없습니다."), "stage_closed")
    scoring_rules = set(changes) & {"cutoff", "aggregation", "tie_break", "comment_below"}
    if scoring_rules:
        _rubric_locked(stage)
    before = audit.snapshot(stage)
    apply_changes(stage, changes, STAGE_FIELDS)
    codes = set(stage.criteria.values_list("code", flat=True))
    unknown = [c for c in (stage.tie_break or []) if c not in codes]
    if unknown:
        raise DomainError(
            _("동점 처리 순서에 없는 평가 항목 코드가 있습니다: %(codes)s") % {"codes": ", ".join(unknown)},
            "tie_break",
            "tie_break",
        )
    full_clean(stage)
    stage.save()
    audit.record_update(actor, stage, before)
    return stage


@transaction.atomic
def criterion_save(actor, stage, changes, *, criterion=None):
    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    if not stage.is_scored:
        raise DomainError(_("점수를 매기지 않는 단계에는 평가 항목을 둘 수 없습니다."), "stage_not_scored")
    _rubric_locked(stage)
    criterion = criterion or Criterion(stage=stage)
    before = audit.snapshot(criterion) if criterion.pk else None
    apply_changes(criterion, changes, ("code", "name_ko", "name_en", "max_points", "weight", "order"))
    full_clean(criterion)
    criterion.save()
    if before is None:
        audit.record_create(actor, criterion)
    else:
        audit.record_update(actor, criterion, before)
    return criterion


@transaction.atomic
def criterion_delete(actor, criterion):
    stage = _lock(Stage, criterion.stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    _rubric_locked(stage)
    if Score.objects.filter(criterion=criterion).exists():
        Score.objects.filter(criterion=criterion).delete()  # drafts only: submitted sheets lock the rubric
    audit.record_delete(actor, criterion)
    criterion.delete()


@transaction.atomic
def track_expertise_set(actor, track, domains):
    """The technical domains a track's reviewers must know (none: any reviewer fits). Later draws
    use them; assignments already made stay."""
    from .models import TrackExpertise

    track = (
        type(track)
        .objects.unrestricted()
        .select_for_update(of=("self",))
        .select_related("call")
        .get(pk=track.pk)
    )
    _require_staff(actor, track.call.operator_id)
    expertise, created = TrackExpertise.objects.unrestricted().get_or_create(track=track)
    before = sorted(expertise.domains.values_list("pk", flat=True))
    expertise.domains.set(domains)
    after = sorted(expertise.domains.values_list("pk", flat=True))
    if created or before != after:
        audit.record(
            actor,
            expertise,
            audit.AuditEvent.Action.CREATE if created else audit.AuditEvent.Action.UPDATE,
            before=None if created else {"domains": before},
            after={"domains": after},
        )
    return expertise


def _transition(actor, stage, to, *, reason=""):
    before = stage.status
    stage.status = to
    stage.save(update_fields=["status"])
    audit.record_transition(actor, stage, "status", before, to, reason=reason)


@transaction.atomic
def stage_skip(actor, stage, *, reason):
    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    if stage.kind not in SKIPPABLE_STAGES:
        raise Conflict(
            _("이 단계는 생략할 수 없습니다. 생략할 수 있는 단계는 서면 평가뿐입니다."), "stage_not_skippable"
        )
    if stage.status != StageStatus.PLANNED:
        raise Conflict(_("이미 시작한 단계는 생략할 수 없습니다."), "stage_started")
    if not (reason or "").strip():
        raise DomainError(_("생략 사유를 적어 주십시오."), "reason_required", "reason")
    _transition(actor, stage, StageStatus.SKIPPED, reason=reason)
    return stage


@transaction.atomic
def stage_open(actor, stage):
    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    if stage.status != StageStatus.PLANNED:
        raise Conflict(_("준비 중인 단계만 시작할 수 있습니다."), "stage_not_planned")
    if stage.is_scored:
        problems = rules.rubric_problems(selectors.criterion_terms(stage))
        if problems:
            raise DomainError(" ".join(problems), "rubric_invalid", "criteria")
    _transition(actor, stage, StageStatus.SCORING)
    return stage


@transaction.atomic
def stage_close(actor, stage, *, now=None):
    """Close scoring: every live sheet must be submitted; results and ranks are written."""
    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    if stage.status != StageStatus.SCORING:
        raise Conflict(_("평가 중인 단계만 마감할 수 있습니다."), "stage_not_scoring")
    if stage.is_scored:
        open_sheets = (
            Assignment.objects.unrestricted().filter(stage=stage, status=AssignmentStatus.ASSIGNED).count()
        )
        if open_sheets:
            raise Conflict(
                _(
                    "아직 제출되지 않은 평가표가 %(n)s건 있습니다. 평가위원에게 독촉하거나 배정을 바꾼 뒤 마감해 주십시오."
                )
                % {"n": open_sheets},
                "sheets_open",
            )
        results_compute(stage, now=now)
    _transition(actor, stage, StageStatus.CLOSED)
    return stage


def results_compute(stage, *, now=None):
    """Aggregate every submission's submitted sheets and rank each track. Called inside a transaction."""
    now = now or timezone.now()
    terms = selectors.criterion_terms(stage)
    sheets = {}
    for a in (
        Assignment.objects.unrestricted()
        .filter(stage=stage, status=AssignmentStatus.SUBMITTED)
        .select_related("submission__application")
        .prefetch_related("scores__criterion")
    ):
        sheets.setdefault(a.submission_id, (a.submission, []))[1].append(a)
    entries_by_track, rows = {}, {}
    for submission_id, (submission, assignments) in sheets.items():
        total, trimmed = rules.aggregate([a.total for a in assignments], stage.aggregation)
        counted = assignments
        if trimmed:  # the criterion means (tie-breaks) leave out the same two sheets as the total
            counted = sorted(assignments, key=lambda a: (a.total, a.pk))[1:-1]
        criteria = {}
        for t in terms:
            values = [s.points for a in counted for s in a.scores.all() if s.criterion.code == t.code]
            if values:
                criteria[t.code] = str(rules.q2(sum(values, Decimal(0)) / len(values)))
        share = selectors.government_share_of(submission)
        track_id = submission.application.track_id
        entries_by_track.setdefault(track_id, []).append(
            rules.Entry(submission_id, total, criteria, share, submission.submitted_at.isoformat())
        )
        rows[submission_id] = dict(
            track_id=track_id,
            reviewer_count=len(assignments),
            total=total,
            trimmed=trimmed,
            criteria=criteria,
        )
    StageResult.objects.unrestricted().filter(stage=stage).exclude(submission_id__in=rows).delete()
    for entries in entries_by_track.values():
        for ranked in rules.rank(entries, cutoff=stage.cutoff, tie_break=list(stage.tie_break or [])):
            StageResult.objects.unrestricted().update_or_create(
                stage=stage,
                submission_id=ranked.key,
                defaults={
                    **rows[ranked.key],
                    "passed": ranked.passed,
                    "rank": ranked.rank,
                    "computed_at": now,
                },
            )
    return len(rows)


# --- committee -----------------------------------------------------------------------------------


@transaction.atomic
def seat_invite(actor, stage, evaluator, *, is_chair=False):
    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    if evaluator.operator_id != stage.plan.call.operator_id:
        raise DomainError(
            _("이 기관의 평가위원 풀에 있는 위원만 위촉할 수 있습니다."), "evaluator_foreign", "evaluator"
        )
    if not evaluator.is_active:
        raise Conflict(_("활동하지 않는 평가위원입니다."), "evaluator_inactive")
    if stage.status in (StageStatus.CLOSED, StageStatus.SKIPPED):
        raise Conflict(_("끝났거나 생략한 단계에는 위원을 위촉할 수 없습니다."), "stage_closed")
    seat = CommitteeSeat.objects.unrestricted().filter(stage=stage, evaluator=evaluator).first()
    if seat is not None and seat.status in (SeatStatus.INVITED, SeatStatus.ACCEPTED):
        raise Conflict(_("이미 위촉 요청했거나 수락한 위원입니다."), "seat_exists")
    if seat is None:
        seat = CommitteeSeat.objects.create(
            stage=stage, evaluator=evaluator, invited_by=actor, is_chair=is_chair
        )
        audit.record_create(actor, seat)
    else:  # invited again after declining or release
        before = audit.snapshot(seat)
        seat.status, seat.is_chair, seat.invited_by = SeatStatus.INVITED, is_chair, actor
        seat.responded_at = seat.pledge_signed_at = None
        seat.save()
        audit.record_update(actor, seat, before)
    _notify(
        [evaluator.user],
        gettext_lazy("[SFMS] 평가위원 위촉 요청: %(call)s"),
        gettext_lazy(
            "%(call)s %(stage)s 평가위원으로 위촉을 요청합니다. SFMS에 로그인해 수락 여부를 알려 주십시오."
        ),
        {"call": stage.plan.call.title_ko, "stage": stage.get_kind_display()},
    )
    return seat


@transaction.atomic
def seat_respond(actor, seat, *, accept, now=None):
    seat = _lock(CommitteeSeat, seat, "evaluator", "stage__plan__call")
    _require_self(actor, seat.evaluator)
    if seat.status != SeatStatus.INVITED:
        raise Conflict(_("이미 응답한 위촉 요청입니다."), "seat_answered")
    before = seat.status
    seat.status = SeatStatus.ACCEPTED if accept else SeatStatus.DECLINED
    seat.responded_at = now or timezone.now()
    seat.save(update_fields=["status", "responded_at"])
    audit.record_transition(actor, seat, "status", before, seat.status)
    return seat


@transaction.atomic
def pledge_sign(actor, seat, *, agree, now=None):
    """The confidentiality pledge: until it is signed no application is shown to the reviewer."""
    seat = _lock(CommitteeSeat, seat, "evaluator", "stage__plan__call")
    _require_self(actor, seat.evaluator)
    if seat.status != SeatStatus.ACCEPTED:
        raise Conflict(_("위촉을 수락한 뒤에 서약할 수 있습니다."), "seat_not_accepted")
    if seat.pledge_signed_at:
        return seat
    if not agree:
        raise DomainError(_("서약 내용에 동의해야 평가를 시작할 수 있습니다."), "pledge_required", "agree")
    before = audit.snapshot(seat)
    seat.pledge_signed_at = now or timezone.now()
    seat.pledge_text = str(PLEDGE_TEXT)
    seat.save(update_fields=["pledge_signed_at", "pledge_text"])
    audit.record_update(actor, seat, before, reason="pledge signed")
    return seat


@transaction.atomic
def seat_release(actor, seat, *, reason):
    seat = _lock(CommitteeSeat, seat, "evaluator", "stage__plan__call")
    _require_staff(actor, seat.stage.plan.call.operator_id)
    if seat.status == SeatStatus.RELEASED:
        raise Conflict(_("이미 해촉한 위원입니다."), "seat_released")
    before = seat.status
    seat.status = SeatStatus.RELEASED
    seat.save(update_fields=["status"])
    audit.record_transition(actor, seat, "status", before, seat.status, reason=reason)
    for a in Assignment.objects.unrestricted().filter(
        stage=seat.stage, evaluator=seat.evaluator, status=AssignmentStatus.ASSIGNED
    ):
        _release(actor, a, reason)
    return seat


# --- assignment ----------------------------------------------------------------------------------


def _release(actor, assignment, reason):
    before = assignment.status
    assignment.status = AssignmentStatus.RELEASED
    assignment.release_reason = (reason or "")[:200]
    assignment.save(update_fields=["status", "release_reason"])
    audit.record_transition(actor, assignment, "status", before, assignment.status, reason=reason)


def _require_scoring(stage):
    if not stage.is_scored:
        raise Conflict(_("점수를 매기는 단계에서만 배정할 수 있습니다."), "stage_not_scored")
    if stage.status != StageStatus.SCORING:
        raise Conflict(
            _("평가 중인 단계에서만 배정할 수 있습니다. 먼저 단계를 시작해 주십시오."), "stage_not_scoring"
        )


@transaction.atomic
def assignment_draw(actor, stage, *, seed=None, submission_ids=None, avoid=None):
    """Assign eligible submissions to the committee by a recorded, reproducible draw.

    Conflicts of interest, lapsed declarations and mismatched expertise are written as exclusions
    with their reasons. Submissions that already have enough reviewers are left as they are.
    """
    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    _require_scoring(stage)
    seed = seed or secrets.token_hex(8)
    situation = selectors.draw_situation(stage, submission_ids=submission_ids, avoid=avoid)
    result = rules.draw(
        situation.eligible,
        per_application=stage.reviewers_per_application,
        load_cap=stage.load_cap,
        seed=seed,
        existing=situation.existing,
        load=situation.load,
    )
    draw = AssignmentDraw.objects.create(
        stage=stage,
        seed=seed,
        performed_by=actor,
        inputs=situation.as_json(stage),
        outcome={
            "pairs": [list(p) for p in result.pairs],
            "shortfalls": {str(k): v for k, v in result.shortfalls.items()},
        },
    )
    Exclusion.objects.bulk_create(
        Exclusion(stage=stage, submission_id=s, evaluator_id=r, reason=reason, detail=detail[:300], draw=draw)
        for (s, r), found in situation.excluded.items()
        for reason, detail in found
    )
    Assignment.objects.bulk_create(
        Assignment(stage=stage, submission_id=s, evaluator_id=r, draw=draw) for s, r in result.pairs
    )
    audit.record_create(actor, draw, reason=f"{len(result.pairs)} assignments")
    reviewers = (
        Evaluator.objects.unrestricted().filter(pk__in={r for _s, r in result.pairs}).select_related("user")
    )
    _notify(
        [e.user for e in reviewers],
        gettext_lazy("[SFMS] 평가 배정 안내: %(call)s"),
        gettext_lazy(
            "%(call)s %(stage)s 평가할 신청서가 배정되었습니다. SFMS의 '내 평가'에서 확인해 주십시오."
        ),
        {"call": stage.plan.call.title_ko, "stage": stage.get_kind_display()},
    )
    return draw


def _conflict_message(found):
    labels = dict(ExclusionReason.choices)
    return "; ".join(f"{labels[r]}{' (' + d + ')' if d else ''}" for r, d in found)


@transaction.atomic
def assignment_swap(actor, assignment, evaluator, *, reason):
    """The operator replaces one reviewer by another; a conflict or a full load refuses it."""
    assignment = _lock(Assignment, assignment, "stage__plan__call", "submission__application")
    stage = assignment.stage
    _require_staff(actor, stage.plan.call.operator_id)
    _require_scoring(stage)
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise Conflict(
            _("제출했거나 해제된 배정은 바꿀 수 없습니다. 제출된 평가표는 먼저 다시 열어 주십시오."),
            "assignment_not_open",
        )
    if not (reason or "").strip():
        raise DomainError(_("교체 사유를 적어 주십시오."), "reason_required", "reason")
    seat = (
        CommitteeSeat.objects.unrestricted()
        .filter(stage=stage, evaluator=evaluator, status=SeatStatus.ACCEPTED)
        .first()
    )
    if seat is None:
        raise DomainError(
            _("이 단계 위촉을 수락한 위원에게만 배정할 수 있습니다."), "not_seated", "evaluator"
        )
    found = selectors.exclusions_for(stage, assignment.submission, evaluator)
    if found:
        raise Conflict(
            _("이 위원에게는 배정할 수 없습니다: %(why)s") % {"why": _conflict_message(found)},
            "reviewer_excluded",
        )
    if (
        Assignment.objects.unrestricted()
        .filter(stage=stage, submission=assignment.submission, evaluator=evaluator)
        .exclude(status=AssignmentStatus.RELEASED)
        .exists()
    ):
        raise Conflict(_("이미 이 신청서를 평가하는 위원입니다."), "already_assigned")
    load = (
        Assignment.objects.unrestricted()
        .filter(stage=stage, evaluator=evaluator)
        .exclude(status=AssignmentStatus.RELEASED)
        .count()
    )
    if load >= stage.load_cap:
        raise Conflict(
            _("이 위원은 이미 최대 배정 수(%(cap)s건)를 맡고 있습니다.") % {"cap": stage.load_cap}, "load_cap"
        )
    _release(actor, assignment, reason)
    replacement = Assignment.objects.create(
        stage=stage, submission=assignment.submission, evaluator=evaluator
    )
    audit.record_create(actor, replacement, reason=reason)
    return replacement


@transaction.atomic
def conflict_declare(actor, assignment, *, reason, now=None):
    """The reviewer declares a conflict on opening: released, recorded, and a replacement drawn."""
    assignment = _lock(Assignment, assignment, "stage__plan__call", "evaluator", "submission__application")
    _require_self(actor, assignment.evaluator)
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise Conflict(_("제출했거나 해제된 배정입니다."), "assignment_not_open")
    if not (reason or "").strip():
        raise DomainError(_("회피 사유를 적어 주십시오."), "reason_required", "reason")
    Exclusion.objects.create(
        stage=assignment.stage,
        submission=assignment.submission,
        evaluator=assignment.evaluator,
        reason=ExclusionReason.DECLARED_ON_OPENING,
        detail=reason[:300],
    )
    _release(actor, assignment, reason)
    stage = assignment.stage
    situation = selectors.draw_situation(stage, submission_ids=[assignment.submission_id])
    seed = f"conflict-{assignment.pk}"
    result = rules.draw(
        situation.eligible,
        per_application=stage.reviewers_per_application,
        load_cap=stage.load_cap,
        seed=seed,
        existing=situation.existing,
        load=situation.load,
    )
    draw = AssignmentDraw.objects.create(
        stage=stage,
        seed=seed,
        performed_by=actor,
        inputs=situation.as_json(stage),
        outcome={
            "pairs": [list(p) for p in result.pairs],
            "shortfalls": {str(k): v for k, v in result.shortfalls.items()},
        },
    )
    for s, r in result.pairs:
        a = Assignment.objects.create(stage=stage, submission_id=s, evaluator_id=r, draw=draw)
        audit.record_create(actor, a, reason="replacement after a declared conflict")
    if result.shortfalls:
        staff = [
            m.user
            for m in Membership.objects.unrestricted()
            .filter(
                operator_id=stage.plan.call.operator_id,
                role__in=(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF),
                is_active=True,
            )
            .select_related("user")
        ]
        _notify(
            staff,
            gettext_lazy("[SFMS] 평가위원 교체 필요: %(receipt)s"),
            gettext_lazy(
                "평가위원이 %(receipt)s 신청서에 대해 이해충돌을 신고했으나, 배정할 수 있는 다른 위원이 없습니다. 위원을 추가로 위촉해 주십시오."
            ),
            {"receipt": assignment.submission.receipt_number},
        )
    return draw


@transaction.atomic
def assignment_open(actor, assignment, *, now=None):
    """First look by the reviewer (recorded once, audited: who saw an application and when)."""
    if assignment.evaluator.user_id != actor.pk:
        return assignment
    if assignment.opened_at is None:
        opened = now or timezone.now()
        if (
            Assignment.objects.unrestricted()
            .filter(pk=assignment.pk, opened_at=None)
            .update(opened_at=opened)
        ):
            assignment.opened_at = opened
            audit.record_update(actor, assignment, {"opened_at": None}, reason="first opened")
        else:
            assignment.refresh_from_db(fields=["opened_at"])
    return assignment


@transaction.atomic
def assignments_remind(actor, stage, *, submission_ids=None, now=None):
    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    now = now or timezone.now()
    open_sheets = Assignment.objects.unrestricted().filter(stage=stage, status=AssignmentStatus.ASSIGNED)
    if submission_ids is not None:
        open_sheets = open_sheets.filter(submission_id__in=submission_ids)
    by_reviewer = {}
    for a in open_sheets.select_related("evaluator__user"):
        by_reviewer.setdefault(a.evaluator, []).append(a)
    for evaluator, items in by_reviewer.items():
        _notify(
            [evaluator.user],
            gettext_lazy("[SFMS] 평가 제출 요청: %(call)s"),
            gettext_lazy(
                "아직 제출하지 않은 평가표가 %(n)s건 있습니다. SFMS의 '내 평가'에서 제출해 주십시오."
            ),
            {"call": stage.plan.call.title_ko, "n": len(items)},
        )
    count = open_sheets.update(reminded_at=now)
    audit.record(actor, stage, "update", after={"reminded": count})
    return count


@transaction.atomic
def assignments_reassign(actor, stage, *, submission_ids, reason):
    """Release the unsubmitted sheets of these submissions and draw again for them, avoiding the
    reviewers just released."""
    if not (reason or "").strip():
        raise DomainError(_("재배정 사유를 적어 주십시오."), "reason_required", "reason")
    locked = _lock(Stage, stage, "plan__call")
    _require_staff(actor, locked.plan.call.operator_id)
    _require_scoring(locked)
    avoid = {}
    for a in Assignment.objects.unrestricted().filter(
        stage=locked, submission_id__in=submission_ids, status=AssignmentStatus.ASSIGNED
    ):
        _release(actor, a, reason)
        avoid.setdefault(a.submission_id, set()).add(a.evaluator_id)
    return assignment_draw(actor, locked, submission_ids=submission_ids, avoid=avoid)


# --- scoring -------------------------------------------------------------------------------------


def _sheet_for_reviewer(actor, assignment):
    assignment = _lock(Assignment, assignment, "stage__plan__call", "evaluator")
    _require_self(actor, assignment.evaluator)
    seat = (
        CommitteeSeat.objects.unrestricted()
        .filter(stage=assignment.stage, evaluator=assignment.evaluator)
        .first()
    )
    if seat is None or not seat.may_review:
        raise AccessDenied(_("위촉을 수락하고 보안 서약을 한 뒤에 평가할 수 있습니다."))
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise Conflict(
            _("제출한 평가표는 고칠 수 없습니다. 고쳐야 하면 운영기관에 다시 열어 달라고 요청해 주십시오."),
            "sheet_submitted",
        )
    if assignment.status == AssignmentStatus.RELEASED:
        raise Conflict(_("배정이 해제된 신청서입니다."), "assignment_released")
    if assignment.stage.status != StageStatus.SCORING:
        raise Conflict(_("평가 기간이 아닙니다."), "stage_not_scoring")
    return assignment


def _write_scores(assignment, points, comments, overall_comment):
    terms = {c.code: c for c in assignment.stage.criteria.all()}
    problems = {}
    for code, value in points.items():
        if code not in terms:
            problems[code] = _("이 단계에 없는 평가 항목입니다.")
            continue
        if value in (None, ""):
            continue
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite():  # "NaN" parses, then fails every comparison
            problems[code] = _("점수는 숫자로 입력해 주십시오.")
            continue
        if value < 0 or value > terms[code].max_points or value != rules.q2(value):
            problems[code] = _("점수는 0점에서 %(max)s점 사이, 소수 둘째 자리까지 입력해 주십시오.") % {
                "max": terms[code].max_points
            }
    if problems:
        raise _invalid(_("점수를 확인해 주십시오."), "scores_invalid", problems)
    saved = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment)}
    for code, criterion in terms.items():
        if code not in points and code not in comments:
            continue  # a partial save leaves the other criteria as they were
        existing = saved.get(criterion.pk)
        value = points.get(code, existing.points if existing else None)
        comment = (comments.get(code, existing.comment if existing else "") or "").strip()
        if value in (None, ""):
            Score.objects.filter(assignment=assignment, criterion=criterion).delete()
            continue
        Score.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            defaults={"points": Decimal(str(value)), "comment": comment},
        )
    assignment.overall_comment = overall_comment or ""
    assignment.save(update_fields=["overall_comment"])


@transaction.atomic
def scores_save(actor, assignment, *, points, comments=None, overall_comment=""):
    """Save a draft score sheet; incomplete is fine until submit."""
    assignment = _sheet_for_reviewer(actor, assignment)
    _write_scores(assignment, points, comments or {}, overall_comment)
    return assignment


@transaction.atomic
def scores_submit(actor, assignment, *, points, comments=None, overall_comment="", now=None):
    assignment = _sheet_for_reviewer(actor, assignment)
    comments = comments or {}
    _write_scores(assignment, points, comments, overall_comment)
    terms = selectors.criterion_terms(assignment.stage)
    saved = {s.criterion.code: s for s in assignment.scores.select_related("criterion")}
    problems = rules.score_problems(
        terms,
        {code: s.points for code, s in saved.items()},
        {code: s.comment for code, s in saved.items()},
        assignment.stage.comment_below,
    )
    if problems:
        raise _invalid(_("평가표를 제출하려면 표시한 항목을 고쳐 주십시오."), "scores_incomplete", problems)
    before = assignment.status
    assignment.total = rules.weighted_total(terms, {code: s.points for code, s in saved.items()})
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = now or timezone.now()
    assignment.save(update_fields=["total", "status", "submitted_at"])
    audit.record_transition(actor, assignment, "status", before, assignment.status)
    return assignment


@transaction.atomic
def assignment_reopen(actor, assignment, *, reason):
    """The operator reopens a submitted sheet (a correction, or an upheld objection)."""
    assignment = _lock(Assignment, assignment, "stage__plan__call")
    _require_staff(actor, assignment.stage.plan.call.operator_id)
    if assignment.status != AssignmentStatus.SUBMITTED:
        raise Conflict(_("제출된 평가표만 다시 열 수 있습니다."), "sheet_not_submitted")
    if not (reason or "").strip():
        raise DomainError(_("다시 여는 사유를 적어 주십시오."), "reason_required", "reason")
    stage = _lock(Stage, assignment.stage)
    if stage.status == StageStatus.CLOSED:
        _transition(actor, stage, StageStatus.SCORING, reason=reason)
    before = assignment.status
    assignment.status = AssignmentStatus.ASSIGNED
    assignment.submitted_at = None
    assignment.total = None
    assignment.save(update_fields=["status", "submitted_at", "total"])
    audit.record_transition(actor, assignment, "status", before, assignment.status, reason=reason)
    return assignment


# --- cost review ---------------------------------------------------------------------------------


@transaction.atomic
def cost_review_record(actor, stage, submission, *, reviewer_body, approved_lines, reason="", now=None):
    """The appointed body's approved budget lines; cuts recompute every share with the track's rules."""
    from applications.selectors import consortium_roles_of_snapshot
    from programs.services import quote

    stage = _lock(Stage, stage, "plan__call")
    _require_staff(actor, stage.plan.call.operator_id)
    if stage.kind != StageKind.COST_REVIEW:
        raise Conflict(_("원가 검토 단계에서만 입력할 수 있습니다."), "not_cost_review")
    if stage.status != StageStatus.SCORING:
        raise Conflict(_("원가 검토 단계를 시작한 뒤 입력해 주십시오."), "stage_not_scoring")
    if submission.application.call_id != stage.plan.call_id:
        raise DomainError(_("이 공고의 신청서가 아닙니다."), "foreign_submission", "submission")
    original = {k: int(v or 0) for k, v in submission.snapshot["budget"]["lines"].items()}
    approved = {k: approved_lines.get(k, v) for k, v in original.items()}
    # unknown line names are passed on too, so a mistyped line is refused instead of ignored
    problems = rules.cut_problems(original, {**approved, **approved_lines})
    if problems:
        raise _invalid(_("인정 예산을 확인해 주십시오."), "cost_review_invalid", problems)
    if approved != original and not (reason or "").strip():
        raise DomainError(_("예산을 조정했으면 조정 사유를 적어 주십시오."), "reason_required", "reason")
    total = sum(approved.values())
    track = submission.application.track
    shares = quote(
        track,
        total,
        region_code=submission.snapshot["lead"].get("region"),
        consortium_roles=consortium_roles_of_snapshot(submission.snapshot),
    )
    lines = shares.as_json()
    decision = _decision_follows_review(stage, submission, rules.government_share(lines))
    review, created = (
        CostReview.objects.unrestricted()
        .select_for_update()
        .get_or_create(
            submission=submission,
            defaults=dict(
                stage=stage,
                reviewer_body=reviewer_body,
                original_lines=original,
                approved_lines=approved,
                approved_total=total,
                shares={"lines": lines, "sme_share": shares.sme_share},
                government_share=rules.government_share(lines),
                reason=reason,
                reviewed_by=actor,
                reviewed_at=now or timezone.now(),
            ),
        )
    )
    if created:
        audit.record_create(actor, review, reason=reason)
    else:
        before = audit.snapshot(review)
        review.reviewer_body, review.approved_lines, review.approved_total = reviewer_body, approved, total
        review.shares = {"lines": lines, "sme_share": shares.sme_share}
        review.government_share = rules.government_share(lines)
        review.reason, review.reviewed_by, review.reviewed_at = reason, actor, now or timezone.now()
        review.save()
        audit.record_update(actor, review, before, reason=reason)
    if decision is not None and decision.government_share != review.government_share:
        before = {"government_share": decision.government_share}
        decision.government_share = review.government_share
        decision.save(update_fields=["government_share"])
        audit.record_update(actor, decision, before, reason="cost review")
    return review


def _decision_follows_review(stage, submission, share):
    """A decision already made on this submission carries its government share into the budget; a
    cost review changes that share. Locks the call row first (as decide does), then the decision;
    refuses a final decision, and a larger share for a selected project that the budget cannot hold."""
    call = Call.objects.unrestricted().select_for_update().get(pk=stage.plan.call_id)
    decision = Decision.objects.unrestricted().select_for_update().filter(submission=submission).first()
    if decision is None:
        return None
    if decision.final:
        raise Conflict(
            _("심의위원회에서 확정된 결정이 있어 원가 검토 결과를 바꿀 수 없습니다."), "decision_final"
        )
    if decision.status == DecisionStatus.SELECTED and share > decision.government_share:
        committed = (
            Decision.objects.unrestricted()
            .filter(plan_id=decision.plan_id, status=DecisionStatus.SELECTED)
            .exclude(pk=decision.pk)
            .aggregate(s=Sum("government_share"))["s"]
            or 0
        )
        if committed + share > call.total_budget:
            raise Conflict(
                _(
                    "선정된 과제의 정부지원금이 %(share)s원으로 늘면 공고 예산(%(budget)s원)을 넘습니다. "
                    "먼저 이 과제나 다른 과제를 예비로 돌려 주십시오."
                )
                % {"share": f"{share:,}", "budget": f"{call.total_budget:,}"},
                "over_budget",
            )
    return decision


# --- selection -----------------------------------------------------------------------------------


@transaction.atomic
def decide(actor, plan, submission, *, status, reason="", now=None):
    """Select, waitlist or reject one ranked submission. Locks the call's row first, so concurrent
    decisions on the same call run one after another and the budget check sees every commitment."""
    call = Call.objects.unrestricted().select_for_update().get(pk=plan.call_id)
    _require_staff(actor, call.operator_id)
    now = now or timezone.now()
    if status not in DecisionStatus.values:
        raise DomainError(_("알 수 없는 결정입니다."), "decision_status", "status")
    result = selectors.final_result(plan, submission)
    if result is None:
        raise Conflict(
            _("평가 결과가 없는 신청서입니다. 평가 단계를 마감한 뒤 결정해 주십시오."), "no_result"
        )
    existing = Decision.objects.unrestricted().select_for_update().filter(submission=submission).first()
    if existing is not None and existing.final:
        raise Conflict(_("심의위원회에서 확정된 결정은 바꿀 수 없습니다."), "decision_final")
    if status != DecisionStatus.REJECTED and not result.passed:
        raise Conflict(_("과락 점수에 못 미친 신청서는 선정하거나 예비로 둘 수 없습니다."), "below_cutoff")
    if status == DecisionStatus.REJECTED and not (reason or "").strip() and result.passed:
        raise DomainError(
            _("기준을 통과한 신청서를 미선정할 때는 사유를 적어 주십시오."), "reason_required", "reason"
        )
    share = selectors.government_share_of(submission)
    track = Track.objects.get(pk=submission.application.track_id)  # fresh under the call lock
    if status == DecisionStatus.SELECTED:
        selected = (
            Decision.objects.unrestricted()
            .filter(plan=plan, status=DecisionStatus.SELECTED)
            .exclude(submission=submission)
        )
        committed = selected.aggregate(s=Sum("government_share"))["s"] or 0
        problem = rules.selection_problem(
            budget=call.total_budget,
            committed=committed,
            share=share,
            planned=track.projects_planned,
            selected_in_track=selected.filter(track=track).count(),
        )
        if problem:
            raise Conflict(problem, "over_budget" if committed + share > call.total_budget else "track_full")
    waitlist_position = None
    if status == DecisionStatus.WAITLISTED:
        waitlist_position = (
            existing.waitlist_position
            if existing is not None and existing.status == DecisionStatus.WAITLISTED
            # after the highest position given, not the count: a waitlisted project later selected
            # would otherwise hand its number to the next one waitlisted
            else (
                Decision.objects.unrestricted()
                .filter(plan=plan, track=track, status=DecisionStatus.WAITLISTED)
                .aggregate(m=Max("waitlist_position"))["m"]
                or 0
            )
            + 1
        )
    if existing is None:
        decision = Decision.objects.create(
            plan=plan,
            submission=submission,
            track=track,
            status=status,
            government_share=share,
            rank=result.rank,
            waitlist_position=waitlist_position,
            reason=reason,
            decided_by=actor,
            decided_at=now,
        )
        audit.record_create(actor, decision, reason=reason)
        return decision
    before = existing.status
    existing.status, existing.government_share, existing.rank = status, share, result.rank
    existing.waitlist_position, existing.reason, existing.decided_by, existing.decided_at = (
        waitlist_position,
        reason,
        actor,
        now,
    )
    existing.save()
    audit.record_transition(actor, existing, "status", before, status, reason=reason)
    return existing


@transaction.atomic
def decisions_finalise(actor, plan, *, now=None):
    """The deliberation committee confirms the selection: every decision becomes final."""
    call = Call.objects.unrestricted().select_for_update().get(pk=plan.call_id)
    _require_staff(actor, call.operator_id)
    now = now or timezone.now()
    pending_notes = MatchingNote.objects.unrestricted().filter(
        decision__plan=plan, status=MatchingNoteStatus.OPEN
    )
    if pending_notes.filter(respond_by__gt=now).exists():
        raise Conflict(
            _("답변 기한이 남은 매칭 검증 의견이 있습니다. 답변을 받거나 기한이 지난 뒤 확정해 주십시오."),
            "notes_open",
        )
    decisions = Decision.objects.unrestricted().filter(plan=plan, final=False)
    count = 0
    for d in decisions:
        d.final, d.finalised_at = True, now
        d.save(update_fields=["final", "finalised_at"])
        audit.record_update(actor, d, {"final": False}, reason="deliberation committee")
        count += 1
    deliberation = (
        Stage.objects.unrestricted()
        .filter(plan=plan, kind=StageKind.DELIBERATION)
        .exclude(status=StageStatus.CLOSED)
        .first()
    )
    if deliberation is not None:
        _transition(actor, deliberation, StageStatus.CLOSED, reason="selection confirmed")
    return count


@transaction.atomic
def results_release(actor, plan, *, decision_ids, now=None):
    """Tell the applicants their final decisions; the objection window starts now."""
    _require_staff(actor, plan.call.operator_id)
    now = now or timezone.now()
    decisions = list(
        Decision.objects.unrestricted()
        .select_for_update(of=("self",))
        .filter(plan=plan, pk__in=decision_ids)
        .select_related("submission__application__lead", "plan__call")
    )
    not_final = [d for d in decisions if not d.final]
    if not_final:
        raise Conflict(
            _("확정되지 않은 결정이 %(n)s건 있습니다. 심의위원회 확정 뒤 통보해 주십시오.")
            % {"n": len(not_final)},
            "decision_not_final",
        )
    released = 0
    for d in decisions:
        if d.released_at:
            continue
        d.released_at = now
        d.save(update_fields=["released_at"])
        audit.record_update(actor, d, {"released_at": None}, reason="result released")
        _notify(
            _lead_users(d.submission),
            gettext_lazy("[SFMS] 평가 결과 안내: %(call)s"),
            gettext_lazy(
                "%(call)s 신청(접수번호 %(receipt)s)의 평가 결과가 나왔습니다: %(status)s. SFMS에서 결과와 의견을 "
                "확인할 수 있으며, 이의가 있으면 %(days)s일 안에 이의신청할 수 있습니다."
            ),
            {
                "call": d.plan.call.title_ko,
                "receipt": d.submission.receipt_number,
                "status": d.get_status_display(),
                "days": plan.objection_days,
            },
        )
        released += 1
    return released


@transaction.atomic
def matching_note_send(actor, decision, *, kind, body, respond_by, now=None):
    decision = _lock(Decision, decision, "plan__call", "submission__application")
    _require_staff(actor, decision.plan.call.operator_id)
    now = now or timezone.now()
    if decision.final:
        raise Conflict(_("확정된 결정에는 매칭 검증 의견을 보낼 수 없습니다."), "decision_final")
    if respond_by <= now:
        raise DomainError(_("답변 기한은 지금 이후로 정해 주십시오."), "respond_by_past", "respond_by")
    note = MatchingNote(decision=decision, kind=kind, body=body, respond_by=respond_by, sent_by=actor)
    full_clean(note, exclude=["sent_by"])
    note.save()
    audit.record_create(actor, note)
    _notify(
        _lead_users(decision.submission),
        gettext_lazy("[SFMS] 매칭 검증 의견: %(receipt)s"),
        gettext_lazy(
            "운영기관이 신청(접수번호 %(receipt)s)에 대해 의견(%(kind)s)을 보냈습니다. %(by)s까지 SFMS에서 답변해 주십시오."
        ),
        {
            "receipt": decision.submission.receipt_number,
            "kind": note.get_kind_display(),
            "by": timezone.localtime(respond_by).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return note


@transaction.atomic
def matching_note_respond(actor, note, *, accepted, response, now=None):
    note = _lock(MatchingNote, note, "decision__submission__application")
    p = principal_for(actor)
    if note.decision.submission.application.lead_id not in p.company_ids_with(Role.SME_MEMBER):
        raise AccessDenied(_("신청 기업 담당자만 답변할 수 있습니다."))
    now = now or timezone.now()
    if note.status != MatchingNoteStatus.OPEN:
        raise Conflict(_("이미 답변했거나 기한이 지난 의견입니다."), "note_closed")
    if now > note.respond_by:
        raise Conflict(
            _("답변 기한(%(by)s)이 지났습니다. 운영기관에 문의해 주십시오.")
            % {"by": timezone.localtime(note.respond_by).strftime("%Y-%m-%d %H:%M")},
            "note_late",
        )
    if not (response or "").strip():
        raise DomainError(_("답변 내용을 적어 주십시오."), "response_required", "response")
    before = note.status
    note.status, note.accepted, note.response = MatchingNoteStatus.ANSWERED, bool(accepted), response
    note.responded_by, note.responded_at = actor, now
    note.save()
    audit.record_transition(actor, note, "status", before, note.status)
    return note


def matching_notes_expire(now=None):
    now = now or timezone.now()
    expired = 0
    for note in MatchingNote.objects.unrestricted().filter(
        status=MatchingNoteStatus.OPEN, respond_by__lt=now
    ):
        with transaction.atomic():
            note = _lock(MatchingNote, note, "decision__plan__call", "decision__submission__application")
            if note.status != MatchingNoteStatus.OPEN:
                continue
            note.status = MatchingNoteStatus.EXPIRED
            note.save(update_fields=["status"])
            audit.record_transition(None, note, "status", MatchingNoteStatus.OPEN, note.status)
            expired += 1
    return expired


# --- objections ----------------------------------------------------------------------------------


@transaction.atomic
def objection_lodge(actor, decision, *, body, now=None):
    decision = _lock(Decision, decision, "plan__call", "submission__application")
    p = principal_for(actor)
    if decision.submission.application.lead_id not in p.company_ids_with(Role.SME_MEMBER):
        raise AccessDenied(_("신청 기업 담당자만 이의신청할 수 있습니다."))
    now = now or timezone.now()
    if decision.released_at is None:
        raise Conflict(_("결과를 통보받은 뒤에 이의신청할 수 있습니다."), "not_released")
    window_end = decision.released_at + timedelta(days=decision.plan.objection_days)
    if now > window_end:
        raise Conflict(
            _("이의신청 기간(%(end)s까지)이 지났습니다.")
            % {"end": timezone.localtime(window_end).strftime("%Y-%m-%d %H:%M")},
            "objection_late",
        )
    if Objection.objects.unrestricted().filter(decision=decision, status=ObjectionStatus.LODGED).exists():
        raise Conflict(_("처리 중인 이의신청이 있습니다. 결과를 기다려 주십시오."), "objection_open")
    if not (body or "").strip():
        raise DomainError(_("이의 내용을 적어 주십시오."), "body_required", "body")
    objection = Objection.objects.create(decision=decision, body=body, lodged_by=actor, lodged_at=now)
    audit.record_create(actor, objection)
    return objection


@transaction.atomic
def objection_decide(actor, objection, *, upheld, reason, now=None):
    """Upheld: the decision is reopened and the last scored stage's sheets go back to the reviewers.
    Dismissed: the reasons are recorded and sent."""
    objection = _lock(Objection, objection, "decision__plan__call", "decision__submission__application")
    decision = objection.decision
    _require_staff(actor, decision.plan.call.operator_id)
    if objection.status != ObjectionStatus.LODGED:
        raise Conflict(_("이미 처리한 이의신청입니다."), "objection_decided")
    if not (reason or "").strip():
        raise DomainError(_("처리 사유를 적어 주십시오."), "reason_required", "reason")
    now = now or timezone.now()
    before = objection.status
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.outcome_reason, objection.reviewed_by, objection.reviewed_at = reason, actor, now
    objection.save()
    audit.record_transition(actor, objection, "status", before, objection.status, reason=reason)
    if upheld:
        d = _lock(Decision, decision)
        d.final, d.finalised_at = False, None
        d.save(update_fields=["final", "finalised_at"])
        audit.record_update(actor, d, {"final": True}, reason="objection upheld: re-evaluation")
        stage = selectors.last_scored_stage(decision.plan)
        if stage is not None:
            for a in Assignment.objects.unrestricted().filter(
                stage=stage, submission=decision.submission, status=AssignmentStatus.SUBMITTED
            ):
                assignment_reopen(actor, a, reason=reason)
    _notify(
        _lead_users(decision.submission),
        gettext_lazy("[SFMS] 이의신청 처리 결과: %(receipt)s"),
        gettext_lazy("이의신청(접수번호 %(receipt)s)이 %(status)s 처리되었습니다. 사유: %(reason)s"),
        {
            "receipt": decision.submission.receipt_number,
            "status": objection.get_status_display(),
            "reason": reason,
        },
    )
    return objection


# --- reports -------------------------------------------------------------------------------------


@transaction.atomic
def report_request(actor, plan, *, kind, submission=None):
    _require_staff(actor, plan.call.operator_id)
    if submission is not None and submission.application.call_id != plan.call_id:
        raise DomainError(_("이 공고의 신청서가 아닙니다."), "foreign_submission", "submission")
    report = EvaluationReport.objects.create(plan=plan, kind=kind, submission=submission, requested_by=actor)
    audit.record_create(actor, report)
    from .tasks import build_report

    enqueue_on_commit(build_report, report_id=report.pk)
    return report


def report_build(report_id):
    """Render the PDF for a pending report; safe to run twice."""
    from django.core.files.base import ContentFile

    from sfms.pdf import render_pdf
    from sfms.tasks import RECOVERABLE_ERRORS

    with transaction.atomic():
        report = (
            EvaluationReport.objects.unrestricted()
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=report_id, status=ReportStatus.PENDING)
            .select_related("plan__call", "submission")
            .first()
        )
        if report is None:
            return None
        try:
            with transaction.atomic():  # a savepoint: a failed read leaves the row lock usable
                template, context = selectors.report_context(report)
                pdf = render_pdf(template, context)
        except RECOVERABLE_ERRORS:
            raise  # the task retries with backoff; the row stays pending for the sweep
        except Exception as exc:
            # A bug or a missing font does not go away by retrying: the row says so and the sweep
            # leaves it alone (staff may request the report again once it is fixed).
            logger.exception("Evaluation report %s failed", report.pk)
            report.status, report.error, report.finished_at = (
                ReportStatus.FAILED,
                str(exc)[:2000],
                timezone.now(),
            )
            report.save(update_fields=["status", "error", "finished_at"])
            audit.record_transition(None, report, "status", ReportStatus.PENDING, ReportStatus.FAILED)
            return report
        report.file.save(f"{report.kind}-{report.pk}.pdf", ContentFile(pdf), save=False)
        report.status, report.finished_at = ReportStatus.DONE, timezone.now()
        report.save(update_fields=["file", "status", "finished_at"])
        audit.record_transition(None, report, "status", ReportStatus.PENDING, ReportStatus.DONE)
        return report


def reports_requeue_stale(now=None):
    from .tasks import build_report

    now = now or timezone.now()
    stale = EvaluationReport.objects.unrestricted().filter(
        status=ReportStatus.PENDING, requested_at__lt=now - timedelta(minutes=2)
    )
    ids = list(stale.values_list("pk", flat=True))
    for pk in ids:
        enqueue_on_commit(build_report, report_id=pk)
    return len(ids)
