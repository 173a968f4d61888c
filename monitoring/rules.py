"""Pure rules of agreements: how the government share is split into tranches, and what each party
must do. No database here."""

import re
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.errors import DomainError

DEFAULT_ADVANCE_RATE = Decimal("0.7")

OBLIGATIONS = (
    _("도입기업은 협약한 범위와 기간 안에 스마트공장을 구축하고, 정해진 때에 진척 보고서를 제출합니다."),
    _("공급기업은 협약한 시스템을 공급·구축하고, 하자보수 기간 동안 하자를 보수합니다."),
    _("사업비는 협약한 예산 항목대로만 쓰며, 항목을 바꾸려면 변경 신청을 합니다."),
    _("최종 점검에서 성과 지표(KPI)를 측정해 제출하고, 종료 1년 뒤 성과 조사에 응합니다."),
    _("거짓 보고나 무단 중도 포기 시 참여 제한과 지원금 환수 처분을 받을 수 있습니다."),
)


def split_tranches(government_share: int, *, advance_rate=DEFAULT_ADVANCE_RATE, unit: int = 1000):
    """[(kind, amount)]: an advance on signing, rounded down to `unit`, and the balance after the
    final inspection as the residual, so the tranches add up to the share to the won."""
    if not isinstance(government_share, int) or isinstance(government_share, bool) or government_share < 0:
        raise ValueError("government_share must be whole won, not negative")
    rate = Decimal(advance_rate)
    if not Decimal(0) <= rate <= Decimal(1):
        raise ValueError("advance_rate must be between 0 and 1")
    advance = int((Decimal(government_share) * rate / unit).to_integral_value(ROUND_FLOOR)) * unit
    return [("advance", advance), ("balance", government_share - advance)]


# --- change requests (issue 7, point 2) ----------------------------------------------------------
# Which path a change takes, and the shape of its new values. Pure: the database checks (a
# registered supplier, the supplier being replaced) live in monitoring/changes.py.

APPROVAL_KINDS = frozenset({"supplier", "address", "other"})
COMPANY_KINDS = frozenset({"ceo", "bank"})
MAX_EXTENSION_MONTHS = 12
BANK_ACCOUNT_DIGITS = (10, 16)
_ACCOUNT = re.compile(r"^\d+(-\d+)*$")
_POSTCODE = re.compile(r"^\d{5}$")


def change_path(kind, *, current_end=None, new_end=None):
    """'approval' (operator staff approve) or 'company' (the lead records it, in effect at once).

    A supplier change, a factory address change or anything else needs approval; a new CEO or bank
    account is the company's own record; an extension is the company's when the new end date is at
    most one calendar month after the current one (add_months: 1/31 → 2/28 or 2/29), else approval."""
    if kind == "extension":
        if current_end is None or new_end is None:
            raise ValueError("an extension's path needs the current and the new end date")
        return "company" if new_end <= one_month_after(current_end) else "approval"
    if kind in COMPANY_KINDS:
        return "company"
    if kind in APPROVAL_KINDS:
        return "approval"
    raise ValueError(f"unknown change kind {kind!r}")


def one_month_after(day):
    from .services import add_months  # services imports this module

    return add_months(day, 1)


def needs_reacceptance(path):
    """Approved changes alter what the other parties agreed to, so every party accepts the new
    version again; a company's own record (CEO, bank account, a short extension) comes into force
    at once and the other parties are told."""
    return path == "approval"


def _text(values, key, *, label, max_length, missing=None):
    """A trimmed text value; `missing` is the message when it is required and empty."""
    value = values.get(key)
    value = "" if value is None else str(value).strip()
    if missing and not value:
        raise DomainError(missing, f"{key}_required", key)
    if len(value) > max_length:
        raise DomainError(
            gettext("%(label)s은(는) %(max)s자 이내로 입력해 주십시오.")
            % {"label": label, "max": max_length},
            f"{key}_too_long",
            key,
        )
    return value


def clean_change_values(kind, values, *, current_end):
    """The new values of a change of this kind, trimmed and checked, or a DomainError on the field
    (Korean words a person can act on). `values` is a dict from a form or the API."""
    values = values or {}
    if kind == "extension":
        new_end = values.get("ends_on")
        if not isinstance(new_end, date):
            raise DomainError(gettext("새 수행 종료일을 입력해 주십시오."), "ends_on_required", "ends_on")
        if new_end <= current_end:
            raise DomainError(
                gettext("새 수행 종료일은 지금 종료일(%(end)s)보다 뒤여야 합니다.")
                % {"end": current_end.isoformat()},
                "ends_on_not_later",
                "ends_on",
            )
        from .services import add_months

        limit = add_months(current_end, MAX_EXTENSION_MONTHS)
        if new_end > limit:
            raise DomainError(
                gettext("수행 기간은 한 번에 %(months)s개월(%(limit)s)까지 연장할 수 있습니다.")
                % {"months": MAX_EXTENSION_MONTHS, "limit": limit.isoformat()},
                "ends_on_too_late",
                "ends_on",
            )
        return {"ends_on": new_end.isoformat()}
    if kind == "supplier":
        supplier = values.get("supplier")
        if isinstance(supplier, bool) or not isinstance(supplier, int):
            raise DomainError(gettext("새 공급기업을 고르십시오."), "supplier_required", "supplier")
        cleaned = {"supplier": supplier}
        replaces = values.get("replaces")
        if replaces is not None:
            if isinstance(replaces, bool) or not isinstance(replaces, int):
                raise DomainError(gettext("교체할 공급기업을 고르십시오."), "replaces_required", "replaces")
            cleaned["replaces"] = replaces
        return cleaned
    if kind == "address":
        postcode = _text(values, "postcode", label=gettext("우편번호"), max_length=5)
        if postcode and not _POSTCODE.match(postcode):
            raise DomainError(gettext("우편번호는 숫자 5자리로 입력해 주십시오."), "bad_postcode", "postcode")
        return {
            "postcode": postcode,
            "address": _text(
                values,
                "address",
                label=gettext("새 공장 주소"),
                max_length=200,
                missing=gettext("새 공장 주소를 입력해 주십시오."),
            ),
            "address_detail": _text(values, "address_detail", label=gettext("상세주소"), max_length=200),
        }
    if kind == "ceo":
        missing = gettext("새 대표자의 이름을 입력해 주십시오.")
        return {
            "ceo_name": _text(values, "ceo_name", label=gettext("대표자명"), max_length=60, missing=missing)
        }
    if kind == "bank":
        bank = _text(
            values,
            "bank_name",
            label=gettext("은행명"),
            max_length=40,
            missing=gettext("은행명을 입력해 주십시오."),
        )
        number = re.sub(r"\s+", "", str(values.get("account_number") or ""))
        if not number:
            raise DomainError(
                gettext("계좌번호를 입력해 주십시오."), "account_number_required", "account_number"
            )
        digits = number.replace("-", "")
        low, high = BANK_ACCOUNT_DIGITS
        if not _ACCOUNT.match(number) or not low <= len(digits) <= high:
            raise DomainError(
                gettext(
                    "계좌번호는 숫자 %(low)s~%(high)s자리로, 숫자와 붙임표(-)만 써서 입력해 주십시오. 예: 123-456-789012"
                )
                % {"low": low, "high": high},
                "bad_account_number",
                "account_number",
            )
        holder = _text(
            values,
            "account_holder",
            label=gettext("예금주"),
            max_length=60,
            missing=gettext("예금주를 입력해 주십시오."),
        )
        return {"bank_name": bank, "account_number": number, "account_holder": holder}
    if kind == "other":
        missing = gettext("무엇을 어떻게 바꾸려는지 적어 주십시오.")
        return {
            "description": _text(
                values, "description", label=gettext("변경 내용"), max_length=2000, missing=missing
            )
        }
    raise DomainError(gettext("변경 유형을 고르십시오."), "bad_kind", "kind")


def change_summary(kind, values):
    """One line saying what the change is, for lists, the agreement's reason and notifications."""
    if kind == "extension":
        return gettext("수행 종료일 → %(end)s") % {"end": values.get("ends_on", "")}
    if kind == "supplier":
        return gettext("공급기업 → %(name)s") % {"name": values.get("name", "")}
    if kind == "address":
        address = " ".join(v for v in (values.get("address"), values.get("address_detail")) if v)
        return gettext("공장 주소 → %(address)s") % {"address": address}
    if kind == "ceo":
        return gettext("대표자 → %(name)s") % {"name": values.get("ceo_name", "")}
    if kind == "bank":
        return gettext("입금 계좌 → %(bank)s %(number)s (%(holder)s)") % {
            "bank": values.get("bank_name", ""),
            "number": values.get("account_number", ""),
            "holder": values.get("account_holder", ""),
        }
    return str(values.get("description", ""))[:200]
