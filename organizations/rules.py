"""Pure rules about organisations: no database access, so they can be tested exhaustively."""

import re

from stdnum.kr import brn

_NON_DIGITS = re.compile(r"[\s\-]")


def compact_business_number(value: str) -> str:
    """Strip the spaces and hyphens people type ("124-81-00998" -> "1248100998")."""
    return _NON_DIGITS.sub("", value or "")


def business_number_problem(value: str) -> str | None:
    """Return None when valid, else "required", "format", "component" or "checksum".

    python-stdnum's kr.brn checks length and the office/type/serial parts but not the check
    digit, so the NTS check digit is computed here.
    """
    number = compact_business_number(value)
    if not number:
        return "required"
    if not (len(number) == 10 and number.isdigit()):
        return "format"
    if not brn.is_valid(number):
        return "component"
    if business_number_check_digit(number[:9]) != int(number[9]):
        return "checksum"
    return None


def format_business_number(value: str) -> str:
    number = compact_business_number(value)
    if len(number) != 10:
        return value
    return f"{number[:3]}-{number[3:5]}-{number[5:]}"


_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def business_number_check_digit(first_nine: str) -> int:
    """The NTS check digit for the first nine digits of a business registration number."""
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True)) + (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def complete_business_number(first_nine: str) -> str:
    """Append the check digit: used to make valid numbers for demo and test data."""
    return f"{first_nine}{business_number_check_digit(first_nine)}"
