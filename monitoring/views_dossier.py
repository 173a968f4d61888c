"""The project dossier download (a zip for auditors, monitoring/dossier.py) and nothing else."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from applications.documents import zip_response
from organizations.errors import AccessDenied

from . import dossier
from .models import Project
from .views import client_ip


@require_safe
@login_required
def project_dossier(request, pk):
    """Staff of the call, the regional centre of the project's region and platform admins: the
    zip, built now (synchronously); the download is audited. Others who see the project: 403."""
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related("call", "submission"), pk=pk
    )
    try:
        spool, name = dossier.download(request.user, project, ip=client_ip(request))
    except AccessDenied as exc:
        raise PermissionDenied(str(exc.message)) from exc
    return zip_response(spool, name)


project_dossier.sfms_model = Project
