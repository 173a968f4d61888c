"""Tenant B's change request for the access walk: one waiting for approval on tenant B's project,
with an evidence file; its reason and values carry the marker text no other tenant may see."""

from django.utils import timezone

from monitoring.models import ChangeRequest


def register(foreign, member_b, project):
    foreign[ChangeRequest] = ChangeRequest.objects.create(
        project=project,
        kind="other",
        path="approval",
        status="submitted",
        values={"description": "외부변경LEAK 예산 항목 조정"},
        reason="외부변경LEAK 사유",
        evidence="projects/leak/evidence/leak.pdf",
        evidence_name="외부변경증빙LEAK.pdf",
        requested_by=member_b,
        requested_at=timezone.now(),
    )


def markers(foreign):
    return [(foreign[ChangeRequest], "외부변경LEAK")]
