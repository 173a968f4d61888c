"""The business registration number rule, checked exhaustively against python-stdnum."""

import random

import pytest
from stdnum.kr import brn

from organizations.rules import (
    business_number_problem,
    compact_business_number,
    complete_business_number,
    format_business_number,
)

PUBLISHED_VALID = ["124-81-00998", "120-81-47521", "220-81-62517", "107-86-14075", "120-81-20653"]


@pytest.mark.parametrize("number", PUBLISHED_VALID)
def test_published_numbers_are_valid(number):
    assert business_number_problem(number) is None
    assert complete_business_number(compact_business_number(number)[:9]) == compact_business_number(number)


def test_published_invalid_number_fails_the_checksum():
    assert business_number_problem("124-81-00999") == "checksum"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "required"),
        ("   ", "required"),
        ("12345", "format"),
        ("12a4567890", "format"),
        ("12345678901", "format"),
    ],
)
def test_shape_problems(value, problem):
    assert business_number_problem(value) == problem


def test_hyphens_and_spaces_are_accepted():
    assert compact_business_number(" 124 - 81 - 00998 ") == "1248100998"
    assert business_number_problem("124 81 00998") is None
    assert format_business_number("1248100998") == "124-81-00998"


def _reference_check_digit(nine):
    """The same NTS rule in its other published form: add both digits of d[8] * 5."""
    weights = [1, 3, 7, 1, 3, 7, 1, 3]
    total = sum(int(d) * w for d, w in zip(nine[:8], weights, strict=True))
    last = int(nine[8]) * 5
    total += last // 10 + last % 10
    return (10 - total % 10) % 10


def test_every_check_digit_agrees_with_the_reference_form_on_a_large_sample():
    rng = random.Random(20261122)
    for _ in range(20_000):
        nine = f"{rng.randrange(101, 1000):03d}{rng.randrange(1, 100):02d}{rng.randrange(1, 10000):04d}"
        assert brn.is_valid(nine + "0")
        for digit in range(10):
            number = f"{nine}{digit}"
            expected = digit == _reference_check_digit(nine)
            assert (business_number_problem(number) is None) == expected, number


def test_components_stdnum_rejects_are_refused():
    assert business_number_problem(complete_business_number("100860001")) == "component"  # office < 101
    assert business_number_problem(complete_business_number("124000001")) == "component"  # type 00


def test_any_single_digit_change_is_caught_in_the_first_eight_places():
    """Weights 1, 3, 7 are coprime to 10, so a one-digit typo there always breaks the checksum."""
    for number in PUBLISHED_VALID:
        digits = compact_business_number(number)
        for pos in range(8):
            for d in "0123456789":
                if d != digits[pos]:
                    typo = digits[:pos] + d + digits[pos + 1 :]
                    assert business_number_problem(typo) in {"checksum", "component"}, typo
