"""Who sees which applications: every page, endpoint and task starts here.

- The lead SME's members see and edit their drafts and submissions.
- A consortium member's company (supplier, large firm) sees an application it is invited to or
  part of, from the invitation on; it never edits the plan.
- Staff of the operator that runs the call see applications once they have been submitted (a draft
  is the applicant's own business, even after withdrawal the submitted versions stay visible).
- Regional centre staff see submitted applications from companies in the regions their centre covers.
- Platform admins see everything. Anything else is `.none()`.
"""

from django.db.models import Q

from organizations.access import principal_for
from organizations.models_roles import Role
from organizations.querysets import ScopedQuerySet

CALL_STAFF_ROLES = (Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF)


def centre_region_ids(principal):
    """Region codes covered by the regional centres where this principal is centre staff."""
    from organizations.models import Region

    centres = principal.operator_ids_with(Role.CENTRE_STAFF)
    if not centres:
        return []
    return list(Region.objects.filter(covering_operators__in=centres).values_list("pk", flat=True).distinct())


def application_filter(principal):
    """A Q over Application for what this principal may read; None means nothing."""
    from .models import ConsortiumMember

    if principal.is_platform_admin:
        return Q()
    q = Q(pk__in=[])
    granted = False
    if principal.company_ids_with(Role.SME_MEMBER):
        q |= Q(lead_id__in=principal.company_ids_with(Role.SME_MEMBER))
        granted = True
    member_companies = principal.company_ids_with(
        Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER, Role.SME_MEMBER
    )
    if member_companies:
        q |= Q(
            pk__in=ConsortiumMember.objects.filter(company_id__in=member_companies)
            .exclude(status="removed")
            .values("application_id")
        )
        granted = True
    ever_submitted = Q(current_version__gt=0)
    staff_operators = principal.operator_ids_with(*CALL_STAFF_ROLES)
    if staff_operators:
        q |= ever_submitted & Q(call__operator_id__in=staff_operators)
        granted = True
    regions = centre_region_ids(principal)
    if regions:
        q |= ever_submitted & Q(lead__region_id__in=regions)
        granted = True
    return q if granted else None


class ApplicationQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        q = application_filter(p)
        return self.none() if q is None else self.filter(q)

    def led_by(self, user):
        """Applications this user may edit: those its SME company leads."""
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(lead_id__in=p.company_ids_with(Role.SME_MEMBER))

    def operated_by(self, user):
        """Applications the user handles as call staff (clarifications, overrides, exports)."""
        p = principal_for(user)
        if p.is_platform_admin:
            return self.filter(current_version__gt=0)
        return self.filter(
            current_version__gt=0, call__operator_id__in=p.operator_ids_with(*CALL_STAFF_ROLES)
        )

    def in_centre_regions(self, user):
        """Submitted applications from companies in the regions the user's centres cover."""
        p = principal_for(user)
        if p.is_platform_admin:
            return self.filter(current_version__gt=0)
        return self.filter(current_version__gt=0, lead__region_id__in=centre_region_ids(p))


class _PartQuerySet(ScopedQuerySet):
    application_path = "application"

    def visible_to(self, user):
        from .models import Application

        return self.filter(**{f"{self.application_path}__in": Application.objects.visible_to(user)})


class ApplicationPartQuerySet(_PartQuerySet):
    """Consortium members, KPIs, documents, submissions, clarifications and notes: where the application is."""


class SubmissionPartQuerySet(_PartQuerySet):
    application_path = "submission__application"


class EligibilityPartQuerySet(_PartQuerySet):
    application_path = "run__submission__application"


class ClarificationPartQuerySet(_PartQuerySet):
    application_path = "clarification__application"


class SupportNoteQuerySet(_PartQuerySet):
    """Centre consultation notes are working notes of the public side, not shown to companies."""

    def visible_to(self, user):
        p = principal_for(user)
        if not (p.is_platform_admin or p.is_operator_side):
            return self.none()
        return super().visible_to(user)
