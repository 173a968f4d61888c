"""The self-diagnosis questionnaire and the call fit score: pure rules, checked without a database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programs.diagnosis import (
    AREAS,
    LEVEL_BANDS,
    LEVELS,
    MAX_POINTS,
    QUESTIONS,
    CallFacts,
    CompanyFacts,
    DiagnosisError,
    Fit,
    Reason,
    TrackFacts,
    diagnose,
    fit_for_call,
    level_for_score,
    next_level,
    rank,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MIN_ANSWERS = {q.code: q.choices[0].value for q in QUESTIONS}
MAX_ANSWERS = {q.code: q.choices[-1].value for q in QUESTIONS}


def band_level(score):
    """The band a score falls in, computed independently of level_for_score."""
    return [level for minimum, level in LEVEL_BANDS if minimum <= score][-1]


def exact_percent(points, maximum):
    """round(100 * points / maximum) half up, via exact fractions."""
    return int(Fraction(100 * points, maximum) + Fraction(1, 2))


# --- questionnaire shape ----------------------------------------------------------------------


def test_questionnaire_shape():
    assert 8 <= len(QUESTIONS) <= 10
    assert len({q.code for q in QUESTIONS}) == len(QUESTIONS)
    assert {q.area for q in QUESTIONS} == set(AREAS)
    for q in QUESTIONS:
        assert 3 <= len(q.choices) <= 5
        assert len({c.value for c in q.choices}) == len(q.choices)
        assert q.choices[0].points == 0
        assert [c.points for c in q.choices] == sorted(c.points for c in q.choices)
        assert str(q.text) and str(q.help) and all(str(c.label) for c in q.choices)


def test_bands_run_from_none_to_advanced():
    assert [level for _, level in LEVEL_BANDS] == list(LEVELS)
    assert LEVEL_BANDS[0][0] == 0
    minimums = [m for m, _ in LEVEL_BANDS]
    assert minimums == sorted(set(minimums))


# --- diagnose ----------------------------------------------------------------------------------


def test_all_minimum_answers_score_zero():
    result = diagnose(MIN_ANSWERS)
    assert result.score == 0
    assert result.estimated_level == "none"
    assert result.area_scores == dict.fromkeys(AREAS, 0)
    assert (result.has_mes, result.has_erp, result.has_data_collection) == (False, False, False)


def test_all_maximum_answers_score_hundred():
    result = diagnose(MAX_ANSWERS)
    assert result.score == 100
    assert result.estimated_level == "advanced"
    assert result.area_scores == dict.fromkeys(AREAS, 100)
    assert (result.has_mes, result.has_erp, result.has_data_collection) == (True, True, True)


@pytest.mark.parametrize(("minimum", "level"), LEVEL_BANDS)
def test_band_edges(minimum, level):
    assert level_for_score(minimum) == level
    if minimum > 0:
        assert level_for_score(minimum - 1) == LEVELS[LEVELS.index(level) - 1]


@pytest.mark.parametrize("score", [-1, 101])
def test_band_function_refuses_out_of_range(score):
    with pytest.raises(ValueError):
        level_for_score(score)


def _answers_with_points(target):
    """Greedy answer sheet whose points total exactly ``target`` (each question can give 0..max)."""
    answers, left = {}, target
    for q in QUESTIONS:
        choice = max((c for c in q.choices if c.points <= left), key=lambda c: c.points)
        answers[q.code] = choice.value
        left -= choice.points
    assert left == 0
    return answers


@pytest.mark.parametrize(("minimum", "level"), LEVEL_BANDS[1:])
def test_answer_sheets_around_each_band_edge(minimum, level):
    """The smallest point total reaching a band lands in it; one point less lands below."""
    lowest = next(p for p in range(MAX_POINTS + 1) if exact_percent(p, MAX_POINTS) >= minimum)
    result = diagnose(_answers_with_points(lowest))
    assert result.score >= minimum
    assert result.estimated_level == level
    below = diagnose(_answers_with_points(lowest - 1))
    assert below.score < minimum
    assert below.estimated_level == LEVELS[LEVELS.index(level) - 1]


def test_score_rounds_half_up():
    """The score is the exact fraction rounded half up, never banker's rounding."""
    for points in range(MAX_POINTS + 1):
        assert diagnose(_answers_with_points(points)).score == exact_percent(points, MAX_POINTS)


def test_missing_answer_is_refused():
    answers = dict(MAX_ANSWERS)
    del answers["analysis"]
    with pytest.raises(DiagnosisError) as error:
        diagnose(answers)
    assert (error.value.code, error.value.field) == ("diagnosis", "analysis")


def test_unknown_question_is_refused():
    with pytest.raises(DiagnosisError) as error:
        diagnose({**MAX_ANSWERS, "colour": "blue"})
    assert (error.value.code, error.value.field) == ("diagnosis", "colour")


@pytest.mark.parametrize("value", ["sometimes", "", 3, None, ["full"]])
def test_invalid_choice_is_refused(value):
    with pytest.raises(DiagnosisError) as error:
        diagnose({**MAX_ANSWERS, "mes": value})
    assert (error.value.code, error.value.field) == ("diagnosis", "mes")
    assert error.value.status == 400


@pytest.mark.parametrize(
    ("question", "value", "flag", "expected"),
    [
        ("mes", "none", "has_mes", False),
        ("mes", "spreadsheet", "has_mes", False),
        ("mes", "partial", "has_mes", True),
        ("mes", "full", "has_mes", True),
        ("erp", "accounting", "has_erp", False),
        ("erp", "erp", "has_erp", True),
        ("erp", "erp_planning", "has_erp", True),
        ("data_collection", "manual", "has_data_collection", False),
        ("data_collection", "partly_automatic", "has_data_collection", True),
        ("data_collection", "realtime", "has_data_collection", True),
    ],
)
def test_has_flags_follow_the_systems_answers(question, value, flag, expected):
    assert getattr(diagnose({**MIN_ANSWERS, question: value}), flag) is expected


def test_area_scores_are_per_area():
    result = diagnose({**MIN_ANSWERS, "automation": "data_control"})
    assert result.area_scores["automation"] == 100
    assert all(v == 0 for area, v in result.area_scores.items() if area != "automation")


@given(st.fixed_dictionaries({q.code: st.sampled_from([c.value for c in q.choices]) for q in QUESTIONS}))
def test_any_answer_sheet_scores_within_bands(answers):
    result = diagnose(answers)
    assert 0 <= result.score <= 100
    assert result.estimated_level == band_level(result.score)
    points = sum(next(c.points for c in q.choices if c.value == answers[q.code]) for q in QUESTIONS)
    assert result.score == exact_percent(points, MAX_POINTS)
    assert all(0 <= v <= 100 for v in result.area_scores.values())


# --- levels ------------------------------------------------------------------------------------


def test_next_level():
    assert [next_level(level) for level in LEVELS] == [*LEVELS[1:], None]
    with pytest.raises(ValueError):
        next_level("expert")


# --- fit ---------------------------------------------------------------------------------------


def company(**overrides):
    base = dict(
        region="seoul",
        ksic_division="C29",
        level="basic",
        has_mes=False,
        has_erp=False,
        has_data_collection=False,
    )
    return CompanyFacts(**{**base, **overrides})


def track(track_id=10, level="intermediate_1", minimum="basic", **overrides):
    base = dict(allows_fast_track=False, bonus_regions=frozenset())
    return TrackFacts(track_id=track_id, level=level, minimum_current_level=minimum, **{**base, **overrides})


def call(*tracks, call_id=1, regions=(), sectors=(), closes_in=timedelta(days=20)):
    return CallFacts(
        call_id=call_id,
        eligible_regions=frozenset(regions),
        eligible_sectors=frozenset(sectors),
        closes_at=NOW + closes_in,
        delivery_model="standard",
        tracks=tracks or (track(),),
    )


def points_of(fit):
    return [r.points for r in fit.reasons]


def test_next_step_scores_base_plus_25():
    fit = fit_for_call(company(), call(), now=NOW)
    assert (fit.eligible, fit.track_id, fit.score) == (True, 10, 75)
    assert points_of(fit) == [50, 25]
    assert fit.reasons[1] == Reason(
        "다음 단계(중간1) 과제입니다", "The natural next step (Intermediate 1)", 25
    )


def test_two_steps_up_scores_10():
    fit = fit_for_call(company(), call(track(level="intermediate_2")), now=NOW)
    assert (fit.score, points_of(fit)) == (60, [50, 10])
    assert "Intermediate 2" in fit.reasons[1].text_en


def test_three_steps_up_scores_nothing_but_says_so():
    fit = fit_for_call(company(level="none"), call(track(level="intermediate_2", minimum="none")), now=NOW)
    assert (fit.eligible, fit.score, points_of(fit)) == (True, 50, [50, 0])
    assert "three or more" in fit.reasons[1].text_en


def test_next_step_track_is_preferred_over_a_bonus_two_steps_up():
    tracks = (
        track(1, "intermediate_2", bonus_regions=frozenset({"seoul"})),
        track(2, "intermediate_1"),
    )
    fit = fit_for_call(company(), call(*tracks), now=NOW)
    assert (fit.track_id, fit.score) == (2, 75)


def test_call_targeting_region_and_sector():
    fit = fit_for_call(company(), call(regions={"seoul", "busan"}, sectors={"C29"}), now=NOW)
    assert points_of(fit) == [50, 25, 10, 10]
    assert fit.score == 95
    assert [r.text_en for r in fit.reasons[2:]] == [
        "This call targets your region",
        "This call targets your sector",
    ]


def test_bonus_region_of_the_track():
    fit = fit_for_call(company(), call(track(bonus_regions=frozenset({"seoul"}))), now=NOW)
    assert points_of(fit) == [50, 25, 10]


def test_score_is_clamped_to_100():
    fit = fit_for_call(
        company(),
        call(track(bonus_regions=frozenset({"seoul"})), regions={"seoul"}, sectors={"C29"}),
        now=NOW,
    )
    assert sum(points_of(fit)) == 105
    assert fit.score == 100


def test_closing_soon_costs_10_but_stays_eligible():
    fit = fit_for_call(company(), call(closes_in=timedelta(days=2, hours=5)), now=NOW)
    assert (fit.eligible, fit.score) == (True, 65)
    assert fit.reasons[-1] == Reason("마감 임박: 2일 5시간 남았습니다", "Closing soon: 2 d 5 h left", -10)
    assert fit_for_call(company(), call(closes_in=timedelta(days=3)), now=NOW).score == 75
    last_hours = fit_for_call(company(), call(closes_in=timedelta(hours=4)), now=NOW)
    assert last_hours.reasons[-1].text_ko == "마감 임박: 4시간 남았습니다"


def test_estimated_level_costs_5_on_advancement_tracks_only():
    estimate = company(level_is_estimate=True)
    fit = fit_for_call(estimate, call(), now=NOW)
    assert (fit.score, points_of(fit)) == (70, [50, 25, -5])
    assert "official level assessment" in fit.reasons[-1].text_en
    new_build = fit_for_call(
        company(level="none", level_is_estimate=True), call(track(level="basic", minimum="none")), now=NOW
    )
    assert (new_build.score, points_of(new_build)) == (75, [50, 25])


def test_central_cap_is_a_zero_point_note():
    fit = fit_for_call(company(), call(track(max_central_amount=150_000_000)), now=NOW)
    assert fit.score == 75
    assert fit.reasons[-1] == Reason(
        "국비 지원 한도 1억 5,000만 원", "Central government support up to KRW 150,000,000", 0
    )


def test_region_outside_the_call_is_not_eligible():
    fit = fit_for_call(company(region="jeju"), call(regions={"seoul"}), now=NOW)
    assert (fit.eligible, fit.score, fit.track_id) == (False, 0, None)
    assert [r.text_en for r in fit.reasons] == ["Your region is outside the call's regions"]
    unknown = fit_for_call(company(region=None), call(regions={"seoul"}), now=NOW)
    assert not unknown.eligible and "no region on file" in unknown.reasons[0].text_en


def test_sector_outside_the_call_is_not_eligible():
    fit = fit_for_call(company(ksic_division="C10"), call(sectors={"C29"}), now=NOW)
    assert (fit.eligible, fit.score) == (False, 0)
    assert [r.text_en for r in fit.reasons] == ["Your sector is outside the call's sectors"]
    unknown = fit_for_call(company(ksic_division=None), call(sectors={"C29"}), now=NOW)
    assert not unknown.eligible and "KSIC" in unknown.reasons[0].text_en


def test_every_blocker_is_listed():
    fit = fit_for_call(
        company(region="jeju", ksic_division="C10", level="none"),
        call(regions={"seoul"}, sectors={"C29"}, closes_in=-timedelta(hours=1)),
        now=NOW,
    )
    assert not fit.eligible and fit.score == 0
    assert len(fit.reasons) == 4
    assert fit.reasons[0].text_en == "Applications have closed"
    assert all(r.points == 0 for r in fit.reasons)


def test_level_below_minimum_is_not_eligible():
    fit = fit_for_call(company(level="none"), call(), now=NOW)
    assert (fit.eligible, fit.score) == (False, 0)
    assert fit.reasons == (
        Reason(
            "현재 수준(미구축)으로는 신청할 수 없습니다. 기초 이상 수준이 필요합니다",
            "Your level (Not built) is below the call's minimum (Basic)",
            0,
        ),
    )


def test_no_track_above_the_company_is_not_eligible():
    fit = fit_for_call(company(level="advanced"), call(track(level="advanced")), now=NOW)
    assert not fit.eligible
    assert fit.reasons[0].text_en == "No track in this call targets a level above yours (Advanced)"
    same = fit_for_call(company(level="intermediate_1"), call(), now=NOW)
    assert not same.eligible


def test_fast_track_opens_intermediate_1_from_none():
    fast = track(allows_fast_track=True)
    runs_all = company(level="none", has_mes=True, has_erp=True, has_data_collection=True)
    fit = fit_for_call(runs_all, call(fast), now=NOW)
    assert (fit.eligible, fit.track_id, fit.score) == (True, 10, 75)
    assert points_of(fit) == [50, 25, 0]
    assert fit.reasons[2].text_en.startswith("Fast track")


def test_fast_track_needs_mes_erp_and_data_collection():
    fast = track(allows_fast_track=True)
    no_erp = company(level="none", has_mes=True, has_erp=False, has_data_collection=True)
    fit = fit_for_call(no_erp, call(fast), now=NOW)
    assert not fit.eligible
    assert fit.reasons[-1].text_en == "The fast track needs MES, ERP and data collection (missing: ERP)"
    not_allowed = company(level="none", has_mes=True, has_erp=True, has_data_collection=True)
    assert not fit_for_call(not_allowed, call(track()), now=NOW).eligible


def test_fast_track_prefers_intermediate_1_over_basic_on_a_tie():
    tracks = (track(1, "basic", minimum="none"), track(2, "intermediate_1", allows_fast_track=True))
    runs_all = company(level="none", has_mes=True, has_erp=True, has_data_collection=True)
    assert fit_for_call(runs_all, call(*tracks), now=NOW).track_id == 2
    # Without the fast track the natural step is Basic.
    assert fit_for_call(replace(runs_all, has_erp=False), call(*tracks), now=NOW).track_id == 1


def test_unknown_level_in_facts_is_a_programming_error():
    with pytest.raises(ValueError):
        company(level="expert")
    with pytest.raises(ValueError):
        track(minimum="top")


def fit(call_id, score, eligible=True, closes_in_days=10):
    return Fit(call_id, 1 if eligible else None, score, eligible, (), NOW + timedelta(days=closes_in_days))


def test_rank_order():
    fits = [
        fit(1, 0, eligible=False, closes_in_days=1),
        fit(2, 60),
        fit(3, 85, closes_in_days=20),
        fit(4, 85, closes_in_days=5),
        fit(5, 85, closes_in_days=5),
        fit(6, 0, eligible=False, closes_in_days=0),
    ]
    assert [f.call_id for f in rank(reversed(fits))] == [4, 5, 3, 2, 6, 1]


LEVEL = st.sampled_from(LEVELS)
REGION = st.sampled_from(["seoul", "busan", "jeju"])
SECTOR = st.sampled_from(["C10", "C29"])
TRACK = st.builds(
    TrackFacts,
    track_id=st.integers(1, 50),
    level=LEVEL,
    minimum_current_level=LEVEL,
    allows_fast_track=st.booleans(),
    bonus_regions=st.frozensets(REGION),
    max_central_amount=st.none() | st.integers(0, 10**9),
)
CALL = st.builds(
    CallFacts,
    call_id=st.integers(1, 1000),
    eligible_regions=st.frozensets(REGION),
    eligible_sectors=st.frozensets(SECTOR),
    closes_at=st.integers(-3 * 24 * 60, 30 * 24 * 60).map(lambda m: NOW + timedelta(minutes=m)),
    delivery_model=st.sampled_from(["standard", "win_win", "local_government"]),
    tracks=st.lists(TRACK, max_size=4, unique_by=lambda t: t.track_id).map(tuple),
)
COMPANY = st.builds(
    CompanyFacts,
    region=st.none() | REGION,
    ksic_division=st.none() | SECTOR,
    level=LEVEL,
    has_mes=st.booleans(),
    has_erp=st.booleans(),
    has_data_collection=st.booleans(),
    level_is_estimate=st.booleans(),
)


@given(COMPANY, CALL)
def test_any_fit_is_bounded_and_explained(company_facts, call_facts):
    result = fit_for_call(company_facts, call_facts, now=NOW)
    assert 0 <= result.score <= 100
    assert result.reasons
    assert result.eligible == (result.score > 0)
    assert result.score == max(0, min(100, sum(points_of(result))))
    if result.eligible:
        chosen = next(t for t in call_facts.tracks if t.track_id == result.track_id)
        assert LEVELS.index(chosen.level) > LEVELS.index(company_facts.level)
        assert call_facts.closes_at > NOW
    else:
        assert result.track_id is None
        assert all(r.points == 0 and r.text_ko and r.text_en for r in result.reasons)
