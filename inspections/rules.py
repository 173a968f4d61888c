"""Pure rules of interim checks and final inspections. No database here.

- The mid-term window: an interim check is dated between 30% and 70% of the project period.
- Result transitions: an appointed inspection takes one result; a conditional pass becomes a pass
  once every corrective action is confirmed; pass and fail are final.
- What each result needs: a pass needs every checklist item checked; a conditional pass needs at
  least one corrective action, each with a due date after the result; a fail needs its reasons.
"""

from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

MIDTERM_FROM = Decimal("0.3")
MIDTERM_TO = Decimal("0.7")

APPOINTED, CONDITIONAL, PASSED, FAILED = "appointed", "conditional", "passed", "failed"
PASS, CONDITIONAL_PASS, FAIL = "pass", "conditional", "fail"

# result recorded on an appointed inspection → the inspection's new status
RESULT_STATUS = {PASS: PASSED, CONDITIONAL_PASS: CONDITIONAL, FAIL: FAILED}

# status → statuses it may move to (a result is recorded only on an appointed inspection; a
# conditional pass moves to passed through its confirmed corrective actions, not a second result)
TRANSITIONS = {
    APPOINTED: {PASSED, CONDITIONAL, FAILED},
    CONDITIONAL: {PASSED},
    PASSED: set(),
    FAILED: set(),
}


def midterm_window(starts_on: date, ends_on: date) -> tuple[date, date]:
    """(first, last) day of the mid-term window: 30% to 70% of the period, whole days (the first
    rounded up, the last rounded down so both lie inside the share)."""
    if ends_on <= starts_on:
        raise ValueError("ends_on must be after starts_on")
    length = Decimal((ends_on - starts_on).days)
    first = int((length * MIDTERM_FROM).to_integral_value(ROUND_CEILING))
    last = int((length * MIDTERM_TO).to_integral_value(ROUND_FLOOR))
    return starts_on + timedelta(days=first), starts_on + timedelta(days=last)


def in_midterm_window(starts_on: date, ends_on: date, day: date) -> bool:
    first, last = midterm_window(starts_on, ends_on)
    return first <= day <= last


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, set())


def status_after_result(status: str, result: str) -> str:
    """The inspection's status once `result` is recorded; ValueError when it may not be."""
    if result not in RESULT_STATUS:
        raise ValueError(f"unknown result {result!r}")
    to = RESULT_STATUS[result]
    if status != APPOINTED or not may_move(status, to):
        raise ValueError(f"no result may be recorded on a {status} inspection")
    return to


def result_problems(result: str, *, all_checked: bool, actions: list, note: str, today: date) -> list[str]:
    """Codes of what is missing for this result (empty when it may be recorded).

    actions: [(text, due_on)] corrective actions proposed with a conditional pass."""
    problems = []
    if result == PASS:
        if not all_checked:
            problems.append("unchecked_items")
        if actions:
            problems.append("actions_with_pass")
    elif result == CONDITIONAL_PASS:
        if not actions:
            problems.append("actions_required")
        for text, due_on in actions:
            if not (text or "").strip():
                problems.append("action_text_required")
            if due_on is None:
                problems.append("action_due_required")
            elif due_on <= today:
                problems.append("action_due_past")
    elif result == FAIL:
        if not (note or "").strip():
            problems.append("fail_reason_required")
    else:
        problems.append("bad_result")
    return list(dict.fromkeys(problems))


def conditional_becomes_pass(status: str, action_statuses: list[str]) -> bool:
    """A conditional pass becomes a pass when it has actions and every one is confirmed."""
    return status == CONDITIONAL and bool(action_statuses) and all(s == "confirmed" for s in action_statuses)


# corrective action: status → {operation: new status}
ACTION_STEPS = {
    "open": {"plan": "planned"},
    "planned": {"plan": "planned", "report": "reported"},
    "reported": {"confirm": "confirmed", "return": "returned"},
    "returned": {"plan": "returned", "report": "reported"},
    "confirmed": {},
}


def action_step(status: str, operation: str) -> str | None:
    """The corrective action's status after `operation`, or None when it may not be done now."""
    return ACTION_STEPS.get(status, {}).get(operation)
