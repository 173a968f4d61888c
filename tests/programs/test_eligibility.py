"""Eligibility rules, checked exhaustively: every outcome branch of every rule, the boundaries and
truth tables the brief names, every parameter error, and a property test that no combination of
facts makes a rule raise or return an empty reason. Pure functions: no database."""

import ast
import itertools
import re
import string
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from organizations.errors import DomainError
from programs import eligibility
from programs.eligibility import (
    DECLARATION_KINDS,
    DEFAULT_RULES,
    DOCUMENT_KINDS,
    LEVEL_ORDER,
    MANUFACTURING_DIVISIONS,
    PARAM_HELP,
    REGION_NAMES,
    RULE_KINDS,
    RULE_LABELS,
    SUPPLIER_STATUSES,
    ApplicantFacts,
    Outcome,
    PriorSupport,
    RuleParamsError,
    RuleResult,
    SupplierFact,
    default_rules_for_level,
    evaluate_rule,
    evaluate_rules,
    overall,
    validate_params,
)

TODAY = date(2026, 3, 2)
BN = 100_000_000  # 1억 원
HANGUL = re.compile(r"[가-힣]")
RANK = {level: i for i, level in enumerate(LEVEL_ORDER)}


def facts(**kw):
    kw.setdefault("today", TODAY)
    kw.setdefault("target_level", "intermediate_1")
    return ApplicantFacts(**kw)


def run(kind, params=None, **kw):
    result = evaluate_rule(kind, params or {}, facts(**kw))
    assert result.kind == kind
    assert result.reason_ko and result.reason_en
    return result


def good_applicant(**overrides):
    values = dict(
        target_level="intermediate_1",
        employees=45,
        annual_revenue=120 * BN,
        ksic_division="C25",
        region="47",
        has_production_facility=True,
        current_level="basic",
        has_mes=True,
        has_erp=False,
        has_data_collection=False,
        documents=frozenset(DOCUMENT_KINDS),
        suppliers=(SupplierFact("스마트솔루션", "registered"),),
        prior_supports=(PriorSupport("basic", 2023, "2023 스마트공장 구축"),),
        declarations=dict.fromkeys(DECLARATION_KINDS, True),
    )
    values.update(overrides)
    return facts(**values)


# --- module shape -------------------------------------------------------------------------------


def test_module_is_pure():
    """No model, ORM or service imports: the rules must run without a database."""
    tree = ast.parse(Path(eligibility.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    stdlib = {"copy", "csv", "re", "collections.abc", "dataclasses", "datetime", "enum", "pathlib"}
    assert imported <= stdlib | {"django.utils.translation", "organizations.errors"}


def test_every_kind_has_schema_help_and_label():
    assert set(PARAM_HELP) == set(RULE_LABELS) == set(RULE_KINDS)
    for kind in RULE_KINDS:
        if kind != "sme_size":  # needs a limit; its params are checked below
            assert set(validate_params(kind, None)) == set(PARAM_HELP[kind])
        for ko, en in PARAM_HELP[kind].values():
            assert HANGUL.search(ko) and en and not HANGUL.search(en)


def test_sme_size_help_covers_every_param():
    assert set(PARAM_HELP["sme_size"]) == {
        "max_employees",
        "max_revenue",
        "revenue_caps_by_sector",
        "combine",
    }


def test_outcome_values():
    assert [str(o) for o in Outcome] == ["pass", "fail", "needs_review"]


def test_result_json_round_trip():
    result = run("production_facility", has_production_facility=True)
    data = result.as_json()
    assert data == {
        "kind": "production_facility",
        "outcome": "pass",
        "reason_ko": result.reason_ko,
        "reason_en": result.reason_en,
    }
    assert type(data["outcome"]) is str
    assert RuleResult.from_json(data) == result


@pytest.mark.parametrize(
    ("language", "expected"), [("ko", "ko"), ("en", "en"), ("en-us", "en"), ("ja", "ko")]
)
def test_result_reason_by_language(language, expected):
    result = RuleResult("x", Outcome.PASS, "한국어", "English")
    assert result.reason(language) == {"ko": "한국어", "en": "English"}[expected]


P, F, R = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], P),
        ([P], P),
        ([R], R),
        ([F], F),
        ([P, P], P),
        ([P, R], R),
        ([R, P], R),
        ([P, F], F),
        ([F, P], F),
        ([R, F], F),
        ([F, R], F),
        ([R, R], R),
        ([P, R, F], F),
        ([P, R, R, P], R),
    ],
)
def test_overall_table(outcomes, expected):
    results = [RuleResult("k", o, "이유", "reason") for o in outcomes]
    assert overall(results) is expected
    assert overall(iter(results)) is expected
    assert overall(outcomes) is expected
    assert overall([str(o) for o in outcomes]) is expected


def test_evaluate_rules_keeps_order_and_accepts_mappings():
    f = good_applicant()
    results = evaluate_rules(
        [("production_facility", {}), {"kind": "region", "params": {"allowed": ["47"]}}, {"kind": "sector"}],
        f,
    )
    assert [r.kind for r in results] == ["production_facility", "region", "sector"]
    assert overall(results) is P


def test_evaluate_rules_empty():
    assert evaluate_rules([], good_applicant()) == []


def test_evaluate_rule_validates_params():
    with pytest.raises(RuleParamsError):
        evaluate_rule("sme_size", {}, good_applicant())


# --- defaults ---------------------------------------------------------------------------------


def test_default_rules_are_cleaned_and_as_specified():
    kinds = [kind for kind, _ in DEFAULT_RULES]
    assert kinds == [
        "sme_size",
        "production_facility",
        "minimum_level",
        "required_documents",
        "supplier_approved",
        "no_duplicate_support",
        "declarations",
    ]
    for kind, params in DEFAULT_RULES:
        assert validate_params(kind, params) == params
    rules = dict(DEFAULT_RULES)
    assert rules["sme_size"] == {
        "max_employees": 300,
        "max_revenue": 150_000_000_000,
        "revenue_caps_by_sector": {},
        "combine": "any",
    }
    assert rules["no_duplicate_support"] == {"years": 3, "same_level": True}
    assert rules["declarations"] == {"required": ["no_tax_arrears", "no_sanctions"]}
    assert "level_assessment" in rules["required_documents"]["advancement_kinds"]


@pytest.mark.parametrize(
    ("target", "minimum"),
    [
        ("basic", "none"),
        ("intermediate_1", "basic"),
        ("intermediate_2", "basic"),
        ("advanced", "basic"),
    ],
)
def test_default_rules_for_level(target, minimum):
    rules = dict(default_rules_for_level(target))
    assert rules["minimum_level"]["minimum"] == minimum
    assert rules["minimum_level"]["allow_fast_track"] is True
    rules["sme_size"]["max_employees"] = 1
    assert dict(DEFAULT_RULES)["sme_size"]["max_employees"] == 300  # a fresh copy each time
    assert dict(DEFAULT_RULES)["minimum_level"]["minimum"] == "none"


def test_good_applicant_passes_the_default_rules():
    results = evaluate_rules(default_rules_for_level("intermediate_1"), good_applicant())
    assert overall(results) is P, [r.reason_en for r in results if r.outcome is not P]


def test_empty_profile_needs_review_not_fail():
    """Before the firm has filled anything in, the default rules ask for input rather than refuse."""
    results = evaluate_rules(default_rules_for_level("basic"), facts(target_level="basic"))
    assert {r.outcome for r in results} == {R}


# --- sme_size ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("employees", "expected"), [(0, P), (299, P), (300, P), (301, F)])
def test_employee_limit_boundary(employees, expected):
    result = run("sme_size", {"max_employees": 300}, employees=employees)
    assert result.outcome is expected


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [(0, P), (150_000_000_000 - 1, P), (150_000_000_000, P), (150_000_000_001, F)],
)
def test_revenue_limit_boundary(revenue, expected):
    result = run("sme_size", {"max_revenue": 150_000_000_000}, annual_revenue=revenue)
    assert result.outcome is expected


def test_zero_limit_is_a_limit():
    assert run("sme_size", {"max_employees": 0}, employees=0).outcome is P
    assert run("sme_size", {"max_employees": 0}, employees=1).outcome is F


EMPLOYEES = {"within": 300, "over": 301, "unknown": None}
REVENUE = {"within": 150_000_000_000, "over": 150_000_000_001, "unknown": None}


def expected_combine(combine, emp, rev):
    states = {emp, rev}
    if combine == "any":
        return P if "within" in states else F if states == {"over"} else R
    return F if "over" in states else P if states == {"within"} else R


@pytest.mark.parametrize("combine", ["any", "all"])
@pytest.mark.parametrize("emp", list(EMPLOYEES))
@pytest.mark.parametrize("rev", list(REVENUE))
def test_combine_truth_table(combine, emp, rev):
    params = {"max_employees": 300, "max_revenue": 150_000_000_000, "combine": combine}
    result = run("sme_size", params, employees=EMPLOYEES[emp], annual_revenue=REVENUE[rev])
    assert result.outcome is expected_combine(combine, emp, rev)
    if result.outcome is R:
        if emp == "unknown":
            assert "상시 근로자 수" in result.reason_ko and "number of employees" in result.reason_en
        if rev == "unknown":
            assert "연 매출액" in result.reason_ko and "annual revenue" in result.reason_en
        assert "입력해 주십시오" in result.reason_ko and "enter" in result.reason_en.lower()


def test_sme_size_reason_matches_the_brief():
    result = run(
        "sme_size",
        {"max_employees": 300, "max_revenue": 150_000_000_000},
        employees=320,
        annual_revenue=160_000_000_000,
    )
    assert result.outcome is F
    assert result.reason_ko.startswith(
        "상시 근로자 320명이 기준 300명을 넘고, 매출액 1,600억 원이 기준 1,500억 원을 넘습니다."
    )
    assert result.reason_en.startswith(
        "320 employees exceed the limit of 300 and revenue of KRW 160,000,000,000 exceeds the limit of "
        "KRW 150,000,000,000."
    )
    assert "기업 정보" in result.reason_ko and "company profile" in result.reason_en


def test_sme_size_pass_reason_names_both_figures():
    result = run(
        "sme_size",
        {"max_employees": 300, "max_revenue": 150_000_000_000},
        employees=1,
        annual_revenue=12_345_678_900,
    )
    assert result.outcome is P
    assert (
        "상시 근로자 1명이 기준 300명 이내이고, 매출액 123억 4,567만 8,900원이 기준 1,500억 원 이내입니다."
        in (result.reason_ko)
    )
    assert result.reason_en.startswith(
        "1 employee is within the limit of 300 and revenue of KRW 12,345,678,900"
    )


def test_any_passes_on_one_limit_and_says_so():
    result = run(
        "sme_size",
        {"max_employees": 300, "max_revenue": 150_000_000_000},
        employees=1_200,
        annual_revenue=90 * BN,
    )
    assert result.outcome is P
    assert "1,200명이 기준 300명을 넘고" in result.reason_ko
    assert "하나 이상" in result.reason_ko and "one limit is enough" in result.reason_en


SECTOR_CAPS = {"C14": 150_000_000_000, "C11": 80_000_000_000}


@pytest.mark.parametrize(
    ("sector", "revenue", "expected"),
    [
        ("C14", 150_000_000_000, P),  # the sector cap, not max_revenue, applies
        ("C14", 150_000_000_001, F),
        ("C11", 80_000_000_000, P),
        ("C11", 80_000_000_001, F),
        ("C11", 90_000_000_000, F),  # within max_revenue but over the C11 cap
        ("C25", 100_000_000_000, P),  # no cap for C25: max_revenue applies
        ("C25", 100_000_000_001, F),
        ("c11", 80_000_000_001, F),  # facts are normalised
    ],
)
def test_sector_caps_override_max_revenue(sector, revenue, expected):
    params = {"max_revenue": 100_000_000_000, "revenue_caps_by_sector": SECTOR_CAPS}
    result = run("sme_size", params, ksic_division=sector, annual_revenue=revenue)
    assert result.outcome is expected
    if sector.upper() in SECTOR_CAPS:
        assert (
            f"{sector.upper()} 업종 기준" in result.reason_ko and f"for {sector.upper()}" in result.reason_en
        )


@pytest.mark.parametrize(
    ("max_revenue", "revenue", "expected", "mentions_sector"),
    [
        (1000 * BN, 800 * BN, P, False),  # within even the lowest cap: sector does not matter
        (1000 * BN, 1500 * BN + 1, F, False),  # over even the highest cap
        (1000 * BN, 900 * BN, R, True),  # depends on the sector
        (None, 800 * BN, P, False),
        (None, 1500 * BN + 1, R, True),  # a sector without a cap has no revenue limit
        (None, None, R, True),
        (1000 * BN, None, R, True),
    ],
)
def test_unknown_sector_with_caps(max_revenue, revenue, expected, mentions_sector):
    params = {"max_revenue": max_revenue, "revenue_caps_by_sector": SECTOR_CAPS}
    result = run("sme_size", params, ksic_division=None, annual_revenue=revenue)
    assert result.outcome is expected
    assert ("주업종" in result.reason_ko) is mentions_sector
    assert ("main industry" in result.reason_en) is mentions_sector


def test_unknown_sector_does_not_matter_when_caps_equal_the_default():
    params = {"max_revenue": 100 * BN, "revenue_caps_by_sector": {"C25": 100 * BN}}
    result = run("sme_size", params, annual_revenue=None)
    assert result.outcome is R and "주업종" not in result.reason_ko


def test_sector_without_any_limit_passes():
    result = run(
        "sme_size", {"revenue_caps_by_sector": {"C11": 80 * BN}}, ksic_division="C25", annual_revenue=10**13
    )
    assert result.outcome is P
    assert "C25" in result.reason_ko and "No size limit" in result.reason_en


@pytest.mark.parametrize("combine", ["any", "all"])
def test_single_limit_wording_has_no_combine_clause(combine):
    result = run("sme_size", {"max_employees": 10, "combine": combine}, employees=11)
    assert result.outcome is F
    assert "하나 이상" not in result.reason_ko and "모든 기준" not in result.reason_ko


def test_all_fail_names_the_limit_exceeded():
    result = run(
        "sme_size",
        {"max_employees": 300, "max_revenue": 150_000_000_000, "combine": "all"},
        employees=301,
        annual_revenue=None,
    )
    assert result.outcome is F
    assert "301명이 기준 300명을 넘습니다" in result.reason_ko
    assert "Every limit must be met" in result.reason_en


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0원"),
        (9_999, "9,999원"),
        (50_000, "5만 원"),
        (100_000_001, "1억 1원"),
        (160_000_000_000, "1,600억 원"),
        (12_345_678_900, "123억 4,567만 8,900원"),
        (1_000_000_000_000, "10,000억 원"),
    ],
)
def test_korean_money_format(amount, text):
    assert eligibility._won_ko(amount) == text


# --- sector ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", MANUFACTURING_DIVISIONS)
def test_every_manufacturing_division_passes_when_unrestricted(code):
    result = run("sector", {}, ksic_division=code)
    assert result.outcome is P and code in result.reason_ko and code in result.reason_en


@pytest.mark.parametrize("code", ["C09", "C35", "G46", "A01", "J58"])
def test_outside_manufacturing_fails_when_unrestricted(code):
    result = run("sector", {"allowed": []}, ksic_division=code)
    assert result.outcome is F
    assert "C10–C34" in result.reason_ko and "C10–C34" in result.reason_en


@pytest.mark.parametrize("code", [None, "", "  "])
def test_unknown_sector_needs_review(code):
    result = run("sector", {}, ksic_division=code)
    assert result.outcome is R and "주업종" in result.reason_ko and "main industry" in result.reason_en


@pytest.mark.parametrize(
    ("code", "expected"),
    [("C25", P), ("c29", P), (" C29 ", P), ("C30", F), ("J58", P), ("C10", F)],
)
def test_sector_allowed_list(code, expected):
    result = run("sector", {"allowed": ["C25", "C29", "J58"]}, ksic_division=code)
    assert result.outcome is expected
    if expected is F:
        assert "C25, C29, J58" in result.reason_ko and "C25, C29, J58" in result.reason_en


def test_sector_reason_names_the_division():
    result = run("sector", {}, ksic_division="C25")
    assert "금속 가공제품" in result.reason_ko and "fabricated metal" in result.reason_en


# --- region ------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", [None, ""])
def test_unknown_region_needs_review(region):
    assert run("region", {}, region=region).outcome is R
    assert run("region", {"allowed": ["47"]}, region=region).outcome is R


@pytest.mark.parametrize("region", sorted(REGION_NAMES))
def test_nationwide_passes_every_known_region(region):
    result = run("region", {}, region=region)
    assert result.outcome is P and region in result.reason_ko


@pytest.mark.parametrize(
    ("region", "allowed", "expected"),
    [
        ("47", ["47"], P),
        ("47", ["27", "47"], P),
        ("11", ["27", "47"], F),
        ("42", ["51"], P),  # old Gangwon code on the firm
        ("51", ["42"], P),  # old Gangwon code in the call
        ("45", ["52"], P),
        ("52", ["51"], F),
    ],
)
def test_region_allowed_list(region, allowed, expected):
    result = run("region", {"allowed": allowed}, region=region)
    assert result.outcome is expected
    if expected is F:
        assert "지원 지역" in result.reason_ko and "eligible regions" in result.reason_en


def test_region_reason_names_the_region():
    result = run("region", {"allowed": ["27", "47"]}, region="11")
    assert "서울특별시(11)" in result.reason_ko and "대구광역시(27), 경상북도(47)" in result.reason_ko
    assert "Seoul (11)" in result.reason_en


# --- production_facility -----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(True, P), (False, F), (None, R)])
def test_production_facility(value, expected):
    result = run("production_facility", {}, has_production_facility=value)
    assert result.outcome is expected
    assert "생산시설" in result.reason_ko and "production facility" in result.reason_en


# --- minimum_level -----------------------------------------------------------------------------


@pytest.mark.parametrize("current", LEVEL_ORDER)
@pytest.mark.parametrize("target", LEVEL_ORDER)
def test_current_must_be_below_target(current, target):
    result = run("minimum_level", {}, current_level=current, target_level=target)
    assert result.outcome is (P if RANK[current] < RANK[target] else F)
    if result.outcome is F:
        assert "이상입니다" in result.reason_ko and "at or above" in result.reason_en


@pytest.mark.parametrize("current", LEVEL_ORDER)
@pytest.mark.parametrize("target", LEVEL_ORDER)
def test_reapply_same_level_allows_equal_but_not_above(current, target):
    result = run("minimum_level", {"reapply_same_level": True}, current_level=current, target_level=target)
    assert result.outcome is (P if RANK[current] <= RANK[target] else F)
    if RANK[current] == RANK[target]:
        assert "재신청" in result.reason_ko and "already held" in result.reason_en


@pytest.mark.parametrize("current", LEVEL_ORDER)
@pytest.mark.parametrize("minimum", LEVEL_ORDER)
def test_current_must_reach_minimum(current, minimum):
    params = {"minimum": minimum, "reapply_same_level": True}
    result = run("minimum_level", params, current_level=current, target_level="advanced")
    assert result.outcome is (P if RANK[current] >= RANK[minimum] else F)
    if result.outcome is F:
        assert "최소 수준" in result.reason_ko and "minimum" in result.reason_en


@pytest.mark.parametrize("minimum", LEVEL_ORDER)
@pytest.mark.parametrize(("mes", "erp", "data"), list(itertools.product([True, False], repeat=3)))
def test_fast_track_truth_table(minimum, mes, erp, data):
    params = {"minimum": minimum, "allow_fast_track": True}
    result = run(
        "minimum_level",
        params,
        current_level="none",
        target_level="advanced",
        has_mes=mes,
        has_erp=erp,
        has_data_collection=data,
    )
    all_systems = mes and erp and data
    expected = P if minimum == "none" or (minimum == "basic" and all_systems) else F
    assert result.outcome is expected
    fast_tracked = minimum == "basic" and all_systems
    assert ("패스트트랙 적용" in result.reason_ko) is fast_tracked
    assert ("Fast track applied" in result.reason_en) is fast_tracked
    if minimum == "basic" and not all_systems:
        assert "패스트트랙" in result.reason_ko and "fast track" in result.reason_en


@pytest.mark.parametrize(("mes", "erp", "data"), list(itertools.product([True, False], repeat=3)))
def test_fast_track_off_ignores_systems(mes, erp, data):
    params = {"minimum": "basic", "allow_fast_track": False}
    result = run(
        "minimum_level", params, current_level="none", has_mes=mes, has_erp=erp, has_data_collection=data
    )
    assert result.outcome is F
    assert "패스트트랙" not in result.reason_ko


@pytest.mark.parametrize(("mes", "erp", "data"), list(itertools.product([True, False, None], repeat=3)))
def test_fast_track_with_unknown_systems(mes, erp, data):
    params = {"minimum": "basic", "allow_fast_track": True}
    result = run(
        "minimum_level", params, current_level="none", has_mes=mes, has_erp=erp, has_data_collection=data
    )
    systems = (mes, erp, data)
    expected = P if all(s is True for s in systems) else F if False in systems else R
    assert result.outcome is expected
    if expected is R:
        names = [n for n, s in zip(("MES", "ERP", "data collection"), systems, strict=True) if s is None]
        assert all(n in result.reason_en for n in names)


def test_fast_track_names_what_is_missing():
    result = run(
        "minimum_level",
        {"minimum": "basic", "allow_fast_track": True},
        current_level="none",
        has_mes=True,
        has_erp=False,
        has_data_collection=True,
    )
    assert result.outcome is F and "ERP" in result.reason_ko.split("패스트트랙")[-1]
    assert "MES" not in result.reason_en.split("missing or not entered:")[-1]


def test_fast_track_does_not_apply_to_a_firm_already_at_basic():
    result = run(
        "minimum_level",
        {"minimum": "basic", "allow_fast_track": True},
        current_level="basic",
        has_mes=True,
        has_erp=True,
        has_data_collection=True,
    )
    assert result.outcome is P and "패스트트랙" not in result.reason_ko


def test_fast_track_applies_only_to_the_applicant_level_not_the_already_held_check():
    """A firm without a built level may still apply for Basic even if it runs MES, ERP and data."""
    result = run(
        "minimum_level",
        {"allow_fast_track": True},
        current_level="none",
        target_level="basic",
        has_mes=True,
        has_erp=True,
        has_data_collection=True,
    )
    assert result.outcome is P


@pytest.mark.parametrize("current", [None, "expert", ""])
def test_unknown_current_level_needs_review(current):
    result = run("minimum_level", {"minimum": "basic"}, current_level=current)
    assert result.outcome is R and "현재" in result.reason_ko and "current" in result.reason_en


def test_unknown_target_level_needs_review():
    result = run("minimum_level", {}, current_level="basic", target_level="mystery")
    assert result.outcome is R and "mystery" in result.reason_en


def test_already_at_highest_level_says_so():
    result = run("minimum_level", {}, current_level="advanced", target_level="advanced")
    assert result.outcome is F and "가장 높은" in result.reason_ko and "highest" in result.reason_en
    result = run("minimum_level", {}, current_level="basic", target_level="basic")
    assert "더 높은 수준의 트랙" in result.reason_ko and "higher track" in result.reason_en


# --- required_documents ------------------------------------------------------------------------

KINDS = ["business_plan", "financial_statements", "supplier_quotation"]


def test_documents_unknown_needs_review():
    result = run("required_documents", {"kinds": KINDS}, documents=None)
    assert result.outcome is R
    assert "신청할 때" in result.reason_ko and "when you apply" in result.reason_en
    assert "사업계획서" in result.reason_ko


def test_documents_all_present_pass():
    assert run("required_documents", {"kinds": KINDS}, documents=frozenset([*KINDS, "other"])).outcome is P


@pytest.mark.parametrize("missing", KINDS)
def test_each_missing_document_fails_and_is_named(missing):
    result = run(
        "required_documents", {"kinds": KINDS}, documents=frozenset(k for k in KINDS if k != missing)
    )
    assert result.outcome is F
    ko, en = eligibility.DOCUMENT_LABELS[missing]
    assert ko in result.reason_ko and en in result.reason_en
    others = [k for k in KINDS if k != missing]
    assert not any(eligibility.DOCUMENT_LABELS[k][0] in result.reason_ko for k in others)
    assert "첨부해 주십시오" in result.reason_ko and "Attach" in result.reason_en


def test_no_documents_at_all_lists_every_kind():
    result = run("required_documents", {"kinds": KINDS}, documents=frozenset())
    assert result.outcome is F
    assert "사업계획서, 재무제표, 공급기업 견적서" in result.reason_ko
    assert "business plan, financial statements, supplier quotation" in result.reason_en


@pytest.mark.parametrize("documents", [None, frozenset(), frozenset(DOCUMENT_KINDS)])
def test_no_required_documents_passes(documents):
    assert run("required_documents", {"kinds": []}, documents=documents).outcome is P


@pytest.mark.parametrize(
    ("target", "expected"),
    [("none", P), ("basic", P), ("intermediate_1", F), ("intermediate_2", F), ("advanced", F)],
)
def test_advancement_documents_only_for_advancement_tracks(target, expected):
    params = {"kinds": ["business_plan"], "advancement_kinds": ["level_assessment"]}
    result = run("required_documents", params, target_level=target, documents=frozenset(["business_plan"]))
    assert result.outcome is expected
    if expected is F:
        assert "수준확인 결과서" in result.reason_ko


# --- supplier_approved -------------------------------------------------------------------------


def test_suppliers_unknown_needs_review():
    assert run("supplier_approved", {}, suppliers=None).outcome is R


def test_no_supplier_fails():
    result = run("supplier_approved", {}, suppliers=())
    assert (
        result.outcome is F
        and "지정해 주십시오" in result.reason_ko
        and "Name at least one" in result.reason_en
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("registered", P),
        ("submitted", R),
        ("under_review", R),
        ("returned", R),
        ("unregistered", R),
        ("rejected", F),
        ("suspended", F),
        ("something_new", R),
    ],
)
def test_each_supplier_status(status, expected):
    result = run("supplier_approved", {}, suppliers=(SupplierFact("(주)한빛솔루션", status),))
    assert result.outcome is expected
    assert "(주)한빛솔루션" in result.reason_ko and "(주)한빛솔루션" in result.reason_en
    if expected is R:
        assert "Waiting for operator approval of" in result.reason_en and "승인" in result.reason_ko
    if expected is F:
        assert "다른 공급기업" in result.reason_ko and "another supplier" in result.reason_en


def test_supplier_statuses_are_all_covered():
    assert set(SUPPLIER_STATUSES) == {
        "registered",
        "submitted",
        "under_review",
        "returned",
        "rejected",
        "suspended",
        "unregistered",
    }


@pytest.mark.parametrize(
    ("statuses", "expected", "named"),
    [
        (("registered", "registered"), P, ["Alpha", "Bravo"]),
        (("registered", "submitted"), R, ["Bravo"]),
        (("registered", "rejected"), F, ["Bravo"]),
        (("suspended", "submitted"), F, ["Alpha"]),
        (("rejected", "suspended"), F, ["Alpha", "Bravo"]),
    ],
)
def test_several_suppliers(statuses, expected, named):
    suppliers = tuple(SupplierFact(n, s) for n, s in zip(("Alpha", "Bravo"), statuses, strict=True))
    result = run("supplier_approved", {}, suppliers=suppliers)
    assert result.outcome is expected
    assert [n for n in ("Alpha", "Bravo") if n in result.reason_en] == named
    assert [n for n in ("Alpha", "Bravo") if n in result.reason_ko] == named


def test_returned_supplier_is_told_to_resubmit():
    result = run("supplier_approved", {}, suppliers=(SupplierFact("A", "returned"),))
    assert "다시 제출" in result.reason_ko and "resubmit" in result.reason_en


# --- no_duplicate_support ----------------------------------------------------------------------


def test_support_history_unknown_needs_review():
    result = run("no_duplicate_support", {}, prior_supports=None)
    assert result.outcome is R and "2024–2026년" in result.reason_ko


def test_no_history_passes():
    assert run("no_duplicate_support", {}, prior_supports=()).outcome is P


@pytest.mark.parametrize("years", [1, 2, 3, 5, 10])
def test_duplicate_support_year_boundary(years):
    params = {"years": years}
    last_counted = TODAY.year - years + 1
    inside = run(
        "no_duplicate_support", params, prior_supports=(PriorSupport("intermediate_1", last_counted),)
    )
    outside = run(
        "no_duplicate_support", params, prior_supports=(PriorSupport("intermediate_1", last_counted - 1),)
    )
    assert (
        inside.outcome is F
        and f"{last_counted}년" in inside.reason_ko
        and str(last_counted) in inside.reason_en
    )
    assert outside.outcome is P


def test_default_three_years_in_2026():
    def outcome(year):
        return run("no_duplicate_support", {}, prior_supports=(PriorSupport("intermediate_1", year),)).outcome

    assert [outcome(y) for y in (2022, 2023, 2024, 2025, 2026, 2027)] == [P, P, F, F, F, F]


@pytest.mark.parametrize(
    ("same_level", "support_level", "expected"),
    [
        (True, "intermediate_1", F),
        (True, "basic", P),
        (True, "advanced", P),
        (False, "intermediate_1", F),
        (False, "basic", F),
        (False, "advanced", F),
    ],
)
def test_same_level_switch(same_level, support_level, expected):
    params = {"years": 3, "same_level": same_level}
    result = run(
        "no_duplicate_support",
        params,
        target_level="intermediate_1",
        prior_supports=(PriorSupport(support_level, 2025),),
    )
    assert result.outcome is expected


def test_duplicate_reason_names_year_and_programme():
    supports = (
        PriorSupport("intermediate_1", 2024, "경북 스마트공장 구축"),
        PriorSupport("intermediate_1", 2025),
    )
    result = run("no_duplicate_support", {}, prior_supports=supports)
    assert result.outcome is F
    assert "2025년 중간1 수준, 2024년 중간1 수준(경북 스마트공장 구축)" in result.reason_ko
    assert (
        "2025 at Intermediate 1 level, 2024 at Intermediate 1 level (경북 스마트공장 구축)"
        in result.reason_en
    )
    assert "2,024" not in result.reason_ko


# --- declarations ------------------------------------------------------------------------------


def test_declarations_unknown_needs_review():
    result = run("declarations", {}, declarations=None)
    assert result.outcome is R
    assert DECLARATION_KINDS["no_tax_arrears"][0] in result.reason_ko


def test_default_declarations_confirmed_pass():
    assert run("declarations", {}, declarations={"no_tax_arrears": True, "no_sanctions": True}).outcome is P


@pytest.mark.parametrize("kind", list(DECLARATION_KINDS))
def test_each_declaration_missing_or_refused_fails(kind):
    params = {"required": list(DECLARATION_KINDS)}
    others = {k: True for k in DECLARATION_KINDS if k != kind}
    ko, en = DECLARATION_KINDS[kind]
    missing = run("declarations", params, declarations=others)
    refused = run("declarations", params, declarations={**others, kind: False})
    for result in (missing, refused):
        assert result.outcome is F and ko in result.reason_ko and en in result.reason_en
    assert "확인하지 않았습니다" in missing.reason_ko and "Not yet confirmed" in missing.reason_en
    assert "해당하지 않는다고" in refused.reason_ko and "answered no" in refused.reason_en


def test_refused_and_missing_are_both_reported():
    result = run("declarations", {}, declarations={"no_tax_arrears": False})
    assert result.outcome is F
    assert "answered no" in result.reason_en and "Not yet confirmed" in result.reason_en


def test_only_required_declarations_count():
    result = run(
        "declarations", {"required": ["not_closed"]}, declarations={"not_closed": True, "no_sanctions": False}
    )
    assert result.outcome is P


@pytest.mark.parametrize("declarations", [None, {}, {"no_tax_arrears": False}])
def test_no_required_declarations_passes(declarations):
    assert run("declarations", {"required": []}, declarations=declarations).outcome is P


# --- validate_params ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("nonsense", {}, "kind"),
        ("sme_size", ["max_employees"], "params"),
        ("sme_size", {"max_employees": 300, "max_staff": 1}, "max_staff"),
        ("production_facility", {"strict": True}, "strict"),
        ("supplier_approved", {"x": 1}, "x"),
        # sme_size
        ("sme_size", {}, "max_employees"),
        ("sme_size", {"max_employees": None, "max_revenue": None}, "max_employees"),
        ("sme_size", {"max_employees": "300"}, "max_employees"),
        ("sme_size", {"max_employees": 300.0}, "max_employees"),
        ("sme_size", {"max_employees": True}, "max_employees"),
        ("sme_size", {"max_employees": -1}, "max_employees"),
        ("sme_size", {"max_revenue": -1}, "max_revenue"),
        ("sme_size", {"max_revenue": 1.5e11}, "max_revenue"),
        ("sme_size", {"max_revenue": 1, "combine": "either"}, "combine"),
        ("sme_size", {"max_revenue": 1, "combine": None}, "combine"),
        ("sme_size", {"revenue_caps_by_sector": [("C14", 1)]}, "revenue_caps_by_sector"),
        ("sme_size", {"revenue_caps_by_sector": {"14": 1}}, "revenue_caps_by_sector"),
        ("sme_size", {"revenue_caps_by_sector": {"C14": -1}}, "revenue_caps_by_sector"),
        ("sme_size", {"revenue_caps_by_sector": {"C14": "1"}}, "revenue_caps_by_sector"),
        # sector
        ("sector", {"allowed": "C25"}, "allowed"),
        ("sector", {"allowed": ["25"]}, "allowed"),
        ("sector", {"allowed": ["C2"]}, "allowed"),
        ("sector", {"allowed": [""]}, "allowed"),
        ("sector", {"allowed": [25]}, "allowed"),
        ("sector", {"allowed": None}, "allowed"),
        # region
        ("region", {"allowed": "47"}, "allowed"),
        ("region", {"allowed": ["4"]}, "allowed"),
        ("region", {"allowed": ["99"]}, "allowed"),
        ("region", {"allowed": [47]}, "allowed"),
        # minimum_level
        ("minimum_level", {"minimum": "expert"}, "minimum"),
        ("minimum_level", {"minimum": None}, "minimum"),
        ("minimum_level", {"allow_fast_track": "yes"}, "allow_fast_track"),
        ("minimum_level", {"allow_fast_track": 1}, "allow_fast_track"),
        ("minimum_level", {"reapply_same_level": None}, "reapply_same_level"),
        # required_documents
        ("required_documents", {"kinds": "business_plan"}, "kinds"),
        ("required_documents", {"kinds": ["passport"]}, "kinds"),
        ("required_documents", {"advancement_kinds": ["passport"]}, "advancement_kinds"),
        # no_duplicate_support
        ("no_duplicate_support", {"years": 0}, "years"),
        ("no_duplicate_support", {"years": -3}, "years"),
        ("no_duplicate_support", {"years": "3"}, "years"),
        ("no_duplicate_support", {"years": None}, "years"),
        ("no_duplicate_support", {"same_level": "true"}, "same_level"),
        # declarations
        ("declarations", {"required": ["no_crimes"]}, "required"),
        ("declarations", {"required": "no_tax_arrears"}, "required"),
        ("declarations", {"required": [None]}, "required"),
    ],
)
def test_validate_params_errors(kind, params, field):
    with pytest.raises(RuleParamsError) as info:
        validate_params(kind, params)
    assert info.value.field == field
    assert info.value.code == "rule_params"
    assert isinstance(info.value, DomainError) and info.value.status == 400
    assert str(info.value.message)


def test_validate_params_error_uses_the_param_label():
    from django.utils import translation

    with translation.override("en"), pytest.raises(RuleParamsError) as info:
        validate_params("no_duplicate_support", {"years": 0})
    assert "Look-back period" in str(info.value.message)
    with translation.override("ko"), pytest.raises(RuleParamsError) as info:
        validate_params("no_duplicate_support", {"years": 0})
    assert "중복 지원 제한 기간" in str(info.value.message)


@pytest.mark.parametrize(
    ("kind", "params", "cleaned"),
    [
        (
            "sme_size",
            {"max_employees": 300},
            {"max_employees": 300, "max_revenue": None, "revenue_caps_by_sector": {}, "combine": "any"},
        ),
        (
            "sme_size",
            {"revenue_caps_by_sector": {"c14": 1, " C11 ": 0}, "combine": "all"},
            {
                "max_employees": None,
                "max_revenue": None,
                "revenue_caps_by_sector": {"C11": 0, "C14": 1},
                "combine": "all",
            },
        ),
        ("sector", None, {"allowed": []}),
        ("sector", {"allowed": ["c25", "C25", "C10"]}, {"allowed": ["C25", "C10"]}),
        ("sector", {"allowed": ("C25",)}, {"allowed": ["C25"]}),
        ("region", {"allowed": ["42", "45", "47", "47"]}, {"allowed": ["51", "52", "47"]}),
        ("region", {"allowed": {"47", "11"}}, {"allowed": ["11", "47"]}),
        ("production_facility", {}, {}),
        ("production_facility", None, {}),
        ("minimum_level", {}, {"minimum": "none", "allow_fast_track": False, "reapply_same_level": False}),
        (
            "required_documents",
            {"kinds": ["business_plan"]},
            {"kinds": ["business_plan"], "advancement_kinds": []},
        ),
        ("supplier_approved", {}, {}),
        ("no_duplicate_support", {}, {"years": 3, "same_level": True}),
        ("no_duplicate_support", {"years": 1, "same_level": False}, {"years": 1, "same_level": False}),
        ("declarations", {}, {"required": ["no_tax_arrears", "no_sanctions"]}),
        ("declarations", {"required": []}, {"required": []}),
    ],
)
def test_validate_params_cleans_and_fills_defaults(kind, params, cleaned):
    assert validate_params(kind, params) == cleaned
    assert validate_params(kind, cleaned) == cleaned


def test_validate_params_does_not_share_defaults():
    first = validate_params("declarations", {})
    first["required"].append("not_closed")
    assert validate_params("declarations", {}) == {"required": ["no_tax_arrears", "no_sanctions"]}


def test_validate_params_does_not_mutate_input():
    params = {"allowed": ["c25"]}
    validate_params("sector", params)
    assert params == {"allowed": ["c25"]}


# --- property: any facts, valid params → a result with both reasons ------------------------------


def optional(strategy):
    return st.none() | strategy


money = st.integers(min_value=0, max_value=10**13)
names = st.text(alphabet=string.ascii_letters + " ()", min_size=1, max_size=12)

FACTS = st.builds(
    ApplicantFacts,
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    target_level=st.sampled_from(LEVEL_ORDER),
    employees=optional(st.integers(min_value=0, max_value=10**6)),
    annual_revenue=optional(money),
    ksic_division=optional(st.sampled_from([*MANUFACTURING_DIVISIONS, "G46", "A01", "c25", "", " C30 "])),
    region=optional(st.sampled_from([*REGION_NAMES, "42", "45", "99", ""])),
    has_production_facility=optional(st.booleans()),
    current_level=optional(st.sampled_from([*LEVEL_ORDER, "unknown"])),
    has_mes=optional(st.booleans()),
    has_erp=optional(st.booleans()),
    has_data_collection=optional(st.booleans()),
    documents=optional(st.frozensets(st.sampled_from([*DOCUMENT_KINDS, "unknown_kind"]))),
    suppliers=optional(
        st.lists(
            st.builds(SupplierFact, name=names, status=st.sampled_from([*SUPPLIER_STATUSES, "unknown"])),
            max_size=4,
        ).map(tuple)
    ),
    prior_supports=optional(
        st.lists(
            st.builds(
                PriorSupport,
                level=st.sampled_from(LEVEL_ORDER),
                year=st.integers(min_value=1990, max_value=2110),
                programme=st.text(alphabet=string.ascii_letters, max_size=10),
            ),
            max_size=4,
        ).map(tuple)
    ),
    declarations=optional(st.dictionaries(st.sampled_from(list(DECLARATION_KINDS)), st.booleans())),
)


def _has_limit(p):
    return (
        p.get("max_employees") is not None
        or p.get("max_revenue") is not None
        or bool(p.get("revenue_caps_by_sector"))
    )


PARAMS = {
    "sme_size": st.fixed_dictionaries(
        {},
        optional={
            "max_employees": optional(st.integers(min_value=0, max_value=10**6)),
            "max_revenue": optional(money),
            "revenue_caps_by_sector": st.dictionaries(
                st.sampled_from(MANUFACTURING_DIVISIONS), money, max_size=4
            ),
            "combine": st.sampled_from(["any", "all"]),
        },
    ).filter(_has_limit),
    "sector": st.fixed_dictionaries(
        {}, optional={"allowed": st.lists(st.sampled_from([*MANUFACTURING_DIVISIONS, "J58"]), max_size=5)}
    ),
    "region": st.fixed_dictionaries(
        {}, optional={"allowed": st.lists(st.sampled_from(sorted(REGION_NAMES)), max_size=5)}
    ),
    "production_facility": st.just({}),
    "minimum_level": st.fixed_dictionaries(
        {},
        optional={
            "minimum": st.sampled_from(LEVEL_ORDER),
            "allow_fast_track": st.booleans(),
            "reapply_same_level": st.booleans(),
        },
    ),
    "required_documents": st.fixed_dictionaries(
        {},
        optional={
            "kinds": st.lists(st.sampled_from(DOCUMENT_KINDS), max_size=4),
            "advancement_kinds": st.lists(st.sampled_from(DOCUMENT_KINDS), max_size=2),
        },
    ),
    "supplier_approved": st.just({}),
    "no_duplicate_support": st.fixed_dictionaries(
        {}, optional={"years": st.integers(min_value=1, max_value=30), "same_level": st.booleans()}
    ),
    "declarations": st.fixed_dictionaries(
        {}, optional={"required": st.lists(st.sampled_from(list(DECLARATION_KINDS)), max_size=4)}
    ),
}
RULES = st.sampled_from(RULE_KINDS).flatmap(lambda kind: st.tuples(st.just(kind), PARAMS[kind]))


@settings(max_examples=400, deadline=None)
@given(rule=RULES, applicant=FACTS)
def test_any_facts_give_a_result_with_both_reasons(rule, applicant):
    kind, params = rule
    result = evaluate_rule(kind, params, applicant)
    assert result.kind == kind
    assert result.outcome in set(Outcome)
    assert result.reason_ko.strip() and result.reason_en.strip()
    assert HANGUL.search(result.reason_ko)
    assert not HANGUL.search(result.reason_en)
    assert RuleResult.from_json(result.as_json()) == result
    cleaned = validate_params(kind, params)
    assert validate_params(kind, cleaned) == cleaned
    assert evaluate_rule(kind, cleaned, applicant) == result


@settings(max_examples=100, deadline=None)
@given(applicant=FACTS)
def test_default_rule_set_never_raises(applicant):
    for target in LEVEL_ORDER:
        results = evaluate_rules(default_rules_for_level(target), applicant)
        assert len(results) == len(DEFAULT_RULES)
        assert overall(results) in set(Outcome)
