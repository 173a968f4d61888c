"""Cost-share arithmetic for a track's funding template, kept pure (no database) so every rule can be
tested exhaustively. Money is whole won (int); rates are Decimal and are multiplied exactly through
Fraction, never float. Each funder's share is rounded down to the rounding unit and the SME pays the
residual, so the lines always add up to the total project cost exactly."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from organizations.errors import DomainError

MAX_PROJECT_COST = 10**12  # sanity bound (1조원) for a single project; larger is a typo
MAX_ROUNDING_UNIT = 10_000_000
LARGE_FIRM = "large_firm"

# Mirrors programs.models.FunderRole so messages name a funder the way users know it, without
# importing models into this pure module. Unknown roles are shown as their code.
ROLE_LABELS = {
    "central_government": _("국비"),
    "province": _("광역 지자체(도비·시비)"),
    "municipality": _("기초 지자체(시·군·구비)"),
    "large_firm": _("대기업"),
    "other": _("기타 출자기관"),
}


class FundingInputError(DomainError):
    default_code = "funding_input"
    default_message = _("분담금을 계산할 수 없습니다.")

    def __init__(self, message, field):
        super().__init__(message, self.default_code, field)


@dataclass(frozen=True)
class FunderTerms:
    role: str
    rate: Decimal
    cap: int | None = None
    bonus_rate: Decimal | None = None  # replaces rate when the applicant is in a bonus region
    bonus_cap: int | None = None  # replaces cap in a bonus region; None keeps cap


@dataclass(frozen=True)
class CostShareTemplate:
    funders: tuple[FunderTerms, ...]
    rounding_unit: int = 1000
    bonus_regions: frozenset[str] = frozenset()  # region codes like "47"


@dataclass(frozen=True)
class ShareLine:
    role: str
    rate: Decimal  # the rate actually applied (bonus rate in a bonus region)
    cap: int | None  # the cap actually applied
    amount: int
    capped: bool
    bonus: bool


@dataclass(frozen=True)
class Quote:
    total_cost: int
    lines: tuple[ShareLine, ...]
    sme_share: int
    rounding_unit: int

    @property
    def funders_total(self) -> int:
        return sum(line.amount for line in self.lines)

    def as_json(self) -> list[dict]:
        """Rates as strings: JSON has no exact decimal, and a float would lose 0.1."""
        return [
            {
                "role": line.role,
                "rate": str(line.rate),
                "cap": line.cap,
                "amount": line.amount,
                "capped": line.capped,
                "bonus": line.bonus,
            }
            for line in self.lines
        ]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _label(role) -> str:
    return ROLE_LABELS.get(role, role)


def _percent(value: Fraction) -> str:
    """Display only: a sum of decimal rates is a terminating decimal, so this is exact enough."""
    shown = (Decimal(value.numerator) / Decimal(value.denominator) * 100).normalize()
    return format(shown, "f")


def _check_rate(funder: FunderTerms, value, field: str) -> None:
    # Floats are refused: 0.1 is not one tenth, and the stored rate would differ from the shown one.
    if not (isinstance(value, Decimal) or _is_int(value)) or (
        isinstance(value, Decimal) and not value.is_finite()
    ):
        raise FundingInputError(
            _("%(role)s의 분담 비율이 숫자가 아닙니다. 0에서 1 사이의 소수(예: 0.5)로 입력해 주십시오.")
            % {"role": _label(funder.role)},
            field,
        )
    if not 0 <= value <= 1:
        raise FundingInputError(
            _("%(role)s의 분담 비율 %(rate)s이(가) 0에서 1 사이가 아닙니다. 50%%는 0.5로 입력해 주십시오.")
            % {"role": _label(funder.role), "rate": value},
            field,
        )


def _check_cap(funder: FunderTerms, value, field: str) -> None:
    if value is None:
        return
    if not _is_int(value) or value <= 0:
        raise FundingInputError(
            _("%(role)s의 한도 %(cap)s은(는) 1원 이상의 정수여야 합니다. 한도가 없으면 비워 두십시오.")
            % {"role": _label(funder.role), "cap": value},
            field,
        )


def validate_template(template: CostShareTemplate) -> None:
    """Refuses a template that could make a funder pay more than the project or the SME a negative
    share, with a message that says what to fix. Called by compute_shares; forms may call it early."""
    funders = template.funders
    if not funders:
        raise FundingInputError(_("분담 기관이 없습니다. 출자 주체를 하나 이상 등록해 주십시오."), "funders")
    unit = template.rounding_unit
    if not _is_int(unit) or not 1 <= unit <= MAX_ROUNDING_UNIT:
        raise FundingInputError(
            _("절사 단위 %(unit)s은(는) 1원에서 %(max)s원 사이의 정수여야 합니다(기본 1,000원).")
            % {"unit": unit, "max": f"{MAX_ROUNDING_UNIT:,}"},
            "rounding_unit",
        )
    seen = set()
    for funder in funders:
        if not isinstance(funder, FunderTerms):
            raise FundingInputError(_("분담 기관 항목의 형식이 올바르지 않습니다."), "funders")
        if not isinstance(funder.role, str) or not funder.role.strip():
            raise FundingInputError(_("출자 주체가 비어 있습니다. 출자 주체를 선택해 주십시오."), "role")
        if funder.role in seen:
            raise FundingInputError(
                _("%(role)s이(가) 두 번 등록되어 있습니다. 출자 주체마다 한 줄만 두십시오.")
                % {"role": _label(funder.role)},
                "role",
            )
        seen.add(funder.role)
        _check_rate(funder, funder.rate, "rate")
        _check_cap(funder, funder.cap, "cap")
        if funder.bonus_rate is not None:
            _check_rate(funder, funder.bonus_rate, "bonus_rate")
        _check_cap(funder, funder.bonus_cap, "bonus_cap")
        if funder.bonus_cap is not None and funder.bonus_rate is None:
            # Otherwise the bonus cap would be silently ignored.
            raise FundingInputError(
                _(
                    "%(role)s에 우대 지역 한도만 있고 우대 지역 비율이 없습니다. 우대 비율을 입력하거나 우대 한도를 비워 주십시오."
                )
                % {"role": _label(funder.role)},
                "bonus_rate",
            )
    total = sum((Fraction(f.rate) for f in funders), Fraction(0))
    if total > 1:
        raise FundingInputError(
            _("분담 비율의 합이 100%%를 넘습니다(%(total)s%%). 비율을 줄여 주십시오.")
            % {"total": _percent(total)},
            "rate",
        )
    bonus_total = sum(
        (Fraction(f.bonus_rate if f.bonus_rate is not None else f.rate) for f in funders), Fraction(0)
    )
    if bonus_total > 1:
        raise FundingInputError(
            _(
                "우대 지역에 적용되는 분담 비율의 합이 100%%를 넘습니다(%(total)s%%). 우대 비율을 줄여 주십시오."
            )
            % {"total": _percent(bonus_total)},
            "bonus_rate",
        )


def _check_total_cost(total_cost) -> None:
    if not _is_int(total_cost):
        if isinstance(total_cost, float | Decimal | Fraction):
            message = _("총 사업비는 원 단위 정수로 입력해 주십시오(소수는 쓸 수 없습니다).")
        else:
            message = _("총 사업비가 숫자가 아닙니다. 원 단위 정수로 입력해 주십시오.")
        raise FundingInputError(message, "total_cost")
    if total_cost < 0:
        raise FundingInputError(
            _("총 사업비는 음수일 수 없습니다. 1원 이상으로 입력해 주십시오."), "total_cost"
        )
    if total_cost == 0:
        raise FundingInputError(_("총 사업비가 0원입니다. 1원 이상으로 입력해 주십시오."), "total_cost")
    if total_cost > MAX_PROJECT_COST:
        raise FundingInputError(
            _("총 사업비 %(cost)s원은 과제 하나의 상한(%(max)s원)을 넘습니다. 자릿수를 확인해 주십시오.")
            % {"cost": f"{total_cost:,}", "max": f"{MAX_PROJECT_COST:,}"},
            "total_cost",
        )


def compute_shares(
    total_cost: int,
    template: CostShareTemplate,
    *,
    region_code: str | None = None,
    consortium_roles: frozenset[str] = frozenset(),
) -> Quote:
    """Each funder pays floor(min(total x rate, cap) / unit) x unit; the SME pays the rest, which is
    never negative because validated rates sum to at most 1."""
    _check_total_cost(total_cost)
    validate_template(template)
    if region_code is not None and not isinstance(region_code, str):
        # An int 47 would silently miss the bonus region "47".
        raise FundingInputError(_('지역 코드 형식이 올바르지 않습니다(예: "47").'), "region_code")
    roles = {f.role for f in template.funders}
    if LARGE_FIRM in roles and LARGE_FIRM not in consortium_roles:
        raise FundingInputError(
            _("상생형 과제는 대기업이 컨소시엄에 참여해야 합니다. 컨소시엄에 대기업을 추가해 주십시오."),
            "consortium",
        )

    unit = template.rounding_unit
    in_bonus_region = region_code is not None and region_code in template.bonus_regions
    lines = []
    for funder in template.funders:
        bonus = in_bonus_region and funder.bonus_rate is not None
        rate = Decimal(funder.bonus_rate if bonus else funder.rate)  # an int 0 or 1 is allowed
        cap = (funder.bonus_cap if funder.bonus_cap is not None else funder.cap) if bonus else funder.cap
        raw = total_cost * Fraction(rate)  # exact: Decimal arithmetic would round past 28 digits
        capped = cap is not None and raw > cap
        bounded = cap if capped else raw
        amount = (bounded // unit) * unit  # Fraction // int floors to an int
        lines.append(
            ShareLine(role=funder.role, rate=rate, cap=cap, amount=int(amount), capped=capped, bonus=bonus)
        )
    sme_share = total_cost - sum(line.amount for line in lines)
    return Quote(total_cost=total_cost, lines=tuple(lines), sme_share=sme_share, rounding_unit=unit)
