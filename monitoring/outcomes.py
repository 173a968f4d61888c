"""Pure rules of outcome tracking: the programme's standard outcome indicators, a project's KPI
terms (direction, unit, baseline, target, weight, values at completion and one year later), the
achievement and improvement rates, the overall achievement score, value validation with messages
that say what to fix, and comparison with the programme's published averages.

No database here: every function takes plain values, so each can be tested exhaustively.
Rates are percentages as Decimals with one place, worked out on exact fractions and rounded
half-up once, in `q1`. Won has no minor unit, so money indicators take whole won only.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

HIGHER = "higher"  # higher is better
LOWER = "lower"  # lower is better
DIRECTIONS = (HIGHER, LOWER)

DECIMAL = "decimal"  # any value with up to DECIMAL_PLACES places
WHOLE = "whole"  # a count: persons, cases
WON = "won"  # money: whole won
KINDS = (DECIMAL, WHOLE, WON)

DECIMAL_PLACES = 2  # as applications.Kpi stores baseline and target (decimal_places=2)
CEILING = Decimal(10) ** 13  # no indicator is plausibly larger (sales are capped here too)
CUSTOM = "custom"
MOMENTS = ("completion", "one_year")


@dataclass(frozen=True)
class Indicator:
    code: str
    name_ko: str
    name_en: str
    unit_ko: str
    unit_en: str
    direction: str | None  # HIGHER or LOWER; None only for an unnamed custom KPI
    kind: str = DECIMAL
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None  # None: only CEILING applies
    minimum_exclusive: bool = False  # True: the minimum itself is refused (lead time > 0)
    outcome: bool = True  # one of the programme's seven outcome indicators (not an application KPI only)

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_ko

    @property
    def unit(self) -> str:
        return self.unit_en if _english() else self.unit_ko


def _indicator(code, name_ko, name_en, unit_ko, unit_en, direction, kind=DECIMAL, maximum=None, **extra):
    return Indicator(
        code,
        name_ko,
        name_en,
        unit_ko,
        unit_en,
        direction,
        kind,
        maximum=None if maximum is None else Decimal(maximum),
        **extra,
    )


STANDARD_INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        _indicator("productivity", "생산성", "Productivity", "개/시간", "units/hour", HIGHER),
        _indicator("defect_rate", "불량률", "Defect rate", "%", "%", LOWER, maximum=100),
        _indicator("unit_cost", "원가", "Unit cost", "원/개", "KRW/unit", LOWER, WON),
        _indicator("on_time_delivery", "납기 준수율", "On-time delivery", "%", "%", HIGHER, maximum=100),
        _indicator("sales", "매출액", "Sales", "원", "KRW", HIGHER, WON, maximum=10**13),
        _indicator("employment", "고용", "Employment", "명", "persons", HIGHER, WHOLE, maximum=100_000),
        _indicator(
            "industrial_accidents",
            "산업재해",
            "Industrial accidents",
            "건/년",
            "cases/year",
            LOWER,
            WHOLE,
            10_000,
        ),
        # KPIs an application plans with (applications.models.KpiCode) that are not outcome indicators
        _indicator(
            "utilisation",
            "설비 가동률",
            "Equipment utilisation",
            "%",
            "%",
            HIGHER,
            maximum=100,
            outcome=False,
        ),
        _indicator(
            "lead_time",
            "리드타임",
            "Lead time",
            "일",
            "days",
            LOWER,
            maximum=3650,
            minimum_exclusive=True,
            outcome=False,
        ),
    )
}
OUTCOME_CODES = tuple(code for code, i in STANDARD_INDICATORS.items() if i.outcome)


def custom_indicator(name: str = "", unit: str = "", direction: str | None = None) -> Indicator:
    """A project's own KPI: free name, unit and direction; any value from 0 up, two places."""
    return Indicator(CUSTOM, name or "기타 지표", name or "Custom KPI", unit, unit, direction)


@dataclass(frozen=True)
class KpiTerms:
    code: str
    name: str
    unit: str
    direction: str  # HIGHER or LOWER
    baseline: Decimal | None
    target: Decimal | None
    weight: int  # >= 0; the share of this KPI in the overall score
    completion: Decimal | None = None  # measured at completion
    one_year: Decimal | None = None  # measured one year after completion

    @classmethod
    def standard(cls, code: str, *, baseline, target, weight: int, completion=None, one_year=None):
        """Terms of a standard indicator, its name, unit and direction taken from the indicator."""
        i = STANDARD_INDICATORS[code]
        return cls(code, i.name_ko, i.unit_ko, i.direction, baseline, target, weight, completion, one_year)


def indicator_for(subject) -> Indicator:
    """The indicator whose rules apply: an Indicator, a KpiTerms (standard by its code, else a custom
    KPI with the terms' name, unit and direction) or a code. ValueError for an unknown code."""
    if isinstance(subject, Indicator):
        return subject
    if isinstance(subject, KpiTerms):
        if subject.code in STANDARD_INDICATORS:
            return STANDARD_INDICATORS[subject.code]
        return custom_indicator(subject.name, subject.unit, subject.direction)
    if subject == CUSTOM:
        return custom_indicator()
    if isinstance(subject, str) and subject in STANDARD_INDICATORS:
        return STANDARD_INDICATORS[subject]
    raise ValueError(f"unknown indicator: {subject!r}")


# --- rates --------------------------------------------------------------------------------------


def q1(value) -> Decimal:
    """Round to one decimal place, half away from zero (Decimal's ROUND_HALF_UP), from an exact value:
    12.25 → 12.3, -12.25 → -12.3. Always one place shown: 50 → 50.0."""
    exact = _exact(value) * 10
    magnitude = abs(exact)
    tenths = int(magnitude)  # floor, as magnitude >= 0
    if magnitude - tenths >= Fraction(1, 2):
        tenths += 1
    return Decimal(-tenths if exact < 0 else tenths).scaleb(-1)


def _exact(value) -> Fraction:
    """An exact fraction. A float is read as the decimal it prints as (0.1 → 1/10), not its binary value."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a bool is not a measured value")
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, str):
        value = Decimal(value)
    return Fraction(value)  # ValueError/OverflowError for NaN and Infinity


def _check_direction(direction) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be {HIGHER!r} or {LOWER!r}, not {direction!r}")


def _achievement(baseline, target, actual, direction) -> Fraction | None:
    _check_direction(direction)
    if baseline is None or target is None or actual is None:
        return None
    b, t, a = _exact(baseline), _exact(target), _exact(actual)
    if t == b:
        return None
    if direction == HIGHER:
        return (a - b) / (t - b) * 100
    return (b - a) / (b - t) * 100


def achievement_rate(baseline, target, actual, direction: str) -> Decimal | None:
    """How much of the planned change was achieved, in percent (one place, half-up).

    Higher is better: (actual − baseline) / (target − baseline) × 100; lower is better:
    (baseline − actual) / (baseline − target) × 100. The raw rate: below 0 when the value moved the
    wrong way, above 100 when the target was beaten. None when target equals baseline (no planned
    change to measure against) or a value is missing. (The two formulas are the same fraction; a
    target on the wrong side of the baseline is `target_problem`'s to refuse, not this function's.)
    """
    rate = _achievement(baseline, target, actual, direction)
    return None if rate is None else q1(rate)


def improvement_rate(baseline, actual, direction: str) -> Decimal | None:
    """Relative improvement over the baseline in percent (one place, half-up), positive when better:
    higher is better (actual − baseline) / baseline × 100, lower is better (baseline − actual) /
    baseline × 100. None when the baseline is 0 (no base to be relative to) or a value is missing."""
    _check_direction(direction)
    if baseline is None or actual is None:
        return None
    b, a = _exact(baseline), _exact(actual)
    if b == 0:
        return None
    change = (a - b) if direction == HIGHER else (b - a)
    return q1(change / b * 100)


def overall_score(kpis, at: str = "completion") -> Decimal | None:
    """The weighted mean of the KPIs' achievement rates at `at` ("completion" or "one_year"), each rate
    held to 0–100 first so one beaten target cannot hide a missed one. KPIs without a value at `at` or
    without a rate (target equal to baseline) do not count; None when none counts or all that count
    weigh 0. Summed on exact fractions and rounded once, half-up to one place."""
    if at not in MOMENTS:
        raise ValueError(f"at must be one of {MOMENTS}, not {at!r}")
    weighted, weights = Fraction(0), 0
    for kpi in kpis:
        if not isinstance(kpi.weight, int) or isinstance(kpi.weight, bool) or kpi.weight < 0:
            raise ValueError(f"weight of {kpi.code!r} must be a whole number from 0 up, not {kpi.weight!r}")
        rate = _achievement(kpi.baseline, kpi.target, getattr(kpi, at), kpi.direction)
        if rate is None:
            continue
        weighted += min(max(rate, Fraction(0)), Fraction(100)) * kpi.weight
        weights += kpi.weight
    if weights == 0:
        return None
    return q1(weighted / weights)


# --- validation ---------------------------------------------------------------------------------

_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,200,000 as people write won


def _english() -> bool:
    return (get_language() or "ko").lower().startswith("en")


def _topic(name: str) -> str:
    """The topic particle after a Korean noun: 은 after a final consonant, 는 after a vowel,
    은(는) when the name does not end in a Hangul syllable (a custom KPI named "OEE"); nothing in
    English, where the translated message has no particle."""
    if _english():
        return ""
    last = name.rstrip()[-1:] or " "
    if "가" <= last <= "힣":
        return "은" if (ord(last) - ord("가")) % 28 else "는"
    return "은(는)"


def _number(value: Decimal) -> str:
    """A limit as people read it: 3650 → "3,650", 0.5 → "0.5"."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _amount(value: Decimal, indicator: Indicator) -> str:
    unit = indicator.unit
    space = " " if _english() and unit and unit != "%" else ""
    return f"{_number(value)}{space}{unit}"


def _shown(raw) -> str:
    text = str(raw).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _parse(raw) -> Decimal | None:
    """The number in a form or API value, or None when it is not a number. NaN and Infinity parse (the
    caller refuses them with their own message); booleans do not."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def value_problems(indicator_or_terms, value) -> str | None:
    """Why `value` cannot be recorded for this indicator, or None when it can.

    A blank value is not a problem here (not measured yet); whether a value is required is the
    caller's decision. The message names the indicator, says what is allowed and repeats the input.
    """
    if _is_blank(value):
        return None
    indicator = indicator_for(indicator_or_terms)
    name = indicator.name
    args = {"name": name, "topic": _topic(name), "value": _shown(value), "unit": indicator.unit}
    number = _parse(value)
    if number is None:
        return _("%(name)s%(topic)s 숫자로 입력해 주십시오. 입력한 값: %(value)s") % args
    if not number.is_finite():
        return (
            _(
                "%(name)s에 NaN이나 Infinity 같은 값은 입력할 수 없습니다. 측정한 값을 숫자로 입력해 주십시오. "
                "입력한 값: %(value)s"
            )
            % args
        )
    low, high = indicator.minimum, indicator.maximum
    if number < 0 and low == 0 and not indicator.minimum_exclusive:
        return (
            _("%(name)s에는 음수를 입력할 수 없습니다. 0 이상의 값으로 입력해 주십시오. 입력한 값: %(value)s")
            % args
        )
    too_low = number <= low if indicator.minimum_exclusive else number < low
    if high is not None and (too_low or number > high):
        args.update(low=_amount(low, indicator), high=_amount(high, indicator))
        if indicator.minimum_exclusive:
            message = _(
                "%(name)s%(topic)s %(low)s보다 크고 %(high)s 이하로 입력해 주십시오. 입력한 값: %(value)s"
            )
        else:
            message = _("%(name)s%(topic)s %(low)s에서 %(high)s 사이로 입력해 주십시오. 입력한 값: %(value)s")
        return message % args
    if too_low:  # only an exclusive minimum without a maximum could get here
        args.update(low=_amount(low, indicator))
        return _("%(name)s%(topic)s %(low)s보다 큰 값으로 입력해 주십시오. 입력한 값: %(value)s") % args
    if number > CEILING:
        args.update(high=_amount(CEILING, indicator))
        return (
            _(
                "%(name)s 값이 너무 큽니다. 단위(%(unit)s)를 확인하고 %(high)s 이하로 입력해 주십시오. "
                "입력한 값: %(value)s"
            )
            % args
        )
    if indicator.kind == WON and number != number.to_integral_value():
        return (
            _(
                "%(name)s%(topic)s 원 단위 정수로 입력해 주십시오. 원 아래 소수는 입력할 수 없습니다. "
                "입력한 값: %(value)s"
            )
            % args
        )
    if indicator.kind == WHOLE and number != number.to_integral_value():
        return _("%(name)s%(topic)s 소수 없이 정수로 입력해 주십시오. 입력한 값: %(value)s") % args
    if indicator.kind == DECIMAL and number != number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES)):
        args["places"] = DECIMAL_PLACES
        return (
            _("%(name)s%(topic)s 소수점 아래 %(places)s자리까지 입력할 수 있습니다. 입력한 값: %(value)s")
            % args
        )
    return None


def target_problem(kpi: KpiTerms) -> str | None:
    """Why the target does not plan an improvement from the baseline, or None. A missing baseline or
    target is not judged here (value_problems and the form's required fields are)."""
    indicator = indicator_for(kpi)
    name = indicator.name  # a custom KPI's own name, a standard one's in the user's language
    if kpi.direction not in DIRECTIONS:
        return _("%(name)s의 방향(높을수록 좋음 또는 낮을수록 좋음)을 선택해 주십시오.") % {"name": name}
    if _is_blank(kpi.baseline) or _is_blank(kpi.target):
        return None
    baseline, target = _parse(kpi.baseline), _parse(kpi.target)
    if baseline is None or target is None or not (baseline.is_finite() and target.is_finite()):
        return None  # value_problems says what is wrong with the number itself
    args = {
        "name": name,
        "topic": _topic(name),
        "baseline": _shown(kpi.baseline),
        "target": _shown(kpi.target),
    }
    if target == baseline:
        return (
            _(
                "%(name)s의 목표 값이 현재 값과 같아 달성률을 계산할 수 없습니다. 개선하려는 목표 값을 입력해 "
                "주십시오. 현재 값: %(baseline)s, 목표 값: %(target)s"
            )
            % args
        )
    if kpi.direction == HIGHER and target < baseline:
        return (
            _(
                "%(name)s%(topic)s 높을수록 좋은 지표이므로 목표 값은 현재 값보다 커야 합니다. 목표 값을 "
                "확인해 주십시오. 현재 값: %(baseline)s, 목표 값: %(target)s"
            )
            % args
        )
    if kpi.direction == LOWER and target > baseline:
        return (
            _(
                "%(name)s%(topic)s 낮을수록 좋은 지표이므로 목표 값은 현재 값보다 작아야 합니다. 목표 값을 "
                "확인해 주십시오. 현재 값: %(baseline)s, 목표 값: %(target)s"
            )
            % args
        )
    return None


def kpi_problems(kpi: KpiTerms) -> dict[str, str]:
    """Field problems of one KPI's terms and values: {field name: message}, {} when it is usable."""
    problems = {}
    for field_name in ("baseline", "target", *MOMENTS):
        message = value_problems(kpi, getattr(kpi, field_name))
        if message:
            problems[field_name] = message
    if not isinstance(kpi.weight, int) or isinstance(kpi.weight, bool) or kpi.weight < 0:
        problems["weight"] = _("가중치는 0 이상의 정수로 입력해 주십시오. 입력한 값: %(value)s") % {
            "value": _shown(kpi.weight)
        }
    if kpi.direction not in DIRECTIONS:
        problems["direction"] = target_problem(kpi)
    elif "baseline" not in problems and "target" not in problems:
        message = target_problem(kpi)
        if message:
            problems["target"] = message
    return problems


def validate_outcomes(kpis_values: dict) -> dict[str, str]:
    """Problems of a set of entered values: {key: message} for each value that cannot be recorded.

    Keys are indicator codes (a str), KpiTerms or Indicators; the result is keyed by the str key as
    given, or by the object's code. Use string keys (form field names) when two custom KPIs share
    the code "custom"."""
    problems = {}
    for key, value in kpis_values.items():
        out_key = key if isinstance(key, str) else key.code
        try:
            message = value_problems(key, value)
        except ValueError:
            message = _("알 수 없는 성과 지표입니다(코드: %(code)s). 지표를 다시 선택해 주십시오.") % {
                "code": _shown(key)
            }
        if message:
            problems[out_key] = message
    return problems


# --- the programme's published averages ---------------------------------------------------------

PERCENT = "percent"  # the improvement rate, in percent
CHANGE = "change"  # the change in the indicator's own unit (persons per firm)


@dataclass(frozen=True)
class ProgrammeAverage:
    code: str
    improvement: Decimal  # as improvement_rate reports it: positive is better, whatever the direction
    published: Decimal  # as the programme publishes it (unit cost −35.2 %)
    measure: str = PERCENT


PROGRAMME_AVERAGES: dict[str, ProgrammeAverage] = {
    a.code: a
    for a in (
        ProgrammeAverage("productivity", Decimal("29.0"), Decimal("29.0")),
        # "quality +42.1 %": the defect rate down by 42.1 %
        ProgrammeAverage("defect_rate", Decimal("42.1"), Decimal("42.1")),
        ProgrammeAverage("unit_cost", Decimal("35.2"), Decimal("-35.2")),
        ProgrammeAverage("on_time_delivery", Decimal("18.3"), Decimal("18.3")),
        ProgrammeAverage("sales", Decimal("11.3"), Decimal("11.3")),
        ProgrammeAverage("employment", Decimal("2.1"), Decimal("2.1"), CHANGE),  # persons per firm
    )
}

BETTER = "better"
ABOUT_SAME = "about_same"
WORSE = "worse"
SAME_BAND = Fraction(1, 10)  # within ±10 % of the average counts as about the same

COMPARISON_LABELS = {
    BETTER: gettext_lazy("사업 평균보다 높음"),
    ABOUT_SAME: gettext_lazy("사업 평균과 비슷함"),
    WORSE: gettext_lazy("사업 평균보다 낮음"),
}


def programme_measure(code: str, baseline, actual) -> Decimal | None:
    """The firm's figure to set beside the programme average: the improvement rate in percent, or for
    employment the change in persons (one place). None without a published average or a value."""
    average = PROGRAMME_AVERAGES.get(code)
    if average is None or baseline is None or actual is None:
        return None
    if average.measure == CHANGE:
        return q1(_exact(actual) - _exact(baseline))
    return improvement_rate(baseline, actual, STANDARD_INDICATORS[code].direction)


def compare_to_programme(code: str, improvement_rate) -> str | None:
    """BETTER, ABOUT_SAME (within ±10 % of the average, edges included) or WORSE than the programme's
    published average; None when the indicator has no published average or there is no figure.

    `improvement_rate` is what `programme_measure` returns: the improvement rate in percent (positive
    is better, also for unit cost and defect rate), and for employment the change in persons."""
    average = PROGRAMME_AVERAGES.get(code)
    if average is None or improvement_rate is None:
        return None
    value, mean = _exact(improvement_rate), _exact(average.improvement)
    if abs(value - mean) <= abs(mean) * SAME_BAND:
        return ABOUT_SAME
    return BETTER if value > mean else WORSE
