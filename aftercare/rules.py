"""Pure rules after the project: the warranty window and the next smart-factory level."""

from datetime import date

from django.utils import timezone

from monitoring.services import add_months
from organizations.models import SmartFactoryLevel

WARRANTY_MONTHS = 12

# Track levels in order (a track never targets "none").
LEVEL_ORDER = [code for code, _label in SmartFactoryLevel.choices if code != SmartFactoryLevel.NONE]

SATISFACTION_RANGE = range(1, 6)


def warranty_ends_on(inspection_passed_at, months=WARRANTY_MONTHS) -> date | None:
    """The last day of the warranty: `months` after the day the final inspection was passed (local
    date); None while the inspection has not been passed."""
    if inspection_passed_at is None:
        return None
    return add_months(timezone.localtime(inspection_passed_at).date(), months)


def in_warranty(inspection_passed_at, today: date, months=WARRANTY_MONTHS) -> bool:
    ends = warranty_ends_on(inspection_passed_at, months)
    if ends is None:
        return False
    starts = timezone.localtime(inspection_passed_at).date()
    return starts <= today <= ends


def level_rank(level) -> int:
    """0 for basic … 3 for advanced; -1 for none or anything unknown."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1


def next_level(level):
    """The level after `level` (basic → intermediate_1 → intermediate_2 → advanced); None after
    advanced. From "none" the next level is basic."""
    if level == SmartFactoryLevel.NONE:
        return LEVEL_ORDER[0]
    rank = level_rank(level)
    if rank < 0 or rank + 1 >= len(LEVEL_ORDER):
        return None
    return LEVEL_ORDER[rank + 1]


def is_higher(level, than) -> bool:
    """True when `level` is above `than` (both smart-factory level codes)."""
    return level_rank(level) > level_rank(than)


def valid_score(score) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and score in SATISFACTION_RANGE
