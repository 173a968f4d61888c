"""The pure rules of evaluation (evaluations/rules.py), without a database: rubric and score-sheet
checks, weighted totals, aggregation, ranking, conflicts of interest, the draw, and the money rules
of selection and cost review. Exact values throughout; property tests with hypothesis."""

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluations import rules
from evaluations.rules import ApplicantFacts, CriterionTerms, Entry, ReviewerFacts

D = Decimal

DEFAULT = [
    CriterionTerms("necessity", 20, 20),
    CriterionTerms("feasibility", 25, 25),
    CriterionTerms("data", 20, 20),
    CriterionTerms("supplier", 15, 15),
    CriterionTerms("effects", 20, 20),
]
FULL = {c.code: c.max_points for c in DEFAULT}


def half_up(value: Fraction) -> Decimal:
    """The expected rounding, worked out on exact fractions: half a cent and up goes up."""
    cents = value * 100
    floor = math.floor(cents)
    return D(floor + (1 if cents - floor >= Fraction(1, 2) else 0)) / 100


# --- rubric ---------------------------------------------------------------------------------------


def test_the_standard_rubric_has_no_problems():
    assert rules.rubric_problems(DEFAULT) == []


@pytest.mark.parametrize("last_weight, total", [(19, 99), (21, 101), (0, 80)])
def test_weights_must_sum_to_exactly_100(last_weight, total):
    criteria = [*DEFAULT[:-1], CriterionTerms("effects", 20, last_weight)]
    assert rules.rubric_problems(criteria) == [
        f"가중치 합계가 {total}입니다. 합계가 100이 되도록 고쳐 주십시오."
    ]


def test_duplicate_codes_are_a_problem_even_when_weights_add_up():
    criteria = [*DEFAULT[:-1], CriterionTerms("data", 20, 20)]
    assert rules.rubric_problems(criteria) == ["평가 항목 코드가 겹칩니다. 항목마다 다른 코드를 써 주십시오."]


def test_duplicate_codes_and_wrong_weights_are_both_reported():
    criteria = [CriterionTerms("a", 10, 50), CriterionTerms("a", 10, 40)]
    assert rules.rubric_problems(criteria) == [
        "평가 항목 코드가 겹칩니다. 항목마다 다른 코드를 써 주십시오.",
        "가중치 합계가 90입니다. 합계가 100이 되도록 고쳐 주십시오.",
    ]


def test_an_empty_rubric_is_refused_with_one_message():
    assert rules.rubric_problems([]) == ["평가 항목이 없습니다. 항목을 하나 이상 추가해 주십시오."]


# --- score sheet ----------------------------------------------------------------------------------

RANGE_20 = "점수는 0점에서 20점 사이로 입력해 주십시오."
DECIMALS = "점수는 소수 둘째 자리까지 입력할 수 있습니다."
MISSING = "점수를 입력해 주십시오."


def _problems(points, comments=None, comment_below=60, criteria=DEFAULT):
    return rules.score_problems(criteria, {**FULL, **points}, comments or {}, D(comment_below))


def test_a_complete_sheet_at_full_marks_has_no_problems():
    assert _problems({}) == {}


@pytest.mark.parametrize(
    "value, message",
    [
        (D("20.01"), RANGE_20),
        (D("21"), RANGE_20),
        (D("-0.01"), RANGE_20),
        (D("17.555"), DECIMALS),
        (D("17.001"), DECIMALS),
        (None, MISSING),
        ("", MISSING),
    ],
)
def test_each_bad_score_names_its_criterion(value, message):
    assert _problems({"necessity": value}) == {"necessity": message}


def test_boundaries_are_allowed_and_two_decimals_are_fine():
    assert (
        _problems({"necessity": D("0"), "data": D("20.00"), "supplier": D("14.75")}, {"necessity": "없음"})
        == {}
    )


def test_a_criterion_left_out_is_missing():
    points = {k: v for k, v in FULL.items() if k != "effects"}
    assert rules.score_problems(DEFAULT, points, {}, D(60)) == {"effects": MISSING}


def test_a_comment_is_required_strictly_below_the_threshold_and_not_at_it():
    # 60% of 20 points is 12: 11.99 needs a comment, 12 does not.
    below = "배점의 60% 미만(12점 미만)을 준 항목은 의견을 적어 주십시오."
    assert _problems({"necessity": D("11.99")}) == {"necessity": below}
    assert _problems({"necessity": D("11.99")}, {"necessity": "   "}) == {"necessity": below}
    assert _problems({"necessity": D("11.99")}, {"necessity": "근거가 부족합니다"}) == {}
    assert _problems({"necessity": D("12")}) == {}
    assert _problems({"necessity": D("12.00")}) == {}


def test_the_threshold_is_read_per_criterion_and_shown_plainly():
    # 55% of 15 points is 8.25; of 25 points 13.75. The message shows "55%" and "8.25", never 5.5E+1.
    problems = _problems({"supplier": D("8.24"), "feasibility": D("13.74")}, comment_below=55)
    assert problems == {
        "supplier": "배점의 55% 미만(8.25점 미만)을 준 항목은 의견을 적어 주십시오.",
        "feasibility": "배점의 55% 미만(13.75점 미만)을 준 항목은 의견을 적어 주십시오.",
    }
    assert _problems({"supplier": D("8.25"), "feasibility": D("13.75")}, comment_below=55) == {}
    assert _problems({"necessity": D("1")}, comment_below=10) == {
        "necessity": "배점의 10% 미만(2점 미만)을 준 항목은 의견을 적어 주십시오."
    }


def test_a_zero_threshold_never_asks_for_comments():
    assert _problems({"necessity": D("0")}, comment_below=0) == {}


# --- weighted total -------------------------------------------------------------------------------


def test_weighted_total_scales_each_criterion_to_its_weight():
    criteria = [CriterionTerms("a", 20, 20), CriterionTerms("b", 10, 30), CriterionTerms("c", 50, 50)]
    # 18/20·20 + 7/10·30 + 40/50·50 = 18 + 21 + 40
    assert rules.weighted_total(criteria, {"a": D("18"), "b": D("7"), "c": D("40")}) == D("79.00")
    assert rules.weighted_total(criteria, {"a": D("20"), "b": D("10"), "c": D("50")}) == D("100.00")
    assert rules.weighted_total(criteria, {"a": D("0"), "b": D("0"), "c": D("0")}) == D("0.00")


def test_weighted_total_on_the_standard_rubric_is_the_sum_of_points():
    points = {
        "necessity": D("18"),
        "feasibility": D("21.5"),
        "data": D("15"),
        "supplier": D("12.25"),
        "effects": D("17"),
    }
    assert rules.weighted_total(DEFAULT, points) == D("83.75")


def test_weighted_total_rounds_half_up_to_two_places():
    criteria = [CriterionTerms("a", 15, 40), CriterionTerms("b", 30, 60)]
    # 10/15·40 = 26.666…, 20/30·60 = 40 → 66.666… → 66.67
    assert rules.weighted_total(criteria, {"a": D("10"), "b": D("20")}) == D("66.67")
    # 0.01/20·50 + 0 = 0.025 → 0.03 (half-up, not to even)
    half = [CriterionTerms("a", 20, 50), CriterionTerms("b", 20, 50)]
    assert rules.weighted_total(half, {"a": D("0.01"), "b": D("0")}) == D("0.03")


def test_weighted_total_is_exact_at_a_half_cent_reached_through_thirds():
    # 9.04/30·30 + 4.04/15·20 + 2.5/15·15 + 21.89/30·35 = 42.465 exactly: half-up gives 42.47.
    # Dividing each term in Decimal first lands on 42.4649…, which rounded to 42.46.
    criteria = [
        CriterionTerms("a", 30, 30),
        CriterionTerms("b", 15, 20),
        CriterionTerms("c", 15, 15),
        CriterionTerms("d", 30, 35),
    ]
    points = {"a": D("9.04"), "b": D("4.04"), "c": D("2.50"), "d": D("21.89")}
    assert rules.weighted_total(criteria, points) == D("42.47")


MAXES = st.sampled_from([3, 6, 7, 10, 12, 15, 20, 25, 30])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(MAXES, st.integers(1, 40), st.integers(0, 10_000)), min_size=1, max_size=6))
def test_weighted_total_equals_the_exact_sum_rounded_half_up(specs):
    criteria, points, exact = [], {}, Fraction(0)
    for n, (max_points, weight, cents) in enumerate(specs):
        value = D(cents % (max_points * 100 + 1)) / 100
        criteria.append(CriterionTerms(f"c{n}", max_points, weight))
        points[f"c{n}"] = value
        exact += Fraction(value) * weight / max_points
    assert rules.weighted_total(criteria, points) == half_up(exact)


# --- aggregation ----------------------------------------------------------------------------------


def test_plain_mean():
    assert rules.aggregate([D("80"), D("90"), D("70")], "mean") == (D("80.00"), False)
    assert rules.aggregate([D("70"), D("70"), D("71")], "mean") == (D("70.33"), False)
    assert rules.aggregate([D("70"), D("71"), D("71")], "mean") == (D("70.67"), False)
    assert rules.aggregate([D("88.88")], "mean") == (D("88.88"), False)


def test_mean_rounds_half_up():
    assert rules.aggregate([D("80.00"), D("80.01")], "mean") == (D("80.01"), False)
    assert rules.aggregate([D("0.01"), D("0.00")], "mean") == (D("0.01"), False)


def test_trimmed_mean_drops_exactly_one_highest_and_one_lowest_from_five():
    assert rules.aggregate([D("50"), D("70"), D("80"), D("90"), D("100")], "trimmed_mean") == (
        D("80.00"),
        True,
    )
    # Equal extremes: only one of each goes.
    assert rules.aggregate([D("60"), D("100"), D("80"), D("60"), D("100")], "trimmed_mean") == (
        D("80.00"),
        True,
    )
    # Plain mean of the same five is different, so the trimming is visible.
    assert rules.aggregate([D("50"), D("70"), D("80"), D("90"), D("100")], "mean") == (D("78.00"), False)


def test_trimmed_mean_with_six_keeps_four_and_rounds_half_up():
    totals = [D("0"), D("80.00"), D("80.01"), D("80.00"), D("80.01"), D("100")]
    assert rules.aggregate(totals, "trimmed_mean") == (D("80.01"), True)  # 320.02 / 4 = 80.005


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_trimmed_mean_below_five_reviewers_is_the_plain_mean(count):
    totals = [D("50"), D("70"), D("90"), D("100")][:count]
    expected = half_up(sum((Fraction(t) for t in totals), Fraction(0)) / count)
    assert rules.aggregate(totals, "trimmed_mean") == (expected, False)
    assert rules.aggregate([D("50"), D("70"), D("90"), D("100")], "trimmed_mean") == (D("77.50"), False)


def test_no_totals_is_an_error():
    with pytest.raises(ValueError):
        rules.aggregate([], "mean")


TOTALS = st.lists(st.integers(0, 10_000).map(lambda c: D(c) / 100), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(TOTALS, st.sampled_from(["mean", "trimmed_mean"]))
def test_aggregate_is_the_exact_mean_of_what_it_keeps(totals, method):
    value, trimmed = rules.aggregate(totals, method)
    kept = sorted(totals)
    assert trimmed == (method == "trimmed_mean" and len(totals) >= 5)
    if trimmed:
        kept = kept[1:-1]
    assert value == half_up(sum((Fraction(t) for t in kept), Fraction(0)) / len(kept))
    assert min(totals) <= value <= max(totals)


# --- ranking --------------------------------------------------------------------------------------


def _order(ranked):
    return [(r.key, r.total, r.passed, r.rank) for r in ranked]


def test_a_total_exactly_at_the_cutoff_passes_and_one_cent_below_fails_without_a_rank():
    entries = [Entry(1, D("69.99")), Entry(2, D("70.00")), Entry(3, D("85.00")), Entry(4, D("40.00"))]
    assert _order(rules.rank(entries, cutoff=D("70"), tie_break=[])) == [
        (3, D("85.00"), True, 1),
        (2, D("70.00"), True, 2),
        (1, D("69.99"), False, None),
        (4, D("40.00"), False, None),
    ]


def test_ties_are_broken_by_the_stated_criteria_in_order():
    a = Entry(1, D("85"), {"feasibility": "20.00", "data": "18.00"}, 50_000_000, "2026-03-01T09:00")
    b = Entry(2, D("85"), {"feasibility": "22.00", "data": "10.00"}, 50_000_000, "2026-03-01T08:00")
    c = Entry(3, D("85"), {"feasibility": "20.00", "data": "19.00"}, 50_000_000, "2026-03-01T07:00")
    by_feasibility = rules.rank([a, b, c], cutoff=60, tie_break=["feasibility", "data"])
    assert [(r.key, r.rank) for r in by_feasibility] == [(2, 1), (3, 2), (1, 3)]
    by_data = rules.rank([a, b, c], cutoff=60, tie_break=["data", "feasibility"])
    assert [(r.key, r.rank) for r in by_data] == [(3, 1), (1, 2), (2, 3)]


def test_then_the_smaller_government_share_goes_first():
    a = Entry(1, D("85"), {"data": "18.00"}, 50_000_000, "2026-03-01T07:00")
    b = Entry(2, D("85"), {"data": "18.00"}, 40_000_000, "2026-03-01T09:00")
    assert [(r.key, r.rank) for r in rules.rank([a, b], cutoff=60, tie_break=["data"])] == [(2, 1), (1, 2)]


def test_full_ties_share_a_rank_listed_by_submission_time_and_the_next_rank_skips():
    late = Entry(1, D("85"), {"data": "18.00", "effects": "10.00"}, 50_000_000, "2026-03-01T10:00:00+09:00")
    early = Entry(2, D("85"), {"data": "18.00", "effects": "19.00"}, 50_000_000, "2026-03-01T09:00:00+09:00")
    lower = Entry(3, D("84.99"), {"data": "20.00"}, 10_000_000, "2026-03-01T08:00:00+09:00")
    ranked = rules.rank([late, lower, early], cutoff=60, tie_break=["data"])  # "effects" is not a tie-break
    assert _order(ranked) == [
        (2, D("85"), True, 1),
        (1, D("85"), True, 1),
        (3, D("84.99"), True, 3),
    ]


def test_total_beats_every_tie_break():
    high = Entry(1, D("80.01"), {"data": "0.00"}, 90_000_000)
    low = Entry(2, D("80.00"), {"data": "20.00"}, 1_000)
    assert [r.key for r in rules.rank([low, high], cutoff=0, tie_break=["data"])] == [1, 2]


def test_failed_entries_come_last_by_total():
    entries = [Entry(1, D("10")), Entry(2, D("59.99")), Entry(3, D("30"))]
    assert _order(rules.rank(entries, cutoff=60, tie_break=[])) == [
        (2, D("59.99"), False, None),
        (3, D("30"), False, None),
        (1, D("10"), False, None),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(5_000, 9_000), st.integers(0, 3), st.integers(1, 3)), min_size=1, max_size=15
    ),
    st.integers(5_000, 9_000),
)
def test_rank_properties(specs, cutoff_cents):
    entries = [
        Entry(n, D(total) / 100, {"data": str(crit)}, share * 10_000_000, f"2026-03-01T09:{n:02d}")
        for n, (total, crit, share) in enumerate(specs)
    ]
    cutoff = D(cutoff_cents) / 100
    ranked = rules.rank(entries, cutoff=cutoff, tie_break=["data"])
    assert sorted(r.key for r in ranked) == list(range(len(entries)))
    passed = [r for r in ranked if r.passed]
    assert all(r.total >= cutoff for r in passed)
    assert all(r.total < cutoff and r.rank is None for r in ranked if not r.passed)
    assert ranked[: len(passed)] == passed  # passes first
    for position, r in enumerate(passed, start=1):
        assert 1 <= r.rank <= position
    assert [r.total for r in passed] == sorted((r.total for r in passed), reverse=True)


# --- conflicts of interest ------------------------------------------------------------------------

LEAD, SUPPLIER, LARGE = 101, 202, 303
APPLICANT = ApplicantFacts(
    key=1,
    lead_id=LEAD,
    lead_name="한빛정밀",
    members={SUPPLIER: "스마트솔루션", LARGE: "대한전자"},
    groups={LARGE: "대한그룹"},
)


def test_a_university_reviewer_without_interests_has_no_conflict():
    assert rules.conflicts(ReviewerFacts(key=7), APPLICANT) == []


def test_affiliated_with_the_applicant():
    assert rules.conflicts(ReviewerFacts(key=7, company_id=LEAD), APPLICANT) == [
        ("affiliated_applicant", "한빛정밀")
    ]


@pytest.mark.parametrize("company_id, name", [(SUPPLIER, "스마트솔루션"), (LARGE, "대한전자")])
def test_affiliated_with_a_consortium_member(company_id, name):
    found = rules.conflicts(ReviewerFacts(key=7, company_id=company_id), APPLICANT)
    assert found[0] == ("affiliated_member", name)
    assert [r for r, _ in found] == ["affiliated_member"]


@pytest.mark.parametrize(
    "kind", ["재직·고용", "자문·용역 등 업무 관계", "개인적 관계", "주식·채권 등 재산상 이해", "가족 관계"]
)
@pytest.mark.parametrize("company_id, name", [(LEAD, "한빛정밀"), (SUPPLIER, "스마트솔루션")])
def test_a_declared_interest_of_each_kind_in_any_involved_company(kind, company_id, name):
    reviewer = ReviewerFacts(key=7, interests={company_id: kind})
    assert rules.conflicts(reviewer, APPLICANT) == [("declared_interest", f"{name} ({kind})")]


def test_an_interest_in_an_uninvolved_company_is_no_conflict():
    assert rules.conflicts(ReviewerFacts(key=7, interests={999: "가족 관계"}), APPLICANT) == []


def test_same_business_group_as_a_member():
    reviewer = ReviewerFacts(key=7, company_id=404, group="대한그룹")
    assert rules.conflicts(reviewer, APPLICANT) == [("same_group", "대한그룹: 대한전자")]


def test_same_business_group_as_the_lead():
    applicant = ApplicantFacts(key=1, lead_id=LEAD, lead_name="한빛정밀", groups={LEAD: "한빛그룹"})
    reviewer = ReviewerFacts(key=7, company_id=404, group="한빛그룹")
    assert rules.conflicts(reviewer, applicant) == [("same_group", "한빛그룹: 한빛정밀")]


def test_no_group_conflict_when_the_group_is_empty_or_different():
    no_group = ApplicantFacts(key=1, lead_id=LEAD, lead_name="한빛정밀", groups={LEAD: ""})
    assert rules.conflicts(ReviewerFacts(key=7, company_id=404, group=""), no_group) == []
    assert rules.conflicts(ReviewerFacts(key=7, company_id=404, group=""), APPLICANT) == []
    assert rules.conflicts(ReviewerFacts(key=7, company_id=404, group="다른그룹"), APPLICANT) == []


def test_declared_on_opening():
    applicant = ApplicantFacts(key=1, lead_id=LEAD, declined_by=frozenset({7}))
    assert rules.conflicts(ReviewerFacts(key=7), applicant) == [("declared_on_opening", "")]
    assert rules.conflicts(ReviewerFacts(key=8), applicant) == []


def test_several_reasons_are_all_reported():
    applicant = ApplicantFacts(
        key=1,
        lead_id=LEAD,
        lead_name="한빛정밀",
        members={SUPPLIER: "스마트솔루션"},
        declined_by=frozenset({7}),
    )
    reviewer = ReviewerFacts(key=7, company_id=SUPPLIER, interests={LEAD: "가족 관계"})
    assert rules.conflicts(reviewer, applicant) == [
        ("declared_on_opening", ""),
        ("affiliated_member", "스마트솔루션"),
        ("declared_interest", "한빛정밀 (가족 관계)"),
    ]


def test_lapsed_declarations_keep_a_reviewer_off_without_being_a_conflict():
    reviewer = ReviewerFacts(key=7, interests_current=False)
    assert rules.conflicts(reviewer, APPLICANT) == []
    assert rules.exclusions(reviewer, APPLICANT, frozenset()) == [("interests_unconfirmed", "")]


def test_expertise_must_match_one_of_the_track_domains():
    mes_only = ReviewerFacts(key=7, domains=frozenset({"mes"}))
    assert rules.exclusions(mes_only, APPLICANT, frozenset({"erp", "iot"})) == [("no_expertise", "")]
    assert rules.exclusions(mes_only, APPLICANT, frozenset({"erp", "mes"})) == []


def test_a_track_without_domains_takes_any_reviewer():
    assert rules.exclusions(ReviewerFacts(key=7), APPLICANT, frozenset()) == []


def test_exclusions_list_conflicts_first_then_the_other_reasons():
    reviewer = ReviewerFacts(key=7, company_id=LEAD, interests_current=False, domains=frozenset({"mes"}))
    assert rules.exclusions(reviewer, APPLICANT, frozenset({"erp"})) == [
        ("affiliated_applicant", "한빛정밀"),
        ("interests_unconfirmed", ""),
        ("no_expertise", ""),
    ]


# --- the draw -------------------------------------------------------------------------------------


def _everyone(submissions, reviewers):
    return {s: set(reviewers) for s in submissions}


def _loads(pairs, start=None):
    load = dict(start or {})
    for _s, r in pairs:
        load[r] = load.get(r, 0) + 1
    return load


def test_same_seed_and_inputs_give_the_same_pairs():
    eligible = _everyone(range(1, 21), range(100, 110))
    first = rules.draw(eligible, per_application=3, load_cap=10, seed="2026-technical")
    again = rules.draw(
        {s: set(sorted(r, reverse=True)) for s, r in reversed(list(eligible.items()))},
        per_application=3,
        load_cap=10,
        seed="2026-technical",
    )
    assert first == again
    assert len(first.pairs) == 60


def test_a_different_seed_usually_gives_different_pairs():
    eligible = _everyone(range(1, 21), range(100, 110))
    outcomes = {
        rules.draw(eligible, per_application=3, load_cap=10, seed=f"seed-{n}").pairs for n in range(10)
    }
    assert len(outcomes) >= 9


def test_each_submission_gets_per_application_distinct_reviewers():
    result = rules.draw(_everyone(range(1, 8), range(100, 106)), per_application=4, load_cap=10, seed="x")
    per_sub = {}
    for s, r in result.pairs:
        per_sub.setdefault(s, []).append(r)
    assert {s: len(set(rs)) for s, rs in per_sub.items()} == dict.fromkeys(range(1, 8), 4)
    assert result.shortfalls == {}


def test_reviewers_are_balanced_within_one_when_everyone_is_eligible():
    for seed in range(20):
        result = rules.draw(
            _everyone(range(1, 12), range(100, 107)), per_application=3, load_cap=15, seed=str(seed)
        )
        load = _loads(result.pairs)
        assert sum(load.values()) == 33
        assert max(load.values()) - min(load.values()) <= 1, (seed, load)
        assert set(load) == set(range(100, 107))


def test_the_load_cap_is_never_exceeded_and_the_rest_is_a_shortfall():
    # 10 submissions × 3 = 30 places; 4 reviewers × cap 5 = 20 places.
    result = rules.draw(_everyone(range(1, 11), range(100, 104)), per_application=3, load_cap=5, seed="cap")
    load = _loads(result.pairs)
    assert load == dict.fromkeys(range(100, 104), 5)
    assert sum(result.shortfalls.values()) == 10


def test_existing_assignments_count_towards_the_places_and_the_load():
    eligible = {1: {100, 101, 102, 103}, 2: {100, 101, 102, 103}, 3: {100, 101, 102, 103}}
    result = rules.draw(
        eligible,
        per_application=3,
        load_cap=2,
        seed="existing",
        existing={1: {200, 201}, 2: {200, 201, 202}},
        load={100: 2, 101: 1},
    )
    per_sub = {}
    for s, r in result.pairs:
        per_sub.setdefault(s, set()).add(r)
    assert len(per_sub[1]) == 1 and 2 not in per_sub and len(per_sub[3]) == 3
    assert 100 not in {r for _s, r in result.pairs}  # already at the cap
    assert _loads(result.pairs, {100: 2, 101: 1})[101] <= 2
    assert result.shortfalls == {}


def test_an_existing_reviewer_is_not_drawn_again_for_the_same_submission():
    result = rules.draw({1: {100, 101}}, per_application=2, load_cap=5, seed="s", existing={1: {100}})
    assert result.pairs == ((1, 101),)


def test_shortfalls_are_reported_when_too_few_are_eligible():
    eligible = {1: {100, 101}, 2: set(), 3: {100, 101, 102}}
    result = rules.draw(eligible, per_application=3, load_cap=10, seed="short")
    assert result.shortfalls == {1: 1, 2: 3}
    assert sorted(r for s, r in result.pairs if s == 1) == [100, 101]


def test_excluded_reviewers_are_never_drawn():
    eligible = {s: {100, 101, 102, 103, 104} - {100 + s % 5} for s in range(1, 31)}
    for seed in range(10):
        result = rules.draw(eligible, per_application=3, load_cap=30, seed=f"x{seed}")
        assert all(r in eligible[s] for s, r in result.pairs)
        assert result.shortfalls == {}


def test_scarce_reviewers_are_kept_for_the_submissions_that_need_them():
    # Submission 1 can only have 100; the others could take anyone. 100 has room for one.
    eligible = {1: {100}, 2: {100, 101, 102}, 3: {100, 101, 102}}
    for seed in range(10):
        result = rules.draw(eligible, per_application=1, load_cap=1, seed=str(seed))
        assert (1, 100) in result.pairs and result.shortfalls == {}


@st.composite
def draw_inputs(draw):
    subs = draw(st.integers(1, 12))
    revs = draw(st.integers(1, 8))
    reviewers = list(range(100, 100 + revs))
    eligible = {s: set(draw(st.lists(st.sampled_from(reviewers), max_size=revs))) for s in range(1, subs + 1)}
    existing = {
        s: set(draw(st.lists(st.sampled_from(reviewers), max_size=2))) - eligible[s]
        for s in range(1, subs + 1)
        if draw(st.booleans())
    }
    per_application = draw(st.integers(1, 4))
    load_cap = draw(st.integers(1, 6))
    load = {r: draw(st.integers(0, load_cap)) for r in reviewers if draw(st.booleans())}
    return eligible, existing, load, per_application, load_cap, draw(st.text(max_size=8))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw_inputs())
def test_draw_properties(inputs):
    eligible, existing, load, per_application, load_cap, seed = inputs
    result = rules.draw(
        eligible, per_application=per_application, load_cap=load_cap, seed=seed, existing=existing, load=load
    )
    assert result == rules.draw(
        eligible, per_application=per_application, load_cap=load_cap, seed=seed, existing=existing, load=load
    )
    assert len(set(result.pairs)) == len(result.pairs)
    final = _loads(result.pairs, load)
    drawn = {}
    for s, r in result.pairs:
        assert r in eligible[s] and r not in existing.get(s, set())
        assert load.get(r, 0) < load_cap  # only reviewers with room were drawn
        drawn.setdefault(s, set()).add(r)
    assert all(final[r] <= load_cap for r in {r for _s, r in result.pairs})
    for s in eligible:
        need = max(per_application - len(existing.get(s, ())), 0)
        got = len(drawn.get(s, ()))
        assert got <= need
        assert result.shortfalls.get(s, 0) == need - got
        if need - got:  # short only because everyone else eligible was full
            left = eligible[s] - existing.get(s, set()) - drawn.get(s, set())
            assert all(final.get(r, 0) >= load_cap for r in left)


# --- money ----------------------------------------------------------------------------------------


def test_government_share_counts_central_province_and_municipality_not_large_firms():
    lines = [
        {"role": "central_government", "amount": 15_000_000},
        {"role": "province", "amount": 7_000_000},
        {"role": "municipality", "amount": 3_000_000},
        {"role": "large_firm", "amount": 30_000_000},
        {"role": "other", "amount": 1_000_000},
    ]
    assert rules.government_share(lines) == 25_000_000
    assert rules.government_share([{"role": "large_firm", "amount": 30_000_000}]) == 0
    assert rules.government_share([]) == 0


def test_selection_may_use_the_budget_exactly():
    assert (
        rules.selection_problem(
            budget=1_000_000_000, committed=950_000_000, share=50_000_000, planned=5, selected_in_track=4
        )
        is None
    )


def test_one_won_over_the_budget_is_refused_with_the_figures():
    problem = rules.selection_problem(
        budget=1_000_000_000, committed=950_000_000, share=50_000_001, planned=5, selected_in_track=0
    )
    assert problem == (
        "공고 예산을 넘습니다. 예산 1,000,000,000원 중 950,000,000원이 이미 선정되어 50,000,000원이 남았는데, "
        "이 과제의 정부지원금은 50,000,001원입니다. 다른 과제를 예비로 돌리거나 사업비를 조정한 뒤 다시 선정해 주십시오."
    )


def test_the_track_planned_count_is_a_hard_limit():
    assert rules.selection_problem(budget=10, committed=0, share=1, planned=5, selected_in_track=4) is None
    assert rules.selection_problem(budget=10, committed=0, share=1, planned=5, selected_in_track=5) == (
        "이 지원 유형의 선정 예정 과제 수(5개)를 모두 선정했습니다. 이 과제는 예비로 지정해 주십시오."
    )


def test_budget_is_reported_before_the_planned_count():
    problem = rules.selection_problem(budget=10, committed=10, share=1, planned=1, selected_in_track=1)
    assert problem.startswith("공고 예산을 넘습니다.")


ORIGINAL = {"software": 40_000_000, "hardware": 30_000_000, "integration": 20_000_000, "other": 0}


def test_a_cost_review_may_keep_or_cut_lines():
    assert rules.cut_problems(ORIGINAL, dict(ORIGINAL)) == {}
    assert rules.cut_problems(ORIGINAL, {"software": 20_000_000}) == {}  # lines not named stay as asked
    assert rules.cut_problems(ORIGINAL, {**ORIGINAL, "hardware": 0}) == {}


@pytest.mark.parametrize(
    "value, message",
    [
        (40_000_001, "인정 금액은 0원 이상, 신청 금액(40,000,000원) 이하여야 합니다."),
        (-1, "인정 금액은 0원 이상, 신청 금액(40,000,000원) 이하여야 합니다."),
        ("20000000", "금액은 원 단위 정수로 입력해 주십시오."),
        (20_000_000.0, "금액은 원 단위 정수로 입력해 주십시오."),
        (True, "금액은 원 단위 정수로 입력해 주십시오."),
        (None, "금액은 원 단위 정수로 입력해 주십시오."),
    ],
)
def test_a_bad_approved_line_is_named(value, message):
    assert rules.cut_problems(ORIGINAL, {"software": value}) == {"software": message}


def test_a_line_not_in_the_application_is_refused():
    assert rules.cut_problems(ORIGINAL, {"travel": 1_000}) == {"travel": "신청서에 없는 예산 항목입니다."}


def test_cutting_everything_is_refused():
    assert rules.cut_problems(ORIGINAL, dict.fromkeys(ORIGINAL, 0)) == {
        "__all__": "인정 사업비가 0원이면 지원할 수 없습니다. 미선정으로 처리해 주십시오."
    }


def test_q2_rounds_half_up():
    assert rules.q2(D("0.005")) == D("0.01")
    assert rules.q2(D("0.015")) == D("0.02")
    assert rules.q2(D("2.675")) == D("2.68")
    assert rules.q2(D("-0.005")) == D("-0.01")
    assert D("2.675").quantize(D("0.01"), rounding=ROUND_HALF_UP) == rules.q2("2.675")
