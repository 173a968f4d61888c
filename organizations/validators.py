from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .rules import business_number_problem

BUSINESS_NUMBER_MESSAGES = {
    "required": _("사업자등록번호를 입력해 주십시오."),
    "format": _("사업자등록번호는 숫자 10자리로 입력해 주십시오. 예: 123-45-67890"),
    "component": _("유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주십시오."),
    "checksum": _("유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주십시오."),
}


def validate_business_number(value):
    problem = business_number_problem(value)
    if problem:
        raise ValidationError(BUSINESS_NUMBER_MESSAGES[problem], code=f"business_number_{problem}")
