"""Role names, kept apart from models so the access policy can import them without the ORM."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SME_MEMBER = "sme_member", _("도입기업 담당자")
    SUPPLIER_MEMBER = "supplier_member", _("공급기업 담당자")
    LARGE_FIRM_MEMBER = "large_firm_member", _("대기업 담당자")
    OPERATOR_STAFF = "operator_staff", _("운영기관 담당자")
    OPERATOR_ADMIN = "operator_admin", _("운영기관 관리자")
    CENTRE_STAFF = "centre_staff", _("지역센터 담당자")
    EVALUATOR = "evaluator", _("평가위원")
    PLATFORM_ADMIN = "platform_admin", _("플랫폼 관리자")


COMPANY_ROLES = frozenset({Role.SME_MEMBER, Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER})
OPERATOR_ROLES = frozenset({Role.OPERATOR_STAFF, Role.OPERATOR_ADMIN, Role.CENTRE_STAFF})
