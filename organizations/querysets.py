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


class OperatorQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        return self.filter(pk__in=p.operator_ids)


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
