"""Who sees inspections: everyone who sees the project (monitoring.querysets.ProjectPartQuerySet),
and the appointed inspector, who may be an outside expert who sees no project otherwise."""

from django.db.models import Q

from monitoring.querysets import ProjectPartQuerySet
from organizations.access import principal_for


class InspectionPartQuerySet(ProjectPartQuerySet):
    """Final inspections and their checklist items and corrective actions: visible with the project,
    and to the inspector appointed to the inspection."""

    def visible_to(self, user):
        from monitoring.models import Project

        p = principal_for(user)
        if p.is_anonymous:
            return self.none()
        path = "inspector" if self.model.__name__ == "FinalInspection" else "inspection__inspector"
        return self.filter(Q(project__in=Project.objects.visible_to(user).values("pk")) | Q(**{path: user}))


def inspectable_projects(user):
    """Projects the user may open the inspection page of: visible ones, and those whose final
    inspection the user is appointed to."""
    from monitoring.models import Project

    p = principal_for(user)
    if p.is_anonymous:
        return Project.objects.none()
    appointed = Project.objects.unrestricted().filter(final_inspections__inspector=user).values("pk")
    visible = Project.objects.visible_to(user).values("pk")
    return Project.objects.unrestricted().filter(Q(pk__in=visible) | Q(pk__in=appointed))
