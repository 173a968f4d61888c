"""The cost-share calculator: worked numbers for every delivery model and level of the design,
refusals, and properties (exact sums, floors, caps, monotonicity) over random templates."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from organizations.errors import DomainError
from programs.funding import (
    MAX_PROJECT_COST,
    CostShareTemplate,
    FunderTerms,
    FundingInputError,
    Quote,
    ShareLine,
    compute_shares,
    validate_template,
)

D = Decimal
WIN_WIN = frozenset({"sme", "supplier", "large_firm"})


def amounts(quote: Quote) -> dict[str, int]:
    return {line.role: line.amount for line in quote.lines}


def standard(cap, *, bonus_rate=None, bonus_cap=None, unit=1000, bonus_regions=frozenset()):
    return CostShareTemplate(
        funders=(FunderTerms("central_government", D("0.5"), cap, bonus_rate, bonus_cap),),
        rounding_unit=unit,
        bonus_regions=bonus_regions,
    )


BASIC, INTERMEDIATE_1, INTERMEDIATE_2, ADVANCED = 50_000_000, 100_000_000, 150_000_000, 200_000_000


# --- worked numbers: delivery models ---------------------------------------------------------------


def test_standard_floors_to_thousand_won_and_sme_pays_the_rest():
    quote = compute_shares(123_456_789, standard(INTERMEDIATE_1))
    assert amounts(quote) == {"central_government": 61_728_000}
    assert quote.sme_share == 61_728_789
    assert quote.funders_total + quote.sme_share == 123_456_789
    (line,) = quote.lines
    assert line == ShareLine(
        "central_government", D("0.5"), 100_000_000, 61_728_000, capped=False, bonus=False
    )


def test_standard_cap_binds():
    quote = compute_shares(123_456_789, standard(BASIC))
    assert amounts(quote) == {"central_government": 50_000_000}
    assert quote.lines[0].capped is True
    assert quote.sme_share == 73_456_789


def test_win_win_government_and_large_firm_thirty_percent_each():
    template = CostShareTemplate(
        funders=(FunderTerms("central_government", D("0.3")), FunderTerms("large_firm", D("0.3")))
    )
    quote = compute_shares(200_000_000, template, consortium_roles=WIN_WIN)
    assert amounts(quote) == {"central_government": 60_000_000, "large_firm": 60_000_000}
    assert quote.sme_share == 80_000_000

    # 0.3 x 123,456,789 = 37,037,036.7 → 37,037,000 each
    quote = compute_shares(123_456_789, template, consortium_roles=WIN_WIN)
    assert amounts(quote) == {"central_government": 37_037_000, "large_firm": 37_037_000}
    assert quote.sme_share == 49_382_789


def test_local_government_basic_type_province_and_municipality():
    template = CostShareTemplate(
        funders=(FunderTerms("province", D("0.3")), FunderTerms("municipality", D("0.3")))
    )
    # 0.3 x 98,765,432 = 29,629,629.6 → 29,629,000 each
    quote = compute_shares(98_765_432, template)
    assert amounts(quote) == {"province": 29_629_000, "municipality": 29_629_000}
    assert quote.sme_share == 39_507_432


def test_local_government_advanced_type_keeps_template_order():
    template = CostShareTemplate(
        funders=(
            FunderTerms("central_government", D("0.5")),
            FunderTerms("province", D("0.15")),
            FunderTerms("municipality", D("0.15")),
        )
    )
    # 61,728,394.5 → 61,728,000; 18,518,518.35 → 18,518,000 twice
    quote = compute_shares(123_456_789, template)
    assert [line.role for line in quote.lines] == ["central_government", "province", "municipality"]
    assert [line.amount for line in quote.lines] == [61_728_000, 18_518_000, 18_518_000]
    assert quote.sme_share == 24_692_789
    assert quote.sme_share > 123_456_789 * D("0.2")  # floors leave the SME a little more than 20%


# --- worked numbers: 2026 levels ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cap", "total", "central", "sme", "capped"),
    [
        (BASIC, 80_000_000, 40_000_000, 40_000_000, False),
        (BASIC, 100_000_000, 50_000_000, 50_000_000, False),  # exactly at the cap: not cut
        (BASIC, 100_001_000, 50_000_000, 50_001_000, True),
        (INTERMEDIATE_1, 199_999_999, 99_999_000, 100_000_999, False),
        (INTERMEDIATE_1, 250_000_000, 100_000_000, 150_000_000, True),
        (INTERMEDIATE_2, 299_999_999, 149_999_000, 150_000_999, False),
        (INTERMEDIATE_2, 400_000_000, 150_000_000, 250_000_000, True),
        (ADVANCED, 380_000_000, 190_000_000, 190_000_000, False),
        (ADVANCED, 500_000_000, 200_000_000, 300_000_000, True),
    ],
)
def test_level_caps(cap, total, central, sme, capped):
    quote = compute_shares(total, standard(cap))
    assert quote.lines[0].amount == central
    assert quote.lines[0].capped is capped
    assert quote.sme_share == sme


def advanced_with_bonus(bonus_cap=None):
    return standard(ADVANCED, bonus_rate=D("0.7"), bonus_cap=bonus_cap, bonus_regions=frozenset({"47", "52"}))


def test_advanced_seventy_percent_in_designated_region():
    quote = compute_shares(250_000_000, advanced_with_bonus(), region_code="47")
    assert quote.lines[0] == ShareLine(
        "central_government", D("0.7"), ADVANCED, 175_000_000, capped=False, bonus=True
    )
    assert quote.sme_share == 75_000_000


def test_advanced_outside_designated_region_stays_at_fifty_percent():
    for region in ("11", None):
        quote = compute_shares(250_000_000, advanced_with_bonus(), region_code=region)
        assert quote.lines[0].amount == 125_000_000
        assert quote.lines[0].bonus is False
        assert quote.lines[0].rate == D("0.5")
        assert quote.sme_share == 125_000_000


def test_advanced_bonus_keeps_the_level_cap_unless_a_bonus_cap_is_set():
    # 0.7 x 300,000,000 = 210,000,000, cut to the 200M Advanced cap
    quote = compute_shares(300_000_000, advanced_with_bonus(), region_code="47")
    assert (quote.lines[0].amount, quote.lines[0].capped, quote.sme_share) == (200_000_000, True, 100_000_000)

    quote = compute_shares(300_000_000, advanced_with_bonus(bonus_cap=280_000_000), region_code="52")
    line = quote.lines[0]
    assert (line.amount, line.cap, line.capped, quote.sme_share) == (
        210_000_000,
        280_000_000,
        False,
        90_000_000,
    )


# --- rounding units ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "central", "sme"),
    [(1, 61_728_394, 61_728_395), (1000, 61_728_000, 61_728_789), (10_000, 61_720_000, 61_736_789)],
)
def test_rounding_units(unit, central, sme):
    quote = compute_shares(123_456_789, standard(None, unit=unit))
    assert quote.lines[0].amount == central
    assert quote.sme_share == sme
    assert quote.rounding_unit == unit


def test_floor_can_leave_the_sme_everything_on_a_tiny_project():
    template = CostShareTemplate(
        funders=(FunderTerms("province", D("0.3")), FunderTerms("municipality", D("0.3")))
    )
    quote = compute_shares(1_999, template)  # 599.7 won each floors to 0
    assert amounts(quote) == {"province": 0, "municipality": 0}
    assert quote.sme_share == 1_999


def test_multiplication_is_exact_beyond_decimal_precision():
    # total x rate = 99,999,999.999…9 (40 nines after the point): Decimal's 28-digit context would
    # round it up to 100,000,000; the exact product floors to 99,999,999.
    rate = D("0.0001000000000001000000000001000000000001")
    template = CostShareTemplate(funders=(FunderTerms("other", rate),), rounding_unit=1)
    total = MAX_PROJECT_COST - 1
    assert D(total) * rate == 100_000_000
    quote = compute_shares(total, template)
    assert quote.lines[0].amount == 99_999_999
    assert quote.sme_share == total - 99_999_999


def test_max_project_cost_is_accepted():
    quote = compute_shares(MAX_PROJECT_COST, standard(None))
    assert quote.lines[0].amount == 500_000_000_000


def test_as_json_is_json_safe():
    template = CostShareTemplate(
        funders=(FunderTerms("central_government", D("0.3"), 60_000_000), FunderTerms("large_firm", D("0.3")))
    )
    quote = compute_shares(250_000_000, template, consortium_roles=WIN_WIN)
    data = quote.as_json()
    assert json.loads(json.dumps(data)) == data
    assert data == [
        {
            "role": "central_government",
            "rate": "0.3",
            "cap": 60_000_000,
            "amount": 60_000_000,
            "capped": True,
            "bonus": False,
        },
        {
            "role": "large_firm",
            "rate": "0.3",
            "cap": None,
            "amount": 75_000_000,
            "capped": False,
            "bonus": False,
        },
    ]
    assert quote.funders_total == 135_000_000
    assert quote.sme_share == 115_000_000


# --- refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "total", [0, -1, 1.5, 100.0, D("100"), D("100.5"), "100", True, False, None, MAX_PROJECT_COST + 1]
)
def test_bad_total_cost_is_refused(total):
    with pytest.raises(FundingInputError) as exc:
        compute_shares(total, standard(BASIC))
    assert exc.value.field == "total_cost"
    assert exc.value.code == "funding_input"
    assert exc.value.status == 400
    assert isinstance(exc.value, DomainError)


def test_total_cost_messages_are_distinct():
    messages = set()
    for total in (0, -1, 1.5, "100", MAX_PROJECT_COST + 1):
        with pytest.raises(FundingInputError) as exc:
            compute_shares(total, standard(BASIC))
        messages.add(str(exc.value.message))
    assert len(messages) == 5


def test_over_max_message_names_the_amount():
    with pytest.raises(FundingInputError) as exc:
        compute_shares(MAX_PROJECT_COST + 1, standard(BASIC))
    assert "1,000,000,000,001" in str(exc.value.message)


def bad_template(**kwargs) -> CostShareTemplate:
    terms = {
        "role": "central_government",
        "rate": D("0.5"),
        "cap": None,
        "bonus_rate": None,
        "bonus_cap": None,
    }
    unit = kwargs.pop("rounding_unit", 1000)
    terms.update(kwargs)
    return CostShareTemplate(
        funders=(FunderTerms(**terms),), rounding_unit=unit, bonus_regions=frozenset({"47"})
    )


@pytest.mark.parametrize(
    ("template", "field"),
    [
        (
            CostShareTemplate(
                funders=(FunderTerms("central_government", D("0.5")), FunderTerms("province", D("0.5001")))
            ),
            "rate",
        ),
        (
            CostShareTemplate(
                funders=(
                    FunderTerms("central_government", D("0.5"), bonus_rate=D("0.7")),
                    FunderTerms("province", D("0.4")),
                )
            ),
            "bonus_rate",
        ),
        (bad_template(rate=D("1.01")), "rate"),
        (bad_template(rate=D("-0.1")), "rate"),
        (bad_template(rate=0.5), "rate"),
        (bad_template(rate=D("NaN")), "rate"),
        (bad_template(rate="0.5"), "rate"),
        (bad_template(bonus_rate=D("1.5")), "bonus_rate"),
        (bad_template(cap=0), "cap"),
        (bad_template(cap=-1), "cap"),
        (bad_template(cap=1.5), "cap"),
        (bad_template(cap=True), "cap"),
        (bad_template(bonus_rate=D("0.7"), bonus_cap=0), "bonus_cap"),
        (bad_template(bonus_rate=D("0.7"), bonus_cap=-5), "bonus_cap"),
        (bad_template(bonus_cap=100), "bonus_rate"),  # a bonus cap without a bonus rate would be ignored
        (bad_template(rounding_unit=0), "rounding_unit"),
        (bad_template(rounding_unit=-1000), "rounding_unit"),
        (bad_template(rounding_unit=10_000_001), "rounding_unit"),
        (bad_template(rounding_unit=D("1000")), "rounding_unit"),
        (bad_template(role=""), "role"),
        (bad_template(role="  "), "role"),
        (bad_template(role=None), "role"),
        (
            CostShareTemplate(funders=(FunderTerms("province", D("0.3")), FunderTerms("province", D("0.2")))),
            "role",
        ),
        (CostShareTemplate(funders=()), "funders"),
    ],
)
def test_bad_template_is_refused(template, field):
    with pytest.raises(FundingInputError) as exc:
        validate_template(template)
    assert exc.value.field == field
    assert str(exc.value.message)
    with pytest.raises(FundingInputError) as exc:
        compute_shares(1_000_000, template, region_code="47", consortium_roles=WIN_WIN)
    assert exc.value.field == field


def test_rate_sum_message_shows_the_total():
    template = CostShareTemplate(
        funders=(FunderTerms("central_government", D("0.5")), FunderTerms("province", D("0.5001")))
    )
    with pytest.raises(FundingInputError) as exc:
        validate_template(template)
    assert "100.01" in str(exc.value.message)


def test_rates_summing_to_exactly_one_are_allowed():
    template = CostShareTemplate(
        funders=(FunderTerms("central_government", D("0.7")), FunderTerms("province", 1 - D("0.7")))
    )
    quote = compute_shares(1_234_567, template)
    assert amounts(quote) == {"central_government": 864_000, "province": 370_000}
    assert quote.sme_share == 567


def test_win_win_needs_a_large_firm_in_the_consortium():
    template = CostShareTemplate(
        funders=(FunderTerms("central_government", D("0.3")), FunderTerms("large_firm", D("0.3")))
    )
    for roles in (frozenset(), frozenset({"sme", "supplier"})):
        with pytest.raises(FundingInputError) as exc:
            compute_shares(100_000_000, template, consortium_roles=roles)
        assert exc.value.field == "consortium"


def test_region_code_must_be_a_string():
    with pytest.raises(FundingInputError) as exc:
        compute_shares(100_000_000, advanced_with_bonus(), region_code=47)
    assert exc.value.field == "region_code"


# --- properties ------------------------------------------------------------------------------------

ROLES = ("central_government", "province", "municipality", "large_firm", "other")
UNITS = (1, 10, 100, 1000, 10_000, 100_000)
BP = 10_000  # rates are drawn in basis points: 4 decimal places
caps = st.one_of(st.none(), st.integers(1, 10**9), st.integers(1, MAX_PROJECT_COST))


@st.composite
def templates(draw):
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=4, unique=True))
    rates, left = [], BP
    for _ in roles:
        rate = draw(st.integers(0, left))
        rates.append(rate)
        left -= rate
    funders = []
    bonus_left = BP - sum(rates)  # room for bonus rates above the base rates
    for role, rate in zip(roles, rates, strict=True):
        bonus_rate = bonus_cap = None
        if draw(st.booleans()):
            bonus_rate = draw(st.integers(0, rate + bonus_left))
            bonus_left -= bonus_rate - rate
            bonus_cap = draw(caps)
        funders.append(
            FunderTerms(
                role,
                D(rate) / BP,
                draw(caps),
                None if bonus_rate is None else D(bonus_rate) / BP,
                bonus_cap,
            )
        )
    regions = frozenset(draw(st.lists(st.sampled_from(("11", "26", "47", "52")), max_size=2)))
    return CostShareTemplate(
        funders=tuple(funders), rounding_unit=draw(st.sampled_from(UNITS)), bonus_regions=regions
    )


regions = st.sampled_from((None, "11", "47", "52"))
costs = st.integers(1, MAX_PROJECT_COST)


@settings(max_examples=1000, deadline=None)
@given(template=templates(), total=costs, region=regions)
def test_shares_add_up_and_respect_floors_and_caps(template, total, region):
    quote = compute_shares(total, template, region_code=region, consortium_roles=WIN_WIN)
    unit = template.rounding_unit
    assert quote.funders_total + quote.sme_share == total == quote.total_cost
    assert quote.sme_share >= 0
    assert [line.role for line in quote.lines] == [f.role for f in template.funders]
    for line, funder in zip(quote.lines, template.funders, strict=True):
        bonus = region in template.bonus_regions and funder.bonus_rate is not None
        assert line.bonus is bonus
        assert line.rate == (funder.bonus_rate if bonus else funder.rate)
        assert line.amount >= 0
        assert line.amount % unit == 0
        exact = total * Fraction(line.rate)
        assert line.amount <= exact
        if line.cap is not None:
            assert line.amount <= line.cap
        if line.capped:
            assert line.cap < exact
            assert line.amount > line.cap - unit
        else:
            assert line.amount > exact - unit
    assert quote.sme_share >= total * (1 - sum(Fraction(line.rate) for line in quote.lines))


@settings(max_examples=1000, deadline=None)
@given(
    template=templates(),
    total=costs,
    increase=st.one_of(st.integers(0, 100_000), st.integers(0, MAX_PROJECT_COST)),
    region=regions,
)
def test_a_higher_cost_never_lowers_a_funders_share(template, total, increase, region):
    bigger = min(total + increase, MAX_PROJECT_COST)
    small = compute_shares(total, template, region_code=region, consortium_roles=WIN_WIN)
    large = compute_shares(bigger, template, region_code=region, consortium_roles=WIN_WIN)
    for before, after in zip(small.lines, large.lines, strict=True):
        assert after.amount >= before.amount
