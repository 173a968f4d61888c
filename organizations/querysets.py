"""Visibility rules for organisations: every view and endpoint starts from `visible_to(user)`.

Anything not explicitly granted is `.none()`. The only escape hatch is `unrestricted()`,
which reviewers can grep for.
"""

from django.db import models
from django.db.models import Q

from .access import principal_for
from .models_roles import Role


class ScopedQuerySet(models.QuerySet):
    def unrestricted(self):
        """Named escape hatch for services, tasks and commands that act for the system itself."""
        return self.all()


# Who records official level assessments, by operator kind: the roles that may, and whether the
# operator must cover the company's region (regions_covered). Plain data, read by one function.
LEVEL_ASSESSORS = {
    "national_agency": ((Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF), False),
    "regional_centre": ((Role.CENTRE_STAFF,), True),
}


class OperatorQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        return self.filter(pk__in=p.operator_ids)

    def assessing_levels_for(self, user, company):
        """The operators on whose behalf `user` may record a level assessment of `company`: a
        national agency where the user is admin or staff; a regional centre covering the company's
        region where the user is centre staff. Platform admins record in no operator's name."""
        p = principal_for(user)
        q = Q(pk__in=[])
        for kind, (roles, by_region) in LEVEL_ASSESSORS.items():
            ids = p.operator_ids_with(*roles)
            if not ids:
                continue
            condition = Q(kind=kind, pk__in=ids)
            if by_region:
                condition &= Q(
                    pk__in=self.model.regions_covered.through.objects.filter(
                        region_id=company.region_id
                    ).values("operator_id")
                )
            q |= condition
        return self.filter(q).order_by("pk")


class CompanyQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Operator-side staff read the national registry; company members read their own company."""
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin or p.is_operator_side:
            return self.all()
        return self.filter(pk__in=p.company_ids)

    def editable_by(self, user):
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(
            pk__in=p.company_ids_with(Role.SME_MEMBER, Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER)
        )


class MembershipQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Your own memberships, plus your colleagues' in the companies and operators you belong to."""
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        return self.filter(
            Q(user_id=p.user_id) | Q(company_id__in=p.company_ids) | Q(operator_id__in=p.operator_ids)
        )


class AuditEventQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Operators read the trail of their tenant's records and of the national registry;
        company members read their own company's registry records."""
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        q = Q(pk__in=[])
        if p.is_operator_side:
            q |= Q(operator_id__in=p.operator_ids) | Q(operator__isnull=True, company__isnull=False)
        if p.company_ids:
            q |= Q(operator__isnull=True, company_id__in=p.company_ids)
        return self.filter(q)

    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class LevelAssessmentQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Like the company they are about: the company's own members, and operator-side staff
        (who read the national registry)."""
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin or p.is_operator_side:
            return self.all()
        return self.filter(company_id__in=p.company_ids)

    def in_force(self):
        """Not withdrawn: the ones the company's level is worked out from."""
        return self.filter(withdrawn_at__isnull=True)

    def latest_first(self):
        return self.order_by("-assessed_on", "-id")

    def with_in_force(self):
        """Annotate `in_force_id`: the id of the assessment the row's company takes its level from
        (its latest one not withdrawn), in the same query."""
        from django.db.models import OuterRef, Subquery

        latest = (
            self.model.objects.unrestricted()
            .filter(company_id=OuterRef("company_id"), withdrawn_at__isnull=True)
            .order_by("-assessed_on", "-id")
            .values("id")[:1]
        )
        return self.annotate(in_force_id=Subquery(latest))
