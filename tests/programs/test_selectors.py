"""Read paths: recommendation order and reasons, the track prerequisites feeding the rules,
saved-search matching through the page's FilterSet, constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs import eligibility, selectors
from programs.models import CallStatus, EligibilityRule, SelfDiagnosis
from tests import factories

pytestmark = pytest.mark.django_db


def _open_call(operator, levels=("basic",), regions=(), **extra):
    extra.setdefault("opens_in_days", -1)
    call = factories.make_call(operator, status=CallStatus.OPEN, **extra)
    call.eligible_regions.set(regions)
    for order, level in enumerate(levels):
        minimum = {"basic": "none", "intermediate_1": "basic"}.get(level, "intermediate_1")
        factories.make_track(call, level, minimum_current_level=minimum, order=order)
    for order, (kind, params) in enumerate(eligibility.default_rules_for_level("basic")):
        EligibilityRule.objects.create(call=call, kind=kind, params=params, order=order)
    return call


def test_recommendations_rank_next_step_and_own_region_first(operator):
    company = factories.make_company(region_code="48", smart_factory_level="basic")
    nationwide = _open_call(operator, levels=("intermediate_1",))
    regional = _open_call(operator, levels=("intermediate_1",), regions=["48"])
    elsewhere = _open_call(operator, levels=("intermediate_1",), regions=["11"])
    too_high = _open_call(operator, levels=("advanced",))
    rows = selectors.recommendations(company)
    order = [call.pk for call, _fit, _results in rows]
    assert order[:2] == [regional.pk, nationwide.pk]
    by_call = {call.pk: (fit, results) for call, fit, results in rows}
    assert by_call[regional.pk][0].score == by_call[nationwide.pk][0].score + 10
    assert not by_call[elsewhere.pk][0].eligible
    assert not by_call[too_high.pk][0].eligible
    fit, results = by_call[regional.pk]
    assert selectors.is_recommendable(fit, results)
    # Before applying, documents, suppliers, past support and declarations can only be reviewed.
    outcomes = {r.kind: r.outcome for r in results}
    assert outcomes["supplier_approved"] == eligibility.Outcome.REVIEW
    assert outcomes["production_facility"] == eligibility.Outcome.PASS


def test_a_failed_rule_makes_a_fitting_call_not_recommendable(operator):
    big = factories.make_company(employees=900, annual_revenue=400_000_000_000)
    call = _open_call(operator)
    [(row_call, fit, results)] = selectors.recommendations(big)
    assert row_call == call and fit.eligible
    assert not selectors.is_recommendable(fit, results)
    failed = [r for r in results if r.outcome == eligibility.Outcome.FAIL]
    assert [r.kind for r in failed] == ["sme_size"]
    assert "900" in failed[0].reason_ko


def test_self_diagnosis_estimate_stands_in_for_a_missing_official_level(operator):
    company = factories.make_company(smart_factory_level="none")
    call = _open_call(operator, levels=("intermediate_1",))
    [(_c, fit, _r)] = selectors.recommendations(company)
    assert not fit.eligible
    estimate = SelfDiagnosis(company=company, answers={}, score=40, estimated_level="basic")
    [(_c, fit, _r)] = selectors.recommendations(company, estimate=estimate)
    assert fit.eligible and fit.track_id == call.tracks.get().pk
    assert any(r.points == -5 for r in fit.reasons)  # an estimate is flagged as one


def test_track_prerequisites_feed_the_minimum_level_rule(operator):
    call = _open_call(operator, levels=("intermediate_2",))
    track = call.tracks.get()
    rules = dict(selectors.rules_for_track(call, track))
    assert rules["minimum_level"]["minimum"] == "intermediate_1"
    assert rules["minimum_level"]["allow_fast_track"] is False


def test_closed_and_draft_calls_are_never_recommended(operator):
    company = factories.make_company()
    _open_call(operator, closes_in_days=-1, opens_in_days=-5)
    factories.make_track(factories.make_call(operator), "basic")
    assert selectors.recommendations(company) == []


def test_recommendations_query_count_does_not_grow_with_calls(operator):
    company = factories.make_company()
    _open_call(operator)
    with CaptureQueriesContext(connection) as one:
        selectors.recommendations(company)
    for _ in range(3):
        _open_call(operator, levels=("basic", "intermediate_1"), regions=["41"])
    with CaptureQueriesContext(connection) as four:
        assert len(selectors.recommendations(company)) == 4
    assert len(four) == len(one)


def test_search_matches_uses_the_list_filters(operator):
    call = _open_call(operator, levels=("advanced",), regions=["47"])
    assert selectors.search_matches({"level": "advanced", "region": "47"}, call)
    assert not selectors.search_matches({"level": "basic"}, call)
    assert not selectors.search_matches({"region": "11"}, call)
    assert not selectors.search_matches({"region": "zz"}, call)  # an invalid saved value never matches
    assert selectors.search_matches({"q": call.title_ko[:8]}, call)
    soon = timezone.localdate() + datetime.timedelta(days=1)
    assert not selectors.search_matches({"closes_before": soon.isoformat()}, call)


def test_estimated_systems_open_the_fast_track(operator):
    company = factories.make_company(smart_factory_level="none")
    call = factories.make_call(operator, status=CallStatus.OPEN, opens_in_days=-1)
    factories.make_track(call, "intermediate_1", minimum_current_level="basic", allows_fast_track=True)
    without = SelfDiagnosis(company=company, answers={}, score=15, estimated_level="none")
    [(_c, fit, _r)] = selectors.recommendations(company, estimate=without)
    assert not fit.eligible
    runs_all = SelfDiagnosis(
        company=company,
        answers={},
        score=15,
        estimated_level="none",
        has_mes=True,
        has_erp=True,
        has_data_collection=True,
    )
    [(_c, fit, _r)] = selectors.recommendations(company, estimate=runs_all)
    assert fit.eligible
