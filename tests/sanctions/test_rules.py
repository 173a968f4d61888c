"""Pure rules: the restriction period, when a restriction is in force, the repayment limits, and the
built-in eligibility check (programs.eligibility.restriction_check) over plain facts."""

import datetime

import pytest

from organizations.errors import DomainError
from programs.eligibility import (
    ApplicantFacts,
    Outcome,
    RestrictionFact,
    evaluate_rules,
    overall,
    restriction_check,
)
from sanctions import rules

D = datetime.date


def test_default_period_is_three_years_less_a_day():
    assert rules.default_ends_on(D(2026, 3, 10)) == D(2029, 3, 9)
    assert rules.default_ends_on(D(2028, 2, 29)) == D(2031, 2, 27)  # 29 Feb → 28 Feb, less a day
    assert rules.default_ends_on(D(2026, 1, 1), years=1) == D(2026, 12, 31)


def test_in_force_from_first_to_last_day_until_lifted():
    start, end = D(2026, 1, 10), D(2029, 1, 9)
    assert not rules.restriction_in_force(start, end, None, D(2026, 1, 9))
    assert rules.restriction_in_force(start, end, None, start)
    assert rules.restriction_in_force(start, end, None, end)
    assert not rules.restriction_in_force(start, end, None, D(2029, 1, 10))
    assert rules.restriction_in_force(start, end, D(2027, 5, 1), D(2027, 4, 30))
    assert not rules.restriction_in_force(start, end, D(2027, 5, 1), D(2027, 5, 1))


def test_period_checks():
    today = D(2026, 6, 1)
    rules.check_period(today, today, today=today)
    with pytest.raises(DomainError) as exc:
        rules.check_period(D(2026, 5, 31), D(2027, 1, 1), today=today)
    assert exc.value.field == "starts_on" and "2026-06-01" in str(exc.value.message)
    with pytest.raises(DomainError) as exc:
        rules.check_period(D(2026, 7, 1), D(2026, 6, 30), today=today)
    assert exc.value.field == "ends_on" and "시작일" in str(exc.value.message)


def test_order_amount_never_exceeds_what_was_paid_less_earlier_orders():
    rules.check_order_amount(20_000_000, paid=20_000_000, already_ordered=0)
    rules.check_order_amount(5_000_000, paid=20_000_000, already_ordered=15_000_000)
    with pytest.raises(DomainError) as exc:
        rules.check_order_amount(5_000_001, paid=20_000_000, already_ordered=15_000_000)
    assert exc.value.code == "over_paid"
    assert "20,000,000원" in str(exc.value.message) and "5,000,000원" in str(exc.value.message)
    with pytest.raises(DomainError) as exc:
        rules.check_order_amount(1, paid=0, already_ordered=0)
    assert exc.value.code == "nothing_paid"
    for bad in (0, -5, 1.5, True, "100"):
        with pytest.raises(DomainError) as exc:
            rules.check_order_amount(bad, paid=10, already_ordered=0)
        assert exc.value.code == "bad_amount"


def test_repayment_never_exceeds_what_is_left():
    rules.check_repayment(3, ordered=10, repaid=7)
    with pytest.raises(DomainError) as exc:
        rules.check_repayment(4, ordered=10, repaid=7)
    assert exc.value.code == "over_order" and "3원" in str(exc.value.message)
    with pytest.raises(DomainError):
        rules.check_repayment(0, ordered=10, repaid=0)
    assert rules.is_settled(10, 10) and not rules.is_settled(10, 9)


TODAY = D(2027, 1, 1)


def _facts(restrictions, today=TODAY):
    return ApplicantFacts(today=today, target_level="basic", restrictions=restrictions)


def test_restriction_check_names_who_and_until_when():
    facts = _facts(
        (
            RestrictionFact("한빛정밀", "lead", D(2026, 1, 1), D(2028, 12, 31)),
            RestrictionFact("다온시스템", "supplier", D(2026, 6, 1), D(2027, 6, 30)),
            RestrictionFact("지난기업", "large_firm", D(2023, 1, 1), D(2025, 12, 31)),  # ended
            RestrictionFact("해제기업", "supplier", D(2026, 1, 1), D(2028, 1, 1), D(2026, 12, 1)),  # lifted
        )
    )
    result = restriction_check(facts)
    assert result.outcome == Outcome.FAIL
    assert "다온시스템(공급기업, 2027-06-30까지), 한빛정밀(주관기업, 2028-12-31까지)" in result.reason_ko
    assert "한빛정밀 (lead, until 2028-12-31)" in result.reason_en
    assert "지난기업" not in result.reason_ko and "해제기업" not in result.reason_ko


def test_restriction_check_passes_without_one_in_force():
    assert restriction_check(_facts(())).outcome == Outcome.PASS
    future = RestrictionFact("한빛정밀", "lead", D(2027, 1, 2), D(2030, 1, 1))
    assert restriction_check(_facts((future,))).outcome == Outcome.PASS


def test_evaluate_rules_adds_the_builtin_check_whatever_the_call_configured():
    hit = (RestrictionFact("한빛정밀", "lead", D(2026, 1, 1), D(2028, 12, 31)),)
    results = evaluate_rules([], _facts(hit))
    assert [r.kind for r in results] == ["no_restriction"]
    assert overall(results) == Outcome.FAIL
    results = evaluate_rules([("production_facility", {})], _facts(hit))
    assert [r.kind for r in results] == ["production_facility", "no_restriction"]
    # Nobody restricted (or facts without the list): the rule set alone decides, no extra row.
    assert evaluate_rules([], _facts(())) == []
    assert evaluate_rules([], _facts(None)) == []
