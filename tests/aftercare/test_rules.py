"""Pure rules: the warranty window (12 months from the day the final inspection passed, in local
time, month ends clamped) and the next smart-factory level."""

import datetime
from zoneinfo import ZoneInfo

from aftercare import rules

SEOUL = ZoneInfo("Asia/Seoul")


def at(y, m, d, hour=10):
    return datetime.datetime(y, m, d, hour, tzinfo=SEOUL)


def test_no_warranty_before_the_inspection_passed():
    assert rules.warranty_ends_on(None) is None
    assert rules.in_warranty(None, datetime.date(2027, 1, 1)) is False


def test_the_warranty_ends_twelve_months_after_the_pass_day():
    assert rules.warranty_ends_on(at(2027, 3, 15)) == datetime.date(2028, 3, 15)
    assert rules.in_warranty(at(2027, 3, 15), datetime.date(2027, 3, 15))
    assert rules.in_warranty(at(2027, 3, 15), datetime.date(2028, 3, 15))
    assert not rules.in_warranty(at(2027, 3, 15), datetime.date(2028, 3, 16))
    assert not rules.in_warranty(at(2027, 3, 15), datetime.date(2027, 3, 14))


def test_the_pass_day_is_the_local_day_and_month_ends_are_clamped():
    # 23:30 UTC on 29 Feb 2028 is already 1 March in Seoul.
    late = datetime.datetime(2028, 2, 29, 23, 30, tzinfo=datetime.UTC)
    assert rules.warranty_ends_on(late) == datetime.date(2029, 3, 1)
    assert rules.warranty_ends_on(at(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert rules.warranty_ends_on(at(2027, 1, 31), months=1) == datetime.date(2027, 2, 28)


def test_next_level_goes_up_one_step_and_stops_after_advanced():
    assert rules.next_level("none") == "basic"
    assert rules.next_level("basic") == "intermediate_1"
    assert rules.next_level("intermediate_1") == "intermediate_2"
    assert rules.next_level("intermediate_2") == "advanced"
    assert rules.next_level("advanced") is None
    assert rules.next_level("unknown") is None


def test_higher_compares_levels_in_order():
    assert rules.is_higher("advanced", "basic")
    assert rules.is_higher("intermediate_1", "basic")
    assert not rules.is_higher("basic", "basic")
    assert not rules.is_higher("basic", "intermediate_2")


def test_scores_are_whole_numbers_from_one_to_five():
    assert all(rules.valid_score(n) for n in range(1, 6))
    for bad in (0, 6, 3.0, "3", True, None):
        assert not rules.valid_score(bad)
