"""Who reads sanctions.

- A restriction: staff (admin, staff) of the operator that imposed it, every member of the
  restricted company, platform admins. Other tenants' staff never read the record (its reason is
  confidential); they only meet its effect (eligibility fails, the supplier leaves search).
- A repayment order and its repayments: the project's lead company (its SME members) and staff of
  the operator running the project's call, platform admins.
- An abandonment record: whoever sees the project.
"""

from django.db.models import Q

from monitoring.querysets import CALL_STAFF_ROLES, ProjectPartQuerySet
from organizations.access import principal_for
from organizations.models_roles import Role
from organizations.querysets import ScopedQuerySet

AbandonmentQuerySet = ProjectPartQuerySet


class RestrictionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        return self.filter(
            Q(operator_id__in=p.operator_ids_with(*CALL_STAFF_ROLES)) | Q(company_id__in=p.company_ids)
        )

    def imposed_by(self, user):
        """Restrictions the user manages as staff of the imposing operator."""
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(operator_id__in=p.operator_ids_with(*CALL_STAFF_ROLES))

    def active_on(self, day):
        """In force on `day` (see rules.restriction_in_force): started, not ended, not yet lifted."""
        return self.filter(starts_on__lte=day, ends_on__gte=day).filter(
            Q(lifted_on__isnull=True) | Q(lifted_on__gt=day)
        )


class RepaymentOrderQuerySet(ScopedQuerySet):
    def visible_to(self, user, prefix="project__"):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        return self.filter(
            Q(**{f"{prefix}lead_id__in": p.company_ids_with(Role.SME_MEMBER)})
            | Q(**{f"{prefix}call__operator_id__in": p.operator_ids_with(*CALL_STAFF_ROLES)})
        )

    def run_by(self, user):
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(project__call__operator_id__in=p.operator_ids_with(*CALL_STAFF_ROLES))


class RepaymentQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return RepaymentOrderQuerySet.visible_to(self, user, prefix="order__project__")
