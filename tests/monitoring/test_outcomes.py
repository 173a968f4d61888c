"""The pure rules of outcome tracking (monitoring/outcomes.py), without a database: the standard
indicators, achievement and improvement rates in both directions, the overall score with its caps
and weights, half-up rounding, every validation message, and comparison with the programme's
published averages. Exact values throughout."""

from decimal import Decimal

import pytest
from django.utils import translation

from applications.models import KpiCode
from monitoring import outcomes
from monitoring.outcomes import HIGHER, LOWER, KpiTerms

D = Decimal


def kpi(baseline, target, *, direction=HIGHER, weight=1, completion=None, one_year=None, code="custom"):
    as_d = lambda v: None if v is None else D(str(v))  # noqa: E731
    return KpiTerms(
        code, "지표", "%", direction, as_d(baseline), as_d(target), weight, as_d(completion), as_d(one_year)
    )


# --- the indicators -------------------------------------------------------------------------------


def test_standard_indicators_as_data():
    table = {
        code: (
            i.name_ko,
            i.unit_ko,
            i.direction,
            i.kind,
            i.minimum,
            i.maximum,
            i.minimum_exclusive,
            i.outcome,
        )
        for code, i in outcomes.STANDARD_INDICATORS.items()
    }
    assert table == {
        "productivity": ("생산성", "개/시간", HIGHER, "decimal", D(0), None, False, True),
        "defect_rate": ("불량률", "%", LOWER, "decimal", D(0), D(100), False, True),
        "unit_cost": ("원가", "원/개", LOWER, "won", D(0), None, False, True),
        "on_time_delivery": ("납기 준수율", "%", HIGHER, "decimal", D(0), D(100), False, True),
        "sales": ("매출액", "원", HIGHER, "won", D(0), D(10**13), False, True),
        "employment": ("고용", "명", HIGHER, "whole", D(0), D(100_000), False, True),
        "industrial_accidents": ("산업재해", "건/년", LOWER, "whole", D(0), D(10_000), False, True),
        "utilisation": ("설비 가동률", "%", HIGHER, "decimal", D(0), D(100), False, False),
        "lead_time": ("리드타임", "일", LOWER, "decimal", D(0), D(3650), True, False),
    }
    assert outcomes.OUTCOME_CODES == (
        "productivity",
        "defect_rate",
        "unit_cost",
        "on_time_delivery",
        "sales",
        "employment",
        "industrial_accidents",
    )


def test_every_application_kpi_code_but_custom_is_a_standard_indicator():
    codes = {c.value for c in KpiCode} - {outcomes.CUSTOM}
    assert codes == {"defect_rate", "utilisation", "lead_time"}
    assert codes <= set(outcomes.STANDARD_INDICATORS)


def test_names_and_units_follow_the_language():
    sales = outcomes.STANDARD_INDICATORS["sales"]
    assert (sales.name, sales.unit) == ("매출액", "원")
    with translation.override("en"):
        assert (sales.name, sales.unit) == ("Sales", "KRW")


def test_standard_terms_take_name_unit_and_direction_from_the_indicator():
    terms = KpiTerms.standard("lead_time", baseline=D(12), target=D(9), weight=30, completion=D(8))
    assert terms == KpiTerms("lead_time", "리드타임", "일", LOWER, D(12), D(9), 30, D(8), None)


def test_indicator_for_resolves_terms_codes_and_refuses_unknown_codes():
    assert outcomes.indicator_for("sales") is outcomes.STANDARD_INDICATORS["sales"]
    custom = outcomes.indicator_for(KpiTerms("custom", "OEE", "%", HIGHER, D(1), D(2), 1))
    assert (custom.code, custom.name, custom.unit, custom.direction, custom.maximum) == (
        "custom",
        "OEE",
        "%",
        HIGHER,
        None,
    )
    with pytest.raises(ValueError, match="unknown indicator: 'oee'"):
        outcomes.indicator_for("oee")


# --- achievement rate -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "baseline, target, actual, direction, expected",
    [
        ("68", "83", "80", HIGHER, "80.0"),  # utilisation: 12 of 15 points gained
        ("68", "83", "83", HIGHER, "100.0"),
        ("68", "83", "98", HIGHER, "200.0"),  # over-achieved: reported raw
        ("68", "83", "65", HIGHER, "-20.0"),  # moved the wrong way
        ("3.2", "1.9", "2.5", LOWER, "53.8"),  # defect rate: 0.7 of 1.3 = 53.846…
        ("12", "9", "6", LOWER, "200.0"),  # lead time halved against a plan of a quarter
        ("12", "9", "13", LOWER, "-33.3"),
        ("0", "5", "2", HIGHER, "40.0"),  # a zero baseline is fine here
        ("5", "0", "1", LOWER, "80.0"),  # so is a zero target (accidents down to none)
    ],
)
def test_achievement_rate_exact(baseline, target, actual, direction, expected):
    rate = outcomes.achievement_rate(D(baseline), D(target), D(actual), direction)
    assert str(rate) == expected


def test_achievement_rate_is_none_without_a_planned_change_or_a_value():
    assert outcomes.achievement_rate(D(5), D(5), D(7), HIGHER) is None
    assert outcomes.achievement_rate(D(5), D(8), None, HIGHER) is None
    assert outcomes.achievement_rate(None, D(8), D(6), LOWER) is None
    assert outcomes.achievement_rate(D(5), None, D(6), LOWER) is None


@pytest.mark.parametrize(
    "actual, expected",
    [("1", "0.3"), ("-1", "-0.3"), ("0.99", "0.2"), ("3", "0.8"), ("0.2", "0.1")],
)
def test_achievement_rate_rounds_half_up_to_one_place(actual, expected):
    # 0 → 400: actual 1 is exactly 0.25 % (banker's rounding would give 0.2), 0.99 is 0.2475 %
    assert str(outcomes.achievement_rate(D(0), D(400), D(actual), HIGHER)) == expected


def test_a_direction_other_than_higher_or_lower_is_a_programming_error():
    with pytest.raises(ValueError, match="direction must be 'higher' or 'lower', not 'up'"):
        outcomes.achievement_rate(D(1), D(2), D(3), "up")
    with pytest.raises(ValueError, match="not None"):
        outcomes.improvement_rate(D(1), D(2), None)


def test_float_and_int_inputs_are_read_as_the_decimals_they_print_as():
    assert outcomes.achievement_rate(0.1, 0.3, 0.2, HIGHER) == D("50.0")
    assert outcomes.improvement_rate(3, 4, HIGHER) == D("33.3")


# --- improvement rate -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "baseline, actual, direction, expected",
    [
        ("100", "129", HIGHER, "29.0"),  # productivity as the programme average
        ("100", "90", HIGHER, "-10.0"),
        ("3.2", "1.9", LOWER, "40.6"),  # defect rate: 1.3 / 3.2 = 40.625 %
        ("1000", "648", LOWER, "35.2"),  # unit cost down 35.2 %
        ("1000", "1100", LOWER, "-10.0"),  # unit cost up: worse
        ("8", "8.02", HIGHER, "0.3"),  # exactly 0.25 %: half-up
        ("8", "7.98", HIGHER, "-0.3"),
        ("8", "8", LOWER, "0.0"),
    ],
)
def test_improvement_rate_exact(baseline, actual, direction, expected):
    assert str(outcomes.improvement_rate(D(baseline), D(actual), direction)) == expected


def test_improvement_rate_is_none_on_a_zero_baseline_or_without_a_value():
    assert outcomes.improvement_rate(D(0), D(3), HIGHER) is None
    assert outcomes.improvement_rate(D("0.00"), D(0), LOWER) is None
    assert outcomes.improvement_rate(D(3), None, HIGHER) is None
    assert outcomes.improvement_rate(None, D(3), HIGHER) is None


# --- overall score --------------------------------------------------------------------------------


def test_overall_score_caps_each_rate_to_0_100_so_a_beaten_target_cannot_hide_a_missed_one():
    kpis = [
        kpi(68, 83, weight=40, completion=80),  # 80
        kpi(12, 9, direction=LOWER, weight=30, completion=6),  # 200 → 100
        kpi(68, 83, weight=30, completion=65),  # -20 → 0
    ]
    assert str(outcomes.overall_score(kpis)) == "62.0"  # uncapped it would read 86.0


@pytest.mark.parametrize("weights, expected", [((1, 3), "87.5"), ((3, 1), "62.5"), ((0, 5), "100.0")])
def test_overall_score_weights(weights, expected):
    kpis = [kpi(0, 10, weight=weights[0], completion=5), kpi(0, 10, weight=weights[1], completion=10)]
    assert str(outcomes.overall_score(kpis)) == expected


def test_overall_score_counts_only_kpis_with_a_value_and_a_rate():
    kpis = [
        kpi(0, 10, weight=50, completion=4),  # 40
        kpi(0, 10, weight=30),  # not measured yet
        kpi(5, 5, weight=20, completion=9),  # target equals baseline: no rate
    ]
    assert str(outcomes.overall_score(kpis)) == "40.0"


def test_overall_score_reads_the_chosen_moment():
    kpis = [kpi(0, 10, weight=1, completion=6, one_year=9), kpi(10, 0, direction=LOWER, weight=1, one_year=2)]
    assert str(outcomes.overall_score(kpis)) == "60.0"
    assert str(outcomes.overall_score(kpis, at="one_year")) == "85.0"
    with pytest.raises(ValueError, match="at must be one of"):
        outcomes.overall_score(kpis, at="baseline")


def test_overall_score_is_none_when_nothing_counts():
    assert outcomes.overall_score([]) is None
    assert outcomes.overall_score([kpi(0, 10, weight=1)]) is None
    assert outcomes.overall_score([kpi(0, 10, weight=0, completion=5)]) is None


def test_overall_score_rounds_once_half_up_from_exact_rates():
    # 10 and 10.5 average to exactly 10.25 → 10.3
    assert str(outcomes.overall_score([kpi(0, 100, completion=10), kpi(0, 200, completion=21)])) == "10.3"
    # 0.16 and 0.13 average to 0.145 → 0.1; rounding each rate first (0.2, 0.1) would give 0.2
    pair = [kpi(0, 10000, completion=16), kpi(0, 10000, completion=13)]
    assert str(outcomes.overall_score(pair)) == "0.1"


def test_overall_score_refuses_a_negative_weight():
    with pytest.raises(ValueError, match="weight of 'custom' must be a whole number from 0 up, not -1"):
        outcomes.overall_score([kpi(0, 10, weight=-1, completion=5)])


# --- value validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, value, message",
    [
        ("defect_rate", "140", "불량률은 0%에서 100% 사이로 입력해 주십시오. 입력한 값: 140"),
        ("defect_rate", "100.01", "불량률은 0%에서 100% 사이로 입력해 주십시오. 입력한 값: 100.01"),
        ("on_time_delivery", 101, "납기 준수율은 0%에서 100% 사이로 입력해 주십시오. 입력한 값: 101"),
        ("utilisation", "120", "설비 가동률은 0%에서 100% 사이로 입력해 주십시오. 입력한 값: 120"),
        ("employment", "100001", "고용은 0명에서 100,000명 사이로 입력해 주십시오. 입력한 값: 100001"),
        (
            "industrial_accidents",
            "10001",
            "산업재해는 0건/년에서 10,000건/년 사이로 입력해 주십시오. 입력한 값: 10001",
        ),
        (
            "sales",
            "10000000000001",
            "매출액은 0원에서 10,000,000,000,000원 사이로 입력해 주십시오. 입력한 값: 10000000000001",
        ),
        ("lead_time", "0", "리드타임은 0일보다 크고 3,650일 이하로 입력해 주십시오. 입력한 값: 0"),
        ("lead_time", "-2", "리드타임은 0일보다 크고 3,650일 이하로 입력해 주십시오. 입력한 값: -2"),
        ("lead_time", "3650.5", "리드타임은 0일보다 크고 3,650일 이하로 입력해 주십시오. 입력한 값: 3650.5"),
    ],
)
def test_out_of_range_says_the_range_and_repeats_the_input(code, value, message):
    assert outcomes.value_problems(code, value) == message


@pytest.mark.parametrize(
    "code, value",
    [
        ("defect_rate", "0"),
        ("defect_rate", "100"),
        ("defect_rate", " 3.25 "),
        ("lead_time", "0.5"),
        ("lead_time", "3650"),
        ("sales", "10000000000000"),
        ("sales", "1,200,000"),  # thousands separators as people write won
        ("sales", "1200.00"),  # a whole number written with places
        ("unit_cost", D("15000")),
        ("employment", 0),
        ("industrial_accidents", "10000"),
        ("productivity", "3.120"),
        ("productivity", 0.1),
        ("productivity", "1e3"),
    ],
)
def test_plausible_values_have_no_problem(code, value):
    assert outcomes.value_problems(code, value) is None


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_blank_value_is_not_measured_yet_rather_than_wrong(value):
    assert outcomes.value_problems("sales", value) is None


@pytest.mark.parametrize(
    "code, name", [("defect_rate", "불량률"), ("unit_cost", "원가"), ("employment", "고용")]
)
def test_negative_values_are_refused(code, name):
    assert outcomes.value_problems(code, "-5") == (
        f"{name}에는 음수를 입력할 수 없습니다. 0 이상의 값으로 입력해 주십시오. 입력한 값: -5"
    )


def test_won_refuses_decimals():
    assert outcomes.value_problems("sales", "1,200.5") == (
        "매출액은 원 단위 정수로 입력해 주십시오. 원 아래 소수는 입력할 수 없습니다. 입력한 값: 1,200.5"
    )
    assert outcomes.value_problems("unit_cost", D("1500.5")) == (
        "원가는 원 단위 정수로 입력해 주십시오. 원 아래 소수는 입력할 수 없습니다. 입력한 값: 1500.5"
    )


def test_whole_number_indicators_refuse_decimals():
    assert (
        outcomes.value_problems("employment", "2.5")
        == "고용은 소수 없이 정수로 입력해 주십시오. 입력한 값: 2.5"
    )
    assert outcomes.value_problems("industrial_accidents", 0.5) == (
        "산업재해는 소수 없이 정수로 입력해 주십시오. 입력한 값: 0.5"
    )


def test_decimal_indicators_take_two_places():
    assert outcomes.value_problems("productivity", "3.125") == (
        "생산성은 소수점 아래 2자리까지 입력할 수 있습니다. 입력한 값: 3.125"
    )


def test_a_value_beyond_any_plausible_size_points_at_the_unit():
    assert outcomes.value_problems("productivity", "1e14") == (
        "생산성 값이 너무 큽니다. 단위(개/시간)를 확인하고 10,000,000,000,000개/시간 이하로 입력해 주십시오. "
        "입력한 값: 1e14"
    )


@pytest.mark.parametrize("value", ["abc", "1,2", "12%", "", True, [1], object()])
def test_non_numbers_are_refused(value):
    expected = None if value == "" else f"원가는 숫자로 입력해 주십시오. 입력한 값: {str(value).strip()}"
    assert outcomes.value_problems("unit_cost", value) == expected


@pytest.mark.parametrize(
    "value", ["NaN", "nan", "sNaN", "Infinity", "-inf", D("NaN"), D("-Infinity"), float("nan"), float("inf")]
)
def test_nan_and_infinity_are_refused(value):
    assert outcomes.value_problems("defect_rate", value) == (
        "불량률에 NaN이나 Infinity 같은 값은 입력할 수 없습니다. 측정한 값을 숫자로 입력해 주십시오. "
        f"입력한 값: {value}"
    )


def test_a_custom_kpi_uses_its_own_name_with_the_right_particle():
    oee = KpiTerms("custom", "OEE", "%", HIGHER, D(60), D(75), 10)
    assert outcomes.value_problems(oee, "x") == "OEE은(는) 숫자로 입력해 주십시오. 입력한 값: x"
    efficiency = KpiTerms("custom", "작업 효율", "%", HIGHER, D(60), D(75), 10)
    assert outcomes.value_problems(efficiency, "-1") == (
        "작업 효율에는 음수를 입력할 수 없습니다. 0 이상의 값으로 입력해 주십시오. 입력한 값: -1"
    )
    assert outcomes.value_problems(efficiency, "x") == "작업 효율은 숫자로 입력해 주십시오. 입력한 값: x"
    assert outcomes.value_problems(efficiency, "250") is None  # a custom unit has no maximum of its own


def test_messages_name_the_indicator_in_english_when_english_is_active():
    with translation.override("en"):
        assert outcomes.value_problems("defect_rate", "140").startswith("Defect rate")


def test_validate_outcomes_reports_each_bad_value_under_its_key():
    oee = KpiTerms("custom", "OEE", "%", HIGHER, D(60), D(75), 10)
    problems = outcomes.validate_outcomes(
        {"defect_rate": "140", "sales": "1,000,000", "employment": "", oee: "-1", "oee_2": "1", "kpi": "x"}
    )
    assert problems == {
        "defect_rate": "불량률은 0%에서 100% 사이로 입력해 주십시오. 입력한 값: 140",
        "custom": "OEE에는 음수를 입력할 수 없습니다. 0 이상의 값으로 입력해 주십시오. 입력한 값: -1",
        "oee_2": "알 수 없는 성과 지표입니다(코드: oee_2). 지표를 다시 선택해 주십시오.",
        "kpi": "알 수 없는 성과 지표입니다(코드: kpi). 지표를 다시 선택해 주십시오.",
    }
    assert outcomes.validate_outcomes({"sales": "5", "defect_rate": "2.5"}) == {}


# --- target direction -----------------------------------------------------------------------------


def test_a_higher_is_better_target_must_be_above_the_baseline():
    terms = KpiTerms.standard("utilisation", baseline=D(68), target=D(60), weight=1)
    assert outcomes.target_problem(terms) == (
        "설비 가동률은 높을수록 좋은 지표이므로 목표 값은 현재 값보다 커야 합니다. 목표 값을 확인해 주십시오. "
        "현재 값: 68, 목표 값: 60"
    )
    assert (
        outcomes.target_problem(KpiTerms.standard("utilisation", baseline=D(68), target=D(83), weight=1))
        is None
    )


def test_a_lower_is_better_target_must_be_below_the_baseline():
    terms = KpiTerms.standard("defect_rate", baseline=D("3.2"), target=D("3.5"), weight=1)
    assert outcomes.target_problem(terms) == (
        "불량률은 낮을수록 좋은 지표이므로 목표 값은 현재 값보다 작아야 합니다. 목표 값을 확인해 주십시오. "
        "현재 값: 3.2, 목표 값: 3.5"
    )
    assert (
        outcomes.target_problem(KpiTerms.standard("defect_rate", baseline=D("3.2"), target=D(0), weight=1))
        is None
    )


def test_a_target_equal_to_the_baseline_is_refused():
    terms = KpiTerms.standard("unit_cost", baseline=D(1000), target=D("1000.00"), weight=1)
    assert outcomes.target_problem(terms) == (
        "원가의 목표 값이 현재 값과 같아 달성률을 계산할 수 없습니다. 개선하려는 목표 값을 입력해 주십시오. "
        "현재 값: 1000, 목표 값: 1000.00"
    )


def test_target_problem_leaves_missing_values_to_the_form_and_asks_for_a_direction():
    assert outcomes.target_problem(KpiTerms.standard("sales", baseline=None, target=D(5), weight=1)) is None
    no_direction = KpiTerms("custom", "OEE", "%", "", D(60), D(75), 10)
    assert outcomes.target_problem(no_direction) == (
        "OEE의 방향(높을수록 좋음 또는 낮을수록 좋음)을 선택해 주십시오."
    )


def test_kpi_problems_collects_field_problems():
    bad = KpiTerms("employment", "고용", "명", HIGHER, D(20), D(18), -1, D("20.5"), None)
    assert outcomes.kpi_problems(bad) == {
        "target": "고용은 높을수록 좋은 지표이므로 목표 값은 현재 값보다 커야 합니다. 목표 값을 확인해 주십시오. "
        "현재 값: 20, 목표 값: 18",
        "weight": "가중치는 0 이상의 정수로 입력해 주십시오. 입력한 값: -1",
        "completion": "고용은 소수 없이 정수로 입력해 주십시오. 입력한 값: 20.5",
    }
    good = KpiTerms.standard("employment", baseline=D(20), target=D(23), weight=10, completion=D(22))
    assert outcomes.kpi_problems(good) == {}


# --- the programme's published averages -----------------------------------------------------------


def test_published_averages_as_data():
    table = {code: (a.improvement, a.published, a.measure) for code, a in outcomes.PROGRAMME_AVERAGES.items()}
    assert table == {
        "productivity": (D("29.0"), D("29.0"), "percent"),
        "defect_rate": (D("42.1"), D("42.1"), "percent"),
        "unit_cost": (D("35.2"), D("-35.2"), "percent"),
        "on_time_delivery": (D("18.3"), D("18.3"), "percent"),
        "sales": (D("11.3"), D("11.3"), "percent"),
        "employment": (D("2.1"), D("2.1"), "change"),
    }


@pytest.mark.parametrize(
    "code, figure, expected",
    [
        ("productivity", "29", "about_same"),
        ("productivity", "26.1", "about_same"),  # exactly 10 % below: still about the same
        ("productivity", "31.9", "about_same"),
        ("productivity", "26.0", "worse"),
        ("productivity", "32.0", "better"),
        ("unit_cost", "35.2", "about_same"),  # improvement: cost down 35.2 %
        ("unit_cost", "40", "better"),
        ("unit_cost", "-5", "worse"),  # cost went up
        ("employment", "2.3", "about_same"),  # persons: 1.89 … 2.31
        ("employment", "2.4", "better"),
        ("employment", "1.8", "worse"),
        ("sales", "11.3", "about_same"),
    ],
)
def test_compare_to_programme(code, figure, expected):
    assert outcomes.compare_to_programme(code, D(figure)) == expected


def test_compare_to_programme_is_none_without_an_average_or_a_figure():
    for code in ("utilisation", "lead_time", "industrial_accidents", "custom"):
        assert outcomes.compare_to_programme(code, D(10)) is None
    assert outcomes.compare_to_programme("sales", None) is None


def test_programme_measure_is_a_rate_except_for_employment_in_persons():
    assert outcomes.programme_measure("employment", D(10), D(13)) == D("3.0")
    assert outcomes.programme_measure("unit_cost", D(1000), D(648)) == D("35.2")
    assert outcomes.programme_measure("defect_rate", D("3.2"), D("1.9")) == D("40.6")
    assert outcomes.programme_measure("lead_time", D(12), D(9)) is None
    assert outcomes.programme_measure("sales", D(0), D(100)) is None
    assert outcomes.compare_to_programme("employment", outcomes.programme_measure("employment", 10, 12)) == (
        "about_same"
    )
    assert str(outcomes.COMPARISON_LABELS["better"]) == "사업 평균보다 높음"


def test_english_messages_have_no_korean_particle():
    from django.utils import translation

    with translation.override("en"):
        assert (
            outcomes.value_problems("defect_rate", "140")
            == "Defect rate must be between 0% and 100%. You entered: 140"
        )
