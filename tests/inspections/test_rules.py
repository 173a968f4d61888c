"""The pure rules: the mid-term window, result transitions, what each result needs, when a
conditional pass becomes a pass, and the corrective action steps."""

import datetime

import pytest

from inspections import rules

D = datetime.date


def test_midterm_window_is_30_to_70_percent_of_the_period():
    assert rules.midterm_window(D(2027, 1, 1), D(2027, 1, 11)) == (D(2027, 1, 4), D(2027, 1, 8))
    # 181 days: 54.3 → day 55 (rounded up), 126.7 → day 126 (rounded down)
    assert rules.midterm_window(D(2027, 1, 1), D(2027, 7, 1)) == (
        D(2027, 1, 1) + datetime.timedelta(days=55),
        D(2027, 1, 1) + datetime.timedelta(days=126),
    )


def test_in_midterm_window_edges():
    start, end = D(2027, 1, 1), D(2027, 1, 11)
    assert not rules.in_midterm_window(start, end, D(2027, 1, 3))
    assert rules.in_midterm_window(start, end, D(2027, 1, 4))
    assert rules.in_midterm_window(start, end, D(2027, 1, 8))
    assert not rules.in_midterm_window(start, end, D(2027, 1, 9))


def test_midterm_window_needs_a_period():
    with pytest.raises(ValueError):
        rules.midterm_window(D(2027, 1, 1), D(2027, 1, 1))


@pytest.mark.parametrize(
    "result,status", [("pass", "passed"), ("conditional", "conditional"), ("fail", "failed")]
)
def test_an_appointed_inspection_takes_one_result(result, status):
    assert rules.status_after_result("appointed", result) == status


@pytest.mark.parametrize("status", ["conditional", "passed", "failed"])
def test_no_second_result(status):
    with pytest.raises(ValueError):
        rules.status_after_result(status, "pass")


def test_unknown_result():
    with pytest.raises(ValueError):
        rules.status_after_result("appointed", "maybe")


def test_transitions():
    assert rules.may_move("conditional", "passed")
    assert not rules.may_move("conditional", "failed")
    assert not rules.may_move("passed", "failed")
    assert not rules.may_move("failed", "passed")


TODAY = D(2027, 6, 1)


def problems(result, all_checked=True, actions=(), note=""):
    return rules.result_problems(
        result, all_checked=all_checked, actions=list(actions), note=note, today=TODAY
    )


def test_pass_needs_every_item_checked_and_no_actions():
    assert problems("pass") == []
    assert problems("pass", all_checked=False) == ["unchecked_items"]
    assert problems("pass", actions=[("x", D(2027, 7, 1))]) == ["actions_with_pass"]


def test_conditional_pass_needs_actions_with_future_due_dates():
    assert problems("conditional", all_checked=False, actions=[("보완", D(2027, 7, 1))]) == []
    assert problems("conditional") == ["actions_required"]
    assert problems("conditional", actions=[("보완", None)]) == ["action_due_required"]
    assert problems("conditional", actions=[("보완", TODAY)]) == ["action_due_past"]
    assert problems("conditional", actions=[("", D(2027, 7, 1))]) == ["action_text_required"]


def test_fail_needs_reasons():
    assert problems("fail", note="  ") == ["fail_reason_required"]
    assert problems("fail", all_checked=False, note="설비 미설치") == []
    assert problems("other") == ["bad_result"]


def test_conditional_becomes_pass_only_when_all_confirmed():
    assert rules.conditional_becomes_pass("conditional", ["confirmed", "confirmed"])
    assert not rules.conditional_becomes_pass("conditional", ["confirmed", "reported"])
    assert not rules.conditional_becomes_pass("conditional", [])
    assert not rules.conditional_becomes_pass("appointed", ["confirmed"])


def test_action_steps():
    assert rules.action_step("open", "plan") == "planned"
    assert rules.action_step("open", "report") is None
    assert rules.action_step("planned", "report") == "reported"
    assert rules.action_step("reported", "plan") is None
    assert rules.action_step("reported", "confirm") == "confirmed"
    assert rules.action_step("reported", "return") == "returned"
    assert rules.action_step("returned", "report") == "reported"
    assert rules.action_step("confirmed", "return") is None
