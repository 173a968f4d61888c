"""The path a change request takes (monitoring.rules.change_path), every kind and the exact
one-month boundary of an extension, and the shape checks of each kind's new values."""

import datetime

import pytest

from monitoring import rules
from monitoring.models import ChangeKind
from organizations.errors import DomainError

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("supplier", "approval"),
        ("address", "approval"),
        ("other", "approval"),
        ("ceo", "company"),
        ("bank", "company"),
    ],
)
def test_each_kind_has_its_path(kind, path):
    assert rules.change_path(kind) == path


def test_every_kind_is_decided():
    for kind in ChangeKind.values:
        extra = {"current_end": D(2027, 6, 30), "new_end": D(2027, 7, 1)} if kind == "extension" else {}
        assert rules.change_path(kind, **extra) in ("approval", "company")


@pytest.mark.parametrize(
    ("end", "new_end", "path"),
    [
        (D(2027, 6, 30), D(2027, 7, 1), "company"),  # a day
        (D(2027, 6, 30), D(2027, 7, 30), "company"),  # exactly one calendar month
        (D(2027, 6, 30), D(2027, 7, 31), "approval"),  # one day over
        (D(2027, 1, 31), D(2027, 2, 28), "company"),  # month end: add_months clamps to Feb 28
        (D(2027, 1, 31), D(2027, 3, 1), "approval"),
        (D(2028, 1, 31), D(2028, 2, 29), "company"),  # leap year
        (D(2028, 1, 31), D(2028, 3, 1), "approval"),
        (D(2027, 12, 15), D(2028, 1, 15), "company"),  # across the year
        (D(2027, 12, 15), D(2028, 1, 16), "approval"),
        (D(2027, 6, 30), D(2027, 12, 31), "approval"),
    ],
)
def test_extension_path_at_the_one_month_boundary(end, new_end, path):
    assert rules.change_path("extension", current_end=end, new_end=new_end) == path


def test_unknown_kind_and_missing_dates_are_programming_errors():
    with pytest.raises(ValueError):
        rules.change_path("bogus")
    with pytest.raises(ValueError):
        rules.change_path("extension", current_end=D(2027, 6, 30))


def test_only_approved_changes_need_reacceptance():
    assert rules.needs_reacceptance("approval") is True
    assert rules.needs_reacceptance("company") is False


END = D(2027, 6, 30)


def _refused(kind, values, field, message, end=END):
    with pytest.raises(DomainError) as info:
        rules.clean_change_values(kind, values, current_end=end)
    assert info.value.field == field
    assert str(info.value.message) == message


def test_extension_must_be_later_and_within_twelve_months():
    _refused("extension", {}, "ends_on", "새 수행 종료일을 입력해 주십시오.")
    _refused(
        "extension",
        {"ends_on": D(2027, 6, 30)},
        "ends_on",
        "새 수행 종료일은 지금 종료일(2027-06-30)보다 뒤여야 합니다.",
    )
    _refused(
        "extension",
        {"ends_on": D(2028, 7, 1)},
        "ends_on",
        "수행 기간은 한 번에 12개월(2028-06-30)까지 연장할 수 있습니다.",
    )
    clean = rules.clean_change_values("extension", {"ends_on": D(2028, 6, 30)}, current_end=D(2027, 6, 30))
    assert clean == {"ends_on": "2028-06-30"}


@pytest.mark.parametrize(
    "number",
    ["123-456-7890", "1234567890123456", "110-123-456789", " 110 123 456789 "],
)
def test_bank_accounts_accepted(number):
    clean = rules.clean_change_values(
        "bank",
        {"bank_name": " 국민은행 ", "account_number": number, "account_holder": "한빛정밀(주)"},
        current_end=D(2027, 6, 30),
    )
    assert clean["bank_name"] == "국민은행"
    assert clean["account_number"] == number.replace(" ", "")


@pytest.mark.parametrize(
    "number", ["123-456", "12345678901234567", "123--456-7890", "abc-1234567890", "-1234567890"]
)
def test_bad_bank_account_numbers(number):
    _refused(
        "bank",
        {"bank_name": "국민은행", "account_number": number, "account_holder": "한빛"},
        "account_number",
        "계좌번호는 숫자 10~16자리로, 숫자와 붙임표(-)만 써서 입력해 주십시오. 예: 123-456-789012",
    )


def test_bank_needs_bank_and_holder():
    _refused(
        "bank",
        {"account_number": "123-456-7890", "account_holder": "한빛"},
        "bank_name",
        "은행명을 입력해 주십시오.",
    )
    _refused(
        "bank",
        {"bank_name": "국민은행", "account_holder": "한빛"},
        "account_number",
        "계좌번호를 입력해 주십시오.",
    )
    _refused(
        "bank",
        {"bank_name": "국민은행", "account_number": "123-456-7890"},
        "account_holder",
        "예금주를 입력해 주십시오.",
    )


def test_ceo_address_other_and_supplier_shapes():
    _refused("ceo", {"ceo_name": "   "}, "ceo_name", "새 대표자의 이름을 입력해 주십시오.")
    _refused("ceo", {"ceo_name": "가" * 61}, "ceo_name", "대표자명은(는) 60자 이내로 입력해 주십시오.")
    assert rules.clean_change_values("ceo", {"ceo_name": " 박대표 "}, current_end=D(2027, 1, 1)) == {
        "ceo_name": "박대표"
    }
    _refused("address", {"address": ""}, "address", "새 공장 주소를 입력해 주십시오.")
    _refused(
        "address",
        {"address": "경기도", "postcode": "1234"},
        "postcode",
        "우편번호는 숫자 5자리로 입력해 주십시오.",
    )
    _refused("other", {}, "description", "무엇을 어떻게 바꾸려는지 적어 주십시오.")
    _refused("supplier", {}, "supplier", "새 공급기업을 고르십시오.")
    _refused("supplier", {"supplier": True}, "supplier", "새 공급기업을 고르십시오.")
    _refused("bogus", {}, "kind", "변경 유형을 고르십시오.")
    assert rules.clean_change_values("supplier", {"supplier": 7}, current_end=D(2027, 1, 1)) == {
        "supplier": 7
    }


def test_summaries():
    assert rules.change_summary("extension", {"ends_on": "2027-08-31"}) == "수행 종료일 → 2027-08-31"
    assert rules.change_summary("ceo", {"ceo_name": "박대표"}) == "대표자 → 박대표"
    assert "123-456-7890" in rules.change_summary(
        "bank", {"bank_name": "국민은행", "account_number": "123-456-7890", "account_holder": "한빛"}
    )
