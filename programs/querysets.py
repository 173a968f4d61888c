"""Who sees which programmes and calls: every page, endpoint and task starts here.

Published calls (anything past draft) are public announcements; drafts and the programme
records behind them belong to the owning operator. Saved searches, watches and
self-diagnoses belong to their user or company.
"""

from django.db.models import Q

from organizations.access import principal_for
from organizations.models_roles import Role
from organizations.querysets import ScopedQuerySet

CALL_EDITOR_ROLES = (Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF)


def editor_operator_ids(user):
    """Operators whose calls this user may create and change."""
    return principal_for(user).operator_ids_with(*CALL_EDITOR_ROLES)


class ProgrammeQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(Q(operator_id__in=p.operator_ids) | Q(calls__status__in=PUBLIC_STATES)).distinct()

    def editable_by(self, user):
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(operator_id__in=editor_operator_ids(user))


PUBLIC_STATES = ("published", "open", "closed", "evaluating", "concluded", "cancelled")


class CallQuerySet(ScopedQuerySet):
    def public(self):
        """Announcements anyone may read, signed in or not."""
        return self.filter(status__in=PUBLIC_STATES)

    def visible_to(self, user):
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(Q(status__in=PUBLIC_STATES) | Q(operator_id__in=p.operator_ids))

    def editable_by(self, user):
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(operator_id__in=editor_operator_ids(user))

    def accepting(self, now):
        return self.filter(status="open", opens_at__lte=now, closes_at__gt=now)


class OwnedByCallQuerySet(ScopedQuerySet):
    """Parts of a call (tracks, funders, documents, rules) are visible wherever the call is."""

    call_path = "call"

    def visible_to(self, user):
        from .models import Call

        return self.filter(**{f"{self.call_path}__in": Call.objects.visible_to(user)})

    def editable_by(self, user):
        from .models import Call

        return self.filter(**{f"{self.call_path}__in": Call.objects.editable_by(user)})


class FunderQuerySet(OwnedByCallQuerySet):
    call_path = "track__call"


class FundingQuoteQuerySet(ScopedQuerySet):
    """A stored quote is the company's and the call owner's business, nobody else's."""

    call_path = "track__call"

    def visible_to(self, user):
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(
            Q(**{f"{self.call_path}__operator_id__in": p.operator_ids})
            | Q(**{f"{self.company_path}_id__in": p.company_ids})
        )

    company_path = "company"


class FundingQuoteRevisionQuerySet(FundingQuoteQuerySet):
    call_path = "quote__track__call"
    company_path = "quote__company"


class UserOwnedQuerySet(ScopedQuerySet):
    """Saved searches and watches are the user's own."""

    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        return self.filter(user_id=p.user_id)


class SelfDiagnosisQuerySet(ScopedQuerySet):
    """The company's members read its diagnoses; operator staff read them to advise (they are
    the unofficial counterpart of an official assessment)."""

    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin or p.is_operator_side:
            return self.all()
        return self.filter(company_id__in=p.company_ids)
