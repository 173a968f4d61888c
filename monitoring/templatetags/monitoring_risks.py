"""`{% project_risks project %}`: the project page's section with its open risk flags and, for
those who may download it, the link to the project dossier (one line in project_detail.html)."""

from django import template

from monitoring import dossier
from monitoring.models import RiskFlag

register = template.Library()


@register.inclusion_tag("monitoring/_risk_flags.html", takes_context=True)
def project_risks(context, project):
    user = context["request"].user
    flags = list(
        RiskFlag.objects.visible_to(user)
        .filter(project=project, resolved_at__isnull=True)
        .order_by("severity", "kind", "since", "pk")
    )
    return {"project": project, "flags": flags, "may_download": dossier.may_download(user, project)}
