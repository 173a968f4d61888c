"""Who sees which projects (issue 7, point 9). Every page, endpoint and task starts here.

- The lead SME's members and the members of its consortium companies (supplier, large firm) see
  their projects.
- Staff (admin, staff) of the operator that runs the call see every project of its calls.
- Regional centre staff see every project located in the regions their centre covers, whoever runs
  the programme.
- Platform admins see everything. Anything else is `.none()`.
"""

from django.db.models import Q

from organizations.access import principal_for
from organizations.models_roles import Role
from organizations.querysets import ScopedQuerySet

CALL_STAFF_ROLES = (Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF)


def project_filter(principal, prefix=""):
    """A Q over Project (through `prefix`) for what this principal may read; None means nothing."""
    from applications.querysets import centre_region_ids

    if principal.is_platform_admin:
        return Q()
    q, granted = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []}), False
    leads = principal.company_ids_with(Role.SME_MEMBER)
    if leads:
        q |= Q(**{f"{prefix}lead_id__in": leads})
        granted = True
    members = principal.company_ids_with(Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER, Role.SME_MEMBER)
    if members:
        q |= Q(
            **{
                f"{prefix}submission__application__members__company_id__in": members,
                f"{prefix}submission__application__members__status": "accepted",
            }
        )
        # A supplier brought in by an approved change request is a party to a later version only.
        from .models import AgreementParty

        parties = AgreementParty.objects.unrestricted().filter(company_id__in=members)
        q |= Q(**{f"{prefix}pk__in": parties.values("agreement__project_id")})
        granted = True
    staff = principal.operator_ids_with(*CALL_STAFF_ROLES)
    if staff:
        q |= Q(**{f"{prefix}call__operator_id__in": staff})
        granted = True
    regions = centre_region_ids(principal)
    if regions:
        q |= Q(**{f"{prefix}region_id__in": regions})
        granted = True
    return q if granted else None


class ProjectQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        q = project_filter(p)
        return self.none() if q is None else self.filter(q).distinct()

    def run_by(self, user):
        """Projects the user manages as staff of the call's operator."""
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(call__operator_id__in=p.operator_ids_with(*CALL_STAFF_ROLES))


class ProjectPartQuerySet(ScopedQuerySet):
    """Rows that hang off a project (directly or through its agreement): visible with the project."""

    def visible_to(self, user):
        from .models import Project

        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        path = "agreement__project" if self.model.__name__ == "AgreementParty" else "project"
        return self.filter(**{f"{path}__in": Project.objects.visible_to(user).values("pk")})
