"""Read paths of evaluation: who may be drawn for what and why not, results, the ranking, the
reviewer's view of a submission with the supplier's data, and report contents."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext

from applications.models import EligibilityRun, Submission
from organizations.models import Company

from . import rules
from .models import (
    SCORED_STAGES,
    Assignment,
    AssignmentStatus,
    CommitteeSeat,
    CostReview,
    Decision,
    DecisionStatus,
    Exclusion,
    ExclusionReason,
    SeatStatus,
    Stage,
    StageResult,
    StageStatus,
    TrackExpertise,
)


def criterion_terms(stage):
    return [
        rules.CriterionTerms(c.code, c.max_points, c.weight, c.name_ko)
        for c in stage.criteria.all().order_by("order", "pk")
    ]


def previous_scored_stage(stage):
    """The closed scored stage before this one, whose passes feed this one (None for the first)."""
    return (
        Stage.objects.unrestricted()
        .filter(plan_id=stage.plan_id, order__lt=stage.order, status=StageStatus.CLOSED)
        .filter(kind__in=list(SCORED_STAGES))
        .order_by("-order")
        .first()
    )


def last_scored_stage(plan):
    """The last scored stage that has results: its ranking is what selection reads."""
    return (
        Stage.objects.unrestricted()
        .filter(plan=plan, kind__in=list(SCORED_STAGES))
        .filter(Exists(StageResult.objects.filter(stage=OuterRef("pk"))))
        .order_by("-order")
        .first()
    )


def eligible_submissions(stage):
    """Current submissions of the call whose latest finished eligibility check passed and, after a
    first scored stage, that passed it."""
    passed_run = (
        EligibilityRun.objects.unrestricted()
        .filter(submission=OuterRef("pk"), status="done")
        .order_by("-created_at", "-pk")
    )
    qs = (
        Submission.objects.unrestricted()
        .filter(application__call_id=stage.plan.call_id, status="submitted")
        .annotate(eligibility=Subquery(passed_run.values("outcome")[:1]))
        .filter(eligibility="pass")
        .select_related("application__track", "application__lead")
    )
    qs = qs.filter(version=F("application__current_version"))
    before = previous_scored_stage(stage)
    if before is not None:
        qs = qs.filter(pk__in=StageResult.objects.filter(stage=before, passed=True).values("submission_id"))
    return qs.order_by("pk")


@dataclass
class Situation:
    eligible: dict = field(default_factory=dict)  # submission id → reviewer ids
    existing: dict = field(default_factory=dict)  # submission id → reviewer ids already assigned
    load: dict = field(default_factory=dict)  # reviewer id → live assignments in the stage
    excluded: dict = field(default_factory=dict)  # (submission id, reviewer id) → [(reason, detail)]
    reviewers: list = field(default_factory=list)

    def as_json(self, stage):
        return {
            "reviewers_per_application": stage.reviewers_per_application,
            "load_cap": stage.load_cap,
            "reviewers": sorted(self.reviewers),
            "eligible": {str(k): sorted(v) for k, v in sorted(self.eligible.items())},
            "existing": {str(k): sorted(v) for k, v in sorted(self.existing.items())},
            "load": {str(k): v for k, v in sorted(self.load.items())},
        }


def reviewer_facts(evaluators, today):
    facts = {}
    for e in evaluators:
        interests = {
            i.company_id: i.get_kind_display()
            for i in e.interests.all()
            if i.ended_on is None or i.ended_on >= today
        }
        facts[e.pk] = rules.ReviewerFacts(
            key=e.pk,
            company_id=e.affiliation_company_id,
            group=(e.affiliation_company.business_group if e.affiliation_company_id else "") or "",
            interests=interests,
            domains=frozenset(d.pk for d in e.domains.all()),
            interests_current=bool(e.interests_valid_until and e.interests_valid_until >= today),
        )
    return facts


def applicant_facts(submissions, stage):
    """Each submission's companies as the snapshot froze them, with their business groups now."""
    company_ids = set()
    for s in submissions:
        company_ids.add(s.snapshot["lead"]["id"])
        company_ids.update(
            m["company"]["id"] for m in s.snapshot.get("members", []) if m.get("status") != "declined"
        )
    groups = dict(
        Company.objects.unrestricted().filter(pk__in=company_ids).values_list("pk", "business_group")
    )
    declined = {}
    for sub_id, rev_id in (
        Exclusion.objects.unrestricted()
        .filter(stage=stage, reason=ExclusionReason.DECLARED_ON_OPENING, submission__in=submissions)
        .values_list("submission_id", "evaluator_id")
    ):
        declined.setdefault(sub_id, set()).add(rev_id)
    facts = {}
    for s in submissions:
        lead = s.snapshot["lead"]
        members = {
            m["company"]["id"]: m["company"]["name"]
            for m in s.snapshot.get("members", [])
            if m.get("status") != "declined"
        }
        facts[s.pk] = rules.ApplicantFacts(
            key=s.pk,
            lead_id=lead["id"],
            lead_name=lead["name"],
            members=members,
            groups={cid: g for cid, g in groups.items() if g and (cid == lead["id"] or cid in members)},
            declined_by=frozenset(declined.get(s.pk, ())),
        )
    return facts


def seated_reviewers(stage):
    from .models import Evaluator

    seated = CommitteeSeat.objects.unrestricted().filter(stage=stage, status=SeatStatus.ACCEPTED)
    return list(
        Evaluator.objects.unrestricted()
        .filter(pk__in=seated.values("evaluator_id"), is_active=True)
        .select_related("affiliation_company")
        .prefetch_related("interests", "domains")
    )


def track_domains(track_ids):
    out = {t: frozenset() for t in track_ids}
    for te in (
        TrackExpertise.objects.unrestricted().filter(track_id__in=track_ids).prefetch_related("domains")
    ):
        out[te.track_id] = frozenset(d.pk for d in te.domains.all())
    return out


def draw_situation(stage, *, submission_ids=None, avoid=None):
    today = timezone.localdate()
    submissions = list(eligible_submissions(stage))
    if submission_ids is not None:
        wanted = set(int(i) for i in submission_ids)
        submissions = [s for s in submissions if s.pk in wanted]
    reviewers = seated_reviewers(stage)
    rfacts = reviewer_facts(reviewers, today)
    afacts = applicant_facts(submissions, stage)
    domains = track_domains({s.application.track_id for s in submissions})
    live = Assignment.objects.unrestricted().filter(stage=stage).exclude(status=AssignmentStatus.RELEASED)
    situation = Situation(reviewers=[r.pk for r in reviewers])
    for sub_id, rev_id in live.values_list("submission_id", "evaluator_id"):
        situation.existing.setdefault(sub_id, set()).add(rev_id)
    situation.load = dict(
        live.values("evaluator_id").annotate(n=Count("pk")).values_list("evaluator_id", "n")
    )
    avoid = avoid or {}
    for s in submissions:
        ok = set()
        for r in reviewers:
            if r.pk in situation.existing.get(s.pk, ()):
                continue
            found = rules.exclusions(rfacts[r.pk], afacts[s.pk], domains[s.application.track_id])
            if found:
                situation.excluded[(s.pk, r.pk)] = found
            elif r.pk not in avoid.get(s.pk, ()):
                ok.add(r.pk)
        situation.eligible[s.pk] = ok
    return situation


def exclusions_for(stage, submission, evaluator):
    today = timezone.localdate()
    rfacts = reviewer_facts(
        [
            type(evaluator)
            .objects.unrestricted()
            .select_related("affiliation_company")
            .prefetch_related("interests", "domains")
            .get(pk=evaluator.pk)
        ],
        today,
    )
    afacts = applicant_facts([submission], stage)
    domains = track_domains({submission.application.track_id})
    return rules.exclusions(
        rfacts[evaluator.pk], afacts[submission.pk], domains[submission.application.track_id]
    )


def exclusion_report(stage):
    """The latest reason set per (submission, reviewer) pair, for the operator's report. A pair
    assigned since (a lapsed declaration confirmed, then a new draw) is no longer excluded."""
    assigned = set(
        Assignment.objects.unrestricted()
        .filter(stage=stage)
        .exclude(status=AssignmentStatus.RELEASED)
        .values_list("submission_id", "evaluator_id")
    )
    rows = (
        Exclusion.objects.unrestricted()
        .filter(stage=stage)
        .select_related("submission", "evaluator")
        .order_by("submission_id", "evaluator_id", "-pk")
    )
    latest_draw = {}
    report = []
    for row in rows:
        key = (row.submission_id, row.evaluator_id)
        if key in assigned or (key in latest_draw and row.draw_id != latest_draw[key]):
            continue
        latest_draw.setdefault(key, row.draw_id)
        report.append(row)
    return report


def government_share_of(submission):
    """Whole won of public money the submission asks for: after cost review if there was one."""
    review = CostReview.objects.unrestricted().filter(submission=submission).only("government_share").first()
    if review is not None:
        return review.government_share
    return rules.government_share(submission.snapshot.get("shares", {}).get("lines", []))


def final_result(plan, submission):
    stage = last_scored_stage(plan)
    if stage is None:
        return None
    return StageResult.objects.unrestricted().filter(stage=stage, submission=submission).first()


@dataclass
class RankingRow:
    result: StageResult
    submission: Submission
    decision: Decision | None
    government_share: int


def ranking(plan):
    """Per track (in track order), the last scored stage's results by rank, with any decision and
    the government share the budget counts. Four queries whatever the number of applications."""
    stage = last_scored_stage(plan)
    if stage is None:
        return None, []
    results = list(
        StageResult.objects.unrestricted()
        .filter(stage=stage)
        .select_related("submission__application__lead", "track")
        .order_by("track__order", "track_id", "-passed", "rank", "-total", "pk")
    )
    sub_ids = [r.submission_id for r in results]
    decisions = {
        d.submission_id: d for d in Decision.objects.unrestricted().filter(submission_id__in=sub_ids)
    }
    reviewed = dict(
        CostReview.objects.unrestricted()
        .filter(submission_id__in=sub_ids)
        .values_list("submission_id", "government_share")
    )
    tracks = {}
    for r in results:
        share = reviewed.get(r.submission_id)
        if share is None:
            share = rules.government_share(r.submission.snapshot.get("shares", {}).get("lines", []))
        tracks.setdefault(r.track, []).append(
            RankingRow(r, r.submission, decisions.get(r.submission_id), share)
        )
    return stage, list(tracks.items())


def budget_position(plan):
    """(budget, committed to selected projects, left): whole won."""
    selected = Decision.objects.unrestricted().filter(plan=plan, status=DecisionStatus.SELECTED)
    committed = sum(selected.values_list("government_share", flat=True))
    budget = plan.call.total_budget
    return budget, committed, budget - committed


def supplier_panel(snapshot):
    """What reviewers see of each supplier in the consortium: registration status, capability
    assessment, rating with its basis, and experience by scale and sector."""
    from suppliers.models import SupplierProfile

    ids = [m["company"]["id"] for m in snapshot.get("members", []) if m.get("role") == "supplier"]
    profiles = (
        SupplierProfile.objects.filter(company_id__in=ids)
        .select_related("company")
        .prefetch_related("assessments", "cases__client_sector")
    )
    panel = []
    for profile in profiles:
        assessments = sorted(profile.assessments.all(), key=lambda a: (a.assessed_on, a.pk), reverse=True)
        cases = list(profile.cases.all())
        by_sector = {}
        for c in cases:
            key = str(c.client_sector) if c.client_sector_id else "-"
            by_sector[key] = by_sector.get(key, 0) + 1
        scales = {"under_100m": 0, "100m_500m": 0, "over_500m": 0}
        for c in cases:
            if c.amount < 100_000_000:
                scales["under_100m"] += 1
            elif c.amount <= 500_000_000:
                scales["100m_500m"] += 1
            else:
                scales["over_500m"] += 1
        panel.append(
            {
                "profile": profile,
                "status": profile.get_status_display(),
                "registered": profile.status == "registered",
                "rating": profile.rating,
                "rating_basis": profile.rating_basis,
                "assessment": assessments[0] if assessments else None,
                "case_count": len(cases),
                "by_sector": sorted(by_sector.items(), key=lambda kv: -kv[1]),
                "by_scale": scales,
                "recent_cases": sorted(cases, key=lambda c: c.year or 0, reverse=True)[:5],
            }
        )
    return panel


def _criterion_name(criterion):
    english = (translation.get_language() or "ko").startswith("en")
    return criterion.name_en if english and criterion.name_en else criterion.name_ko


def result_sheet(plan, submission, *, for_applicant=False):
    """One submission's results by stage: scores per criterion (mean), totals, pass, rank; and the
    reviewers' comments (without their names) when the call allows applicants to read them."""
    stages = list(
        Stage.objects.unrestricted().filter(plan=plan).prefetch_related("criteria").order_by("order")
    )
    results = {r.stage_id: r for r in StageResult.objects.unrestricted().filter(submission=submission)}
    sheets = (
        Assignment.objects.unrestricted()
        .filter(submission=submission, status=AssignmentStatus.SUBMITTED)
        .select_related("evaluator")
        .prefetch_related("scores__criterion")
        .order_by("stage_id", "pk")
    )
    comments = {}
    if not for_applicant or plan.show_comments:
        for position, a in enumerate(sheets, start=1):
            lines = [f"{_criterion_name(s.criterion)}: {s.comment}" for s in a.scores.all() if s.comment]
            if a.overall_comment:
                lines.append(f"{gettext('종합 의견')}: {a.overall_comment}")
            if lines:
                who = None if for_applicant else a.evaluator.name
                comments.setdefault(a.stage_id, []).append(
                    {"reviewer": who, "position": position, "lines": lines}
                )
    rows = []
    for stage in stages:
        if not stage.is_scored or stage.pk not in results:
            continue
        r = results[stage.pk]
        rows.append(
            {
                "stage": stage,
                "result": r,
                "criteria": [(c, r.criteria.get(c.code)) for c in stage.criteria.all()],
                "comments": comments.get(stage.pk, []),
            }
        )
    return rows


def report_context(report):
    from .models import ReportKind

    plan = report.plan
    if report.kind == ReportKind.APPLICATION_SUMMARY:
        submission = report.submission
        return "pdf/evaluation_summary.html", {
            "plan": plan,
            "call": plan.call,
            "submission": submission,
            "track": submission.application.track,
            "snapshot": submission.snapshot,
            "cost_reviewed": CostReview.objects.unrestricted().filter(submission=submission).exists(),
            "sheet": result_sheet(plan, submission),
            "decision": Decision.objects.unrestricted().filter(submission=submission).first(),
            "government_share": government_share_of(submission),
            "generated_at": timezone.now(),
        }
    stage, tracks = ranking(plan)
    budget, committed, left = budget_position(plan)
    seats = (
        CommitteeSeat.objects.unrestricted()
        .filter(stage__plan=plan, status=SeatStatus.ACCEPTED)
        .select_related("evaluator", "stage")
        .order_by("stage__order", "-is_chair", "evaluator__name")
    )
    return "pdf/committee_report.html", {
        "plan": plan,
        "call": plan.call,
        "stage": stage,
        "tracks": tracks,
        "budget": budget,
        "committed": committed,
        "left": left,
        "seats": seats,
        "stages": Stage.objects.unrestricted().filter(plan=plan).order_by("order"),
        "generated_at": timezone.now(),
    }


def reviewer_queue(user):
    """The reviewer's live sheets, newest stage first, with the snapshot's title and receipt."""
    return (
        Assignment.objects.reviewed_by(user)
        .select_related("stage__plan__call", "submission__application__track")
        .order_by("status", "stage__plan__call__closes_at", "pk")
    )


def open_count(stage):
    return Assignment.objects.unrestricted().filter(stage=stage, status=AssignmentStatus.ASSIGNED).count()


def stage_progress(stage):
    """Counts per assignment status, and submissions short of reviewers."""
    live = Assignment.objects.unrestricted().filter(stage=stage).exclude(status=AssignmentStatus.RELEASED)
    counts = dict(live.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    per_sub = dict(live.values("submission_id").annotate(n=Count("pk")).values_list("submission_id", "n"))
    eligible = list(eligible_submissions(stage).values_list("pk", flat=True))
    short = [s for s in eligible if per_sub.get(s, 0) < stage.reviewers_per_application]
    return {
        "assigned": counts.get("assigned", 0),
        "submitted": counts.get("submitted", 0),
        "eligible": len(eligible),
        "short": short,
    }
