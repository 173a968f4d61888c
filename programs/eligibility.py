"""Eligibility rules for a call, as pure functions over plain facts: the same rule gives the
applicant's self-check, the submission gate and the operator's review. Tests need no database.

Each rule returns pass, fail or needs review, with a reason in Korean and in English. Both strings
are stored on the result, not translated through gettext: applicants and operators read the same
result in either language, and it is saved as JSON with the application. Every threshold is a rule
parameter set by the call (facts.md: the legal SME test changes over time), never a constant here.
"""

import copy
import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from organizations.errors import DomainError


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 (an outcome, not a password)
    FAIL = "fail"
    REVIEW = "needs_review"


# organizations.models.SmartFactoryLevel values, lowest first (mirrored, not imported: pure module).
LEVEL_ORDER = ("none", "basic", "intermediate_1", "intermediate_2", "advanced")
LEVEL_LABELS = {
    "none": ("미구축", "not built"),
    "basic": ("기초", "Basic"),
    "intermediate_1": ("중간1", "Intermediate 1"),
    "intermediate_2": ("중간2", "Intermediate 2"),
    "advanced": ("고도", "Advanced"),
}
_RANK = {level: i for i, level in enumerate(LEVEL_ORDER)}

DOCUMENT_LABELS = {
    "business_plan": ("사업계획서", "business plan"),
    "level_assessment": ("수준확인 결과서", "level assessment report"),
    "financial_statements": ("재무제표", "financial statements"),
    "supplier_quotation": ("공급기업 견적서", "supplier quotation"),
    "business_registration": ("사업자등록증", "business registration certificate"),
    "tax_clearance": ("납세증명서", "tax clearance certificate"),
    "factory_registration": ("공장등록증", "factory registration certificate"),
    "other": ("기타 서류", "other document"),
}
DOCUMENT_KINDS = tuple(DOCUMENT_LABELS)

SUPPLIER_STATUS_LABELS = {
    "registered": ("등록 승인", "approved"),
    "submitted": ("등록 신청", "registration submitted"),
    "under_review": ("검토 중", "under review"),
    "returned": ("보완 요청", "returned for correction"),
    "rejected": ("반려", "rejected"),
    "suspended": ("정지", "suspended"),
    "unregistered": ("미등록", "not registered"),
}
SUPPLIER_STATUSES = tuple(SUPPLIER_STATUS_LABELS)

DECLARATION_KINDS = {
    "no_tax_arrears": ("국세·지방세 체납이 없습니다", "No national or local tax arrears"),
    "no_sanctions": (
        "참여제한·제재 처분을 받고 있지 않습니다",
        "Not under a participation restriction or sanction",
    ),
    "not_closed": ("휴업·폐업 상태가 아닙니다", "Not suspended or closed"),
    "no_financial_default": ("금융기관 불량거래처가 아닙니다", "Not a bad-credit borrower"),
}

RULE_KINDS = (
    "sme_size",
    "sector",
    "region",
    "production_facility",
    "minimum_level",
    "required_documents",
    "supplier_approved",
    "no_duplicate_support",
    "declarations",
)
RULE_LABELS = {
    "sme_size": ("중소기업 규모", "SME size"),
    "sector": ("업종", "Sector"),
    "region": ("지역", "Region"),
    "production_facility": ("생산시설 보유", "Production facility"),
    "minimum_level": ("현재 수준(패스트트랙)", "Current level (fast track)"),
    "required_documents": ("제출 서류", "Required documents"),
    "supplier_approved": ("공급기업 등록·승인", "Supplier registered and approved"),
    "no_duplicate_support": ("중복 지원 제한", "No duplicate support"),
    "declarations": ("확약 사항", "Declarations"),
}

# Built-in checks: not configurable by a call, they run on every call's rule set (evaluate_rules).
RESTRICTION_KIND = "no_restriction"  # fits EligibilityResult.kind (24)
BUILTIN_LABELS = {RESTRICTION_KIND: ("사업 참여 제한", "Participation restriction")}
RESTRICTION_ROLES = {
    "lead": ("주관기업", "lead"),
    "supplier": ("공급기업", "supplier"),
    "large_firm": ("컨소시엄 참여기업", "consortium member"),
}

# Manufacturing is KSIC section C, divisions 10–34: the programme's definition of "a factory".
MANUFACTURING_DIVISIONS = tuple(f"C{n}" for n in range(10, 35))
_KSIC_RE = re.compile(r"^[A-Z]\d{2}$")
_REGION_RE = re.compile(r"^\d{2}$")
# Gangwon 42→51 (2023) and Jeonbuk 45→52 (2024): data sets still mix the codes (facts.md §5).
LEGACY_REGION_CODES = {"42": "51", "45": "52"}


def _load_names(filename: str) -> dict[str, tuple[str, str]]:
    """Names for reasons, read from the project's reference CSV (no database); codes if unreadable."""
    path = Path(__file__).resolve().parent.parent / "organizations" / "data" / filename
    try:
        with open(path, encoding="utf-8") as f:
            return {row["code"]: (row["name_ko"], row["name_en"]) for row in csv.DictReader(f)}
    except (OSError, KeyError, csv.Error):
        return {}


REGION_NAMES = _load_names("regions.csv")
KSIC_NAMES = _load_names("ksic_manufacturing.csv")


@dataclass(frozen=True)
class SupplierFact:
    name: str
    status: str  # one of SUPPLIER_STATUSES


@dataclass(frozen=True)
class PriorSupport:
    level: str
    year: int
    programme: str = ""


@dataclass(frozen=True)
class RestrictionFact:
    """A participation restriction (sanctions app) on a company taking part: as "lead", "supplier"
    or "large_firm". In force from starts_on to ends_on, both included, until lifted_on."""

    name: str
    role: str
    starts_on: date
    ends_on: date
    lifted_on: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on and (self.lifted_on is None or day < self.lifted_on)


@dataclass(frozen=True)
class ApplicantFacts:
    """What is known about an applicant; None means "not known yet", which makes a rule ask for
    review instead of failing, so a half-filled profile gets useful guidance."""

    today: date
    target_level: str  # the track's level
    employees: int | None = None
    annual_revenue: int | None = None  # won
    ksic_division: str | None = None  # "C10".."C34"
    region: str | None = None  # 2-digit region code, e.g. "47"
    has_production_facility: bool | None = None
    current_level: str | None = None  # one of LEVEL_ORDER
    has_mes: bool | None = None
    has_erp: bool | None = None
    has_data_collection: bool | None = None
    documents: frozenset[str] | None = None  # document kinds provided; None before applying
    suppliers: tuple[SupplierFact, ...] | None = None
    prior_supports: tuple[PriorSupport, ...] | None = None
    declarations: Mapping[str, bool] | None = None
    # Restrictions on the lead and its consortium; None when not looked up (the built-in check is
    # then left out). When known, the check runs whatever rules the call configured.
    restrictions: tuple[RestrictionFact, ...] | None = None


@dataclass(frozen=True)
class RuleResult:
    kind: str
    outcome: Outcome
    reason_ko: str
    reason_en: str

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "outcome": str(self.outcome),
            "reason_ko": self.reason_ko,
            "reason_en": self.reason_en,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> "RuleResult":
        """Rebuild a stored result (the inverse of as_json)."""
        return cls(data["kind"], Outcome(data["outcome"]), data["reason_ko"], data["reason_en"])

    def reason(self, language: str | None = None) -> str:
        """The reason in the given (or active) language: English for "en*", Korean otherwise."""
        language = language or get_language() or "ko"
        return self.reason_en if language.lower().startswith("en") else self.reason_ko


class RuleParamsError(DomainError):
    """A rule's parameters are invalid; .field names the parameter so a form can show it there."""

    default_code = "rule_params"

    def __init__(self, message, field):
        super().__init__(message, self.default_code, field)


PARAM_HELP = {
    "sme_size": {
        "max_employees": (
            "상시 근로자 수 상한(명, 비우면 적용 안 함)",
            "Maximum employees (blank: not applied)",
        ),
        "max_revenue": (
            "연 매출액 상한(원, 비우면 적용 안 함)",
            "Maximum annual revenue in KRW (blank: not applied)",
        ),
        "revenue_caps_by_sector": (
            "업종별 매출액 상한(KSIC 중분류 → 원, 해당 업종은 매출액 상한 대신 적용)",
            "Revenue limit by sector (KSIC division → KRW; replaces the maximum revenue for that sector)",
        ),
        "combine": (
            "기준 결합: any(하나 이상 충족) 또는 all(모두 충족)",
            "How limits combine: any (meet at least one) or all (meet every one)",
        ),
    },
    "sector": {
        "allowed": (
            "지원 업종(KSIC 중분류, 비우면 제조업 C10–C34 전체)",
            "Eligible sectors (KSIC divisions; blank: all manufacturing C10–C34)",
        ),
    },
    "region": {
        "allowed": (
            "지원 지역(시·도 코드, 비우면 전국)",
            "Eligible regions (2-digit region codes; blank: nationwide)",
        ),
    },
    "production_facility": {},
    "minimum_level": {
        "minimum": ("신청에 필요한 최소 현재 수준", "Minimum current level to apply"),
        "allow_fast_track": (
            "패스트트랙 허용(MES·ERP·데이터 수집 체계를 모두 갖추면 기초로 인정)",
            "Allow fast track (own MES, ERP and data collection count as Basic)",
        ),
        "reapply_same_level": (
            "현재 수준과 같은 수준의 트랙 신청 허용",
            "Allow applying for the level already held",
        ),
    },
    "required_documents": {
        "kinds": ("필수 서류", "Required documents"),
        "advancement_kinds": (
            "고도화 트랙(중간1 이상)에 추가로 필요한 서류",
            "Extra documents for advancement tracks (Intermediate 1 and above)",
        ),
    },
    "supplier_approved": {},
    "no_duplicate_support": {
        "years": ("중복 지원 제한 기간(최근 몇 년)", "Look-back period in years"),
        "same_level": ("같은 수준의 지원만 중복으로 봄", "Count only support at the track's level"),
    },
    "declarations": {
        "required": ("신청자가 확인해야 할 사항", "Declarations the applicant must confirm"),
    },
}


# --- parameter validation -------------------------------------------------------------------


def _param_label(kind, name):
    ko, en = PARAM_HELP.get(kind, {}).get(name, (name, name))
    return en if (get_language() or "ko").lower().startswith("en") else ko


def _fail(kind, name, message, **values):
    raise RuleParamsError(message % {"param": _param_label(kind, name), **values}, name)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_int(kind, name, value, *, minimum=0, nullable=False):
    if value is None and nullable:
        return None
    if not _is_int(value):
        _fail(kind, name, _("%(param)s: 정수를 입력해 주십시오."))
    if value < minimum:
        _fail(kind, name, _("%(param)s: %(minimum)s 이상이어야 합니다."), minimum=minimum)
    return value


def _clean_bool(kind, name, value):
    if not isinstance(value, bool):
        _fail(kind, name, _("%(param)s: 예 또는 아니요로 정해 주십시오."))
    return value


def _clean_choice(kind, name, value, choices):
    if not isinstance(value, str) or value not in choices:
        _fail(kind, name, _("%(param)s: 다음 중 하나여야 합니다: %(choices)s"), choices=", ".join(choices))
    return value


def _clean_list(kind, name, value, clean_item):
    if not isinstance(value, list | tuple | set | frozenset):
        _fail(kind, name, _("%(param)s: 목록이어야 합니다."))
    cleaned = []
    for item in value if isinstance(value, list | tuple) else sorted(value, key=str):
        item = clean_item(kind, name, item)
        if item not in cleaned:
            cleaned.append(item)
    return cleaned


def _clean_ksic(kind, name, value):
    code = value.strip().upper() if isinstance(value, str) else None
    if not code or not _KSIC_RE.match(code):
        _fail(kind, name, _("%(param)s: KSIC 중분류 코드(예: C25) 형식이 아닙니다: %(value)s"), value=value)
    return code


def _clean_region(kind, name, value):
    code = value.strip() if isinstance(value, str) else None
    if code and _REGION_RE.match(code):
        code = LEGACY_REGION_CODES.get(code, code)
        if not REGION_NAMES or code in REGION_NAMES:
            return code
    _fail(kind, name, _("%(param)s: 알 수 없는 시·도 코드입니다: %(value)s"), value=value)


def _clean_from(table, message):
    def clean(kind, name, value):
        if not isinstance(value, str) or value not in table:
            _fail(kind, name, message, value=value)
        return value

    return clean


_clean_level_item = _clean_from(LEVEL_ORDER, gettext_lazy("%(param)s: 알 수 없는 수준입니다: %(value)s"))
_clean_document = _clean_from(
    DOCUMENT_LABELS, gettext_lazy("%(param)s: 알 수 없는 서류 종류입니다: %(value)s")
)
_clean_declaration = _clean_from(
    DECLARATION_KINDS, gettext_lazy("%(param)s: 알 수 없는 확인 사항입니다: %(value)s")
)


def _clean_caps(kind, name, value):
    if not isinstance(value, Mapping):
        _fail(kind, name, _("%(param)s: 업종 코드와 금액의 묶음이어야 합니다."))
    cleaned = {}
    for code, cap in value.items():
        cleaned[_clean_ksic(kind, name, code)] = _clean_int(kind, name, cap)
    return dict(sorted(cleaned.items()))


# kind -> param -> (cleaner(kind, name, value), default)
_SCHEMAS = {
    "sme_size": {
        "max_employees": (lambda k, n, v: _clean_int(k, n, v, nullable=True), None),
        "max_revenue": (lambda k, n, v: _clean_int(k, n, v, nullable=True), None),
        "revenue_caps_by_sector": (_clean_caps, {}),
        "combine": (lambda k, n, v: _clean_choice(k, n, v, ("any", "all")), "any"),
    },
    "sector": {"allowed": (lambda k, n, v: _clean_list(k, n, v, _clean_ksic), [])},
    "region": {"allowed": (lambda k, n, v: _clean_list(k, n, v, _clean_region), [])},
    "production_facility": {},
    "minimum_level": {
        "minimum": (_clean_level_item, "none"),
        "allow_fast_track": (_clean_bool, False),
        "reapply_same_level": (_clean_bool, False),
    },
    "required_documents": {
        "kinds": (lambda k, n, v: _clean_list(k, n, v, _clean_document), []),
        "advancement_kinds": (lambda k, n, v: _clean_list(k, n, v, _clean_document), []),
    },
    "supplier_approved": {},
    "no_duplicate_support": {
        "years": (lambda k, n, v: _clean_int(k, n, v, minimum=1), 3),
        "same_level": (_clean_bool, True),
    },
    "declarations": {
        "required": (
            lambda k, n, v: _clean_list(k, n, v, _clean_declaration),
            ["no_tax_arrears", "no_sanctions"],
        ),
    },
}


def validate_params(kind: str, params: Mapping | None) -> dict:
    """Check a rule's parameters and return them complete (defaults filled in, codes normalised),
    so what is stored with the call is exactly what the rule will use."""
    if kind not in _SCHEMAS:
        raise RuleParamsError(_("알 수 없는 자격 요건 종류입니다: %(kind)s") % {"kind": kind}, "kind")
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise RuleParamsError(_("자격 요건 설정은 항목과 값의 묶음이어야 합니다."), "params")
    schema = _SCHEMAS[kind]
    for name in params:
        if name not in schema:
            raise RuleParamsError(
                _("%(kind)s 요건에는 '%(param)s' 설정이 없습니다.") % {"kind": kind, "param": name}, str(name)
            )
    cleaned = {}
    for name, (clean, default) in schema.items():
        cleaned[name] = clean(kind, name, params[name]) if name in params else copy.deepcopy(default)
    if kind == "sme_size" and all(
        not cleaned[n] and cleaned[n] != 0 for n in ("max_employees", "max_revenue", "revenue_caps_by_sector")
    ):
        raise RuleParamsError(
            _("근로자 수 상한, 매출액 상한, 업종별 매출액 상한 중 하나 이상을 정해야 합니다."),
            "max_employees",
        )
    return cleaned


# --- formatting helpers -----------------------------------------------------------------------


def _won_ko(amount: int) -> str:
    """Korean money in 억/만 units, exact: 160_000_000_000 → "1,600억 원", 12_345_678_900 →
    "123억 4,567만 8,900원"."""
    sign, amount = ("-", -amount) if amount < 0 else ("", amount)
    eok, rest = divmod(amount, 10**8)
    man, won = divmod(rest, 10**4)
    parts = [f"{eok:,}억"] * bool(eok) + [f"{man:,}만"] * bool(man)
    if won or not parts:
        parts.append(f"{won:,}원")
    else:
        parts[-1] += " 원"
    return sign + " ".join(parts)


def _won_en(amount: int) -> str:
    return f"KRW {amount:,}"


def _employees_en(n: int) -> str:
    return f"{n:,} employee" + ("" if n == 1 else "s")


def _years_ko(start: int, end: int) -> str:
    return f"{end}년" if start == end else f"{start}–{end}년"


def _years_en(start: int, end: int) -> str:
    return f"{end}" if start == end else f"{start}–{end}"


def _level(level: str) -> tuple[str, str]:
    return LEVEL_LABELS.get(level, (str(level), str(level)))


def _document(kind: str) -> tuple[str, str]:
    return DOCUMENT_LABELS.get(kind, (kind, kind))


def _ksic_label(code: str) -> tuple[str, str]:
    ko, en = KSIC_NAMES.get(code, ("", ""))
    return (f"{code} {ko}" if ko else code, f"{code} {en}" if en else code)


def _region_label(code: str) -> tuple[str, str]:
    ko, en = REGION_NAMES.get(code, ("", ""))
    return (f"{ko}({code})" if ko else code, f"{en} ({code})" if en else code)


def _labels(items, label) -> tuple[str, str]:
    pairs = [label(item) for item in items]
    return ", ".join(p[0] for p in pairs), ", ".join(p[1] for p in pairs)


def _norm_code(value) -> str | None:
    text = str(value).strip().upper() if value is not None else ""
    return text or None


def _norm_region(value) -> str | None:
    code = _norm_code(value)
    return LEGACY_REGION_CODES.get(code, code) if code else None


# --- rules: each returns (outcome, reason_ko, reason_en) -------------------------------------

FIX_PROFILE_KO = "값이 잘못 입력되었다면 기업 정보에서 고쳐 주십시오."
FIX_PROFILE_EN = "If this is wrong, correct it in the company profile."


def _sme_size(p, f):
    """Limits are checked one by one (within / over / unknown), then combined: "any" passes when one
    known limit is met, "all" fails as soon as one known limit is exceeded. Unknowns that could
    change the outcome turn the result into a review that names what to enter."""
    checks = []  # (status True=within/False=over/None=unknown, ko_mid, ko_end, en)
    missing = []  # (ko, en) facts to enter

    limit = p["max_employees"]
    if limit is not None:
        if f.employees is None:
            checks.append((None, "", "", ""))
            missing.append(("상시 근로자 수", "number of employees"))
        else:
            n = f.employees
            head_ko = f"상시 근로자 {n:,}명이 기준 {limit:,}명"
            if n <= limit:
                verb = "is" if n == 1 else "are"
                en = f"{_employees_en(n)} {verb} within the limit of {limit:,}"
                checks.append((True, f"{head_ko} 이내이고", f"{head_ko} 이내입니다", en))
            else:
                verb = "exceeds" if n == 1 else "exceed"
                en = f"{_employees_en(n)} {verb} the limit of {limit:,}"
                checks.append((False, f"{head_ko}을 넘고", f"{head_ko}을 넘습니다", en))

    caps, default = p["revenue_caps_by_sector"], p["max_revenue"]
    sector = _norm_code(f.ksic_division)
    if caps and sector is None:
        candidates = {*caps.values(), default}
        sector_ko = sector_en = None
    elif sector in caps:
        candidates = {caps[sector]}
        sector_ko, sector_en = f"{sector} 업종 기준", f"for {sector}"
    else:
        candidates = {default}
        sector_ko, sector_en = "기준", ""
    if candidates != {None}:
        finite = sorted(c for c in candidates if c is not None)
        revenue = f.annual_revenue
        sector_needed = len(candidates) > 1
        if revenue is None:
            checks.append((None, "", "", ""))
            missing.append(("연 매출액", "annual revenue"))
            if sector_needed:
                missing.append(("주업종(KSIC 중분류)", "main industry (KSIC division)"))
        elif not sector_needed:
            cap = finite[0]
            head_ko = f"매출액 {_won_ko(revenue)}이 {sector_ko} {_won_ko(cap)}"
            tail_en = f" {sector_en}" if sector_en else ""
            if revenue <= cap:
                en = f"revenue of {_won_en(revenue)} is within the limit of {_won_en(cap)}{tail_en}"
                checks.append((True, f"{head_ko} 이내이고", f"{head_ko} 이내입니다", en))
            else:
                en = f"revenue of {_won_en(revenue)} exceeds the limit of {_won_en(cap)}{tail_en}"
                checks.append((False, f"{head_ko}을 넘고", f"{head_ko}을 넘습니다", en))
        elif revenue <= finite[0]:
            head_ko = f"매출액 {_won_ko(revenue)}이 업종별 기준 중 가장 낮은 {_won_ko(finite[0])}"
            en = f"revenue of {_won_en(revenue)} is within the lowest sector limit of {_won_en(finite[0])}"
            checks.append((True, f"{head_ko} 이내이고", f"{head_ko} 이내입니다", en))
        elif None not in candidates and revenue > finite[-1]:
            head_ko = f"매출액 {_won_ko(revenue)}이 업종별 기준 중 가장 높은 {_won_ko(finite[-1])}"
            en = f"revenue of {_won_en(revenue)} exceeds even the highest sector limit of {_won_en(finite[-1])}"
            checks.append((False, f"{head_ko}을 넘고", f"{head_ko}을 넘습니다", en))
        else:
            checks.append((None, "", "", ""))
            missing.append(("주업종(KSIC 중분류)", "main industry (KSIC division)"))

    if not checks:
        return (
            Outcome.PASS,
            f"주업종({sector})에는 적용되는 규모 기준이 없습니다.",
            f"No size limit applies to the main industry ({sector}).",
        )

    statuses = [c[0] for c in checks]
    if p["combine"] == "any":
        outcome = (
            Outcome.PASS
            if True in statuses
            else Outcome.FAIL
            if all(s is False for s in statuses)
            else Outcome.REVIEW
        )
    else:
        outcome = (
            Outcome.FAIL
            if False in statuses
            else Outcome.PASS
            if all(s is True for s in statuses)
            else Outcome.REVIEW
        )

    known = [c for c in checks if c[0] is not None]
    if known:
        body_ko = ", ".join([c[1] for c in known[:-1]] + [known[-1][2]]) + "."
        body_en = " and ".join(c[3] for c in known) + "."
        body_en = body_en[0].upper() + body_en[1:]
    else:
        body_ko = body_en = ""
    several = len(checks) > 1
    if outcome is Outcome.REVIEW:
        ko_items = ", ".join(dict.fromkeys(m[0] for m in missing))
        en_items = ", ".join(dict.fromkeys(m[1] for m in missing))
        ko = f"중소기업 규모를 판단하려면 기업 정보에 다음 항목을 입력해 주십시오: {ko_items}."
        en = f"To judge the SME size, enter the following in the company profile: {en_items}."
    elif outcome is Outcome.PASS:
        if several and p["combine"] == "any":
            ko, en = (
                "기준 중 하나 이상을 충족하면 되므로 중소기업 규모 기준을 충족합니다.",
                "Meeting one limit is enough, so the firm meets the SME size test.",
            )
        elif several:
            ko, en = (
                "모든 기준을 충족하므로 중소기업 규모 기준을 충족합니다.",
                "The firm meets every limit of the SME size test.",
            )
        else:
            ko, en = "중소기업 규모 기준을 충족합니다.", "The firm meets the SME size test."
    else:
        if several and p["combine"] == "any":
            lead_ko, lead_en = (
                "기준 중 어느 것도 충족하지 않아 ",
                "No limit is met, so ",
            )
        elif several:
            lead_ko, lead_en = "모든 기준을 충족해야 하므로 ", "Every limit must be met, so "
        else:
            lead_ko, lead_en = "", ""
        ko = f"{lead_ko}중소기업 규모 기준을 충족하지 않습니다. {FIX_PROFILE_KO}"
        en_core = (
            "the firm does not meet the SME size test."
            if lead_en
            else "The firm does not meet the SME size test."
        )
        en = f"{lead_en}{en_core} {FIX_PROFILE_EN}"
    return outcome, f"{body_ko} {ko}".strip(), f"{body_en} {en}".strip()


def _sector(p, f):
    code = _norm_code(f.ksic_division)
    if code is None:
        return (
            Outcome.REVIEW,
            "주업종(KSIC 중분류)이 입력되지 않았습니다. 기업 정보에 주업종을 입력해 주십시오.",
            "The main industry (KSIC division) is not entered. Enter it in the company profile.",
        )
    ko, en = _ksic_label(code)
    allowed = p["allowed"]
    if not allowed:
        if code in MANUFACTURING_DIVISIONS:
            return (
                Outcome.PASS,
                f"주업종이 제조업(C10–C34)에 속합니다: {ko}.",
                f"The main industry is manufacturing (C10–C34): {en}.",
            )
        return (
            Outcome.FAIL,
            f"제조업(C10–C34)만 지원 대상인데 주업종이 제조업이 아닙니다: {ko}. {FIX_PROFILE_KO}",
            f"Only manufacturing (C10–C34) is eligible and the main industry is not: {en}. {FIX_PROFILE_EN}",
        )
    if code in allowed:
        return (
            Outcome.PASS,
            f"주업종이 이 공고의 지원 업종에 포함됩니다: {ko}.",
            f"The main industry is eligible in this call: {en}.",
        )
    listed = ", ".join(allowed)
    return (
        Outcome.FAIL,
        f"주업종이 이 공고의 지원 업종({listed})에 포함되지 않습니다: {ko}. {FIX_PROFILE_KO}",
        f"The main industry is not among this call's eligible sectors ({listed}): {en}. {FIX_PROFILE_EN}",
    )


def _region(p, f):
    code = _norm_region(f.region)
    if code is None:
        return (
            Outcome.REVIEW,
            "소재지(시·도)가 입력되지 않았습니다. 기업 정보에 소재지를 입력해 주십시오.",
            "The region is not entered. Enter it in the company profile.",
        )
    ko, en = _region_label(code)
    allowed = p["allowed"]
    if not allowed:
        return (
            Outcome.PASS,
            f"전국을 대상으로 하는 공고입니다(소재지: {ko}).",
            f"This call is nationwide (region: {en}).",
        )
    if code in allowed:
        return (
            Outcome.PASS,
            f"소재지가 이 공고의 지원 지역에 포함됩니다: {ko}.",
            f"The region is eligible in this call: {en}.",
        )
    listed_ko, listed_en = _labels(allowed, _region_label)
    return (
        Outcome.FAIL,
        f"소재지가 이 공고의 지원 지역({listed_ko})에 포함되지 않습니다: {ko}. "
        f"소재지가 잘못 입력되었다면 기업 정보에서 고치고, 아니라면 소재지의 공고를 찾아 주십시오.",
        f"The region is not among this call's eligible regions ({listed_en}): {en}. "
        "If the region is wrong, correct it in the company profile; otherwise look for a call covering your region.",
    )


def _production_facility(p, f):
    if f.has_production_facility is None:
        return (
            Outcome.REVIEW,
            "생산시설(공장) 보유 여부가 입력되지 않았습니다. 기업 정보에 입력해 주십시오.",
            "Whether the firm has a production facility is not entered. Enter it in the company profile.",
        )
    if f.has_production_facility:
        return Outcome.PASS, "생산시설(공장)을 보유하고 있습니다.", "The firm has a production facility."
    return (
        Outcome.FAIL,
        "생산시설(공장)이 있는 제조기업만 지원할 수 있습니다. 공장이 있다면 기업 정보에서 고쳐 주십시오.",
        "Only manufacturers with a production facility are eligible. If the firm has one, correct the company profile.",
    )


_SYSTEMS = (
    ("has_mes", "MES", "MES"),
    ("has_erp", "ERP", "ERP"),
    ("has_data_collection", "데이터 수집 체계", "data collection"),
)


def _minimum_level(p, f):
    """Current level must reach the minimum and stay below the track's level (a project must raise
    the level). Fast track: own MES, ERP and data collection count as Basic, never higher."""
    target, current, minimum = f.target_level, f.current_level, p["minimum"]
    if target not in _RANK:
        return (
            Outcome.REVIEW,
            f"이 트랙의 목표 수준을 알 수 없습니다({target}). 운영기관이 확인합니다.",
            f"The track's level is unknown ({target}). The operator will check it.",
        )
    if current is None or current not in _RANK:
        shown = f"({current})" if current is not None else ""
        return (
            Outcome.REVIEW,
            f"현재 스마트공장 수준을 알 수 없습니다{shown}. 기업 정보에 현재 수준(수준확인 결과)을 입력해 주십시오.",
            f"The current smart-factory level is unknown{' ' + shown if shown else ''}. "
            "Enter it (the level assessment result) in the company profile.",
        )
    cur_ko, cur_en = _level(current)
    tgt_ko, tgt_en = _level(target)
    min_ko, min_en = _level(minimum)
    rank_cur, rank_tgt, rank_min = _RANK[current], _RANK[target], _RANK[minimum]
    same_allowed = p["reapply_same_level"] and rank_cur == rank_tgt
    if rank_cur >= rank_tgt and not same_allowed:
        higher = rank_cur < len(LEVEL_ORDER) - 1
        return (
            Outcome.FAIL,
            f"현재 수준({cur_ko})이 이 트랙의 수준({tgt_ko}) 이상입니다. 사업은 수준을 높여야 하므로 "
            + ("더 높은 수준의 트랙에 신청해 주십시오." if higher else "이미 가장 높은 수준입니다."),
            f"The current level ({cur_en}) is already at or above this track's level ({tgt_en}); a project must "
            + (
                "raise the level, so apply for a higher track."
                if higher
                else "raise the level, and it is already the highest."
            ),
        )
    basic = _RANK["basic"]
    systems = [(getattr(f, attr), ko, en) for attr, ko, en in _SYSTEMS]
    fast_track_relevant = p["allow_fast_track"] and rank_cur < basic and rank_min == basic
    if fast_track_relevant and all(s[0] is True for s in systems):
        return (
            Outcome.PASS,
            f"패스트트랙 적용: 현재 수준은 {cur_ko}이지만 MES, ERP, 데이터 수집 체계를 모두 갖추어 "
            f"기초 단계를 건너뛸 수 있으므로 최소 수준({min_ko})을 충족합니다.",
            f"Fast track applied: the current level is {cur_en}, but the firm runs its own MES, ERP and data "
            f"collection, so it may skip Basic and meets the minimum level ({min_en}).",
        )
    if rank_cur >= rank_min:
        extra_ko = " 같은 수준의 재신청이 허용된 공고입니다." if same_allowed else ""
        extra_en = " This call allows applying for the level already held." if same_allowed else ""
        relation_ko = "과 같습니다" if rank_cur == rank_tgt else "보다 낮습니다"
        relation_en = "equals" if rank_cur == rank_tgt else "is below"
        return (
            Outcome.PASS,
            f"현재 수준({cur_ko})이 최소 수준({min_ko}) 이상이고 이 트랙의 수준({tgt_ko}){relation_ko}.{extra_ko}",
            f"The current level ({cur_en}) meets the minimum ({min_en}) and {relation_en} this track's level "
            f"({tgt_en}).{extra_en}",
        )
    if fast_track_relevant and not any(s[0] is False for s in systems):
        unknown_ko = ", ".join(s[1] for s in systems if s[0] is None)
        unknown_en = ", ".join(s[2] for s in systems if s[0] is None)
        return (
            Outcome.REVIEW,
            f"현재 수준({cur_ko})이 최소 수준({min_ko})에 못 미치지만 MES, ERP, 데이터 수집 체계를 모두 갖추면 "
            f"패스트트랙으로 신청할 수 있습니다. 기업 정보에 보유 여부를 입력해 주십시오: {unknown_ko}.",
            f"The current level ({cur_en}) is below the minimum ({min_en}), but a firm with its own MES, ERP and "
            f"data collection may use the fast track. Enter in the company profile whether it has: {unknown_en}.",
        )
    ko = (
        f"현재 수준({cur_ko})이 이 트랙의 최소 수준({min_ko})에 못 미칩니다. 수준확인을 받아 기업 정보의 "
        "수준을 갱신하거나 더 낮은 수준의 트랙에 신청해 주십시오."
    )
    en = (
        f"The current level ({cur_en}) is below this track's minimum ({min_en}). Get a level assessment and "
        "update the company profile, or apply for a lower track."
    )
    if fast_track_relevant:
        lacking_ko = ", ".join(s[1] for s in systems if s[0] is not True)
        lacking_en = ", ".join(s[2] for s in systems if s[0] is not True)
        ko += f" MES, ERP, 데이터 수집 체계를 모두 갖추면 패스트트랙으로 신청할 수 있습니다(갖추지 않았거나 입력되지 않은 것: {lacking_ko})."
        en += f" With its own MES, ERP and data collection a firm may use the fast track (missing or not entered: {lacking_en})."
    return Outcome.FAIL, ko, en


def _required_documents(p, f):
    required = list(p["kinds"])
    if _RANK.get(f.target_level, -1) > _RANK["basic"]:
        required += [k for k in p["advancement_kinds"] if k not in required]
    if not required:
        return Outcome.PASS, "이 공고에는 필수 서류가 없습니다.", "This call requires no documents."
    all_ko, all_en = _labels(required, _document)
    if f.documents is None:
        return (
            Outcome.REVIEW,
            f"필수 서류는 신청할 때 확인합니다: {all_ko}.",
            f"Required documents are checked when you apply: {all_en}.",
        )
    missing = [k for k in required if k not in f.documents]
    if missing:
        ko, en = _labels(missing, _document)
        return (
            Outcome.FAIL,
            f"다음 필수 서류가 첨부되지 않았습니다: {ko}. 신청서에 첨부해 주십시오.",
            f"These required documents are missing: {en}. Attach them to the application.",
        )
    return (
        Outcome.PASS,
        f"필수 서류가 모두 첨부되었습니다: {all_ko}.",
        f"All required documents are attached: {all_en}.",
    )


def _supplier_approved(p, f):
    if f.suppliers is None:
        return (
            Outcome.REVIEW,
            "공급기업은 신청서에 지정하면 확인합니다.",
            "The supplier is checked once it is named in the application.",
        )
    if not f.suppliers:
        return (
            Outcome.FAIL,
            "공급기업이 지정되지 않았습니다. 신청서에 공급기업을 한 곳 이상 지정해 주십시오.",
            "No supplier is named. Name at least one supplier in the application.",
        )

    def status(s):
        return SUPPLIER_STATUS_LABELS.get(s.status, (str(s.status), str(s.status)))

    blocked = [s for s in f.suppliers if s.status in ("rejected", "suspended")]
    if blocked:
        ko = ", ".join(f"{s.name}({status(s)[0]})" for s in blocked)
        en = ", ".join(f"{s.name} ({status(s)[1]})" for s in blocked)
        return (
            Outcome.FAIL,
            f"등록이 반려되었거나 정지된 공급기업은 참여할 수 없습니다: {ko}. 다른 공급기업으로 바꿔 주십시오.",
            f"A supplier whose registration is rejected or suspended cannot take part: {en}. Choose another supplier.",
        )
    waiting = [s for s in f.suppliers if s.status != "registered"]
    if waiting:
        ko = ", ".join(f"{s.name}({status(s)[0]})" for s in waiting)
        en = ", ".join(f"{s.name} ({status(s)[1]})" for s in waiting)
        ko_fix = en_fix = ""
        if any(s.status == "returned" for s in waiting):
            ko_fix = " 보완 요청을 받은 공급기업은 등록 정보를 고쳐 다시 제출해야 합니다."
            en_fix = " A supplier returned for correction must fix and resubmit its registration."
        return (
            Outcome.REVIEW,
            f"운영기관이 다음 공급기업의 등록을 승인하기를 기다리고 있습니다: {ko}.{ko_fix}",
            f"Waiting for operator approval of: {en}.{en_fix}",
        )
    names = ", ".join(s.name for s in f.suppliers)
    return (
        Outcome.PASS,
        f"지정한 공급기업이 모두 등록 승인되었습니다: {names}.",
        f"Every named supplier is approved: {names}.",
    )


def _no_duplicate_support(p, f):
    """A support counts when its year is within the last `years` calendar years including this one
    (years=3 in 2026: 2024, 2025, 2026), and, with same_level, when it was at the track's level."""
    years, same = p["years"], p["same_level"]
    end = f.today.year
    start = end - years + 1
    window_ko, window_en = _years_ko(start, end), _years_en(start, end)
    tgt_ko, tgt_en = _level(f.target_level)
    scope_ko = f"같은 수준({tgt_ko})의 " if same else ""
    scope_en = f" at the same level ({tgt_en})" if same else ""
    if f.prior_supports is None:
        return (
            Outcome.REVIEW,
            f"최근 {years}년({window_ko}) 동안의 {scope_ko}스마트공장 지원 이력을 아직 확인하지 못했습니다. "
            "받은 지원이 있으면 신청서에 입력해 주십시오. 운영기관이 이력을 확인합니다.",
            f"Smart-factory support{scope_en} in the last {years} years ({window_en}) is not yet checked. "
            "Enter any support received in the application; the operator will verify it.",
        )
    hits = sorted(
        (s for s in f.prior_supports if s.year >= start and (not same or s.level == f.target_level)),
        key=lambda s: (-s.year, s.programme),
    )
    if hits:

        def item(s, lang):
            ko, en = _level(s.level)
            if lang == "ko":
                return f"{s.year}년 {ko} 수준" + (f"({s.programme})" if s.programme else "")
            return f"{s.year} at {en} level" + (f" ({s.programme})" if s.programme else "")

        return (
            Outcome.FAIL,
            f"최근 {years}년({window_ko}) 안에 {scope_ko}지원을 받은 기업은 신청할 수 없습니다. 받은 지원: "
            + ", ".join(item(s, "ko") for s in hits)
            + ". 이력이 잘못되었다면 운영기관에 문의해 주십시오.",
            f"Firms that received support{scope_en} in the last {years} years ({window_en}) cannot apply. Support "
            "received: "
            + ", ".join(item(s, "en") for s in hits)
            + ". If this record is wrong, contact the operator.",
        )
    return (
        Outcome.PASS,
        f"최근 {years}년({window_ko}) 동안 {scope_ko}지원을 받은 이력이 없습니다.",
        f"No support{scope_en} received in the last {years} years ({window_en}).",
    )


def _declarations(p, f):
    required = p["required"]
    if not required:
        return Outcome.PASS, "이 공고에는 확인할 사항이 없습니다.", "This call requires no declarations."

    def quoted(keys):
        return ", ".join(f"「{DECLARATION_KINDS[k][0]}」" for k in keys), ", ".join(
            f"“{DECLARATION_KINDS[k][1]}”" for k in keys
        )

    if f.declarations is None:
        ko, en = quoted(required)
        return (
            Outcome.REVIEW,
            f"신청할 때 다음 사항을 확인합니다: {ko}.",
            f"You will confirm the following when you apply: {en}.",
        )
    refused = [k for k in required if k in f.declarations and f.declarations[k] is False]
    unanswered = [k for k in required if f.declarations.get(k) is not True and k not in refused]
    parts_ko, parts_en = [], []
    if refused:
        ko, en = quoted(refused)
        parts_ko.append(
            f"다음 사항에 해당하지 않는다고 답했습니다: {ko}. 이를 충족하지 않는 기업은 신청할 수 없습니다."
        )
        parts_en.append(f"You answered no to: {en}. Firms that do not meet this cannot apply.")
    if unanswered:
        ko, en = quoted(unanswered)
        parts_ko.append(
            f"다음 사항을 확인하지 않았습니다: {ko}. 사실이면 신청서에서 확인란을 선택해 주십시오."
        )
        parts_en.append(f"Not yet confirmed: {en}. If true, tick the box in the application.")
    if parts_ko:
        return Outcome.FAIL, " ".join(parts_ko), " ".join(parts_en)
    ko, en = quoted(required)
    return (
        Outcome.PASS,
        f"필요한 사항을 모두 확인했습니다: {ko}.",
        f"All required declarations are confirmed: {en}.",
    )


_RULES = {
    "sme_size": _sme_size,
    "sector": _sector,
    "region": _region,
    "production_facility": _production_facility,
    "minimum_level": _minimum_level,
    "required_documents": _required_documents,
    "supplier_approved": _supplier_approved,
    "no_duplicate_support": _no_duplicate_support,
    "declarations": _declarations,
}
assert tuple(_RULES) == RULE_KINDS == tuple(_SCHEMAS) == tuple(PARAM_HELP)


# --- public API ---------------------------------------------------------------------------------


def evaluate_rule(kind: str, params: Mapping | None, facts: ApplicantFacts) -> RuleResult:
    """Evaluate one rule. Params are validated first (RuleParamsError if invalid); facts never raise:
    anything unknown becomes a review with a reason saying what to enter."""
    cleaned = validate_params(kind, params)
    outcome, reason_ko, reason_en = _RULES[kind](cleaned, facts)
    return RuleResult(kind, outcome, reason_ko, reason_en)


def restriction_check(facts: ApplicantFacts) -> RuleResult:
    """The built-in participation-restriction check: fail when the lead or any consortium company
    is under a restriction in force on `facts.today`, naming who and until when (never why)."""
    hits = sorted(
        (r for r in facts.restrictions or () if r.in_force_on(facts.today)), key=lambda r: (r.ends_on, r.name)
    )
    if not hits:
        return RuleResult(
            RESTRICTION_KIND,
            Outcome.PASS,
            "사업 참여 제한을 받고 있는 기업이 없습니다.",
            "No company taking part is under a participation restriction.",
        )

    def role(r, i):
        return RESTRICTION_ROLES.get(r.role, (r.role, r.role))[i]

    ko = ", ".join(f"{r.name}({role(r, 0)}, {r.ends_on.isoformat()}까지)" for r in hits)
    en = ", ".join(f"{r.name} ({role(r, 1)}, until {r.ends_on.isoformat()})" for r in hits)
    return RuleResult(
        RESTRICTION_KIND,
        Outcome.FAIL,
        f"사업 참여 제한 기간 중인 기업은 신청하거나 컨소시엄에 참여할 수 없습니다: {ko}. "
        "제한 기간이 끝난 뒤 신청하거나 다른 기업으로 바꿔 주십시오.",
        f"A company under a participation restriction cannot apply or take part in a consortium: {en}. "
        "Apply after the restriction ends or choose another company.",
    )


def evaluate_rules(rules: Iterable, facts: ApplicantFacts) -> list[RuleResult]:
    """Evaluate a rule set in order. Each rule is (kind, params) or a mapping {"kind", "params"}.
    When the facts carry restrictions, the built-in restriction check runs last, whatever the call
    configured; it adds a result only when it fails (someone taking part is restricted)."""
    results = []
    for rule in rules:
        if isinstance(rule, Mapping):
            kind, params = rule["kind"], rule.get("params")
        else:
            kind, params = rule
        results.append(evaluate_rule(kind, params, facts))
    if facts.restrictions is not None:
        check = restriction_check(facts)
        if check.outcome != Outcome.PASS:  # a pass adds nothing to read: the call's rules stand
            results.append(check)
    return results


def overall(results: Iterable) -> Outcome:
    """FAIL if any rule fails, else REVIEW if any needs review, else PASS (also for no rules).
    Accepts RuleResults, Outcomes or their string values."""
    outcomes = {Outcome(getattr(r, "outcome", r)) for r in results}
    if Outcome.FAIL in outcomes:
        return Outcome.FAIL
    if Outcome.REVIEW in outcomes:
        return Outcome.REVIEW
    return Outcome.PASS


DEFAULT_RULES = tuple(
    (kind, validate_params(kind, params))
    for kind, params in (
        ("sme_size", {"max_employees": 300, "max_revenue": 150_000_000_000, "combine": "any"}),
        ("production_facility", {}),
        ("minimum_level", {"minimum": "none", "allow_fast_track": True}),
        (
            "required_documents",
            {
                "kinds": [
                    "business_plan",
                    "business_registration",
                    "financial_statements",
                    "supplier_quotation",
                ],
                "advancement_kinds": ["level_assessment"],
            },
        ),
        ("supplier_approved", {}),
        ("no_duplicate_support", {"years": 3, "same_level": True}),
        ("declarations", {"required": ["no_tax_arrears", "no_sanctions"]}),
    )
)
"""The rule set a new call starts with (cleaned params). Copy before editing: use
default_rules_for_level(), which returns fresh dicts."""


def default_rules_for_level(target_level: str) -> list[tuple[str, dict]]:
    """DEFAULT_RULES for a track, as fresh copies: an advancement track (Intermediate 1 and above)
    needs at least Basic, with the fast track open (design.md "Levels")."""
    rules = copy.deepcopy(list(DEFAULT_RULES))
    if _RANK.get(target_level, 0) > _RANK["basic"]:
        for kind, params in rules:
            if kind == "minimum_level":
                params["minimum"] = "basic"
    return rules
