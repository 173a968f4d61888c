"""Pure rules of evaluation: rubric checks, a reviewer's weighted total, aggregation across
reviewers, ranking with cut-off and tie-break, conflicts of interest and the assignment draw.

No database here: every function takes plain values, so each can be tested exhaustively.
Points are Decimals with two places; rounding is half-up, the way a score sheet is read aloud.
"""

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

TWO_PLACES = Decimal("0.01")
TRIM_FROM = 5  # trimmed mean drops one highest and one lowest from this many reviewers on


def q2(value) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionTerms:
    code: str
    max_points: int
    weight: int
    name: str = ""


def rubric_problems(criteria: list[CriterionTerms]) -> list[str]:
    """Why a rubric cannot be used, or [] when it can."""
    problems = []
    if not criteria:
        return [_("평가 항목이 없습니다. 항목을 하나 이상 추가해 주십시오.")]
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        problems.append(_("평가 항목 코드가 겹칩니다. 항목마다 다른 코드를 써 주십시오."))
    total = sum(c.weight for c in criteria)
    if total != 100:
        problems.append(
            _("가중치 합계가 %(total)s입니다. 합계가 100이 되도록 고쳐 주십시오.") % {"total": total}
        )
    return problems


def score_problems(criteria: list[CriterionTerms], points: dict, comments: dict, comment_below) -> dict:
    """Field problems of a score sheet about to be submitted: {criterion code: message}."""
    problems = {}
    for c in criteria:
        value = points.get(c.code)
        if value is None or value == "":
            problems[c.code] = _("점수를 입력해 주십시오.")
            continue
        value = Decimal(value)
        if value < 0 or value > c.max_points:
            problems[c.code] = _("점수는 0점에서 %(max)s점 사이로 입력해 주십시오.") % {"max": c.max_points}
            continue
        if value != q2(value):
            problems[c.code] = _("점수는 소수 둘째 자리까지 입력할 수 있습니다.")
            continue
        threshold = Decimal(c.max_points) * Decimal(comment_below) / 100
        if value < threshold and not (comments.get(c.code) or "").strip():
            problems[c.code] = _(
                "배점의 %(pct)s%% 미만(%(threshold)s점 미만)을 준 항목은 의견을 적어 주십시오."
            ) % {"pct": _plain(comment_below), "threshold": _plain(threshold)}
    return problems


def _plain(value) -> str:
    """12.50 → "12.5", 60.00 → "60" (normalize() alone would say "6E+1")."""
    return format(q2(value).normalize(), "f")


def weighted_total(criteria: list[CriterionTerms], points: dict) -> Decimal:
    """A reviewer's total out of 100: each criterion's share of its maximum, times its weight.

    Summed as exact fractions and rounded once: dividing by a maximum such as 15 or 30 in Decimal
    rounds each term, and the sum of those can fall just short of a half-up tie (7.575 → 7.57)."""
    total = sum((Fraction(Decimal(points[c.code])) * c.weight / c.max_points for c in criteria), Fraction(0))
    return q2(Decimal(total.numerator) / Decimal(total.denominator))


def aggregate(totals: list[Decimal], method: str) -> tuple[Decimal, bool]:
    """The stage score from the reviewers' totals, and whether the extremes were dropped.

    "trimmed_mean" drops one highest and one lowest total when there are at least five reviewers;
    with fewer it is the plain mean (dropping two of four would leave too little to judge on).
    """
    if not totals:
        raise ValueError("no totals to aggregate")
    values = sorted(Decimal(t) for t in totals)
    trimmed = method == "trimmed_mean" and len(values) >= TRIM_FROM
    if trimmed:
        values = values[1:-1]
    return q2(sum(values, Decimal(0)) / len(values)), trimmed


@dataclass(frozen=True)
class Entry:
    """One submission's aggregated result, as ranking sees it."""

    key: int  # the submission id
    total: Decimal
    criteria: dict = field(default_factory=dict)  # code → mean points
    government_share: int = 0
    submitted_at: str = ""  # ISO time: the last, stable tie-break


@dataclass(frozen=True)
class Ranked:
    key: int
    total: Decimal
    passed: bool
    rank: int | None


def rank(entries: list[Entry], *, cutoff, tie_break: list[str]) -> list[Ranked]:
    """Order one track's entries. Below the cut-off fails and gets no rank. Ties on the total are
    broken by the stated criteria (higher first), then the smaller government share (more projects
    for the budget); entries equal on all of these share a rank, listed by submission time."""
    cutoff = Decimal(cutoff)

    def merit(e):
        return (e.total, *(Decimal(e.criteria.get(code, 0)) for code in tie_break), -e.government_share)

    passed = sorted(
        (e for e in entries if e.total >= cutoff), key=lambda e: (_neg(merit(e)), e.submitted_at, e.key)
    )
    failed = sorted((e for e in entries if e.total < cutoff), key=lambda e: (-e.total, e.submitted_at, e.key))
    out, previous, current_rank = [], None, 0
    for position, e in enumerate(passed, start=1):
        m = merit(e)
        if m != previous:
            current_rank, previous = position, m
        out.append(Ranked(e.key, e.total, True, current_rank))
    out.extend(Ranked(e.key, e.total, False, None) for e in failed)
    return out


def _neg(values):
    return tuple(-v for v in values)


# --- conflicts of interest ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerFacts:
    key: int
    company_id: int | None = None  # affiliated company, if any
    group: str = ""  # business group of the affiliated company
    interests: dict = field(default_factory=dict)  # company id → interest kind
    domains: frozenset = frozenset()
    interests_current: bool = True


@dataclass(frozen=True)
class ApplicantFacts:
    key: int
    lead_id: int
    lead_name: str = ""
    members: dict = field(default_factory=dict)  # company id → name (suppliers, large firms)
    groups: dict = field(default_factory=dict)  # company id → business group
    declined_by: frozenset = frozenset()  # reviewer keys who declared a conflict on opening


def conflicts(reviewer: ReviewerFacts, applicant: ApplicantFacts) -> list[tuple[str, str]]:
    """Every reason this reviewer may not review this application: (reason code, detail)."""
    found = []
    if reviewer.key in applicant.declined_by:
        found.append(("declared_on_opening", ""))
    if reviewer.company_id is not None:
        if reviewer.company_id == applicant.lead_id:
            found.append(("affiliated_applicant", applicant.lead_name))
        elif reviewer.company_id in applicant.members:
            found.append(("affiliated_member", applicant.members[reviewer.company_id]))
    involved = {applicant.lead_id: applicant.lead_name, **applicant.members}
    for company_id, name in involved.items():
        if company_id in reviewer.interests:
            found.append(("declared_interest", f"{name} ({reviewer.interests[company_id]})"))
    if reviewer.group:
        same = sorted(name for cid, name in involved.items() if applicant.groups.get(cid) == reviewer.group)
        if same and reviewer.company_id not in involved:
            found.append(("same_group", f"{reviewer.group}: {', '.join(same)}"))
    return found


def exclusions(
    reviewer: ReviewerFacts, applicant: ApplicantFacts, track_domains: frozenset
) -> list[tuple[str, str]]:
    """Conflicts, plus the reasons that are not conflicts but still keep the reviewer off it."""
    found = conflicts(reviewer, applicant)
    if not reviewer.interests_current:
        found.append(("interests_unconfirmed", ""))
    if track_domains and not (reviewer.domains & track_domains):
        found.append(("no_expertise", ""))
    return found


# --- the draw -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    pairs: tuple  # (submission key, reviewer key), in the order drawn
    shortfalls: dict  # submission key → reviewers still missing


def draw(
    eligible: dict,
    *,
    per_application: int,
    load_cap: int,
    seed: str,
    existing: dict | None = None,
    load: dict | None = None,
) -> DrawResult:
    """Assign reviewers to submissions, reproducibly from `seed`.

    `eligible`: submission key → reviewer keys allowed to review it. `existing`: submission key →
    reviewers it already has (they count towards `per_application`). `load`: reviewer key → current
    assignments in the stage. Submissions with the fewest options go first (so scarce reviewers are
    not used up elsewhere); each takes the least-loaded eligible reviewers under the cap, the seed
    deciding among equals. The same inputs and seed always give the same pairs.
    """
    rng = random.Random(seed)  # noqa: S311 (reproducible by design; the seed comes from secrets)
    existing = {k: set(v) for k, v in (existing or {}).items()}
    load = dict(load or {})
    keys = sorted(eligible)
    rng.shuffle(keys)
    keys.sort(key=lambda k: len(eligible[k]))  # stable: shuffled order among equals
    pairs, shortfalls = [], {}
    for key in keys:
        have = existing.get(key, set())
        need = per_application - len(have)
        if need <= 0:
            continue
        candidates = sorted(r for r in eligible[key] if r not in have and load.get(r, 0) < load_cap)
        rng.shuffle(candidates)
        candidates.sort(key=lambda r: load.get(r, 0))
        chosen = candidates[:need]
        for r in chosen:
            load[r] = load.get(r, 0) + 1
            pairs.append((key, r))
        if len(chosen) < need:
            shortfalls[key] = need - len(chosen)
    return DrawResult(tuple(pairs), shortfalls)


# --- money --------------------------------------------------------------------------------------

GOVERNMENT_ROLES = frozenset({"central_government", "province", "municipality"})


def government_share(share_lines: list[dict]) -> int:
    """Whole won the public purse pays: central, provincial and municipal lines (not large firms)."""
    return sum(int(line["amount"]) for line in share_lines if line["role"] in GOVERNMENT_ROLES)


def selection_problem(*, budget: int, committed: int, share: int, planned: int, selected_in_track: int):
    """Why one more selection is not possible, or None. Both limits are hard."""
    if committed + share > budget:
        return _(
            "공고 예산을 넘습니다. 예산 %(budget)s원 중 %(committed)s원이 이미 선정되어 %(left)s원이 남았는데, "
            "이 과제의 정부지원금은 %(share)s원입니다. 다른 과제를 예비로 돌리거나 사업비를 조정한 뒤 다시 선정해 주십시오."
        ) % {
            "budget": f"{budget:,}",
            "committed": f"{committed:,}",
            "left": f"{budget - committed:,}",
            "share": f"{share:,}",
        }
    if selected_in_track + 1 > planned:
        return _(
            "이 지원 유형의 선정 예정 과제 수(%(planned)s개)를 모두 선정했습니다. 이 과제는 예비로 지정해 주십시오."
        ) % {"planned": planned}
    return None


def cut_problems(original: dict, approved: dict) -> dict:
    """Field problems of a cost review: an approved line must be whole won between 0 and the request."""
    problems = {}
    for line, asked in original.items():
        value = approved.get(line, asked)
        if not isinstance(value, int) or isinstance(value, bool):
            problems[line] = _("금액은 원 단위 정수로 입력해 주십시오.")
        elif value < 0 or value > int(asked or 0):
            problems[line] = _("인정 금액은 0원 이상, 신청 금액(%(asked)s원) 이하여야 합니다.") % {
                "asked": f"{int(asked or 0):,}"
            }
    for line in approved:
        if line not in original:
            problems[line] = _("신청서에 없는 예산 항목입니다.")
    if not problems and sum(approved.get(k, v) for k, v in original.items()) <= 0:
        problems["__all__"] = _("인정 사업비가 0원이면 지원할 수 없습니다. 미선정으로 처리해 주십시오.")
    return problems
