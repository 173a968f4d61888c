"""Who reads what after the project.

Defect repairs and maintenance contracts are read with the project (monitoring's
`ProjectPartQuerySet`). Unfair-practice reports are confidential and have their own rule: the
members of the reporting company (in any company role) and the staff of the operator running the
call read them, and platform admins. Not the reported company, not the other consortium members,
not the regional centre that otherwise sees every project of its region.
"""

from django.db.models import Q

from monitoring.querysets import CALL_STAFF_ROLES
from organizations.access import principal_for
from organizations.models_roles import Role
from organizations.querysets import ScopedQuerySet

COMPANY_ROLES = (Role.SME_MEMBER, Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER)


class UnfairPracticeReportQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        companies = p.company_ids_with(*COMPANY_ROLES)
        operators = p.operator_ids_with(*CALL_STAFF_ROLES)
        if not companies and not operators:
            return self.none()
        return self.filter(Q(reporter_company_id__in=companies) | Q(project__call__operator_id__in=operators))

    def handled_by(self, user):
        """Reports the user may handle: staff of the operator running the call (or platform admin)."""
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(project__call__operator_id__in=p.operator_ids_with(*CALL_STAFF_ROLES))
