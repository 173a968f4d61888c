"""Pure rules for sanctions: no database, no clock (the caller passes the day).

- A restriction is in force from its first to its last day, both included, unless lifted: from the
  day it is lifted it no longer applies.
- The default period is three years: from 2026-03-10 to 2029-03-09.
- A repayment order asks back at most what the government has paid so far (tranches paid), less
  what earlier orders already ask back; repayments never exceed their order.
"""

import calendar
from datetime import date, timedelta

from django.utils.translation import gettext as _

from organizations.errors import DomainError

DEFAULT_YEARS = 3


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February when needed)."""
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def default_ends_on(starts_on: date, years: int = DEFAULT_YEARS) -> date:
    """The last day of a restriction of `years` years starting on `starts_on`."""
    return add_years(starts_on, years) - timedelta(days=1)


def restriction_in_force(starts_on: date, ends_on: date, lifted_on: date | None, day: date) -> bool:
    return starts_on <= day <= ends_on and (lifted_on is None or day < lifted_on)


def check_period(starts_on: date, ends_on: date, *, today: date) -> None:
    """A restriction's period: it may not start in the past nor end before it starts."""
    if starts_on < today:
        raise DomainError(
            _("제한 시작일은 오늘(%(today)s)이나 그 뒤여야 합니다.") % {"today": today.isoformat()},
            "starts_in_past",
            "starts_on",
        )
    if ends_on < starts_on:
        raise DomainError(
            _("제한 종료일은 시작일(%(start)s)과 같거나 그 뒤여야 합니다.")
            % {"start": starts_on.isoformat()},
            "ends_before_start",
            "ends_on",
        )


def _whole_won(amount, field, message):
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise DomainError(message, "bad_amount", field)


def check_order_amount(amount: int, *, paid: int, already_ordered: int) -> None:
    """`paid`: the government share paid so far (tranches with status paid); `already_ordered`:
    what the project's earlier orders ask back."""
    _whole_won(amount, "amount", _("환수 금액은 1원 이상의 정수(원)로 입력해 주십시오."))
    if paid <= 0:
        raise DomainError(
            _("이 과제에 지급된 정부지원금이 없어 환수를 명령할 수 없습니다."), "nothing_paid", "amount"
        )
    room = paid - already_ordered
    if amount > room:
        raise DomainError(
            _(
                "환수 금액은 지금까지 지급된 정부지원금 %(paid)s원에서 이미 명령한 %(ordered)s원을 뺀 "
                "%(room)s원을 넘을 수 없습니다."
            )
            % {"paid": f"{paid:,}", "ordered": f"{already_ordered:,}", "room": f"{max(room, 0):,}"},
            "over_paid",
            "amount",
        )


def check_repayment(amount: int, *, ordered: int, repaid: int) -> None:
    _whole_won(amount, "amount", _("납부액은 1원 이상의 정수(원)로 입력해 주십시오."))
    left = ordered - repaid
    if amount > left:
        raise DomainError(
            _(
                "납부액은 남은 환수 금액 %(left)s원(명령 %(ordered)s원 중 %(repaid)s원 납부)을 넘을 수 없습니다."
            )
            % {"left": f"{left:,}", "ordered": f"{ordered:,}", "repaid": f"{repaid:,}"},
            "over_order",
            "amount",
        )


def is_settled(ordered: int, repaid: int) -> bool:
    return repaid >= ordered
