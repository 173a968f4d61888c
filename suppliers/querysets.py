"""Who sees which supplier records.

Registered suppliers are the national registry SMEs choose from: any signed-in user reads them.
A profile that is not registered (draft, under review, returned, rejected, suspended) is seen
only by its own members and operator-side staff. `searchable()` is what SME search starts from.
"""

from django.db.models import Q

from organizations.access import principal_for
from organizations.models_roles import Role
from organizations.querysets import ScopedQuerySet

REVIEWER_ROLES = (Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF)


def reviewer_operator_ids(user):
    """Operators whose staff review suppliers: the national agency's admins and staff."""
    from organizations.models import Operator

    ids = principal_for(user).operator_ids_with(*REVIEWER_ROLES)
    if not ids:
        return set()
    cached = getattr(user, "_sfms_reviewer_operator_ids", None)
    if cached is None or cached[0] != ids:  # cached for the request, like the principal
        found = Operator.objects.unrestricted().filter(pk__in=ids, kind=Operator.Kind.NATIONAL_AGENCY)
        cached = (ids, set(found.values_list("pk", flat=True)))
        user._sfms_reviewer_operator_ids = cached
    return set(cached[1])


class TechDomainQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The taxonomy is no secret, but like the registry it serves signed-in users."""
        return self.none() if principal_for(user).is_anonymous else self.all()


class SupplierProfileQuerySet(ScopedQuerySet):
    def searchable(self, today=None):
        """Registered suppliers whose company is not under a participation restriction in force
        today (sanctions): a restricted supplier disappears from search until it ends or is lifted."""
        from django.utils import timezone

        from sanctions.selectors import restricted_company_ids

        restricted = restricted_company_ids(today or timezone.localdate())
        return self.filter(status="registered").exclude(company_id__in=restricted)

    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin or p.is_operator_side:
            return self.all()
        return self.filter(Q(status="registered") | Q(company_id__in=p.company_ids))

    def editable_by(self, user):
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(company_id__in=p.company_ids_with(Role.SUPPLIER_MEMBER))


class OwnedByProfileQuerySet(ScopedQuerySet):
    """Solutions, certifications, cases, documents, assessments and reviews follow their profile."""

    def visible_to(self, user):
        from .models import SupplierProfile

        return self.filter(profile__in=SupplierProfile.objects.visible_to(user))

    def editable_by(self, user):
        from .models import SupplierProfile

        return self.filter(profile__in=SupplierProfile.objects.editable_by(user))


class PrivateToSupplierQuerySet(ScopedQuerySet):
    """Documents (financial statements, staff lists) stay between the supplier and the operators."""

    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin or p.is_operator_side:
            return self.all()
        return self.filter(profile__company_id__in=p.company_ids)

    def editable_by(self, user):
        from .models import SupplierProfile

        return self.filter(profile__in=SupplierProfile.objects.editable_by(user))
