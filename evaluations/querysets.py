"""Who sees what of an evaluation. Every page, endpoint and task starts here.

- Staff (admin, staff) of the operator that runs the call see and run its whole evaluation.
- An evaluator sees its own profile and committee seats, the stages and rubrics it sits on, and
  its assignments only once it has accepted the seat and signed the confidentiality pledge.
- The lead applicant's members see their decision once it is released to them, the matching notes
  sent to them and their objections; never who reviewed them.
- Platform admins see everything. Anything else is `.none()`.
"""

from django.db.models import Q

from organizations.access import principal_for
from organizations.models_roles import Role
from organizations.querysets import ScopedQuerySet

CALL_STAFF_ROLES = (Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF)


def staff_operator_ids(principal):
    return principal.operator_ids_with(*CALL_STAFF_ROLES)


class _Scoped(ScopedQuerySet):
    """`call_path`: the lookup from this model to the call's operator id."""

    operator_path = ""

    def _staff_q(self, p):
        return Q(**{f"{self.operator_path}__in": staff_operator_ids(p)})

    def _extra_q(self, p):
        return None

    def visible_to(self, user):
        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        if p.is_platform_admin:
            return self.all()
        q = self._staff_q(p) if staff_operator_ids(p) else None
        extra = self._extra_q(p)
        if extra is not None:
            q = extra if q is None else q | extra
        return self.none() if q is None else self.filter(q)

    def run_by(self, user):
        """Rows the user may change as staff of the call's operator."""
        p = principal_for(user)
        if p.is_platform_admin:
            return self.all()
        return self.filter(self._staff_q(p))


class EvaluatorQuerySet(_Scoped):
    operator_path = "operator_id"

    def _extra_q(self, p):
        return Q(user_id=p.user_id) if Role.EVALUATOR in p.roles else None


class PlanQuerySet(_Scoped):
    operator_path = "call__operator_id"

    def _extra_q(self, p):
        if Role.EVALUATOR not in p.roles:
            return None
        return Q(stages__seats__evaluator__user_id=p.user_id)

    def visible_to(self, user):
        return super().visible_to(user).distinct()


class PlanPartQuerySet(_Scoped):
    """Stages, criteria, draws, exclusions, results, cost reviews: staff only, except that a seated
    evaluator reads the stage and its rubric."""

    @property
    def operator_path(self):
        return {
            "Stage": "plan__call__operator_id",
            "TrackExpertise": "track__call__operator_id",
        }.get(self.model.__name__, "stage__plan__call__operator_id")

    def _extra_q(self, p):
        if Role.EVALUATOR not in p.roles:
            return None
        if self.model.__name__ == "Stage":
            return Q(pk__in=_seated_stage_ids(p))
        if self.model.__name__ == "Criterion":
            return Q(stage_id__in=_seated_stage_ids(p))
        return None


def _seated_stage_ids(p):
    from .models import CommitteeSeat

    return CommitteeSeat.objects.filter(evaluator__user_id=p.user_id).values("stage_id")


class SeatQuerySet(_Scoped):
    operator_path = "stage__plan__call__operator_id"

    def _extra_q(self, p):
        return Q(evaluator__user_id=p.user_id) if Role.EVALUATOR in p.roles else None


class AssignmentQuerySet(_Scoped):
    operator_path = "stage__plan__call__operator_id"

    def _extra_q(self, p):
        if Role.EVALUATOR not in p.roles:
            return None
        from .models import CommitteeSeat

        pledged = CommitteeSeat.objects.filter(
            evaluator__user_id=p.user_id, status="accepted", pledge_signed_at__isnull=False
        )
        return (
            Q(evaluator__user_id=p.user_id)
            & ~Q(status="released")
            & Q(stage_id__in=pledged.values("stage_id"))
        )

    def reviewed_by(self, user):
        """The user's own live assignments on pledged seats (what the reviewer works on)."""
        p = principal_for(user)
        q = self._extra_q(p)
        return self.none() if q is None else self.filter(q)


def _lead_q(p, path):
    companies = p.company_ids_with(Role.SME_MEMBER)
    return Q(**{f"{path}__in": companies}) if companies else None


class DecisionQuerySet(_Scoped):
    """Decisions and matching notes. The applicant sees a decision once results are published, and
    every matching note sent to it."""

    @property
    def operator_path(self):
        return (
            "plan__call__operator_id"
            if self.model.__name__ == "Decision"
            else "decision__plan__call__operator_id"
        )

    def _extra_q(self, p):
        if self.model.__name__ == "Decision":
            q = _lead_q(p, "submission__application__lead_id")
            return None if q is None else q & Q(released_at__isnull=False)
        return _lead_q(p, "decision__submission__application__lead_id")


class ObjectionQuerySet(_Scoped):
    operator_path = "decision__plan__call__operator_id"

    def _extra_q(self, p):
        return _lead_q(p, "decision__submission__application__lead_id")


class ReportQuerySet(_Scoped):
    operator_path = "plan__call__operator_id"
